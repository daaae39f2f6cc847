"""The server's handle on the code sandbox: started in the background, checked for readiness.

The server must answer /healthz and score math while the sandbox image is still being
checked or a container pool is warming, so the sandbox starts as a background task and
code items wait for it (up to a bound) instead of failing.  A sandbox that cannot start is
reported by /readyz and as ``status: "error"`` (retryable) on code items.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from .config import SandboxSettings

if TYPE_CHECKING:
    from sandbox.base import SandboxBackend
    from sandbox.config import PoolConfig
    from sandbox.types import Limits

log = logging.getLogger(__name__)


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
    def __init__(self, settings: SandboxSettings, backend: SandboxBackend | None = None) -> None:
        self.settings = settings
        self._backend = backend
        self._task: asyncio.Task[None] | None = None
        self._error: str | None = (
            None if settings.enabled else "sandbox disabled (REWARD_SANDBOX__ENABLED=false)"
        )

    def _make_backend(self) -> SandboxBackend:
        from sandbox.docker import DockerSandbox

        return DockerSandbox(pool_config(self.settings))

    def start(self) -> None:
        """Begin starting the backend in the background (no-op when disabled)."""
        if not self.settings.enabled or self._task is not None:
            return
        self._task = asyncio.create_task(self._start(), name="sandbox-start")

    async def _start(self) -> None:
        try:
            if self._backend is None:
                self._backend = self._make_backend()
            await asyncio.wait_for(self._backend.start(), self.settings.pool_start_timeout_s)
        except Exception as exc:  # noqa: BLE001 - reported by readiness and per item
            self._error = f"sandbox failed to start: {type(exc).__name__}: {exc}"
            log.error(self._error)

    def ready(self) -> tuple[bool, str]:
        if self._error is not None:
            return False, self._error
        if self._task is None:
            return False, "sandbox not started"
        if not self._task.done():
            return False, "sandbox starting"
        assert self._backend is not None
        return self._backend.ready()

    @property
    def backend(self) -> SandboxBackend | None:
        """The backend once made (started or not), for metrics; None before."""
        return self._backend

    def languages(self) -> list[str] | None:
        """Languages the running image carries (None until the pool has started)."""
        if self._backend is None or self._task is None or not self._task.done():
            return None
        langs = getattr(self._backend, "languages", None)
        return sorted(langs) if langs is not None else None

    async def get(self) -> SandboxBackend:
        """The running backend, waiting for start-up if needed."""
        if self._error is not None:
            raise SandboxUnavailable(self._error)
        if self._task is None:
            self.start()
        assert self._task is not None
        await asyncio.shield(self._task)
        if self._error is not None or self._backend is None:
            raise SandboxUnavailable(self._error or "sandbox unavailable")
        return self._backend

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        if self._backend is not None:
            await self._backend.close()
