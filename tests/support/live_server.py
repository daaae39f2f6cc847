"""A real uvicorn server on a free loopback port, run in a background thread.

Tests talk HTTP to it exactly as a trainer would.  Running it in-thread (rather than a
subprocess) lets a test hand the app a replaced verifier, e.g. one that hangs, and reach
the app's state (metrics, admission, drain).  It is built by ``reward_server.server``, as
``reward-server serve`` builds it: same protocol limits, same drain.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from reward_server.app import create_app
from reward_server.config import Settings
from reward_server.server import DrainingServer, build_server
from reward_server.verifiers import Registry


@dataclass
class Live:
    url: str
    app: FastAPI
    server: DrainingServer
    thread: threading.Thread

    @property
    def runtime(self):
        return self.app.state.runtime


@contextmanager
def running_server(
    settings: Settings | None = None,
    registry: Registry | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[Live]:
    """Yield a running server (URL, app, uvicorn server); stop it on exit."""
    settings = settings or Settings(workers=2, sandbox={"enabled": False})
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, registry)
    server = build_server(app, settings, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200 and server.started:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield Live(url, app, server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextmanager
def live_server(
    settings: Settings | None = None,
    registry: Registry | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[str]:
    """Yield the base URL of a running server; stop it on exit."""
    with running_server(settings, registry, ready_timeout) as live:
        yield live.url
