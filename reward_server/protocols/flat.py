"""One result as flat floats with the same keys every time.

Trainers without a "no reward" (OpenRLHF, verl) take a number per sample and log every
value they are given, batching samples from many requests: so every sample must carry the
same keys, all floats, whatever happened to it.  An item we could not score gets the
caller's ``failed_reward`` and ``scored = 0.0``, so the fault stays visible in the logs;
a component that was not computed reads 0.0.
"""

from __future__ import annotations

from reward_server.schemas import COMPONENTS, ScoreResult

#: The keys of :func:`flatten`, in order: the reward, each component, and whether we scored.
FLAT_KEYS: tuple[str, ...] = ("reward", *COMPONENTS, "scored")


def flatten(result: ScoreResult, failed_reward: float) -> dict[str, float]:
    """``result`` as ``{key: float}`` over :data:`FLAT_KEYS`."""
    scored = result.status == "ok" and result.reward is not None
    flat = {
        "reward": float(result.reward) if scored and result.reward is not None else failed_reward
    }
    for name in COMPONENTS:
        value = getattr(result.scores, name) if scored else None
        flat[name] = 0.0 if value is None else float(value)
    flat["scored"] = 1.0 if scored else 0.0
    return flat
