"""The pool's stream to one container, closed while a job's thread waits on it.

Found on a busy CI machine: closing the pool while a job ran left the job's thread
waiting for its whole deadline.  The descriptor was closed under the thread between its
reading the descriptor's number and its ``poll``; the engine's next connection took the
number and the thread polled that idle connection.  These tests use a socket pair, so the
interleaving is forced rather than hoped for.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from sandbox.docker import RunnerGone, _Box


class GatedSocket:
    """A real socket whose ``recv`` waits at a gate, so a test can act in between."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.entered = threading.Event()
        self.go = threading.Event()
        self.fileno_at_recv: int | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)

    def recv(self, size: int) -> bytes:
        self.entered.set()
        assert self.go.wait(10)
        self.fileno_at_recv = self.sock.fileno()
        return self.sock.recv(size)


def call_in_thread(box: _Box) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def target() -> None:
        try:
            box.call({"op": "ping"}, timeout=30)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, failures


def test_closing_under_a_waiting_call_keeps_the_descriptor_until_the_call_leaves():
    ours, runner = socket.socketpair()
    gated = GatedSocket(ours)
    box = _Box("c0ffee", 0, stream=None, sock=gated)  # type: ignore[arg-type]
    thread, failures = call_in_thread(box)
    assert gated.entered.wait(10)

    box.close_stream()  # the pool closes while the job's thread is inside call
    assert ours.fileno() != -1  # still the thread's: no other socket can take its number
    gated.go.set()
    thread.join(10)

    assert not thread.is_alive()
    assert gated.fileno_at_recv not in (None, -1)
    assert len(failures) == 1 and isinstance(failures[0], RunnerGone)  # EOF, not EBADF
    assert ours.fileno() == -1  # released by the thread on its way out
    runner.close()


def test_a_thread_waiting_in_recv_wakes_when_the_stream_closes():
    ours, runner = socket.socketpair()
    box = _Box("c0ffee", 0, stream=None, sock=ours)
    thread, failures = call_in_thread(box)
    assert runner.recv(1 << 16)  # the message arrived: the thread now waits for a reply

    box.close_stream()
    thread.join(10)

    assert not thread.is_alive()
    assert len(failures) == 1 and isinstance(failures[0], RunnerGone)
    assert ours.fileno() == -1
    runner.close()


def test_a_closed_stream_refuses_new_calls_and_is_released_at_once():
    ours, runner = socket.socketpair()
    box = _Box("c0ffee", 0, stream=None, sock=ours)
    box.close_stream()
    assert ours.fileno() == -1
    with pytest.raises(RunnerGone):
        box.call({"op": "ping"}, timeout=5)
    runner.close()
