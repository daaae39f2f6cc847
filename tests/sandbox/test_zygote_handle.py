"""The runner's handle on its zygote (sandbox/runner/zygote.py), on the host without
Docker: it starts one, forks candidates through it, and replaces one that died or was
stopped.  The container side (reuse across jobs, what a program can do to it) is
``test_zygote.py``."""

from __future__ import annotations

import os
import signal
import time

import pytest

from sandbox.runner.programs import zygote_bundle
from sandbox.runner.zygote import Zygote, map_descriptors


def _spawn(child, fds: dict[int, int]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            map_descriptors(fds)
            child()
        finally:
            os._exit(127)
    return pid


@pytest.fixture
def zygote():
    keep: set[int] = set()
    handle = Zygote(_spawn, ["python3", "-I", "-c", zygote_bundle()], keep)
    yield handle
    pid = handle.pid
    handle.stop()
    if pid is not None:
        os.waitpid(pid, 0)


def _reap(handle: Zygote, pid: int) -> None:
    os.waitpid(pid, 0)
    handle.keep.discard(pid)  # what the runner's reap does


def _run_through(handle: Zygote, workdir: str, source: str) -> tuple[int | None, str]:
    with open(os.path.join(workdir, "main.py"), "w") as f:
        f.write(source)
    out_r, out_w = os.pipe()
    status_r, status_w = os.pipe()
    null = os.open(os.devnull, os.O_RDWR)
    spec = {"workdir": workdir, "source_file": "main.py", "mode": "stdio",
            "code_file": os.path.join(workdir, ".main.code"), "prelude": "", "args": ""}  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "LANG": "C.UTF-8"}
    pid = handle.fork(spec, {0: null, 1: out_w, 2: null, 5: status_w}, (10, 512, 4096, 16, 64, True),
                      env, workdir)  # fmt: skip
    for fd in (out_w, status_w, null):
        os.close(fd)
    chunks = []
    while chunk := os.read(out_r, 1 << 16):
        chunks.append(chunk)
    os.close(out_r)
    os.close(status_r)
    return pid, b"".join(chunks).decode()


def test_a_candidate_runs_through_the_zygote(zygote, tmp_path):
    assert zygote.ready({"PATH": "/usr/bin:/bin"}, "/")
    assert zygote.pid in zygote.keep and zygote.started == 1
    pid, out = _run_through(zygote, str(tmp_path), "import os\nprint('hi', os.getcwd())\n")
    assert pid is not None and pid != zygote.pid
    assert out == f"hi {tmp_path}\n"
    assert zygote.ready({}, "/") and zygote.started == 1  # the same zygote again


@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_a_zygote_that_died_or_was_stopped_is_replaced(zygote, tmp_path, how):
    assert zygote.ready({"PATH": "/usr/bin:/bin"}, "/")
    first = zygote.pid
    assert first is not None
    if how == "killed":
        os.kill(first, signal.SIGKILL)
        _reap(zygote, first)
    else:
        os.kill(first, signal.SIGSTOP)
        time.sleep(0.2)
    assert zygote.ready({"PATH": "/usr/bin:/bin"}, "/")
    assert zygote.pid != first and zygote.started == 2
    if how == "stopped":
        os.waitpid(first, 0)  # stop() killed it
    _pid, out = _run_through(zygote, str(tmp_path), "print('again')\n")
    assert out == "again\n"


def test_a_fork_through_a_dead_zygote_is_none(zygote, tmp_path):
    assert zygote.ready({"PATH": "/usr/bin:/bin"}, "/")
    first = zygote.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    os.waitpid(first, 0)  # not yet noticed by the handle: the fork itself fails
    pid, out = _run_through(zygote, str(tmp_path), "print('never')\n")
    assert pid is None and out == ""
    assert zygote.pid is None and first not in zygote.keep  # forgotten, to be replaced
