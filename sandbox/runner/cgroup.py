"""The container's cgroup, read from inside: CPU used, memory nearly full, OOM kills.

Docker mounts the container's own cgroup at ``/sys/fs/cgroup`` (v2, or the v1 memory and
cpuacct controllers under it).  Each counter is found once, at start-up; a counter that
is missing reads as "nothing happened", so the rlimits and the wall deadline still hold.
"""

from __future__ import annotations

import os
import resource

#: A test is killed when the container's unreclaimable memory passes this share of its
#: limit, before the kernel's OOM killer would pick a process itself.
MEMORY_GUARD = 0.2

_OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
_CPU_COUNTERS = ("/sys/fs/cgroup/cpu.stat", "/sys/fs/cgroup/cpuacct/cpuacct.usage")
#: (directory, usage file, limit file, page-cache key of memory.stat): v2, then v1.
_MEMORY_LAYOUTS = (
    ("/sys/fs/cgroup", "memory.current", "memory.max", "file"),
    ("/sys/fs/cgroup/memory", "memory.usage_in_bytes", "memory.limit_in_bytes", "cache"),
)


class MemoryCounters:
    """Where the memory cgroup keeps its usage and statistics, and its limit in bytes."""

    __slots__ = ("usage_file", "stat_file", "cache_key", "limit")

    def __init__(self, usage_file: str, stat_file: str, cache_key: str, limit: int) -> None:
        self.usage_file = usage_file
        self.stat_file = stat_file
        self.cache_key = cache_key
        self.limit = limit


class Cgroup:
    """The three probes the runner needs, found once."""

    def __init__(
        self,
        oom_file: str | None,
        cpu_file: str | None,
        memory: MemoryCounters | None,
    ) -> None:
        self.oom_file = oom_file
        self.cpu_file = cpu_file
        self.memory = memory

    @classmethod
    def find(cls) -> Cgroup:
        return cls(_first_existing(_OOM_COUNTERS), _first_existing(_CPU_COUNTERS), _find_memory())

    def cpu_seconds(self) -> float:
        """CPU seconds of the container's cgroup minus the runner's own: what the test's
        processes used, including children it never waited for (absent from its rusage).
        Only differences of two readings mean anything."""
        if not self.cpu_file:
            return 0.0
        try:
            with open(self.cpu_file) as f:
                text = f.read()
            if self.cpu_file.endswith("cpu.stat"):
                fields = dict(line.split() for line in text.splitlines() if line.strip())
                total = int(fields["usage_usec"]) / 1e6
            else:
                total = int(text.strip()) / 1e9
        except (OSError, ValueError, KeyError):
            return 0.0
        own = resource.getrusage(resource.RUSAGE_SELF)
        return total - (own.ru_utime + own.ru_stime)

    def memory_nearly_full(self) -> bool:
        """True when the container's unreclaimable memory is within MEMORY_GUARD of its
        limit.  Memory no process maps (memfd or System V pages written and unmapped)
        leaves every process small, so the kernel's OOM killer would take the largest:
        the runner.  Killing the test first keeps the verdict the program's."""
        memory = self.memory
        if memory is None:
            return False
        threshold = memory.limit * (1 - MEMORY_GUARD)
        try:
            with open(memory.usage_file) as f:
                used = int(f.read())
            if used <= threshold:
                return False
            stat = {}
            with open(memory.stat_file) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    stat[key] = int(value)
            cache = stat.get(memory.cache_key, 0) - stat.get("shmem", 0)  # reclaimable
            return used - max(0, cache) > threshold
        except (OSError, ValueError):
            return False

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer took in this container so far."""
        if not self.oom_file:
            return 0
        try:
            with open(self.oom_file) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            pass
        return 0


def _first_existing(paths: tuple[str, ...]) -> str | None:
    for path in paths:
        if os.path.exists(path):
            return path
    return None


def _find_memory() -> MemoryCounters | None:
    """The memory counters of a cgroup that has a limit (no limit: nothing to guard)."""
    for base, usage, limit, cache_key in _MEMORY_LAYOUTS:
        try:
            with open(os.path.join(base, limit)) as f:
                text = f.read().strip()
            if text != "max" and int(text) < 2**50 and os.path.exists(os.path.join(base, usage)):
                return MemoryCounters(
                    os.path.join(base, usage),
                    os.path.join(base, "memory.stat"),
                    cache_key,
                    int(text),
                )
        except (OSError, ValueError):
            continue
    return None
