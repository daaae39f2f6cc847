"""Everything scoring needs at run time, started and stopped together.

Used by the HTTP app's lifespan and by the offline batch scorer, so both score with the
same code, limits and deadlines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .config import Settings
from .sandbox_service import SandboxService
from .scoring import Scorer
from .verifiers import Registry, build_registry, warm_up
from .workers import PRELOAD, WorkerPool

VERIFIER_MODULES: tuple[str, ...] = (
    *PRELOAD,
    "reward_server.verifiers.format",
    "reward_server.verifiers.language",
    "reward_server.verifiers.math",
    "reward_server.verifiers.warm",  # last: warms the caches every worker inherits
)


def preload_modules(registry: Registry) -> tuple[str, ...]:
    """What the forkserver imports once: ours, and the module of every worker verifier."""
    workers = (v.func.__module__ for v in registry if v.placement == "worker")
    return tuple(dict.fromkeys((*VERIFIER_MODULES, *workers)))


@dataclass
class Runtime:
    settings: Settings
    pool: WorkerPool
    sandbox: SandboxService | None
    scorer: Scorer


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    registry: Registry | None = None,
    *,
    start_sandbox: bool = True,
) -> AsyncIterator[Runtime]:
    """Start the worker pool (and, in the background, the sandbox); stop both on exit.

    With ``start_sandbox=False`` the sandbox starts on the first code item instead.
    """
    registry = registry or build_registry(settings)
    pool = WorkerPool(
        workers=settings.workers,
        deadline_s=settings.item_deadline_s,
        memory_mb=settings.worker_memory_mb,
        max_tasks=settings.worker_max_tasks,
        preload=preload_modules(registry),
        warmups=(warm_up,),
    )
    pool.start()
    sandbox = SandboxService(settings.sandbox) if settings.sandbox.enabled else None
    if sandbox is not None and start_sandbox:
        sandbox.start()
    try:
        yield Runtime(settings, pool, sandbox, Scorer(settings, pool, registry, sandbox))
    finally:
        try:
            if sandbox is not None:
                await sandbox.close()
        finally:
            pool.close()
