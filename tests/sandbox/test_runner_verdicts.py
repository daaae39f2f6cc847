"""The runner's verdict rules, as a table (no container needed)."""

from __future__ import annotations

import pytest

from sandbox.runner.verdicts import verdict

LIMITS = {"time_s": 1.0, "memory_mb": 256}


@pytest.mark.parametrize(
    ("killed", "code", "sig", "cpu", "memory", "oom", "stderr", "expected"),
    [
        (None, 0, None, 0.1, 10, False, "", ("ok", None)),
        ("output", None, "SIGKILL", 0.1, 10, False, "", ("output_limit", "output")),
        (None, None, "SIGXCPU", 1.0, 10, False, "", ("time_limit", "cpu")),
        ("wall", None, "SIGKILL", 0.01, 10, False, "", ("time_limit", "wall")),
        ("wall", None, "SIGKILL", 1.5, 10, False, "", ("time_limit", "cpu")),
        (None, 0, None, 1.2, 10, False, "", ("time_limit", "cpu")),  # finished, too slowly
        (None, None, "SIGKILL", 0.2, 200, True, "", ("memory_limit", "oom")),
        (None, 0, None, 0.2, 200, True, "", ("memory_limit", "oom")),  # a child was OOM-killed
        (None, 1, None, 1.1, 250, False, "MemoryError\n", ("memory_limit", "rlimit")),
        (
            None,
            None,
            "SIGABRT",
            0.1,
            250,
            False,
            "what():  std::bad_alloc",
            ("memory_limit", "rlimit"),
        ),
        (None, None, "SIGSEGV", 0.1, 245, False, "", ("memory_limit", "rlimit")),
        (None, None, "SIGSEGV", 0.1, 20, False, "", ("runtime_error", None)),
        (None, None, "SIGXFSZ", 0.1, 20, False, "", ("runtime_error", "file_size")),
        (None, 3, None, 0.1, 20, False, "", ("runtime_error", None)),
        (None, 0, None, 0.1, 20, False, "MemoryError", ("ok", None)),  # caught and handled
    ],
)
def test_verdict(killed, code, sig, cpu, memory, oom, stderr, expected):
    assert verdict(killed, code, sig, cpu, memory, oom, stderr, LIMITS) == expected
