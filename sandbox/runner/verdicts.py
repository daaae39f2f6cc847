"""How a run ended, in the sandbox's words: the verdict and which limit fired.

The sandbox reports; it never judges output (that is the server's code verifier).  The
rules are plain functions of what the supervisor saw, so they are tested as a table
without a container (``tests/sandbox/test_runner_verdicts.py``).
"""

from __future__ import annotations

import os
import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Text a runtime prints when an allocation fails (under RLIMIT_DATA or -Xmx).
MEMORY_ERRORS = (
    "MemoryError",
    "std::bad_alloc",
    "Cannot allocate memory",
    "out of memory",
    "OutOfMemoryError",
    "JavaScript heap out of memory",
    "runtime: out of memory",
)


def decode_status(status: int | None) -> tuple[int | None, str | None]:
    """(exit code, signal name) of a wait status; (None, None) for no status."""
    if status is None:
        return None, None
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return None, signal.Signals(sig).name
        except ValueError:
            return None, f"SIG{sig}"
    return os.WEXITSTATUS(status), None


def cpu_of(usage: Any) -> float:
    """User plus system seconds of a ``resource.struct_rusage`` (0 for none)."""
    return 0.0 if usage is None else float(usage.ru_utime + usage.ru_stime)


def verdict(
    killed: str | None,
    code: int | None,
    sig: str | None,
    cpu: float,
    memory: float,
    oom: bool,
    stderr: str,
    limits: dict[str, Any],
) -> tuple[str, str | None]:
    """Which limit ended the run.  A kill by a limit comes first; a program that ended on
    its own with a memory error is a memory limit even if it also ran slowly.

    Time is judged by CPU time.  The wall deadline counts only the program's own time
    (running or asleep, not waiting for a CPU): ``"wall"`` means it slept or blocked past
    it, the program's doing.  ``"starved"`` means the node's load kept it from a CPU until
    the stretched deadline while it stayed under its CPU limit: ``sandbox_error``, ours,
    which the host reruns or reports as a retryable failure, never as a time limit."""
    time_limit = float(limits["time_s"])
    if killed == "output":
        return "output_limit", "output"
    if killed == "memory":  # the container was about to run out: as an OOM kill
        return "memory_limit", "oom"
    if sig == "SIGXCPU" or (killed in ("wall", "starved") and cpu > time_limit):
        return "time_limit", "cpu"
    if killed == "wall":
        return "time_limit", "wall"
    if killed == "starved":
        return "sandbox_error", "starved"
    if oom:
        return "memory_limit", "oom"
    failed = sig is not None or code != 0
    if failed and any(marker in stderr[-4096:] for marker in MEMORY_ERRORS):
        return "memory_limit", "rlimit"
    if cpu > time_limit:
        return "time_limit", "cpu"
    if failed and memory >= 0.9 * float(limits["memory_mb"]):
        return "memory_limit", "rlimit"  # e.g. malloc returned NULL and the program crashed
    if sig == "SIGXFSZ":
        return "runtime_error", "file_size"
    if failed:
        return "runtime_error", None
    return "ok", None


def compile_verdict(
    killed: str | None, code: int | None, sig: str | None, cpu: float, time_limit: float
) -> tuple[str, str | None]:
    """ok, or compile_error and a note to append to the compiler's output; a compiler
    starved of CPU by the node's load is ``sandbox_error`` (ours), as a starved run."""
    if sig == "SIGXCPU" or cpu > time_limit:
        return "compile_error", "compilation exceeded the time limit"
    if killed == "starved":
        return "sandbox_error", "the compiler was starved of CPU by other work on the node"
    if killed == "wall":
        return "compile_error", "compilation exceeded the time limit"
    if code == 0 and sig is None:
        return "ok", None
    return "compile_error", None
