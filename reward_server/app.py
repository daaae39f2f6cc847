"""The FastAPI application factory.

``create_app(settings)`` builds an app whose lifespan starts the worker pool and the
sandbox; nothing happens at import time.  ``uvicorn`` runs it (see ``cli.serve``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__
from .config import Settings
from .errors import install_handlers
from .health import router as health_router
from .middleware import BodyLimitMiddleware, RequestIdMiddleware
from .routes import router as api_router
from .runtime import open_runtime
from .verifiers import Registry

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    """Build the service. ``registry`` replaces the verifiers the settings give (tests use it)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, registry) as runtime:
            app.state.runtime = runtime
            log.info("reward server ready: %d workers", settings.workers)
            yield

    app = FastAPI(
        title="reward-server",
        version=__version__,
        summary="Rule-based rewards for GRPO: math, code, R1 format, language consistency.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    return app
