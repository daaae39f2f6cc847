"""Worker processes for CPU-bound verification, with hard per-item deadlines.

Sympy can hang for minutes on an adversarial answer (``9^{9^9}``) and a C extension can
crash the interpreter; neither may stall the server or lose the rest of a batch.  Each
item's CPU work therefore runs in a separate process (pebble's ``ProcessPool``) under a
deadline enforced from the *parent*: when it expires the worker is killed and replaced.
This holds in any thread and under asyncio, unlike ``signal.alarm``.

Workers come from a ``forkserver`` that has already imported the verifiers, so a
replacement starts in milliseconds instead of re-importing sympy, and they never fork
the server's threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pebble import ProcessExpired, ProcessPool

from .verifiers.outcome import Outcome

log = logging.getLogger(__name__)

#: Modules imported once in the forkserver so every worker starts warm.
PRELOAD: tuple[str, ...] = (
    "reward_server.verifiers.outcome",
    "reward_server.verifiers.completion",
    "reward_server.workers",
)

# A plan is what one item asks of the workers: (component, function, args, kwargs).
Step = tuple[str, Callable[..., Outcome], tuple[Any, ...], dict[str, Any]]


class WorkerTimeout(Exception):
    """The task ran past its deadline; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker process died while running the task (segfault, OOM kill, os._exit)."""


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent (the forkserver) dies.

    The forkserver exits when the server does, even on kill -9; without this a worker busy
    with a hung verifier would outlive them both."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        pass
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _init_worker(memory_mb: int, warmups: Sequence[Callable[[], Any]]) -> None:
    """Runs in each new worker: tie it to its parent, cap its memory, warm the caches."""
    _die_with_parent()
    limit = memory_mb * 1024 * 1024
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(
                resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY else limit)
            )
    except (ValueError, OSError):  # pragma: no cover - platform without RLIMIT_AS
        pass
    for warm in warmups:
        try:
            warm()
        except Exception:
            log.exception("worker warm-up %r failed", warm)


def execute_steps(plan: Sequence[Step]) -> tuple[dict[str, Outcome], dict[str, float]]:
    """Run one item's verifiers; called inside a worker by :meth:`WorkerPool.run_plan`.

    A raising verifier becomes an error outcome.  Also returns the seconds each verifier
    took (for the parent's metrics)."""
    out: dict[str, Outcome] = {}
    timings: dict[str, float] = {}
    for component, func, args, kwargs in plan:
        began = time.perf_counter()
        try:
            out[component] = func(*args, **kwargs)
        except MemoryError:
            out[component] = Outcome.error(
                "verifier ran out of memory", error_type="verifier_memory", retryable=False
            )
        except Exception as exc:  # noqa: BLE001 - reported, never disguised as a score
            out[component] = Outcome.error(
                f"{component} verifier raised {type(exc).__name__}: {str(exc)[:300]}",
                error_type="verifier_exception",
                retryable=False,
            )
        timings[component] = time.perf_counter() - began
    return out, timings


async def _bridge(future: concurrent.futures.Future[Any]) -> Any:
    """Await a pool future.  Unlike ``asyncio.wrap_future``, cancelling the waiter leaves
    ``future`` alone, so the caller can see whether it was running before cancelling it."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[Any] = loop.create_future()

    def transfer(done: concurrent.futures.Future[Any]) -> None:
        if waiter.done():
            return
        if done.cancelled():
            waiter.cancel()
        elif (exc := done.exception()) is not None:
            waiter.set_exception(exc)
        else:
            waiter.set_result(done.result())

    def on_done(done: concurrent.futures.Future[Any]) -> None:
        try:
            loop.call_soon_threadsafe(transfer, done)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    future.add_done_callback(on_done)
    return await waiter


class WorkerPool:
    """A pool of verifier processes; ``run`` awaits one task under a hard deadline."""

    def __init__(
        self,
        workers: int,
        deadline_s: float,
        memory_mb: int = 2048,
        max_tasks: int = 0,
        preload: Sequence[str] = PRELOAD,
        warmups: Sequence[Callable[[], Any]] = (),
    ) -> None:
        self.workers = workers
        self.deadline_s = deadline_s
        self._memory_mb = memory_mb
        self._max_tasks = max_tasks
        self._preload = list(preload)
        self._warmups = tuple(warmups)
        self._pool: ProcessPool | None = None
        self.started_at: float | None = None
        # Workers killed and replaced, by reason (read by the metrics).
        self.timeouts = 0
        self.crashes = 0
        self.cancel_kills = 0

    def start(self) -> None:
        """Start the forkserver and the workers (idempotent)."""
        if self._pool is not None:
            return
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(self._preload)
        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=self._max_tasks,
            initializer=_init_worker,
            initargs=(self._memory_mb, self._warmups),
            context=ctx,
        )
        self.started_at = time.monotonic()

    def ready(self) -> tuple[bool, str]:
        if self._pool is None:
            return False, "worker pool not started"
        if not self._pool.active:
            return False, "worker pool stopped"
        return True, f"{self.workers} workers"

    async def run(
        self, func: Callable[..., Any], *args: Any, deadline_s: float | None = None
    ) -> Any:
        """Run ``func(*args)`` in a worker; raise WorkerTimeout / WorkerCrashed."""
        if self._pool is None:
            raise RuntimeError("WorkerPool.start() was not called")
        deadline = deadline_s or self.deadline_s
        future = self._pool.schedule(func, args=args, timeout=deadline)
        try:
            return await _bridge(future)
        except concurrent.futures.TimeoutError as exc:
            self.timeouts += 1
            log.warning(
                "verifier worker killed and replaced: task passed its %g s deadline", deadline
            )
            raise WorkerTimeout(f"deadline of {deadline:g} s exceeded") from exc
        except ProcessExpired as exc:
            self.crashes += 1
            log.warning("verifier worker died (exit code %s) and was replaced", exc.exitcode)
            raise WorkerCrashed(f"worker process died (exit code {exc.exitcode})") from exc
        except BrokenProcessPool as exc:
            # Every worker died at once (e.g. the initializer failed); start afresh.
            self.crashes += 1
            log.warning("verifier worker pool broke (%s); starting a new one", exc)
            self._restart()
            raise WorkerCrashed(f"worker pool broke: {exc}") from exc
        except asyncio.CancelledError:
            # Nobody waits for the answer any more: pebble kills a running task's worker
            # (and replaces it) so the abandoned work stops at once.
            if future.running():
                self.cancel_kills += 1
            future.cancel()
            raise

    async def run_plan(
        self,
        plan: Sequence[Step],
        deadline_s: float | None = None,
        timings: dict[str, float] | None = None,
    ) -> dict[str, Outcome]:
        """Run one item's plan; a deadline or crash becomes an outcome per component.

        ``timings``, when given, receives the seconds each verifier took in the worker."""
        try:
            outcomes, took = await self.run(execute_steps, list(plan), deadline_s=deadline_s)
        except WorkerTimeout as exc:
            return {c: Outcome.timeout(f"{c} verification: {exc}") for c, *_ in plan}
        except WorkerCrashed as exc:
            return {
                c: Outcome.error(
                    f"{c} verification: {exc}", error_type="worker_crashed", retryable=True
                )
                for c, *_ in plan
            }
        if timings is not None:
            timings.update(took)
        return outcomes

    def _restart(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
        self.start()

    def close(self) -> None:
        """Stop the workers now (kills running tasks)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        pool.stop()
        pool.join(timeout=10)
