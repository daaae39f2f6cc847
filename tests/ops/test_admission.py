"""Admission: a bound on pending items; 429 with a Retry-After from the service rate."""

from __future__ import annotations

import pytest

from reward_server.admission import RETRY_AFTER_MAX_S, RETRY_AFTER_MIN_S, Admission
from reward_server.config import Settings
from reward_server.errors import Overloaded, PayloadTooLarge


def test_bound_counts_items_in_flight_and_refuses_past_it():
    adm = Admission(10)
    with adm.admit(6):
        with adm.admit(4):
            assert adm.pending == 10
            with pytest.raises(Overloaded) as info, adm.admit(1):
                pass
            with adm.admit(0):  # nothing to do is always admitted
                pass
        assert adm.pending == 6
    assert adm.pending == 0 and adm.refused_requests == 1
    exc = info.value
    assert exc.status_code == 429 and exc.retryable
    assert "REWARD_MAX_PENDING_ITEMS" in exc.message
    assert RETRY_AFTER_MIN_S <= int(exc.headers()["Retry-After"]) <= RETRY_AFTER_MAX_S


def test_a_request_larger_than_the_bound_is_413_not_429():
    adm = Admission(8)
    with pytest.raises(PayloadTooLarge), adm.admit(9):
        pass
    with adm.admit(8):  # alone, the largest admissible request fits
        assert adm.pending == 8


def test_retry_after_follows_the_service_rate():
    now = [0.0]
    adm = Admission(100, clock=lambda: now[0])
    for _ in range(30):  # 100 items a second for 30 s
        now[0] += 1.0
        with adm.admit(100):
            pass
    with adm.admit(100):
        fast = adm.retry_after(50)  # 50 items at 100/s: about a second
    assert fast == 1
    slow = Admission(100, clock=lambda: now[0])
    with slow.admit(100):
        assert slow.retry_after(50) >= 5  # no rate known yet: a cautious wait


def test_released_even_when_the_body_raises():
    adm = Admission(5)
    with pytest.raises(RuntimeError), adm.admit(5):
        raise RuntimeError
    assert adm.pending == 0


def test_default_bound_is_sized_from_the_pools():
    assert Settings(workers=2, sandbox={"enabled": False}).pending_items_limit() == 1024
    big = Settings(workers=32, sandbox={"pool_size": 33})
    assert big.pending_items_limit() == 64 * 65
    assert Settings(max_pending_items=50).pending_items_limit() == 50
