"""Ray Serve with two replicas answers exactly as uvicorn does, and survives a replica's death.

One settings object (API key, small limits, the Docker sandbox) serves both ways: through
``reward_server.ray.serve.deploy`` on a real local Ray cluster, and through uvicorn.  The
same requests, good and bad, must give the same status, body and headers; the only
difference allowed is measured time and memory of sandbox runs.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import docker
import httpx
import pytest

from reward_server.config import Settings
from reward_server.ray.options import ServeOptions
from sandbox.docker import LABEL_OWNER
from sandbox.images.build import DEFAULT_TAG, ensure_image
from tests.support.live_server import live_server
from tests.support.server_process import free_port
from trainer_client import RewardClient
from trainer_client.retry import RetryPolicy

pytestmark = [pytest.mark.ray, pytest.mark.docker, pytest.mark.slow]

KEY = "test-key-" + uuid.uuid4().hex[:8]
OWNER = f"test-ray-serve-{uuid.uuid4().hex[:8]}"
AUTH = {"authorization": f"Bearer {KEY}"}
APP = "reward-test"
#: Measured per run, so they differ between any two runs of the same program.
MEASURED = {"time_s", "cpu_s", "memory_mb"}


def _settings() -> Settings:
    return Settings(
        workers=1,
        api_key=KEY,
        max_items=8,
        max_body_bytes=64 * 1024,
        item_deadline_s=5.0,
        sandbox={"pool_size": 1, "owner": OWNER},
    )


def _wait_ready(url: str, times: int = 1, timeout: float = 240.0) -> None:
    """Until ``/readyz`` answers 200 ``times`` in a row (each may reach another replica)."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < times:
        try:
            ok = httpx.get(f"{url}/readyz", timeout=10).status_code == 200
        except httpx.HTTPError:
            ok = False
        streak = streak + 1 if ok else 0
        assert time.monotonic() < deadline, f"{url} not ready"
        if not ok:
            time.sleep(0.3)


@pytest.fixture(scope="module")
def servers(ray_cluster: str) -> Iterator[tuple[str, str]]:
    """(Serve URL, uvicorn URL), both ready; no sandbox container is left afterwards."""
    from ray import serve

    from reward_server.ray.serve import deploy

    ensure_image(DEFAULT_TAG)
    settings = _settings()
    options = ServeOptions(replicas=2, app_name=APP, max_queued_requests=64, retry_after_s=1)
    serve_url = deploy(settings, options, host="127.0.0.1", port=free_port())
    try:
        with live_server(settings) as uvicorn_url:
            _wait_ready(serve_url, times=8)
            _wait_ready(uvicorn_url)
            yield serve_url, uvicorn_url
    finally:
        serve.delete(APP)
        _remove_containers()


def _remove_containers(grace_s: float = 30.0) -> None:
    """Stopped replicas remove their containers; a killed one's end by themselves."""
    client = docker.from_env()
    deadline = time.monotonic() + grace_s
    label = {"label": f"{LABEL_OWNER}={OWNER}"}
    while client.containers.list(filters=label) and time.monotonic() < deadline:
        time.sleep(0.5)
    running = client.containers.list(filters=label)
    for container in client.containers.list(all=True, filters=label):
        container.remove(force=True)
    assert running == [], f"containers still running: {[c.name for c in running]}"


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<measured>" if k in MEASURED else _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _fenced(source: str, lang: str = "python") -> str:
    return f"<think>A program.</think>\n```{lang}\n{source}\n```"


def _math(i: int, right: bool) -> dict[str, Any]:
    answer = str(i * 3) if right else str(i * 3 + 1)
    return {
        "id": f"m{i}",
        "task": "math",
        "answer": str(i * 3),
        "completion": f"<think>Three times {i} is what we need.</think> $\\boxed{{{answer}}}$",
    }


ADD = "a, b = map(int, input().split())\nprint(a + b)"
SUM_TESTS = [{"input": "2 3\n", "output": "5\n"}, {"input": "10 -4\n", "output": "6"}]

#: (name, method, path, JSON body or raw bytes, extra headers)
CASES: list[tuple[str, str, str, Any, dict[str, str]]] = [
    ("healthz", "GET", "/healthz", None, {}),
    ("openapi", "GET", "/openapi.json", None, {}),
    ("docs page", "GET", "/docs", None, {}),
    ("readyz", "GET", "/readyz", None, {}),
    ("verifiers", "GET", "/v1/verifiers", None, AUTH),
    (
        "math group with advantages",
        "POST",
        "/v1/score",
        {"items": [_math(i, i % 3 != 0) for i in range(8)], "group_size": 4},
        AUTH,
    ),
    (
        "format, language and a preset",
        "POST",
        "/v1/score",
        {
            "preset": "r1-zero",
            "items": [
                {"completion": "<think>plain reasoning</think> done"},
                {"completion": "no tags at all"},
                {
                    "completion": "<think>Ich denke nach, und das ist klar.</think> Fertig.",
                    "target_lang": "de",
                },
                {
                    "completion": "<think>Ich denke, but this is English.</think> ok",
                    "target_lang": "de",
                },
            ],
        },
        AUTH,
    ),
    (
        "code items in the sandbox",
        "POST",
        "/v1/score",
        {
            "items": [
                {
                    "id": "right",
                    "task": "code",
                    "completion": _fenced(ADD),
                    "code": {"tests": SUM_TESTS},
                },
                {
                    "id": "half",
                    "task": "code",
                    "completion": _fenced("print(5)"),
                    "code": {"tests": SUM_TESTS},
                },
                {
                    "id": "loop",
                    "task": "code",
                    "completion": _fenced("while True:\n    pass"),
                    "code": {"tests": [{"input": "", "output": "x"}], "time_limit_s": 0.5},
                },
                {
                    "id": "cpp-broken",
                    "task": "code",
                    "completion": _fenced("int main( {", "cpp"),
                    "code": {"language": "cpp", "tests": [{"input": "", "output": "1"}]},
                },
                {
                    "id": "none",
                    "task": "code",
                    "completion": "<think>no</think> none",
                    "code": {"tests": SUM_TESTS},
                },
            ]
        },
        AUTH,
    ),
    ("run a program", "POST", "/v1/run", {"source": "print(input()[::-1])", "stdin": "abc"}, AUTH),
    (
        "openrlhf",
        "POST",
        "/v1/openrlhf",
        {"query": ["<think>so</think> $\\boxed{4}$", "<think>so</think> 5"], "labels": ["4", "4"]},
        AUTH,
    ),
    ("no key: 401", "POST", "/v1/score", {"items": []}, {}),
    ("wrong key: 401", "GET", "/v1/verifiers", None, {"authorization": "Bearer nope"}),
    (
        "not JSON: 422",
        "POST",
        "/v1/score",
        b"{not json",
        {**AUTH, "content-type": "application/json"},
    ),
    ("missing completion: 422", "POST", "/v1/score", {"items": [{"task": "math"}]}, AUTH),
    (
        "unknown preset: 422",
        "POST",
        "/v1/score",
        {"items": [_math(1, True)], "preset": "nope"},
        AUTH,
    ),
    (
        "unknown task: 422",
        "POST",
        "/v1/score",
        {"items": [{"completion": "x", "task": "poetry"}]},
        AUTH,
    ),
    (
        "not whole groups: 422",
        "POST",
        "/v1/score",
        {"items": [_math(i, True) for i in range(3)], "group_size": 2},
        AUTH,
    ),
    (
        "too many items: 413",
        "POST",
        "/v1/score",
        {"items": [_math(i, True) for i in range(9)]},
        AUTH,
    ),
    (
        "body over the limit: 413",
        "POST",
        "/v1/score",
        {"items": [{"completion": "x" * 70_000}]},
        AUTH,
    ),
    ("program over the limit: 413", "POST", "/v1/run", {"source": "#" * 300_000}, AUTH),
    ("unknown route: 404", "GET", "/v2/nothing", None, AUTH),
    ("wrong method: 405", "GET", "/v1/score", None, AUTH),
]


def _exchange(base: str, case: tuple[str, str, str, Any, dict[str, str]]) -> dict[str, Any]:
    _, method, path, body, headers = case
    rid = uuid.uuid4().hex
    kwargs: dict[str, Any] = {"headers": {**headers, "x-request-id": rid}, "timeout": 120}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    r = httpx.request(method, base + path, **kwargs)
    try:
        payload: Any = r.json()
    except ValueError:
        payload = r.text
    assert r.headers.get_list("x-request-id") == [rid], r.headers.multi_items()
    return {
        "status": r.status_code,
        "body": _normalise(payload),
        "content-type": r.headers.get("content-type"),
        "retry-after": r.headers.get("retry-after"),
        "allow": r.headers.get("allow"),
    }


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_serve_answers_as_uvicorn_does(servers: tuple[str, str], case: Any) -> None:
    serve_url, uvicorn_url = servers
    through_serve = _exchange(serve_url, case)
    through_uvicorn = _exchange(uvicorn_url, case)
    assert through_serve == through_uvicorn


def test_cases_cover_what_they_claim(servers: tuple[str, str]) -> None:
    """The comparison above is only worth something if the answers are the real ones."""
    serve_url, _ = servers
    by_name = {c[0]: c for c in CASES}
    code = _exchange(serve_url, by_name["code items in the sandbox"])
    assert code["status"] == 200
    results = {r["id"]: r for r in code["body"]["results"]}
    assert results["right"]["reward"] == 2.0 and results["half"]["scores"]["accuracy"] == 0.5
    assert results["loop"]["details"]["accuracy"]["tests"][0]["verdict"] == "time_limit"
    assert results["cpp-broken"]["scores"]["accuracy"] == 0.0
    group = _exchange(serve_url, by_name["math group with advantages"])["body"]
    assert [r["scores"]["accuracy"] for r in group["results"]] == [
        float(i % 3 != 0) for i in range(8)
    ]
    assert len(group["advantages"]) == 8
    for name, status in [
        ("no key: 401", 401),
        ("not JSON: 422", 422),
        ("too many items: 413", 413),
        ("body over the limit: 413", 413),
        ("unknown route: 404", 404),
    ]:
        answer = _exchange(serve_url, by_name[name])
        assert answer["status"] == status and "error" in answer["body"], (name, answer)
    run = _exchange(serve_url, by_name["run a program"])["body"]
    assert run["stdout"].strip() == "cba"


# -- a replica dies under load ---------------------------------------------------------------


def _replica_names() -> set[str]:
    import ray

    return {
        a["name"]
        for a in ray.util.list_named_actors(all_namespaces=True)
        if a["name"].startswith("SERVE_REPLICA::") and f"{APP}#" in a["name"]
    }


def _running_replicas() -> int:
    from ray import serve

    app = serve.status().applications[APP]
    deployment = next(iter(app.deployments.values()))
    return int(deployment.replica_states.get("RUNNING", 0))


class _Recording(httpx.HTTPTransport):
    """Notes every answer that is not a 200 (and every failed connection)."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = super().handle_request(request)
        except httpx.TransportError as exc:
            self.failures.append(type(exc).__name__)
            raise
        if response.status_code != 200:
            self.failures.append(f"{response.status_code} {response.headers.get('retry-after')}")
        return response


def test_killing_a_replica_loses_no_request(servers: tuple[str, str]) -> None:
    """Groups keep coming from 8 threads; one replica is killed once a few are done."""
    import ray

    serve_url, _ = servers
    before = _replica_names()
    assert len(before) == 2
    n_groups = 240
    groups = [[_math(g * 8 + i, (g + i) % 2 == 0) for i in range(8)] for g in range(n_groups)]
    expected = [[2.0 if (g + i) % 2 == 0 else 1.0 for i in range(8)] for g in range(n_groups)]
    answers: dict[int, list[Any]] = {}
    todo = list(range(n_groups))
    lock = threading.Lock()
    transport = _Recording()
    client = RewardClient(
        serve_url,
        api_key=KEY,
        max_concurrency=8,
        raise_on_failure=True,
        retry=RetryPolicy(retries=10, backoff_base_s=0.2, backoff_max_s=2.0),
        transport=transport,
    )

    def load() -> None:
        while True:
            with lock:
                if not todo:
                    return
                g = todo.pop(0)
            results = client.score(groups[g])
            with lock:
                answers[g] = results

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    while len(answers) < 20:
        time.sleep(0.01)
    victim = sorted(before)[0]
    ray.kill(ray.get_actor(victim, namespace="serve"), no_restart=True)
    done_at_kill = len(answers)
    for t in threads:
        t.join(timeout=600)
    client.close()
    assert done_at_kill < n_groups // 2, "the load was over before the replica died"
    # The killed replica's requests failed (Serve: 500) and the client sent them again.
    assert transport.failures, "no request was in flight on the killed replica"
    assert {f.split()[0] for f in transport.failures} <= {"500", "502", "503"}, transport.failures
    rewards = [[r.reward for r in answers[g]] for g in range(n_groups)]
    statuses = {r.status for results in answers.values() for r in results}
    assert statuses == {"ok"}
    assert rewards == expected  # every reward is the real one, none a silent 0.0

    deadline = time.monotonic() + 120
    while True:
        names = _replica_names()
        if len(names) == 2 and victim not in names and _running_replicas() == 2:
            break
        assert time.monotonic() < deadline, f"the killed replica did not come back: {names}"
        time.sleep(0.5)
    _wait_ready(serve_url, times=8)


def test_full_replicas_refuse_with_retry_after_and_the_client_waits(
    servers: tuple[str, str],
) -> None:
    """One replica taking one request and queueing one: Serve refuses the rest (503,
    Retry-After), and RewardClient, honouring it, still gets every answer."""
    from reward_server.ray.serve import deploy

    serve_url, _ = servers
    port = int(serve_url.rsplit(":", 1)[1])
    tight = ServeOptions(
        replicas=1, app_name=APP, max_ongoing_requests=1, max_queued_requests=1, retry_after_s=1
    )
    deploy(_settings(), tight, host="127.0.0.1", port=port)
    _wait_ready(serve_url, times=3)
    slow = "import time\ntime.sleep(1)\na, b = map(int, input().split())\nprint(a + b)"
    item = {"task": "code", "completion": _fenced(slow), "code": {"tests": SUM_TESTS[:1]}}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{serve_url}/v1/score", json={"items": [item]}, headers=AUTH, timeout=60)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    refused = [r for r in answers if r.status_code != 200]
    assert refused, [r.status_code for r in answers]
    assert {(r.status_code, r.headers.get("retry-after")) for r in refused} == {(503, "1")}
    assert all(len(r.headers.get_list("x-request-id")) == 1 for r in answers)

    with RewardClient(
        serve_url, api_key=KEY, max_concurrency=6, retry=RetryPolicy(retries=20)
    ) as client:
        results = client.score_groups([[item]] * 6)
    assert [r.reward for group in results for r in group] == [2.0] * 6
