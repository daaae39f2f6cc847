"""A warm interpreter that forks the candidates of assert tests and test files.

Judged runs put the program in a process of its own that must hold nothing of the
runner's (the test code, the marker, other jobs' leftovers): a fresh ``python3``, which
costs a start-up and the compiling of the harness on every run, more than a HumanEval
check itself.  The zygote pays that once per container.  It is a fresh interpreter
(exec'd, with the candidates' environment) that imports the harness and then only
forks: it never sees test code, markers or results, only the spec (paths and the mode)
and the descriptors of one run, so what a candidate forked from it inherits is what a
fresh interpreter would have held.

Each request forks twice: the grandchild (setsid, descriptors mapped, rlimits, the OOM
aim, the environment) runs ``harness.main`` as exec mode would; the middle process
sends the grandchild's pid and exits, so the candidate is reparented to the runner
(PID 1), which supervises and reaps it like any test process.

The zygote is not dumpable (a candidate, the same uid, can neither trace it nor write
its memory); a candidate can still signal it, so the runner spares it when it kills a
job's processes, checks it before each use and replaces it when it is gone or stopped.
Candidates share its hash seed (set once per container, not per run).
"""

from __future__ import annotations

import json
import os
import socket
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

#: The zygote's end of the control socket.
CONTROL_FD = 3
#: How long the runner waits for the zygote's start, or for one candidate's pid.
START_TIMEOUT_S = 10.0
FORK_TIMEOUT_S = 5.0
MAX_MESSAGE = 1 << 16
MAX_FDS = 16


# ---- the zygote's side ---------------------------------------------------------------------
def serve(control_fd: int = CONTROL_FD) -> NoReturn:
    """The zygote's loop: say ready, then fork a candidate per request until EOF."""
    from . import limits

    limits.set_dumpable(False)
    sock = socket.socket(fileno=control_fd)
    try:
        sock.send(b"R")
        while True:
            message, fds, _flags, _address = socket.recv_fds(sock, MAX_MESSAGE, MAX_FDS)
            if not message:
                break
            request = json.loads(message)
            try:
                middle = os.fork()
            except OSError as exc:
                sock.send(f"E{exc}".encode())
                middle = 0
            else:
                if middle == 0:
                    _middle(sock, request, fds)
            for fd in fds:
                os.close(fd)
            if middle:
                os.waitpid(middle, 0)
    except BaseException:  # noqa: BLE001 - any trouble ends the zygote; the runner replaces it
        pass
    os._exit(0)


def _middle(sock: socket.socket, request: dict[str, Any], fds: list[int]) -> NoReturn:
    try:
        pid = os.fork()
        if pid == 0:
            sock.close()
            _candidate(request, fds)
        sock.send(str(pid).encode())
    except BaseException as exc:  # noqa: BLE001 - reported to the runner as a failed fork
        try:
            sock.send(f"E{exc}".encode())
        except BaseException:  # noqa: BLE001
            pass
    os._exit(0)


def _candidate(request: dict[str, Any], fds: list[int]) -> NoReturn:
    try:
        from . import harness, limits

        os.setsid()
        map_descriptors(dict(zip(request["targets"], fds)))
        limits.apply_limits(*request["limits"])
        limits.make_oom_target()  # dumpable again, as a fresh interpreter is
        os.chdir(request["workdir"])
        os.umask(0o022)
        os.environ.clear()
        os.environ.update(request["env"])
        harness.main(request["spec"], forked=False)
    except BaseException:  # noqa: BLE001 - the candidate must never return into the zygote
        try:
            import traceback

            os.write(2, traceback.format_exc().encode())
        except BaseException:  # noqa: BLE001
            pass
    os._exit(127)


def map_descriptors(fds: dict[int, int]) -> None:
    """Put each source descriptor at its target number (``fds``: target -> source) and
    close every other descriptor of the process."""
    import fcntl

    moved = {target: fcntl.fcntl(source, fcntl.F_DUPFD, 64) for target, source in fds.items()}
    for target, source in moved.items():
        os.dup2(source, target)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in moved:
            try:
                os.close(fd)
            except OSError:
                pass


# ---- the runner's side -----------------------------------------------------------------------
class Zygote:
    """The runner's handle on its zygote: start, check, fork through it, replace it.

    ``spawn_process(child, fds)`` is the runner's fork (``Processes.spawn``) and ``argv``
    the command of a fresh zygote; ``keep`` is the set of pids the runner's clean-up
    spares, which the zygote's pid joins while it lives."""

    def __init__(
        self,
        spawn_process: Callable[[Callable[[], NoReturn], dict[int, int]], int],
        argv: list[str],
        keep: set[int],
    ) -> None:
        self.spawn_process = spawn_process
        self.argv = argv
        self.keep = keep
        self.pid: int | None = None
        self.sock: socket.socket | None = None
        self.started = 0  # how many zygotes this runner started (a test reads it)

    def ready(self, env: dict[str, str], workdir: str) -> bool:
        """A live zygote, started now if there is none; False if none could start."""
        if self.pid is not None and self._healthy():
            return True
        self.stop()
        return self._start(env, workdir)

    def fork(
        self,
        spec: dict[str, Any],
        fds: dict[int, int],
        limits: tuple[Any, ...],
        env: dict[str, str],
        workdir: str,
    ) -> int | None:
        """The pid of a candidate forked for ``spec`` with ``fds`` (target -> source), or
        None when the zygote failed (it is then stopped; the caller starts a fresh
        interpreter instead)."""
        if self.sock is None:
            return None
        targets = list(fds)
        request = {"spec": spec, "targets": targets, "limits": list(limits), "env": env,
                   "workdir": workdir}  # fmt: skip
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], [fds[t] for t in targets])
            self.sock.settimeout(FORK_TIMEOUT_S)
            reply = self.sock.recv(64)
        except OSError:
            reply = b""
        if reply[:1].isdigit():
            return int(reply)
        self.stop()
        return None

    def stop(self) -> None:
        """Kill the zygote (if any) and forget it; the runner reaps it.  One already reaped
        is not signalled: its pid may be another process's by now."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.pid is not None and self.pid in self.keep:  # not reaped: the pid is its
            self.keep.discard(self.pid)
            try:
                os.kill(self.pid, 9)
            except OSError:
                pass
        self.pid = None

    def _start(self, env: dict[str, str], workdir: str) -> bool:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        argv = self.argv

        def child() -> NoReturn:
            os.chdir(workdir)
            os.execvpe(argv[0], argv, env)

        try:
            pid = self.spawn_process(
                child, {0: null, 1: null, 2: null, CONTROL_FD: theirs.fileno()}
            )
        finally:
            theirs.close()
            os.close(null)
        self.pid, self.sock = pid, ours
        self.keep.add(pid)
        self.started += 1
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while time.monotonic() < deadline:
                ours.settimeout(max(0.01, deadline - time.monotonic()))
                if ours.recv(8) == b"R":
                    return True
                break
        except OSError:
            pass
        self.stop()
        return False

    def _healthy(self) -> bool:
        """Alive and not stopped or traced (a candidate may have signalled it)."""
        if self.pid not in self.keep:  # reaped: it died
            return False
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state in (b"S", b"R")
