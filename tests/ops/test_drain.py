"""Graceful drain, in-process: readiness off at once, new work 503, work in flight done."""

from __future__ import annotations

import concurrent.futures
import time

import httpx

from reward_server.config import Settings
from reward_server.verifiers import default_verifiers
from tests.support.fault_verifiers import nap_on_marker
from tests.support.live_server import running_server


def items(n: int, nap: float) -> list[dict]:
    return [
        {
            "id": str(i),
            "completion": f"<think>ok</think> NAP={nap} 42",
            "task": "math",
            "answer": "42",
        }
        for i in range(n)
    ]


def settings(**kw) -> Settings:
    base = {"workers": 1, "item_deadline_s": 60.0, "sandbox": {"enabled": False}}
    return Settings(**{**base, **kw})


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_drain_finishes_work_in_flight_and_refuses_new_work():
    with running_server(
        settings(drain_timeout_s=60), default_verifiers(math=nap_on_marker)
    ) as live:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            flight = pool.submit(
                httpx.post, f"{live.url}/v1/score", json={"items": items(3, 1.0)}, timeout=120
            )
            wait_for(lambda: live.app.state.lifecycle.active == 1)
            live.server.request_drain()
            wait_for(lambda: live.app.state.lifecycle.draining, 10)
            ready = httpx.get(f"{live.url}/readyz")
            assert ready.status_code == 503 and "serving" in ready.json()["missing"]
            assert httpx.get(f"{live.url}/healthz").status_code == 200
            new = httpx.post(f"{live.url}/v1/score", json={"items": items(1, 0)}, timeout=30)
            assert new.status_code == 503
            assert new.headers["retry-after"].isdigit()
            assert new.json()["error"] == {
                "type": "draining",
                "message": new.json()["error"]["message"],
                "retryable": True,
            }
            done = flight.result()
        assert done.status_code == 200
        assert [r["status"] for r in done.json()["results"]] == ["ok"] * 3
        live.thread.join(timeout=60)
        assert not live.thread.is_alive()  # drained, then stopped by itself
        assert live.runtime.pool.ready() == (False, "worker pool not started")


def test_requests_still_running_at_the_drain_timeout_get_a_json_503():
    with running_server(settings(drain_timeout_s=1), default_verifiers(math=nap_on_marker)) as live:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            flight = pool.submit(
                httpx.post, f"{live.url}/v1/score", json={"items": items(2, 60)}, timeout=120
            )
            wait_for(lambda: live.runtime.scorer.items_running == 1)
            live.server.request_drain()
            r = flight.result()
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/json"
        assert r.headers["retry-after"].isdigit()
        body = r.json()
        assert body["error"]["type"] == "draining" and body["error"]["retryable"] is True
        assert "REWARD_DRAIN_TIMEOUT_S" in body["error"]["message"]
        live.thread.join(timeout=60)
        assert not live.thread.is_alive()
