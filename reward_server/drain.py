"""Graceful drain: restart the server without dropping what is in flight.

On SIGTERM (see :mod:`reward_server.server`) the server keeps listening but turns
``/readyz`` to 503 at once, so load balancers and clients move away; new ``/v1`` requests
get 503 with ``Retry-After`` (a trainer's client retries them on another replica or after
the restart); requests in flight finish, up to ``REWARD_DRAIN_TIMEOUT_S``.  Whatever still
runs then is stopped and answered 503 in the usual JSON error shape with
``retryable: true``, never a plain-text 500.  Only then does the server stop listening,
stop its workers and remove its sandbox containers.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import RETRY_AFTER_S, error_body
from .middleware import _call, _send_json

log = logging.getLogger(__name__)

#: Paths held back while draining; health, metrics and docs keep answering.
DRAINED_PREFIX = "/v1/"
#: After the grace period, how long stopped requests get to send their 503.
ABORT_GRACE_S = 5.0


class Lifecycle:
    """Whether the server drains, and the ``/v1`` requests it still serves."""

    def __init__(self) -> None:
        self.draining = False
        self.active = 0
        self._abort = asyncio.Event()

    @property
    def aborting(self) -> bool:
        return self._abort.is_set()

    async def drain(self, timeout_s: float) -> int:
        """Refuse new work, wait for the work in flight (up to ``timeout_s``), stop the rest.

        Returns how many requests had to be stopped."""
        if not self.draining:
            self.draining = True
            log.warning("draining: %d request(s) in flight, up to %g s", self.active, timeout_s)
        deadline = time.monotonic() + timeout_s
        while self.active and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        stopped = self.active
        if stopped:
            log.warning("drain timeout: answering %d request(s) in flight with 503", stopped)
            self._abort.set()
            deadline = time.monotonic() + ABORT_GRACE_S
            while self.active and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        log.info("drained")
        return stopped


def _unavailable(message: str) -> dict[str, object]:
    return error_body("draining", message, True)


class LifecycleMiddleware:
    """503 for new ``/v1`` requests while draining; 503 (JSON) for those stopped at its end."""

    def __init__(self, app: ASGIApp, lifecycle: Lifecycle) -> None:
        self.app = app
        self.lifecycle = lifecycle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(DRAINED_PREFIX):
            await self.app(scope, receive, send)
            return
        lifecycle = self.lifecycle
        retry = ((b"retry-after", str(RETRY_AFTER_S).encode()),)
        if lifecycle.draining:
            await _send_json(
                send,
                503,
                _unavailable("server is draining for a restart; send the request again"),
                retry,
            )
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        lifecycle.active += 1
        handler = asyncio.ensure_future(_call(self.app(scope, receive, tracked_send)))
        aborted = asyncio.ensure_future(lifecycle._abort.wait())
        try:
            await asyncio.wait({handler, aborted}, return_when=asyncio.FIRST_COMPLETED)
            if not handler.done():
                scope.setdefault("state", {})["drain_stopped"] = True
                handler.cancel()
                await asyncio.gather(handler, return_exceptions=True)
                if not started:
                    await _send_json(
                        send,
                        503,
                        _unavailable(
                            "server shut down before this request was done "
                            "(REWARD_DRAIN_TIMEOUT_S); send it again"
                        ),
                        retry,
                    )
                return
            handler.result()
        finally:
            lifecycle.active -= 1
            for task in (handler, aborted):
                task.cancel()
            await asyncio.gather(handler, aborted, return_exceptions=True)
