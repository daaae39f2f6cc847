"""The FastAPI application factory.

``create_app(settings)`` builds an app whose lifespan starts the worker pool and the
sandbox; nothing happens at import time.  ``reward_server.server`` runs it under uvicorn
with connection limits, read timeouts and a graceful drain on SIGTERM (see ``cli.serve``).

Middleware, outermost first: request id; access log and request metrics; API key (before
any body is read); drain (503 for new work while shutting down); body limit and
disconnect watch (work of a client that went away is stopped).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from . import __version__
from .bodies import SafeJSONResponse
from .config import Settings
from .drain import Lifecycle, LifecycleMiddleware
from .errors import install_handlers
from .health import metrics_router
from .health import router as health_router
from .logs import AccessLogMiddleware
from .metrics import Metrics
from .middleware import AuthMiddleware, BodyLimitMiddleware, RequestIdMiddleware
from .routes import BODY_MODELS, run_router
from .routes import router as api_router
from .runtime import open_runtime
from .sandbox_fusion_routes import router as sandbox_fusion_router
from .verifiers import Registry

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    """Build the service. ``registry`` replaces the verifiers the settings give (tests use it)."""
    settings = settings or Settings()
    metrics = Metrics()
    lifecycle = Lifecycle()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, registry, metrics=metrics) as runtime:
            app.state.runtime = runtime
            stop_metrics = _serve_metrics(settings, metrics)
            log.info(
                "reward server ready: %d workers, at most %d items pending",
                settings.workers,
                runtime.admission.limit,
            )
            try:
                yield
            finally:
                stop_metrics()
                log.info("stopping workers and sandbox containers")

    app = FastAPI(
        title="reward-server",
        version=__version__,
        summary="Rule-based rewards for GRPO: math, code, R1 format, language consistency.",
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.lifecycle = lifecycle
    install_handlers(app)
    app.include_router(health_router)
    if settings.metrics_port is None:
        app.include_router(metrics_router)
    app.include_router(api_router)
    if settings.sandbox.enabled:
        app.include_router(run_router)
        app.include_router(sandbox_fusion_router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(LifecycleMiddleware, lifecycle=lifecycle)
    app.add_middleware(AuthMiddleware, api_key=settings.api_key)
    app.add_middleware(AccessLogMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi_document(app, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _openapi_document(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """FastAPI's document, plus the request bodies the routes read themselves."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
    )
    for operations in doc["paths"].values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                _drop_null(param)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in BODY_MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas.setdefault(model.__name__, schema)
    if settings.api_key:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        for path, operations in doc["paths"].items():
            if path.startswith(("/v1/", "/metrics")):
                for operation in operations.values():
                    operation["security"] = [{"bearer": []}]
    return doc


def _drop_null(param: dict[str, Any]) -> None:
    """An optional header is absent, never the text "null": say so in its schema."""
    schema = param.get("schema", {})
    kinds = schema.get("anyOf")
    if param.get("in") == "header" and kinds and not param.get("required"):
        rest = [k for k in kinds if k.get("type") != "null"]
        if len(rest) == 1:
            param["schema"] = {**{k: v for k, v in schema.items() if k != "anyOf"}, **rest[0]}


def _serve_metrics(settings: Settings, metrics: Metrics) -> Any:
    """Serve /metrics on ``REWARD_METRICS_PORT`` (a thread); return how to stop it."""
    if settings.metrics_port is None:
        return lambda: None
    from prometheus_client import start_http_server

    server, thread = start_http_server(
        settings.metrics_port, addr=settings.host, registry=metrics.registry
    )
    log.info("metrics on http://%s:%d/metrics", settings.host, settings.metrics_port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        if isinstance(thread, threading.Thread):
            thread.join(timeout=5)

    return stop
