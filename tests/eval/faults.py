"""Answer comparisons that misbehave on purpose (workers import them by name)."""

from __future__ import annotations

import os

from reward_server.eval.equivalence import answers_equal


def hang_or_crash_on_marker(answer: str, representative: str) -> bool:
    """Spin forever on HANG, kill the worker on CRASH; otherwise the real comparison."""
    if "HANG" in answer or "HANG" in representative:
        while True:
            pass
    if "CRASH" in answer:
        os._exit(9)
    return answers_equal(answer, representative)
