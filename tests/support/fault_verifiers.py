"""Verifiers that misbehave on purpose, to prove the worker deadlines and crash handling.

They must be importable top-level functions: the worker processes import them by name.
"""

from __future__ import annotations

import os
import re
import time

from reward_server.verifiers.outcome import Outcome


def hang_on_marker(completion: str, gold: str, *, prefilled: bool = False) -> Outcome:
    """Spin forever in pure Python when the completion says HANG; else exact match."""
    if "HANG" in completion:
        while True:
            pass
    if "SLEEP" in completion:
        time.sleep(3600)
    return Outcome.ok(1.0 if gold in completion else 0.0)


def crash_on_marker(completion: str, gold: str, *, prefilled: bool = False) -> Outcome:
    """Kill the worker process abruptly when the completion says CRASH."""
    if "CRASH" in completion:
        os._exit(11)
    if "RAISE" in completion:
        raise RuntimeError("verifier bug")
    return Outcome.ok(1.0 if gold in completion else 0.0)


def nap_on_marker(completion: str, gold: str, *, prefilled: bool = False) -> Outcome:
    """Sleep ``NAP=<seconds>`` when the completion says so: slow, but it finishes.

    ``PIDFILE=<path>`` makes it write its worker's pid there first, so a test can kill
    the very worker that runs this item."""
    pidfile = re.search(r"PIDFILE=(\S+)", completion)
    if pidfile:
        with open(pidfile.group(1), "w") as f:
            f.write(str(os.getpid()))
    nap = re.search(r"NAP=([0-9.]+)", completion)
    if nap:
        time.sleep(float(nap.group(1)))
    return Outcome.ok(1.0 if gold in completion else 0.0)
