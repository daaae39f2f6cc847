"""Behaviour under load, over HTTP: admission (429), fairness, deadlines, abandoned work.

The verifier here naps for a set time (``NAP=0.3``), so load is made of known amounts of
work; assertions are on statuses, counts and order, never on how long anything took.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time

import httpx
import psutil
import pytest

from reward_server.config import Settings
from reward_server.verifiers import default_verifiers
from tests.support.fault_verifiers import nap_on_marker
from tests.support.live_server import running_server
from trainer_client import RewardClient
from trainer_client.retry import RetryPolicy

GOOD = "<think>ok</think> 42"


def items(n: int, nap: float = 0.0, tag: str = "x") -> list[dict]:
    marker = f" NAP={nap}" if nap else ""
    return [
        {
            "id": f"{tag}{i}",
            "completion": f"<think>ok</think>{marker} 42",
            "task": "math",
            "answer": "42",
        }
        for i in range(n)
    ]


def settings(**kw) -> Settings:
    base = {"workers": 1, "item_deadline_s": 30.0, "sandbox": {"enabled": False}}
    return Settings(**{**base, **kw})


def registry():
    return default_verifiers(math=nap_on_marker)


def metric(url: str, name: str) -> float:
    text = httpx.get(f"{url}/metrics", timeout=30).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def test_over_the_bound_is_429_with_retry_after_and_a_message():
    with running_server(settings(max_pending_items=4), registry()) as live:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            busy = pool.submit(
                httpx.post, f"{live.url}/v1/score", json={"items": items(4, 0.5)}, timeout=120
            )
            wait_for(lambda: live.runtime.admission.pending == 4)
            r = httpx.post(f"{live.url}/v1/score", json={"items": items(1)}, timeout=30)
            assert r.status_code == 429, r.text
            assert 1 <= int(r.headers["retry-after"]) <= 30
            err = r.json()["error"]
            assert err["type"] == "overloaded" and err["retryable"] is True
            assert "REWARD_MAX_PENDING_ITEMS" in err["message"]
            # Too big to ever fit: 413, not a 429 to retry forever.
            big = httpx.post(f"{live.url}/v1/score", json={"items": items(5)}, timeout=30)
            assert big.status_code == 413
            assert busy.result().status_code == 200
        assert httpx.post(f"{live.url}/v1/score", json={"items": items(1)}).status_code == 200
        assert metric(live.url, "reward_admission_refused_total") == 1


def test_an_overloaded_server_slows_the_trainer_but_loses_nothing():
    """Eight trainer threads against a server that admits 6 items at a time."""
    with running_server(settings(workers=2, max_pending_items=6), registry()) as live:
        client = RewardClient(
            live.url,
            max_concurrency=8,
            retry=RetryPolicy(retries=50, backoff_max_s=1.0, retry_after_max_s=1.0),
        )
        groups = [items(3, 0.05, tag=f"g{g}-") for g in range(16)]
        with client, concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(client.score, groups))
        assert all(r.status == "ok" and r.reward == 2.0 for rs in results for r in rs)
        assert [r.id for rs in results for r in rs] == [it["id"] for g in groups for it in g]
        assert metric(live.url, "reward_admission_refused_total") > 0  # it was overloaded
        assert metric(live.url, 'reward_items_total{component="reward",status="ok"}') == 48


def test_a_small_request_is_not_stuck_behind_a_large_one():
    with running_server(settings(), registry()) as live:
        finished: list[str] = []

        def send(name: str, body: list[dict]) -> None:
            r = httpx.post(f"{live.url}/v1/score", json={"items": body}, timeout=120)
            assert r.status_code == 200
            assert all(x["status"] == "ok" for x in r.json()["results"])
            finished.append(name)

        big = threading.Thread(target=send, args=("big", items(24, 0.2, "b")))
        big.start()
        wait_for(lambda: live.runtime.scorer.items_waiting >= 20)
        send("small", items(1, tag="s"))
        big.join()
        # One worker, 24 naps of 0.2 s ahead of it: served in turn, the small request
        # finished while the large one still had most of its items to do.
        assert finished == ["small", "big"]


def test_items_past_the_deadline_are_timeout_retryable_and_their_work_stops():
    with running_server(settings(workers=2), registry()) as live:
        warm = httpx.post(f"{live.url}/v1/score", json={"items": items(2)}, timeout=60)
        assert [x["status"] for x in warm.json()["results"]] == ["ok", "ok"]
        body = {"items": items(2) + items(2, 30, "slow"), "deadline_s": 5}
        r = httpx.post(f"{live.url}/v1/score", json=body, timeout=60)
        assert r.status_code == 200
        results = r.json()["results"]
        assert [x["status"] for x in results] == ["ok", "ok", "timeout", "timeout"]
        for x in results[2:]:
            assert x["reward"] is None
            assert x["error"]["type"] == "request_deadline" and x["error"]["retryable"] is True
        assert metric(live.url, "reward_worker_restarts_total") >= 2  # both naps were killed
        assert metric(live.url, 'reward_cancelled_items_total{reason="deadline"}') == 2
        wait_for(lambda: live.runtime.scorer.worker_slots.busy == 0)
        header = httpx.post(
            f"{live.url}/v1/score",
            json={"items": items(1, 30, "h")},
            headers={"X-Request-Timeout": "3"},
            timeout=60,
        )
        assert header.json()["results"][0]["status"] == "timeout"


def test_work_of_a_client_that_went_away_is_stopped(tmp_path):
    pidfile = tmp_path / "worker.pid"
    body = items(6, 30)
    body[0]["completion"] += f" PIDFILE={pidfile}"
    with running_server(settings(workers=1), registry()) as live:
        scorer = live.runtime.scorer

        async def abandon() -> None:
            async with httpx.AsyncClient(timeout=120) as client:
                post = asyncio.create_task(
                    client.post(f"{live.url}/v1/score", json={"items": body})
                )
                while not pidfile.exists() or not pidfile.read_text():
                    await asyncio.sleep(0.02)  # the first item runs in its worker
                post.cancel()  # the trainer gives up: the connection closes
                with pytest.raises(asyncio.CancelledError):
                    await post

        asyncio.run(abandon())
        worker = int(pidfile.read_text())
        wait_for(lambda: scorer.items_running == 0 and scorer.items_waiting == 0, 30)
        assert live.runtime.admission.pending == 0
        assert metric(live.url, 'reward_cancelled_items_total{reason="client_gone"}') == 6
        assert metric(live.url, 'reward_worker_restarts_total{reason="cancelled"}') == 1
        wait_for(lambda: not psutil.pid_exists(worker), 30)  # killed, not left napping
        # The pool is free at once for the next client, not in 6 x 30 s.
        r = httpx.post(f"{live.url}/v1/score", json={"items": items(1)}, timeout=60)
        assert r.json()["results"][0]["status"] == "ok"
