"""Hard per-item deadlines and crash isolation, proven with verifiers that misbehave."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from reward_server.config import Settings
from reward_server.verifiers import default_verifiers
from reward_server.workers import WorkerPool
from tests.support.fault_verifiers import crash_on_marker, hang_on_marker
from tests.support.live_server import live_server

GOOD = "<think>ok</think> 42"


def _items(*markers: str) -> list[dict]:
    return [
        {"id": m, "completion": f"<think>ok</think> {m} 42", "task": "math", "answer": "42"}
        for m in markers
    ]


def test_hanging_verifier_times_out_alone_and_server_recovers():
    settings = Settings(workers=2, item_deadline_s=1.0, sandbox={"enabled": False})
    with live_server(settings, default_verifiers(math=hang_on_marker)) as url:
        t0 = time.monotonic()
        r = httpx.post(
            f"{url}/v1/score", json={"items": _items("a", "HANG", "b", "SLEEP", "c")}, timeout=30
        )
        elapsed = time.monotonic() - t0
        assert r.status_code == 200
        res = {x["id"]: x for x in r.json()["results"]}
        for ok in "abc":
            assert res[ok]["status"] == "ok" and res[ok]["reward"] == 2.0
        for bad in ("HANG", "SLEEP"):
            assert res[bad]["status"] == "timeout"
            assert res[bad]["reward"] is None
            assert res[bad]["error"]["type"] == "deadline_exceeded"
            assert res[bad]["scores"]["format"] == 1.0  # computed, but no reward
        assert elapsed < 25, elapsed  # a SLEEP item alone would hold it for an hour
        # The killed workers were replaced: the next batch is fully served.
        r = httpx.post(f"{url}/v1/score", json={"items": _items(*"defgh")}, timeout=30)
        assert [x["status"] for x in r.json()["results"]] == ["ok"] * 5
        assert httpx.get(f"{url}/readyz").status_code == 200


def test_crashing_verifier_is_an_error_and_server_recovers():
    settings = Settings(workers=2, item_deadline_s=5.0, sandbox={"enabled": False})
    with live_server(settings, default_verifiers(math=crash_on_marker)) as url:
        r = httpx.post(
            f"{url}/v1/score", json={"items": _items("a", "CRASH", "RAISE", "b")}, timeout=30
        )
        res = {x["id"]: x for x in r.json()["results"]}
        assert res["a"]["reward"] == 2.0 and res["b"]["reward"] == 2.0
        assert res["CRASH"]["status"] == "error" and res["CRASH"]["reward"] is None
        assert res["CRASH"]["error"]["type"] == "worker_crashed"
        assert res["CRASH"]["error"]["retryable"] is True
        assert (
            res["RAISE"]["status"] == "error"
            and res["RAISE"]["error"]["type"] == "verifier_exception"
        )
        r = httpx.post(f"{url}/v1/score", json={"items": _items(*"cdefg")}, timeout=30)
        assert [x["status"] for x in r.json()["results"]] == ["ok"] * 5


@pytest.mark.parametrize("runner", ["main", "thread"])
def test_deadline_holds_off_the_main_thread(runner):
    """No signal.alarm: the deadline holds when the pool is driven from any thread."""
    out: dict = {}

    async def go() -> None:
        pool = WorkerPool(workers=1, deadline_s=0.5)
        pool.start()
        try:
            t0 = time.monotonic()
            res = await pool.run_plan([("accuracy", hang_on_marker, ("HANG", "1"), {})])
            out["elapsed"] = time.monotonic() - t0
            out["status"] = res["accuracy"].status
            res = await pool.run_plan([("accuracy", hang_on_marker, ("1", "1"), {})])
            out["after"] = res["accuracy"].score
        finally:
            pool.close()

    if runner == "main":
        asyncio.run(go())
    else:
        t = threading.Thread(target=lambda: asyncio.run(go()))
        t.start()
        t.join(60)
    assert out["status"] == "timeout"
    assert out["elapsed"] < 30  # 0.5 s deadline, margin for a busy machine; the hang is forever
    assert out["after"] == 1.0
