"""GRPO group-relative advantages.

For consecutive groups of G rewards: ``(r - mean) / (std + 1e-4)`` with the population
standard deviation, as in the DeepSeekMath/GRPO paper and TRL.  A null reward (timeout,
error, invalid) is left out of its group's statistics and gets advantage 0, so one
infrastructure fault neither biases nor zeroes its group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EPSILON = 1e-4


def group_advantages(rewards: Sequence[float | None], group_size: int) -> list[float]:
    """Advantages for ``rewards`` split into consecutive groups of ``group_size``."""
    if group_size < 1:
        raise ValueError("group_size must be at least 1")
    if len(rewards) % group_size:
        raise ValueError(f"{len(rewards)} items do not form whole groups of {group_size}")
    out: list[float] = []
    for start in range(0, len(rewards), group_size):
        group = rewards[start : start + group_size]
        known = [r for r in group if r is not None]
        if not known:
            out.extend(0.0 for _ in group)
            continue
        mean = sum(known) / len(known)
        std = math.sqrt(sum((r - mean) ** 2 for r in known) / len(known))
        out.extend(0.0 if r is None else (r - mean) / (std + EPSILON) for r in group)
    return out
