"""The /v1/score contract, over HTTP against a real uvicorn server."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from reward_server.config import Settings
from tests.support.live_server import live_server

GOOD = "<think>Two plus two is four.</think> The answer is \\boxed{4}."


@pytest.fixture(scope="module")
def url():
    settings = Settings(
        workers=2,
        max_items=64,
        max_body_bytes=400_000,
        max_completion_chars=120_000,
        sandbox={"enabled": False},
    )
    with live_server(settings) as base:
        yield base


def post(url: str, body, **kw) -> httpx.Response:
    return httpx.post(f"{url}/v1/score", json=body, timeout=60, **kw)


def test_health_ready_and_docs(url):
    # Generous timeouts: the first /openapi.json builds the schema, slow on a busy machine.
    assert httpx.get(f"{url}/healthz", timeout=60).json() == {"status": "alive"}
    ready = httpx.get(f"{url}/readyz", timeout=60)
    assert ready.status_code == 200, ready.text
    assert ready.json()["ready"] is True
    assert httpx.get(f"{url}/docs", timeout=60).status_code == 200
    spec = httpx.get(f"{url}/openapi.json", timeout=60).json()
    assert "/v1/score" in spec["paths"]


def test_empty_items(url):
    r = post(url, {"items": []})
    assert r.status_code == 200
    assert r.json()["results"] == []


def test_format_only_item_and_id_echo(url):
    r = post(url, {"items": [{"id": "a", "completion": GOOD}, {"id": 7, "completion": "no tags"}]})
    assert r.status_code == 200, r.text
    a, b = r.json()["results"]
    assert (a["id"], a["status"], a["reward"]) == ("a", "ok", 1.0)
    assert a["scores"] == {"accuracy": None, "format": 1.0, "language": None}
    assert (b["id"], b["status"], b["reward"]) == ("7", "ok", 0.0)
    assert b["scores"]["format"] == 0.0
    assert r.json()["advantages"] is None


def test_math_item_rewards_correct_and_wrong(url):
    items = [
        {"id": "right", "completion": GOOD, "task": "math", "answer": "4"},
        {"id": "wrong", "completion": GOOD.replace("{4}", "{5}"), "task": "math", "answer": "4"},
    ]
    right, wrong = post(url, {"items": items}).json()["results"]
    assert right["scores"]["accuracy"] == 1.0 and right["reward"] == 2.0
    assert wrong["scores"]["accuracy"] == 0.0 and wrong["reward"] == 1.0
    assert wrong["status"] == "ok"


def test_language_score_when_target_lang_set(url):
    item = {
        "completion": "<think>Let me think about this problem carefully.</think> 4",
        "target_lang": "en",
    }
    res = post(url, {"items": [item]}).json()["results"][0]
    assert res["scores"]["language"] == pytest.approx(1.0)
    assert res["reward"] == pytest.approx(2.0)
    item["target_lang"] = "zh"
    res = post(url, {"items": [item]}).json()["results"][0]
    assert res["scores"]["language"] == pytest.approx(0.0)


def test_weights_presets_and_item_override(url):
    item = {"completion": GOOD, "task": "math", "answer": "4", "target_lang": "en"}
    default = post(url, {"items": [item]}).json()["results"][0]
    assert default["reward"] == pytest.approx(3.0)
    zero = post(url, {"items": [item], "preset": "r1-zero"}).json()["results"][0]
    assert zero["reward"] == pytest.approx(2.0)
    custom = dict(item, weights={"format": 0.5})
    res = post(url, {"items": [custom], "preset": "r1-zero"}).json()["results"][0]
    assert res["reward"] == pytest.approx(1.5)
    bad = post(url, {"items": [item], "preset": "nope"})
    assert bad.status_code == 422 and "unknown preset" in bad.json()["error"]["message"]


def test_group_advantages(url):
    items = [
        {"completion": GOOD, "task": "math", "answer": "4"},
        {"completion": GOOD, "task": "math", "answer": "5"},
        {"completion": "x", "task": "math", "answer": "4"},
        {"completion": GOOD, "task": "math", "answer": "4"},
    ]
    body = post(url, {"items": items, "group_size": 2}).json()
    rewards = [r["reward"] for r in body["results"]]
    assert rewards == [2.0, 1.0, 0.0, 2.0]
    adv = body["advantages"]
    assert adv[0] == pytest.approx(1.0, abs=1e-3) and adv[1] == pytest.approx(-1.0, abs=1e-3)
    assert adv[2] == pytest.approx(-1.0, abs=1e-3) and adv[3] == pytest.approx(1.0, abs=1e-3)
    r = post(url, {"items": items[:3], "group_size": 2})
    assert r.status_code == 422 and "group" in r.json()["error"]["message"]


def test_null_rewards_left_out_of_group_statistics(url):
    items = [
        {"completion": GOOD, "task": "math", "answer": "4"},
        {"completion": GOOD, "task": "math"},  # no gold: invalid, reward null
        {"completion": "x", "task": "math", "answer": "4"},
    ]
    body = post(url, {"items": items, "group_size": 3}).json()
    assert [r["status"] for r in body["results"]] == ["ok", "invalid", "ok"]
    assert body["results"][1]["reward"] is None
    assert body["results"][1]["error"]["type"] == "missing_answer"
    assert body["advantages"][1] == 0.0
    assert body["advantages"][0] == pytest.approx(-body["advantages"][2], abs=1e-6)


def test_unparseable_gold_is_invalid_not_zero(url):
    item = {"completion": GOOD, "task": "math", "answer": "\\frac{"}
    res = post(url, {"items": [item]}).json()["results"][0]
    assert res["status"] == "invalid" and res["reward"] is None
    assert res["error"]["retryable"] is False


def test_code_item_without_sandbox_is_an_error_not_zero(url):
    item = {
        "completion": "```python\nprint(1)\n```",
        "task": "code",
        "code": {"tests": [{"input": "", "output": "1\n"}]},
    }
    res = post(url, {"items": [item, {"completion": GOOD}]}).json()["results"]
    assert res[0]["status"] == "error" and res[0]["reward"] is None
    assert res[0]["error"]["type"] == "sandbox_unavailable"
    assert res[1]["status"] == "ok"


@pytest.mark.parametrize(
    "body, status, words",
    [
        (b"{not json", 422, "json"),
        (b'{"items": {}}', 422, "items"),
        (b'{"items": [{"completion": 5}]}', 422, "completion"),
        (b'{"items": [{"completion": "x", "task": "poetry"}]}', 422, "task"),
        (b'{"items": [{}]}', 422, "completion"),
        (b'{"items": [], "group_size": 0}', 422, "group_size"),
        (b'{"items": [{"completion": "x", "task": "code", "code": {"tests": []}}]}', 422, "tests"),
        (b"[]", 422, "body"),
    ],
)
def test_bad_requests_get_readable_4xx(url, body, status, words):
    r = httpx.post(f"{url}/v1/score", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["retryable"] is False
    assert words in err["message"].lower(), err["message"]
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_body_and_batch_limits(url):
    big = {"items": [{"completion": "x" * 450_000}]}
    r = post(url, big)
    assert r.status_code == 413 and "REWARD_MAX_BODY_BYTES" in r.json()["error"]["message"]

    # Chunked upload without Content-Length is capped while reading.
    def chunks():
        yield b'{"items": [{"completion": "'
        for _ in range(50):
            yield b"y" * 10_000
        yield b'"}]}'

    r = httpx.post(
        f"{url}/v1/score", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    many = {"items": [{"completion": "x"}] * 65}
    r = post(url, many)
    assert r.status_code == 413 and "REWARD_MAX_ITEMS" in r.json()["error"]["message"]
    assert post(url, {"items": [{"completion": GOOD}]}).status_code == 200


def test_too_long_completion_fails_only_its_item(url):
    items = [{"completion": "<think>" + "a " * 65_000 + "</think> 4"}, {"completion": GOOD}]
    res = post(url, {"items": items}).json()["results"]
    assert res[0]["status"] == "error" and res[0]["reward"] is None
    assert res[0]["error"]["type"] == "completion_too_long"
    assert res[1]["reward"] == 1.0


def test_request_id_echoed(url):
    r = post(url, {"items": []}, headers={"x-request-id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert len(post(url, {"items": []}).headers["x-request-id"]) >= 16


def test_verifiers_listing(url):
    body = httpx.get(f"{url}/v1/verifiers").json()
    assert {"r1", "r1-zero"} <= set(body["presets"])
    assert "en" in body["languages"] and "zh" in body["languages"]


def test_api_key():
    settings = Settings(workers=1, api_key="s3cret", sandbox={"enabled": False})
    with live_server(settings) as base:
        r = httpx.post(f"{base}/v1/score", json={"items": []})
        assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized"
        r = httpx.post(
            f"{base}/v1/score", json={"items": []}, headers={"authorization": "Bearer s3cret"}
        )
        assert r.status_code == 200
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_results_serialise_as_plain_json(url):
    r = post(
        url, {"items": [{"completion": GOOD, "task": "math", "answer": "4", "target_lang": "en"}]}
    )
    assert r.status_code == 200, r.text
    (result,) = json.loads(r.text)["results"]  # details must be JSON-native
    assert result["status"] == "ok" and result["reward"] == 3.0
    assert json.loads(json.dumps(result["details"])) == result["details"]


@pytest.mark.parametrize(
    "answer",
    ["9^{9^{9}}", "2^{10^9}", "10!!!!!!", "(" * 300 + "1" + ")" * 300, "1" * 100_000],
    ids=["tower", "huge_power", "factorial_chain", "deep_nesting", "100kB"],
)
def test_pathological_math_answer_is_a_timeout_within_the_deadline(url, answer):
    items = [
        {
            "id": "bad",
            "completion": f"<think>r</think> \\boxed{{{answer}}}",
            "task": "math",
            "answer": "5",
        },
        {"id": "good", "completion": GOOD, "task": "math", "answer": "4"},
    ]
    t0 = time.monotonic()
    bad, good = post(url, {"items": items}).json()["results"]
    # The default 2 s deadline plus a wide margin for a busy machine: each of these would
    # run for hours (or exhaust memory) if nothing stopped it.
    assert time.monotonic() - t0 < 2.0 + 15.0
    assert bad["status"] == "timeout" and bad["reward"] is None
    assert bad["error"]["type"] in ("too_complex", "deadline_exceeded")
    assert good["status"] == "ok" and good["reward"] == 2.0
    assert httpx.get(f"{url}/readyz").status_code == 200
