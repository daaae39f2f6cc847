"""Back-off, Retry-After and the rotation of base URLs (no network)."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer_client.retry import Endpoints, RetryPolicy, normalise_urls, parse_retry_after


@given(
    attempt=st.integers(0, 200),
    base=st.floats(0, 5, allow_nan=False),
    cap=st.floats(0, 60, allow_nan=False),
    seed=st.integers(0, 2**32 - 1),
)
def test_backoff_is_full_jitter_within_the_cap(attempt, base, cap, seed):
    policy = RetryPolicy(backoff_base_s=base, backoff_max_s=cap)
    delay = policy.backoff(attempt, random.Random(seed))
    assert 0.0 <= delay <= min(cap, base * 2 ** min(attempt, 30)) + 1e-12


def test_backoff_grows_and_is_jittered():
    policy = RetryPolicy(backoff_base_s=0.1, backoff_max_s=100)
    rng = random.Random(0)
    first = [policy.backoff(0, rng) for _ in range(200)]
    fifth = [policy.backoff(5, rng) for _ in range(200)]
    assert max(first) <= 0.1 and max(fifth) > 1.0
    assert len(set(first)) > 100  # jittered, not a constant


def test_retry_after_wins_over_backoff_and_is_capped():
    policy = RetryPolicy(backoff_base_s=100, backoff_max_s=100, retry_after_max_s=7)
    assert policy.delay(0, 2.0) == 2.0
    assert policy.delay(0, 3600.0) == 7.0
    assert policy.delay(0, -5.0) == 0.0


def test_parse_retry_after_forms():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_normalise_urls():
    assert normalise_urls("http://a:1/, http://b:2") == ["http://a:1", "http://b:2"]
    assert normalise_urls(["http://a:1", "https://b,http://c"]) == [
        "http://a:1",
        "https://b",
        "http://c",
    ]
    with pytest.raises(ValueError):
        normalise_urls(" , ")
    with pytest.raises(ValueError):
        normalise_urls("a:1")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_round_robin_and_failover():
    clock = Clock()
    ep = Endpoints(["http://a", "http://b", "http://c"], clock=clock)
    assert [ep.pick()[0] for _ in range(6)] == ["http://a", "http://b", "http://c"] * 2
    ep.failed("http://b", 10)
    picks = [ep.pick() for _ in range(4)]
    assert all(wait == 0 for _, wait in picks)
    assert "http://b" not in {url for url, _ in picks}
    clock.now += 11  # b's rest is over
    assert "http://b" in {ep.pick()[0] for _ in range(3)}


def test_all_resting_waits_for_the_first_to_wake():
    clock = Clock()
    ep = Endpoints(["http://a", "http://b"], clock=clock)
    ep.failed("http://a", 5)
    ep.failed("http://b", 2)
    assert ep.pick() == ("http://b", 2)
    ep.succeeded("http://a")
    assert ep.pick() == ("http://a", 0.0)
