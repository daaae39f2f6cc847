"""Metrics, authentication, logs, connection limits and the OpenRLHF failure policy."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from reward_server.config import Settings
from reward_server.metrics import Metrics
from reward_server.schemas import ScoreResult
from reward_server.verifiers import default_verifiers
from reward_server.verifiers.outcome import Outcome
from tests.support.fault_verifiers import crash_on_marker
from tests.support.live_server import live_server, running_server
from tests.support.server_process import ServerProcess, free_port

GOOD = "<think>Two plus two is four.</think> The answer is \\boxed{4}."
MATH = {"completion": GOOD, "task": "math", "answer": "4", "target_lang": "en"}

#: The names the issue promises dashboards.
PROMISED = [
    "reward_items_total",
    "reward_verify_seconds",
    "reward_request_seconds",
    "reward_component_value",
    "reward_inflight_items",
    "reward_queued_items",
    "reward_workers",
    "reward_sandbox_containers",
    "reward_code_verdicts",
    "reward_worker_restarts_total",
    "reward_worker_deadline_kills_total",
    "reward_sandbox_recycled_total",
    "reward_sandbox_start_failures_total",
    "reward_sandbox_engine_errors_total",
]


def sample(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not exported")


def test_metrics_count_items_components_and_latency():
    with running_server(Settings(workers=2, sandbox={"enabled": False})) as live:
        body = {"items": [MATH, dict(MATH, answer="5"), {"completion": "no tags"}]}
        assert httpx.post(f"{live.url}/v1/score", json=body, timeout=60).status_code == 200
        text = httpx.get(f"{live.url}/metrics").text
        for name in PROMISED:
            assert f"# TYPE {name.removesuffix('_total')}" in text, name
        assert sample(text, 'reward_items_total{component="reward",status="ok"}') == 3
        assert sample(text, 'reward_items_total{component="accuracy",status="ok"}') == 2
        assert sample(text, 'reward_items_total{component="language",status="ok"}') == 2
        assert sample(text, 'reward_component_value_count{component="accuracy"}') == 2
        assert sample(text, 'reward_component_value_sum{component="accuracy"}') == 1.0
        assert sample(text, 'reward_component_value_sum{component="reward"}') == 3.0 + 2.0 + 0.0
        assert sample(text, 'reward_verify_seconds_count{component="language"}') == 2
        assert sample(text, 'reward_request_seconds_count{route="/v1/score"}') == 1
        assert sample(text, 'reward_workers{state="total"}') == 2
        assert sample(text, "reward_inflight_items") == 0
        assert sample(text, 'reward_sandbox_containers{state="total"}') == 0


def test_code_verdicts_are_counted_by_language_and_verdict():
    metrics = Metrics()
    tests = [{"verdict": "accepted"}, {"verdict": "wrong_answer"}, {"verdict": "accepted"}]
    code = Outcome.ok(2 / 3, language="python", tests=tests, passed=2, total=3)
    metrics.observe_item(ScoreResult(reward=2 / 3), {"accuracy": code})
    text = metrics.render().decode()
    assert sample(text, 'reward_code_verdicts_total{language="python",verdict="accepted"}') == 2
    assert sample(text, 'reward_code_verdicts_total{language="python",verdict="wrong_answer"}') == 1


def test_api_key_guards_v1_and_metrics_and_is_checked_before_the_body():
    settings = Settings(workers=1, api_key="s3cret", sandbox={"enabled": False})
    with live_server(settings) as url:
        auth = {"authorization": "Bearer s3cret"}
        assert httpx.get(f"{url}/metrics").status_code == 401
        assert httpx.get(f"{url}/metrics", headers=auth).status_code == 200
        assert httpx.get(f"{url}/healthz").status_code == 200
        r = httpx.post(f"{url}/v1/score", json={"items": []})
        assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized"
        # Headers announce 30 MB; 1 KB is sent: the 401 comes without waiting for the rest.
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/score HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                b"content-length: 30000000\r\n\r\n" + b"{" * 1024
            )
            answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:100]


def test_metrics_on_a_port_of_their_own():
    port = free_port()
    settings = Settings(workers=1, api_key="k", metrics_port=port, sandbox={"enabled": False})
    with live_server(settings) as url:
        assert httpx.get(f"{url}/metrics", headers={"authorization": "Bearer k"}).status_code == 404
        text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert "reward_workers" in text


def test_json_logs_one_line_per_request_and_worker_restarts():
    # The worker pool checks deadlines every 0.1 s, so the item must work far longer than
    # that, not just longer than the deadline: the 540,000-word CoT takes about 2 s here
    # (27,000 words took 85 ms and, on a busy machine, once finished before the check).
    env = {
        "REWARD_LOG_FORMAT": "json",
        "REWARD_ITEM_DEADLINE_S": "0.001",
        "REWARD_MAX_COMPLETION_CHARS": "3000000",
    }
    long_cot = "<think>" + "Let me think about this problem step by step. " * 60000 + "</think> 4"
    with ServerProcess(workers=1, extra_env=env, log_level="info") as server:
        rid = "trace-me-1"
        items = [{"completion": GOOD}, {"completion": long_cot, "target_lang": "en"}]
        r = httpx.post(
            f"{server.url}/v1/score",
            json={"items": items},
            headers={"x-request-id": rid},
            timeout=60,
        )
        assert [x["status"] for x in r.json()["results"]] == ["ok", "timeout"]
        httpx.post(f"{server.url}/v1/score", content=b"{", timeout=30)
        time.sleep(0.5)
        lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line]
    requests = [e for e in lines if e["logger"] == "reward_server.access"]
    mine = [e for e in requests if e.get("request_id") == rid]
    assert len(mine) == 1
    entry = mine[0]
    assert (entry["method"], entry["route"], entry["status"]) == ("POST", "/v1/score", 200)
    assert entry["items"] == 2 and entry["statuses"] == {"ok": 1, "timeout": 1}
    assert isinstance(entry["duration_ms"], float)
    assert [e["status"] for e in requests if e.get("request_id") != rid] == [422]
    restarts = [e for e in lines if e["logger"] == "reward_server.workers"]
    assert restarts and restarts[0]["level"] == "warning"
    assert "deadline" in restarts[0]["msg"]


def _raw(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def test_half_sent_headers_and_trickled_bodies_are_cut_off():
    settings = Settings(workers=1, header_timeout_s=1, body_timeout_s=1, sandbox={"enabled": False})
    with live_server(settings) as url:
        idle, half, slow = _raw(url), _raw(url), _raw(url)
        half.sendall(b"POST /v1/score HTTP/1.1\r\nhost: x\r\n")
        slow.sendall(b"POST /v1/score HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{")
        for sock in (idle, half, slow):
            data = b""
            while chunk := sock.recv(4096):  # returns b"" once the server closes
                data += chunk
            assert data == b"" or data.startswith(b"HTTP/1.1 408"), data[:80]
            sock.close()
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_connections_past_the_cap_are_refused_and_the_server_keeps_answering():
    with ServerProcess(
        workers=1,
        nofile=256,
        extra_env={"REWARD_HEADER_TIMEOUT_S": "2", "REWARD_MAX_CONNECTIONS": "5000"},
    ) as server:
        socks = []
        refused = 0
        for _ in range(400):  # more than the process may open
            try:
                sock = _raw(server.url)
            except OSError:
                refused += 1
                continue
            socks.append(sock)
        for sock in socks:
            sock.settimeout(30)
            try:
                first = sock.recv(64)
            except OSError:
                first = b""
            refused += first.startswith(b"HTTP/1.1 503")
            sock.close()
        assert refused >= 400 - 256
        r = httpx.post(f"{server.url}/v1/score", json={"items": [MATH]}, timeout=60)
        assert r.status_code == 200
        assert server.log_path.stat().st_size < 200_000  # no flood of accept errors


@pytest.fixture(scope="module")
def crashing():
    registry = default_verifiers(math=crash_on_marker)
    with live_server(Settings(workers=1, sandbox={"enabled": False}), registry) as url:
        yield url


def test_openrlhf_unscored_sample_is_a_retryable_http_error(crashing):
    body = {
        "query": ["P <think>a</think> 4", "P <think>a</think> CRASH"],
        "prompts": ["P"] * 2,
        "labels": ["4", "4"],
    }
    r = httpx.post(f"{crashing}/v1/openrlhf", json=body, timeout=60)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"].isdigit()
    assert r.json()["error"]["retryable"] is True
    assert "sample 1" in r.json()["error"]["message"]
    bad_label = {"query": ["P <think>a</think> 4"], "prompts": ["P"], "labels": [["x"]]}
    r = httpx.post(f"{crashing}/v1/openrlhf", json=bad_label, timeout=60)
    assert r.status_code == 422
    assert "REWARD_OPENRLHF_FAILED_REWARD" in r.json()["error"]["message"]
    ok = {"query": ["P <think>a</think> 4"], "prompts": ["P"], "labels": ["4"]}
    assert httpx.post(f"{crashing}/v1/openrlhf", json=ok, timeout=60).json()["rewards"] == [2.0]


def test_openrlhf_fallback_value_is_opt_in():
    settings = Settings(workers=1, openrlhf_failed_reward=-1.0, sandbox={"enabled": False})
    with live_server(settings, default_verifiers(math=crash_on_marker)) as url:
        body = {
            "query": ["P <think>a</think> 4", "P <think>a</think> CRASH"],
            "prompts": ["P"] * 2,
            "labels": ["4", "4"],
        }
        r = httpx.post(f"{url}/v1/openrlhf", json=body, timeout=60)
        assert r.status_code == 200
        assert r.json()["rewards"] == [2.0, -1.0]
        assert r.json()["extra_logs"]["scored"] == [1.0, 0.0]
