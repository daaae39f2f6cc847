"""Small pure parts: advantages, weights, settings, the public surface."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reward_server.advantages import group_advantages
from reward_server.config import Settings
from reward_server.presets import UnknownPreset, resolve_weights
from reward_server.schemas import ScoreItem


def test_advantages_match_grpo_formula():
    adv = group_advantages([1.0, 0.0, 1.0, 1.0], 4)
    mean, std = 0.75, math.sqrt(0.1875)
    assert adv == pytest.approx([(r - mean) / (std + 1e-4) for r in (1.0, 0.0, 1.0, 1.0)])


def test_advantages_skip_null_and_constant_groups():
    assert group_advantages([None, None], 2) == [0.0, 0.0]
    assert group_advantages([1.0, 1.0, None], 3) == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError):
        group_advantages([1.0, 2.0, 3.0], 2)


@given(
    st.lists(st.one_of(st.none(), st.floats(-10, 10)), min_size=1, max_size=32), st.integers(1, 8)
)
def test_advantages_are_finite_and_centred(rewards, g):
    rewards = rewards[: len(rewards) - len(rewards) % g] or rewards[:g]
    if len(rewards) % g:
        return
    adv = group_advantages(rewards, g)
    assert len(adv) == len(rewards) and all(math.isfinite(a) for a in adv)
    for start in range(0, len(rewards), g):
        known = [
            a for a, r in zip(adv[start : start + g], rewards[start : start + g]) if r is not None
        ]
        assert abs(sum(known)) < 1e-6 * max(1, len(known)) * 1e4


def test_weights_resolution_order():
    defaults = {"accuracy": 1.0, "format": 1.0, "language": 1.0}
    item = ScoreItem(completion="x")
    assert resolve_weights(item, defaults) == defaults
    assert resolve_weights(item, defaults, "r1-zero")["language"] == 0.0
    item = ScoreItem(completion="x", preset="accuracy", weights={"format": 0.25})
    assert resolve_weights(item, defaults, "r1") == {
        "accuracy": 1.0,
        "format": 0.25,
        "language": 0.0,
    }
    with pytest.raises(UnknownPreset):
        resolve_weights(ScoreItem(completion="x", preset="zzz"), defaults)


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("REWARD_WORKERS", "3")
    monkeypatch.setenv("REWARD_ITEM_DEADLINE_S", "1.5")
    monkeypatch.setenv("REWARD_WEIGHTS__FORMAT", "0.1")
    monkeypatch.setenv("REWARD_SANDBOX__POOL_SIZE", "5")
    monkeypatch.setenv("REWARD_MAX_BODY_BYTES", "4096")
    s = Settings()
    assert (
        s.workers,
        s.item_deadline_s,
        s.weights.format,
        s.sandbox.pool_size,
        s.max_body_bytes,
    ) == (3, 1.5, 0.1, 5, 4096)


def test_schemas_do_not_import_fastapi():
    import subprocess
    import sys

    code = "import sys, reward_server.schemas; print('fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
