"""The runner's life as PID 1: set up once, then answer the host's messages until EOF.

Messages: ``{"op": "ping"}`` -> ``{"op": "pong", ...}`` (after a clean-up, so a pong says
whether the container is clean); ``{"op": "job", ...}`` -> ``{"op": "result", "compile":
{...} | null, "runs": [...], "clean": bool, "problem": str | null}``.  Any failure of
ours is an ``{"op": "error"}`` reply marked unclean: the host then throws the container
away.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback

from . import harness
from .framing import PROTOCOL, recv, send
from .jobs import Runner
from .limits import set_dumpable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def setup(runner: Runner) -> None:
    """Non-dumpable, signals ignored, the work directory made; then freeze the heap, so
    forked tests do not copy the runner's pages by collecting them."""
    set_dumpable(False)
    runner.processes.install_signals()
    os.makedirs(runner.root, exist_ok=True)
    harness.warm()
    gc.freeze()


def answer(runner: Runner, message: dict[str, Any]) -> dict[str, Any]:
    op = message.get("op")
    try:
        if op == "ping":
            clean, problem = runner.cleanup()
            return {
                "op": "pong",
                "protocol": PROTOCOL,
                "pid": runner.processes.pid,
                "uid": os.getuid(),
                "python": sys.version.split()[0],
                "clean": clean,
                "problem": problem,
                "oom_counter": runner.cgroup.oom_file,
            }
        if op == "job":
            return runner.run_job(message)
        return {"op": "error", "message": f"unknown op {op!r}"}
    except Exception:  # noqa: BLE001 - reported to the host, which recycles the container
        with contextlib.suppress(Exception):
            runner.cleanup()
        return {"op": "error", "message": traceback.format_exc()[-4000:], "clean": False}


def serve(runner: Runner, in_fd: int = 0, out_fd: int = 1) -> None:
    while True:
        message = recv(in_fd)
        if message is None:
            return
        reply = answer(runner, message)
        message = None  # the job (its test code) is not kept while the next one runs
        send(out_fd, reply)


def main(argv: list[str]) -> int:
    """``--workdir DIR`` (default /tmp).  Only as PID 1 of a container: ``kill(-1)``
    anywhere else would reach every process of the user."""
    if os.getpid() != 1:
        sys.stderr.write("the sandbox runner runs only as PID 1 of a sandbox container\n")
        return 2
    workdir = "/tmp"
    if "--workdir" in argv:
        workdir = argv[argv.index("--workdir") + 1]
    runner = Runner(workdir)
    setup(runner)
    try:
        serve(runner)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return 0
