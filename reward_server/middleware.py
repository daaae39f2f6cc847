"""ASGI middleware: authentication before the body, a hard cap on request bodies, work
stopped when its client goes away, and a request id on every answer.

The body cap is enforced while reading, so a client that lies in (or omits)
Content-Length still cannot make the server buffer more than the limit; and the API key
is checked on the headers alone, so a client without it cannot make the server read a
body at all.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import uuid
from collections.abc import Awaitable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .bodies import scrub_any
from .errors import error_body

#: Paths that need the API key when one is set (health probes and docs stay open).
PROTECTED_PREFIXES: tuple[str, ...] = ("/v1/", "/metrics", "/run_code", "/submit")


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    payload = json.dumps(scrub_any(body)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    """Answer 413 as soon as a request body passes ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> dict[str, Any]:
        return error_body(
            "payload_too_large",
            f"request body over {self.max_bytes} bytes (REWARD_MAX_BODY_BYTES)",
            False,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(
                        send, 400, error_body("bad_request", "invalid Content-Length", False)
                    )
                    return
                if declared > self.max_bytes:
                    await _send_json(send, 413, self._too_large())
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _send_json(send, 413, self._too_large())
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await _run_while_connected(self.app, scope, b"".join(chunks), receive, send)


async def _run_while_connected(
    app: ASGIApp, scope: Scope, body: bytes, receive: Receive, send: Send
) -> None:
    """Run ``app`` on the read ``body``; cancel it if the client disconnects first.

    A trainer that timed out or died no longer waits for its answer; its items' work is
    stopped (queued items leave the queue, running ones have their worker killed) instead
    of keeping the pools busy for nobody."""
    gone = asyncio.Event()
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    started = False

    async def tracked_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    handler = asyncio.ensure_future(_call(app(scope, replay, tracked_send)))
    watcher = asyncio.ensure_future(watch())
    try:
        await asyncio.wait({handler, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not handler.done() and gone.is_set() and not started:
            scope.setdefault("state", {})["client_gone"] = True
            handler.cancel()
        await asyncio.gather(handler, return_exceptions=True)
        if not handler.cancelled() and handler.exception() is not None:
            raise handler.exception()  # type: ignore[misc]
    finally:
        for task in (handler, watcher):
            task.cancel()
        await asyncio.gather(handler, watcher, return_exceptions=True)


async def _call(awaitable: Awaitable[None]) -> None:
    await awaitable


class AuthMiddleware:
    """401 on a protected path without the bearer token, before any of the body is read."""

    def __init__(self, app: ASGIApp, api_key: str | None) -> None:
        self.app = app
        self.expected = f"Bearer {api_key}".encode() if api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.expected is None
            or scope["type"] != "http"
            or not scope["path"].startswith(PROTECTED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope.get("headers", ()) if k == b"authorization"), b"")
        if hmac.compare_digest(given, self.expected):
            await self.app(scope, receive, send)
            return
        await _send_json(
            send,
            401,
            error_body("unauthorized", "missing or wrong bearer token", False),
            ((b"www-authenticate", b"Bearer"), (b"connection", b"close")),
        )


#: ASGI scope key set by a server in front that returns ``X-Request-ID`` itself (Ray Serve's
#: proxy does): the app then logs that id but adds no second header.
UPSTREAM_ECHOES_REQUEST_ID = "reward_server.upstream_echoes_request_id"


class RequestIdMiddleware:
    """Echo ``X-Request-ID`` (or make one) so client and server logs can be joined."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = next((v for k, v in scope.get("headers", ()) if k == b"x-request-id"), None)
        rid = (rid or uuid.uuid4().hex.encode())[:128]
        scope.setdefault("state", {})["request_id"] = rid.decode("latin-1")
        if scope.get(UPSTREAM_ECHOES_REQUEST_ID):
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid)]
            await send(message)

        await self.app(scope, receive, send_with_id)
