"""What a test process is confined by, set in the child between fork and exec.

rlimits (CPU, DATA, STACK, NPROC, FSIZE, NOFILE, CORE=0), an environment of our own, and
the OOM killer's aim: the test, never the runner.  The runner itself is made
non-dumpable, so a test (same uid) cannot ptrace it or open its ``/proc/1/fd`` or
``/proc/1/mem``.
"""

from __future__ import annotations

import ctypes
import math
import resource

PR_SET_DUMPABLE = 4

_LIBC: list[ctypes.CDLL] = []


def libc() -> ctypes.CDLL:
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def set_dumpable(dumpable: bool) -> None:
    libc().prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0)


def apply_limits(
    time_s: float,
    memory_mb: int,
    processes: int,
    file_size_mb: int,
    open_files: int,
    rlimit_data: bool,
) -> None:
    """The rlimits of one test (or compile step).  RLIMIT_CPU has whole seconds: the
    measured CPU time decides fractional limits afterwards.

    RLIMIT_STACK is unlimited: glibc sizes every thread's stack by the soft stack limit
    (unlimited: its 2 MiB default), and RLIMIT_DATA counts those reservations, so a stack
    limit equal to the memory limit made ``pthread_create`` fail (EAGAIN) at every memory
    limit.  The main thread's stack (deep recursion) is then bounded by the container's
    memory cgroup and the runner's memory guard, and the heap by RLIMIT_DATA."""
    cpu = max(1, math.ceil(time_s))
    memory = int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if rlimit_data:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    _soft, hard = resource.getrlimit(resource.RLIMIT_STACK)  # unlimited in a container
    resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(file_size_mb) * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def make_oom_target() -> None:
    """Make the test, not the runner, the OOM killer's choice when the container is full."""
    try:
        set_dumpable(True)
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


def environment(workdir: str, extra: dict[str, str] | None) -> dict[str, str]:
    """The whole environment of a test or compiler: nothing of the runner's leaks in."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    env.update(extra or {})
    return env
