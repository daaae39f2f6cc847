"""Process supervision as PID 1: start a test, drain its output, stop it, leave nothing.

The runner is the container's init, so ``kill(-1, SIGKILL)`` reaches every other process
in the container (the test, its children, daemons it started) and orphans come back to
it to be reaped.  A test's end is therefore simple: kill everything but us (and the
zygote, which forks candidates and is spared), reap until ``/proc`` lists only us.

The wall deadline measures the program's own time, not the node's load: time a test's
processes spent runnable but waiting for a CPU (their ``run_delay`` in
``/proc/<pid>/task/<tid>/schedstat``, :class:`RunQueueWaits`) does not count against it,
up to ``stretch`` times the deadline.  A program that sleeps or blocks is stopped at its
deadline as before (``"wall"``); one still starved at the stretched end is stopped as
``"starved"``, which is ours, not the program's.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
import traceback

from .zygote import map_descriptors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

    from .cgroup import Cgroup

READ_CHUNK = 1 << 16
DRAIN_AFTER_EXIT_S = 2.0  # background processes may hold the pipes: read this long at most
MEMORY_POLL_S = 0.005
#: How often the run-queue waits of a test's tasks are read while it runs, so the waits of
#: tasks that end between two readings are mostly counted too.
WAIT_SAMPLE_S = 0.1
#: While a deadline is stretched, how often the waits and the CPU used are checked again.
STRETCH_CHECK_S = 0.5
#: Signals the runner (PID 1) ignores; a test process gets them back at their defaults.
RUNNER_IGNORES = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
)


class Supervised:
    """What :meth:`Processes.supervise` saw: the wait status and rusage (None if the
    process never ended by itself before the kill was reaped), the captured streams, why
    we killed it (``"wall"``, ``"starved"``, ``"output"``, ``"memory"`` or None), the wall
    seconds until it ended, whether stdout was cut at its cap, and the seconds its tasks
    waited for a CPU (as far as they were read)."""

    __slots__ = ("status", "usage", "buffers", "killed", "elapsed", "truncated", "waited")

    def __init__(
        self,
        status: int | None,
        usage: Any,
        buffers: dict[str, bytearray],
        killed: str | None,
        elapsed: float,
        truncated: bool,
        waited: float = 0.0,
    ) -> None:
        self.status = status
        self.usage = usage
        self.buffers = buffers
        self.killed = killed
        self.elapsed = elapsed
        self.truncated = truncated
        self.waited = waited


class RunQueueWaits:
    """Seconds the tasks of a test spent runnable but not running (waiting for a CPU).

    Each task's ``run_delay`` (the second field of its ``schedstat``, in ns) only grows, so
    the last reading of every task seen is summed; a task that ended keeps its last
    reading.  Summing over tasks counts two threads that wait at the same time twice: that
    errs towards "starved", which costs a rerun, never a correct program's reward.  A
    kernel without schedstat reads as no wait (the plain wall deadline)."""

    __slots__ = ("runner", "last", "gone", "proc")

    def __init__(self, runner: int, proc: str = "/proc") -> None:
        self.runner = runner
        self.last: dict[int, int] = {}
        self.gone = 0
        self.proc = proc

    def sample(self) -> float:
        """Read every task now; the total wait so far, in seconds."""
        proc = self.proc
        try:
            pids = [name for name in os.listdir(proc) if name.isdigit()]
        except OSError:
            pids = []
        for pid in pids:
            if int(pid) == self.runner:
                continue
            try:
                tids = os.listdir(f"{proc}/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    with open(f"{proc}/{pid}/task/{tid}/schedstat", "rb") as f:
                        delay = int(f.read().split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                key = int(tid)
                last = self.last.get(key, 0)
                if delay < last:  # a new task took an ended task's id
                    self.gone += last
                self.last[key] = delay
        return (self.gone + sum(self.last.values())) / 1e9


class Processes:
    """The runner's children: spawning, supervising, killing and reaping them."""

    def __init__(self, cgroup: Cgroup) -> None:
        self.cgroup = cgroup
        self.pid = os.getpid()
        self.exited: dict[int, tuple[int, Any]] = {}  # pid -> (status, rusage), reaped early
        self.keep: set[int] = set()  # children the clean-up spares (the zygote) while alive
        self.wakeup_r, self.wakeup_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def install_signals(self) -> None:
        """Ignore what a test could send us; wake the poll loop when a child exits."""
        for sig in RUNNER_IGNORES:
            signal.signal(sig, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wakeup_w, warn_on_full_buffer=False)

    # ---- reaping and killing ---------------------------------------------------------
    def reap(self, block: bool = False) -> bool:
        """Reap every exited child; statuses of the ones we wait for are kept."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return True
            self.exited[pid] = (status, usage)
            self.keep.discard(pid)
            if block:
                return True

    def kill_all(self) -> None:
        """SIGKILL every process but the runner (as PID 1, kill(-1) reaches them all) and
        the ones in ``keep`` (the zygote).  With some to spare, everyone is first stopped
        at once (``kill(-1, SIGSTOP)``: a stopped process cannot fork), then each other
        one is killed and the spared ones continue."""
        if not self.keep:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGSTOP)
        for pid in self.others():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in self.keep:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def others(self) -> list[int]:
        """Processes other than the runner and the spared ones (all of them are the
        tests')."""
        return [
            int(n)
            for n in os.listdir("/proc")
            if n.isdigit() and int(n) != self.pid and int(n) not in self.keep
        ]

    def settle(self, timeout: float = 3.0) -> bool:
        """Kill and reap until no other process is left; False if some would not go."""
        deadline = time.monotonic() + timeout
        while True:
            self.kill_all()
            self.reap()
            if not self.others():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)

    def _drain_wakeup(self) -> None:
        try:
            while os.read(self.wakeup_r, 512):
                pass
        except BlockingIOError:
            pass

    # ---- starting ----------------------------------------------------------------------
    def spawn(self, child: Callable[[], NoReturn], fds: dict[int, int]) -> int:
        """Fork; the child maps ``fds`` (target -> source), closes the rest and calls
        ``child()``, which must never return."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                signal.set_wakeup_fd(-1)
                for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ, *RUNNER_IGNORES):
                    signal.signal(sig, signal.SIG_DFL)
                os.setsid()
                map_descriptors(fds)
                child()
            except BaseException:  # noqa: BLE001 - the child must never return into the runner
                with contextlib.suppress(BaseException):
                    os.write(2, traceback.format_exc().encode())
            os._exit(127)
        return pid

    # ---- one process, supervised -------------------------------------------------------
    def supervise(
        self,
        pid: int,
        streams: dict[str, int],
        wall_s: float,
        output_cap: int,
        caps: dict[str, int],
        guard_memory: bool = False,
        stretch: float = 1.0,
        cpu_limit_s: float | None = None,
    ) -> Supervised:
        """Drain ``streams`` (name -> read fd) while ``pid`` runs; kill it at the wall
        deadline, when stdout+stderr pass ``output_cap``, or (``guard_memory``) when the
        container's memory is nearly full.  Each stream keeps at most ``caps[name]`` bytes.

        With ``stretch`` > 1 the deadline is on the program's own time: the wall time less
        what its tasks waited for a CPU, until ``stretch * wall_s`` of wall time at most.
        Stopped there while its own time is still under ``wall_s``, it was ``"starved"``.
        A program whose processes together used more than ``cpu_limit_s`` of CPU (the
        container's counter) gets no stretch: it is over its limit whatever the load (a
        fork bomb's processes all wait for a CPU, and would otherwise be waited for)."""
        cpu_start = self.cgroup.cpu_seconds()
        started = time.monotonic()
        deadline = started + wall_s
        last_call = started + wall_s * max(1.0, stretch)
        waits = RunQueueWaits(self.pid) if stretch > 1.0 else None
        next_sample = started + WAIT_SAMPLE_S
        waited = 0.0
        poller = select.poll()
        by_fd = {}
        for name, fd in streams.items():
            os.set_blocking(fd, False)
            poller.register(fd, select.POLLIN)
            by_fd[fd] = name
        poller.register(self.wakeup_r, select.POLLIN)
        buffers = {name: bytearray() for name in streams}
        guard = guard_memory and self.cgroup.memory is not None
        total = 0
        killed: str | None = None
        status: int | None = None
        usage: Any = None
        ended: float | None = None
        truncated = False
        while True:
            if ended is None:
                self.reap()
                if pid in self.exited:
                    status, usage = self.exited.pop(pid)
                    ended = time.monotonic()
                    self.kill_all()  # background processes would hold the pipes open
            if ended is not None and not by_fd:
                break
            now = time.monotonic()
            if waits is not None and ended is None and killed is None and now >= next_sample:
                waited = waits.sample()
                next_sample = now + WAIT_SAMPLE_S
            if ended is None and killed is None and now >= deadline:
                if waits is not None:
                    waited = waits.sample()
                own = now - started - waited
                over_cpu = (
                    cpu_limit_s is not None and self.cgroup.cpu_seconds() - cpu_start > cpu_limit_s
                )
                if waits is not None and own < wall_s and now < last_call and not over_cpu:
                    # The time it is owed, checked again at least every STRETCH_CHECK_S (its
                    # CPU may pass the limit meanwhile).
                    deadline = min(last_call, now + min(wall_s - own, STRETCH_CHECK_S))
                    continue
                killed = "wall" if own >= wall_s or waits is None or over_cpu else "starved"
                self.kill_all()
            if ended is not None:
                remaining = ended + DRAIN_AFTER_EXIT_S - now
                if remaining <= 0:
                    break
                timeout = remaining
            elif killed is None:
                timeout = deadline - now
                if waits is not None:
                    timeout = min(timeout, next_sample - now)
                if guard:
                    if self.cgroup.memory_nearly_full():
                        killed = "memory"
                        self.kill_all()
                        continue
                    timeout = min(timeout, MEMORY_POLL_S)
            else:
                timeout = 0.05
            for fd, _event in poller.poll(max(0, int(timeout * 1000)) + 1):
                if fd == self.wakeup_r:
                    self._drain_wakeup()
                    continue
                try:
                    data = os.read(fd, READ_CHUNK)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    poller.unregister(fd)
                    os.close(fd)
                    del by_fd[fd]
                    continue
                name = by_fd[fd]
                buf = buffers[name]
                room = caps[name] - len(buf)
                if room > 0:
                    buf += data[:room]
                if len(data) > room:
                    truncated = truncated or name == "stdout"
                if name in ("stdout", "stderr"):
                    total += len(data)
                    if total > output_cap and killed is None and ended is None:
                        killed = "output"
                        self.kill_all()
        for fd in by_fd:
            os.close(fd)
        elapsed = (ended or time.monotonic()) - started
        return Supervised(status, usage, buffers, killed, elapsed, truncated, waited)
