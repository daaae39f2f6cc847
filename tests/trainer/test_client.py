"""RewardClient / AsyncRewardClient against a scripted loopback server: retries, failover, caps."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.support.scripted_server import Script, closed_port_url, scripted_server
from trainer_client import (
    AsyncRewardClient,
    RequestRejected,
    RetryPolicy,
    RewardClient,
    ServerUnavailable,
)
from trainer_client.client import _chunks

FAST = RetryPolicy(retries=3, backoff_base_s=0.01, backoff_max_s=0.05)


def items(*texts: str) -> list[dict]:
    return [{"id": f"i{k}", "completion": t} for k, t in enumerate(texts)]


def test_results_in_order_and_non_ok_is_none():
    with scripted_server() as (url, script), RewardClient(url, retry=FAST) as client:
        results = client.score(items("a", "FAIL", "ccc"))
        assert [r.id for r in results] == ["i0", "i1", "i2"]
        assert [r.status for r in results] == ["ok", "error", "ok"]
        assert client.rewards(items("a", "FAIL", "ccc")) == [1.0, None, 3.0]
    assert len(script.score_requests()) == 2


def test_5xx_and_dropped_connections_are_retried():
    with (
        scripted_server(Script().then((500,), "drop", (502,))) as (url, script),
        RewardClient(url, retry=FAST) as client,
    ):
        assert client.rewards(items("ab")) == [2.0]
    assert len(script.score_requests()) == 4


def test_503_retry_after_is_honoured():
    no_backoff = RetryPolicy(retries=2, backoff_base_s=0.0, backoff_max_s=0.0)
    with (
        scripted_server(Script().then((503, {"Retry-After": "1"}))) as (url, script),
        RewardClient(url, retry=no_backoff) as client,
    ):
        assert client.rewards(items("abc")) == [3.0]
    first, second = script.score_requests()
    assert second.at - first.at >= 0.9


def test_4xx_is_not_retried_and_gives_none(caplog):
    with (
        scripted_server(Script().then((422,))) as (url, script),
        RewardClient(url, retry=FAST) as client,
        caplog.at_level(logging.WARNING, logger="trainer_client"),
    ):
        results = client.score(items("x", "y"))
    assert [r.reward for r in results] == [None, None]
    assert {r.error.type for r in results} == {"rejected"}
    assert results[0].error.retryable is False
    assert len(script.score_requests()) == 1
    assert "2 item(s) get no reward" in caplog.text


def test_exhausted_retries_give_none_not_zero_and_can_raise(caplog):
    dead = closed_port_url()
    with (
        RewardClient(dead, retry=FAST) as client,
        caplog.at_level(logging.WARNING, logger="trainer_client"),
    ):
        results = client.score(items("x", "y", "z"))
    assert [r.reward for r in results] == [None] * 3
    assert {r.status for r in results} == {"error"}
    assert results[0].error.type == "unavailable" and results[0].error.retryable
    assert "ConnectError" in caplog.text
    with (
        RewardClient(dead, retry=FAST, raise_on_failure=True) as client,
        pytest.raises(ServerUnavailable),
    ):
        client.score(items("x"))
    with (
        scripted_server(Script().then((401,))) as (url, _),
        RewardClient(url, retry=FAST, raise_on_failure=True) as c,
    ):
        with pytest.raises(RequestRejected) as info:
            c.score(items("x"))
        assert info.value.status_code == 401


def test_failover_to_the_live_url_and_round_robin():
    dead = closed_port_url()
    with (
        scripted_server() as (a, sa),
        scripted_server() as (b, sb),
        RewardClient(
            [dead, a, b], retry=RetryPolicy(retries=2, backoff_base_s=5, backoff_max_s=5)
        ) as client,
    ):
        for _ in range(6):
            assert client.rewards(items("abcd")) == [4.0]
    # The dead URL rests after its first failure (5 s), so nobody waited on it again,
    # and the work spread over the two live servers.
    assert len(sa.score_requests()) >= 2 and len(sb.score_requests()) >= 2
    assert len(sa.score_requests()) + len(sb.score_requests()) == 6


def test_invalid_items_are_answered_locally():
    with scripted_server() as (url, script), RewardClient(url, retry=FAST) as client:
        results = client.score(
            [
                {"completion": "ok"},
                {"id": "bad", "completion": 5, "task": "poetry"},
                {"completion": "fine"},
            ]
        )
    assert [r.status for r in results] == ["ok", "invalid", "ok"]
    assert results[1].id == "bad" and results[1].reward is None
    (sent,) = script.score_requests()
    assert [it["completion"] for it in sent.body["items"]] == ["ok", "fine"]


def test_api_key_preset_and_timeout_are_sent():
    with (
        scripted_server() as (url, script),
        RewardClient(url, api_key="s3cret", timeout_s=45) as client,
    ):
        client.score(items("a"), preset="r1-zero")
    (sent,) = script.score_requests()
    assert sent.headers["authorization"] == "Bearer s3cret"
    assert sent.headers["x-request-timeout"] == "45"
    assert sent.body["preset"] == "r1-zero"


def test_concurrency_cap_holds_and_groups_overlap():
    script = Script(delay_s=0.15)
    with scripted_server(script) as (url, _), RewardClient(url, max_concurrency=2) as client:
        groups = [items("a" * k) for k in range(1, 9)]
        results = client.score_groups(groups)
    assert [r[0].reward for r in results] == [float(k) for k in range(1, 9)]
    assert script.max_in_flight == 2


def test_large_batches_are_chunked_on_group_boundaries():
    assert _chunks(6, 2, 3) == [(0, 2), (2, 4), (4, 6)]
    assert _chunks(5, None, 2) == [(0, 2), (2, 4), (4, 5)]
    assert _chunks(4, 4, 3) == [(0, 4)]  # a group is never cut, even over the limit
    with scripted_server() as (url, script), RewardClient(url, max_items_per_request=4) as client:
        texts = ["x" * k for k in range(1, 11)]
        assert client.rewards(items(*texts)) == [float(k) for k in range(1, 11)]
    assert sorted(len(s.body["items"]) for s in script.score_requests()) == [2, 4, 4]


def test_async_client_retries_fails_over_and_survives_new_loops():
    dead = closed_port_url()
    with scripted_server(Script().then((503, {"Retry-After": "0"}))) as (url, script):
        client = AsyncRewardClient([dead, url], retry=FAST, max_concurrency=3)

        async def run():
            groups = [items("a" * k, "FAIL") for k in range(1, 5)]
            return await client.score_groups(groups)

        first = asyncio.run(run())
        second = asyncio.run(run())  # a new event loop: the client must rebind, not crash
        for results in (first, second):
            assert [[r.reward for r in g] for g in results] == [
                [float(k), None] for k in range(1, 5)
            ]
        assert len(script.score_requests()) == 9  # 8 groups + the scripted 503


def test_async_client_gives_none_when_everything_is_down():
    client = AsyncRewardClient(closed_port_url(), retry=FAST)
    assert asyncio.run(client.rewards(items("a", "b"))) == [None, None]
