"""A real uvicorn server on a free loopback port, run in a background thread.

Tests talk HTTP to it exactly as a trainer would.  Running it in-thread (rather than a
subprocess) lets a test hand the app a replaced verifier, e.g. one that hangs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from reward_server.app import create_app
from reward_server.config import Settings
from reward_server.verifiers import Registry


@contextmanager
def live_server(
    settings: Settings | None = None,
    registry: Registry | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[str]:
    """Yield the base URL of a running server; stop it on exit."""
    settings = settings or Settings(workers=2, sandbox={"enabled": False})
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, registry), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
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
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
