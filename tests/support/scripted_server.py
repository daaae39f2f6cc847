"""A real HTTP server on loopback whose failures a test scripts, to exercise the client.

It speaks enough of ``/v1/score`` for the client (reward = number of characters in the
completion, or ``status: error`` for the completion ``"FAIL"``) and, before answering,
obeys the next scripted action: an HTTP status with headers, a dropped connection, or a
delay.  It records every request so a test can check what the client actually sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    path: str
    body: Any
    headers: dict[str, str]
    at: float


@dataclass
class Script:
    actions: deque = field(default_factory=deque)
    seen: list[Seen] = field(default_factory=list)
    delay_s: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def then(self, *actions: Any) -> Script:
        self.actions.extend(actions)
        return self

    def score_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/v1/score"]


def fake_result(item: dict[str, Any]) -> dict[str, Any]:
    text = item["completion"]
    if text == "FAIL":
        return {
            "id": item.get("id"),
            "reward": None,
            "status": "error",
            "error": {"type": "verifier_crashed", "message": "boom", "retryable": True},
        }
    return {
        "id": item.get("id"),
        "reward": float(len(text)),
        "status": "ok",
        "scores": {
            "accuracy": 1.0 if item.get("answer") else None,
            "format": 0.5,
            "language": None,
        },
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    script: Script

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, {"ready": True})

    def do_POST(self) -> None:
        script = self.script
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"null")
        with script.lock:
            script.seen.append(
                Seen(
                    self.path,
                    body,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                )
            )
            action = script.actions.popleft() if script.actions else "ok"
            script.in_flight += 1
            script.max_in_flight = max(script.max_in_flight, script.in_flight)
        try:
            if script.delay_s:
                time.sleep(script.delay_s)
            if action == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(action, tuple):
                status, headers = action[0], (action[1] if len(action) > 1 else {})
                self._send(
                    status,
                    {
                        "error": {
                            "type": "scripted",
                            "message": f"scripted {status}",
                            "retryable": True,
                        }
                    },
                    headers,
                )
                return
            if self.path == "/v1/score":
                results = [fake_result(it) for it in body["items"]]
                self._send(200, {"results": results, "advantages": None})
            else:
                self._send(
                    404, {"error": {"type": "not_found", "message": self.path, "retryable": False}}
                )
        finally:
            with script.lock:
                script.in_flight -= 1


@contextmanager
def scripted_server(script: Script | None = None) -> Iterator[tuple[str, Script]]:
    script = script or Script()
    handler = type("Handler", (_Handler,), {"script": script})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
