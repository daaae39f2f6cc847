"""Bad input over HTTP: never a 5xx, one bad item never fails its group."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from reward_server.config import Settings
from tests.support.live_server import live_server

GOOD = "<think>Two plus two is four.</think> The answer is \\boxed{4}."


@pytest.fixture(scope="module")
def url():
    settings = Settings(workers=2, max_body_bytes=32 * 1024 * 1024, sandbox={"enabled": False})
    with live_server(settings) as base:
        yield base


def post_raw(url: str, path: str, text: str | bytes, **kw) -> httpx.Response:
    body = text.encode() if isinstance(text, str) else text
    headers = {"content-type": "application/json", **kw.pop("headers", {})}
    return httpx.post(f"{url}{path}", content=body, headers=headers, timeout=120, **kw)


def item(i: int, **fields) -> dict:
    return {"id": str(i), "completion": GOOD, "task": "math", "answer": "4", **fields}


def test_lone_surrogates_are_the_item_s_problem_not_the_group_s(url):
    group = [item(i) for i in range(16)]
    group[3]["id"] = "3\ud800"
    group[5]["answer"] = "4\udfff"
    group[7]["completion"] = GOOD.replace("{4}", "{4\ud800}")  # in the boxed answer
    group[9]["completion"] = GOOD.replace("Two", "Two\udc00")  # in the reasoning
    group[11]["code"] = {"tests": [{"input": "", "output": "\ud83d"}]}
    r = post_raw(url, "/v1/score", json.dumps({"items": group, "group_size": 16}))
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    bad = {3, 5, 11}
    for i, res in enumerate(results):
        if i in bad:
            assert res["status"] == "invalid" and res["reward"] is None
            assert res["error"]["type"] == "invalid_text"
            assert res["error"]["retryable"] is False
        elif i == 7:  # the model wrote an invalid character into its answer: its own doing
            assert (res["status"], res["scores"]["accuracy"]) == ("ok", 0.0)
        else:
            assert (res["status"], res["reward"]) == ("ok", 2.0), (i, res)
    assert results[3]["id"] == "3\ufffd"
    assert len(r.json()["advantages"]) == 16


def test_lone_surrogates_elsewhere_are_a_422(url):
    r = post_raw(url, "/v1/score", json.dumps({"items": [item(0)], "preset": "r1\ud800"}))
    assert r.status_code == 422, r.text
    assert "surrogate" in r.json()["error"]["message"]
    assert post_raw(url, "/v1/run", "{}").status_code == 404  # no sandbox, no route


def test_v1_run_bad_text_is_422_and_a_sandbox_that_is_down_a_503():
    # Code scoring on, but the engine cannot be reached: no Docker needed for this test.
    settings = Settings(
        workers=1, sandbox={"docker_url": "tcp://127.0.0.1:9", "start_timeout_s": 5}
    )
    with live_server(settings) as url:
        for body in ({"source": "print(1)\ud800"}, {"source": "print(1)", "stdin": "\udfff"}):
            r = post_raw(url, "/v1/run", json.dumps(body))
            assert r.status_code == 422, r.text
            assert "surrogate" in r.json()["error"]["message"]
        r = post_raw(url, "/v1/run", json.dumps({"source": "print(1)"}))
        assert r.status_code == 503, r.text
        assert r.json()["error"]["retryable"] is True and "retry-after" in r.headers


@pytest.mark.parametrize(
    "text",
    [
        '{"items": [{"completion": "x", "weights": {"format": NaN}}]}',
        '{"items": [{"completion": "x", "weights": {"format": Infinity}}]}',
        '{"items": [{"completion": "x", "weights": {"format": 1e400}}]}',
        '{"items": [{"completion": "x", "weights": {"format": 1e308, "accuracy": 1e308}}]}',
        '{"items": [{"completion": "x", "task": "code", "code": {"tests": [{"output": "1"}], '
        '"float_tolerance": Infinity}}]}',
        '{"items": [{"completion": "x", "task": "code", "code": {"tests": [{"output": "1"}], '
        '"float_tolerance": 1e400}}]}',
        '{"items": [{"completion": "x"}], "deadline_s": -Infinity}',
        '{"items": [{"completion": "x", "an_extra_column": NaN}]}',
    ],
)
def test_non_finite_numbers_are_refused_at_the_boundary(url, text):
    r = post_raw(url, "/v1/score", text)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["retryable"] is False


def test_non_finite_deadline_header_is_a_422(url):
    for value in ("nan", "inf", "-1", "soon"):
        r = post_raw(url, "/v1/score", '{"items": []}', headers={"X-Request-Timeout": value})
        assert r.status_code == 422, (value, r.text)


def test_a_million_items_are_refused_without_stalling_the_server(url):
    body = json.dumps({"items": [{"completion": "x"}] * 1_000_000}).encode()
    health: list[int] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(timeout=30) as client:
            while not done.is_set():
                health.append(client.get(f"{url}/healthz").status_code)
                time.sleep(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        r = post_raw(url, "/v1/score", body)
    finally:
        done.set()
        prober.join()
    assert r.status_code == 413, r.text
    assert "REWARD_MAX_ITEMS" in r.json()["error"]["message"]
    assert health and set(health) == {200}
    assert post_raw(url, "/v1/score", json.dumps({"items": [item(0)]})).status_code == 200


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{",
        '{"items": 5}',
        '{"items": [1]}',
        '{"items": [{"completion": "x"}] , }',
        '{"items": [{"completion": "' + "\\ud800" + '"}], "group_size": 0}',
        '{"items": [{"completion": "x"}]}' + " " * 10 + "x",
        '{"items": [{"completion": "x", "id": ' + "9" * 5000 + "}]}",
        '{"items": [' + "[" * 100_000 + "]}",
    ],
)
def test_malformed_bodies_are_422_with_a_message(url, text):
    r = post_raw(url, "/v1/score", text)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"]["type"] == "validation_error" and body["error"]["message"]


def test_results_carry_only_finite_numbers_and_valid_text(url):
    r = post_raw(url, "/v1/score", json.dumps({"items": [item(0, id="x\ud800y")]}))
    assert r.status_code == 200
    r.content.decode("utf-8")  # strict: valid UTF-8 throughout
    json.loads(r.content, parse_constant=lambda c: pytest.fail(f"non-finite {c}"))
