"""The server's handle on the code sandbox: started in the background, retried until it runs.

The server must answer /healthz and score math while the sandbox image is still being
checked or a container pool is warming, so the sandbox starts as a background task and
code items wait for its first attempt (up to ``pool_start_timeout_s``) instead of failing.
An attempt that fails (the Docker engine is down, the image is missing) is tried again in
the background, with waits doubling from 1 s to ``engine_retry_max_s``, until it succeeds
or the server stops: an engine that comes back after the server started brings code
scoring back without a restart.  Meanwhile /readyz says what is missing and when the next
try is, and code items are ``error`` with ``sandbox_unavailable`` (retryable).

Once running, the pool itself replaces containers an engine restart took away
(``DockerSandbox``); this handle only ever starts it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from .config import SandboxSettings

if TYPE_CHECKING:
    from sandbox.base import SandboxBackend
    from sandbox.config import PoolConfig
    from sandbox.types import Limits

log = logging.getLogger(__name__)

#: The first wait before a failed start is tried again; each failure doubles it.
FIRST_RETRY_S = 1.0


def limits_from_settings(settings: SandboxSettings) -> Limits:
    """Per-test limits from the settings; an item's own time and memory limits win."""
    return settings.test_limits()


def pool_config(settings: SandboxSettings) -> PoolConfig:
    """The Docker backend's configuration: the settings are one (``SandboxSettings``
    inherits ``PoolConfig``), so nothing is copied."""
    return settings


class SandboxUnavailable(Exception):
    """The sandbox is disabled, failed to start, or did not start in time."""


class SandboxService:
    """Starts the backend in the background and keeps trying until it runs.

    One backend serves every attempt (``start`` again after a failed ``start`` and a
    ``close``), so :attr:`backend` is the same object before, during and after the
    retries."""

    def __init__(self, settings: SandboxSettings, backend: SandboxBackend | None = None) -> None:
        self.settings = settings
        self._backend = backend
        self._task: asyncio.Task[None] | None = None
        self._disabled: str | None = (
            None if settings.enabled else "sandbox disabled (REWARD_SANDBOX__ENABLED=false)"
        )
        self._running = False
        self._error: str | None = None  # why the last attempt failed, while not running
        self._attempts = 0
        self._next_try: float | None = None  # monotonic time of the next attempt
        self._tried: asyncio.Event | None = None  # set once the first attempt has ended

    def _make_backend(self) -> SandboxBackend:
        from sandbox.docker import DockerSandbox

        return DockerSandbox(pool_config(self.settings))

    def start(self) -> None:
        """Begin starting the backend in the background (no-op when disabled)."""
        if self._disabled is not None or self._task is not None:
            return
        self._tried = asyncio.Event()
        self._task = asyncio.create_task(self._keep_starting(), name="sandbox-start")

    async def _keep_starting(self) -> None:
        delay = FIRST_RETRY_S
        while True:
            if await self._attempt():
                return
            self._next_try = time.monotonic() + delay
            await asyncio.sleep(delay)
            self._next_try = None
            delay = min(delay * 2, self.settings.engine_retry_max_s)

    async def _attempt(self) -> bool:
        """One start of the backend; on failure, what it left is closed for the next."""
        assert self._tried is not None
        self._attempts += 1
        try:
            if self._backend is None:
                self._backend = self._make_backend()
            await asyncio.wait_for(self._backend.start(), self.settings.pool_start_timeout_s)
        except Exception as exc:  # noqa: BLE001 - reported by readiness and per item
            self._error = f"sandbox failed to start: {type(exc).__name__}: {exc}"
            log.error("%s (attempt %d; retrying in the background)", self._error, self._attempts)
            if self._backend is not None:
                try:
                    await self._backend.close()
                except Exception as close_exc:  # noqa: BLE001 - the next attempt starts clean
                    log.warning("closing the sandbox after a failed start: %s", close_exc)
            self._tried.set()
            return False
        if self._attempts > 1:
            log.warning("sandbox started after %d attempts", self._attempts)
        self._error = None
        self._running = True
        self._tried.set()
        return True

    def _unavailable(self) -> str:
        """What /readyz and code items say while the sandbox does not run."""
        message = self._error or "sandbox unavailable"
        if self._next_try is not None:
            wait = max(0.0, self._next_try - time.monotonic())
            message += f" (tried {self._attempts} times; next try in {wait:.0f} s)"
        elif self._attempts:
            message += f" (tried {self._attempts} times; trying again now)"
        return message

    def ready(self) -> tuple[bool, str]:
        if self._disabled is not None:
            return False, self._disabled
        if self._task is None:
            return False, "sandbox not started"
        if not self._running:
            if self._error is None:
                return False, "sandbox starting"
            return False, self._unavailable()
        assert self._backend is not None
        return self._backend.ready()

    @property
    def backend(self) -> SandboxBackend | None:
        """The backend once made (started or not), for metrics; None before."""
        return self._backend

    def capacity(self) -> int:
        """How many sandbox jobs may run at once: the backend's ``capacity()`` once it
        runs, ``pool_size`` before (an upper bound, so a scheduler sized from this only
        ever shrinks when the pool starts)."""
        backend = self._backend
        capacity = getattr(backend, "capacity", None) if self._running else None
        if callable(capacity):
            return max(1, int(capacity()))
        return self.settings.pool_size

    def languages(self) -> list[str] | None:
        """Languages the running image carries (None until the pool has started)."""
        if self._backend is None or not self._running:
            return None
        langs = getattr(self._backend, "languages", None)
        return sorted(langs) if langs is not None else None

    async def get(self) -> SandboxBackend:
        """The running backend.  Before the first attempt has ended, wait for it; after a
        failed attempt, raise at once (the retries go on in the background)."""
        if self._disabled is not None:
            raise SandboxUnavailable(self._disabled)
        if self._task is None:
            self.start()
        assert self._tried is not None
        if not self._running and not self._tried.is_set():
            await asyncio.shield(self._tried.wait())
        if not self._running or self._backend is None:
            raise SandboxUnavailable(self._unavailable())
        return self._backend

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self._running = False
        if self._backend is not None:
            await self._backend.close()
