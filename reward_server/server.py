"""Running the app under uvicorn: connection limits, read timeouts, drain on SIGTERM.

What uvicorn leaves open, and what this module adds:

- **header and body read timeouts**: a client that sends half a header, or a body at a
  trickle, holds a connection for as long as it likes; here the headers must arrive
  within ``REWARD_HEADER_TIMEOUT_S`` (also on a fresh connection that sends nothing) and
  the body within ``REWARD_BODY_TIMEOUT_S``, else the connection is closed (408);
- **a connection cap**: past ``REWARD_MAX_CONNECTIONS`` (never more than the process's
  file-descriptor limit allows) a new connection gets a short 503 and is closed at once,
  so idle connections cannot exhaust the descriptors and leave the server unable to
  accept anything (or to log anything but accept errors);
- **graceful drain**: the first SIGTERM (or SIGINT) starts :meth:`Lifecycle.drain` while
  the server keeps listening; when it is done uvicorn stops listening, the app's lifespan
  stops the workers and removes the sandbox containers, and the process exits 0.  A
  second signal exits at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import socket
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .config import Settings
from .drain import Lifecycle
from .errors import RETRY_AFTER_S, error_body

log = logging.getLogger(__name__)

#: File descriptors kept free for the server's own files, pipes and sockets.
FD_RESERVE = 64


def _raw_answer(status: int, reason: str, error_type: str, message: str, retry: bool) -> bytes:
    body = json.dumps(error_body(error_type, message, retry)).encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
    ]
    if retry:
        head.append(f"retry-after: {RETRY_AFTER_S}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


TOO_MANY_CONNECTIONS = _raw_answer(
    503,
    "Service Unavailable",
    "too_many_connections",
    "too many open connections (REWARD_MAX_CONNECTIONS)",
    True,
)
READ_TIMEOUT = _raw_answer(
    408,
    "Request Timeout",
    "request_timeout",
    "the request was not received in time (REWARD_HEADER_TIMEOUT_S / REWARD_BODY_TIMEOUT_S)",
    False,
)


def connection_limit(wanted: int) -> int:
    """``wanted``, lowered to what the file-descriptor limit allows (raised first, if it can)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted + 4 * FD_RESERVE)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return max(1, min(wanted, soft - FD_RESERVE))


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read timeouts and a cap on connections."""

    max_connections = 1000
    header_timeout_s = 10.0
    body_timeout_s = 60.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.write(TOO_MANY_CONNECTIONS)
            transport.close()
            return
        self._arm(self.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        idle = self.cycle is None or self.cycle.response_complete
        if idle and self._read_timer is None and not self.pipeline:
            self._arm(self.header_timeout_s)  # the first bytes of a request on a kept-alive one
        super().data_received(data)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.body_timeout_s)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, self._read_timeout)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timeout(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(READ_TIMEOUT)  # nothing of ours is being answered
        self.transport.close()


def protocol_class(settings: Settings) -> type[GuardedProtocol]:
    """A :class:`GuardedProtocol` with the limits of ``settings``."""
    return type(
        "RewardHttpProtocol",
        (GuardedProtocol,),
        {
            "max_connections": connection_limit(settings.max_connections),
            "header_timeout_s": settings.header_timeout_s,
            "body_timeout_s": settings.body_timeout_s,
        },
    )


class DrainingServer(uvicorn.Server):
    """A uvicorn server whose first SIGTERM drains before it stops (and exits 0)."""

    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle, drain_timeout_s: float):
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drain_timeout_s = drain_timeout_s
        self._drain_asked = False
        self._drain: asyncio.Task[int] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self._drain_asked and not self.should_exit:
            self._drain_asked = True  # picked up by on_tick, on the event loop
            return
        super().handle_exit(sig, frame)  # a second signal: stop now

    def request_drain(self) -> None:
        """Start a drain as SIGTERM would (for a server that runs outside the main thread)."""
        self._drain_asked = True

    async def on_tick(self, counter: int) -> bool:
        if self._drain_asked and self._drain is None:
            self._drain = asyncio.create_task(self.lifecycle.drain(self.drain_timeout_s))
        if self._drain is not None and self._drain.done():
            self.should_exit = True
        return await super().on_tick(counter)


def build_server(app: FastAPI, settings: Settings, **config: Any) -> DrainingServer:
    """The uvicorn server for ``app``; ``config`` overrides uvicorn options (tests: no port)."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": protocol_class(settings),
        "timeout_keep_alive": settings.keep_alive_timeout_s,
        "timeout_graceful_shutdown": 5,
        "access_log": False,
        "log_config": None,
        "lifespan": "on",
        **config,
    }
    lifecycle: Lifecycle = app.state.lifecycle
    return DrainingServer(uvicorn.Config(app, **options), lifecycle, settings.drain_timeout_s)


def serve(app: FastAPI, settings: Settings, sock: socket.socket | None = None) -> None:
    """Run until drained (SIGTERM) or stopped; returns normally, so the exit code is 0."""
    server = build_server(app, settings)
    server.run(sockets=[sock] if sock is not None else None)
