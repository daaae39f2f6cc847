"""Liveness, readiness and metrics.

``/healthz`` answers as long as the event loop runs.  ``/readyz`` says whether scoring
will work now: the worker pool is up, the server is not draining for a shutdown and,
when code scoring is enabled, the sandbox is ready; if not, it says what is missing
(503), so a load balancer or a trainer can wait.  It also shows the load against the
admission bound.  ``/metrics`` is the Prometheus text format (see
:mod:`reward_server.metrics`), behind the API key when one is set, unless the operator
serves it on a port of its own (``REWARD_METRICS_PORT``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from .errors import problem_responses
from .metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


class Check(BaseModel):
    ready: bool
    detail: str


class Readiness(BaseModel):
    """Body of ``/readyz``, ready (200) or not (503)."""

    ready: bool
    missing: list[str]
    checks: dict[str, Check]
    load: dict[str, int] = {}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: see `missing`."}},
)
async def readyz(request: Request) -> JSONResponse:
    runtime = getattr(request.app.state, "runtime", None)
    lifecycle = getattr(request.app.state, "lifecycle", None)
    checks: dict[str, dict[str, Any]] = {}
    load: dict[str, int] = {}
    if lifecycle is not None and lifecycle.draining:
        checks["serving"] = {"ready": False, "detail": "draining for a shutdown"}
    if runtime is None:
        checks["workers"] = {"ready": False, "detail": "server is starting"}
    else:
        ok, why = runtime.pool.ready()
        checks["workers"] = {"ready": ok, "detail": why}
        if runtime.sandbox is not None and runtime.settings.sandbox.enabled:
            ok, why = runtime.sandbox.ready()
            checks["sandbox"] = {"ready": ok, "detail": why}
        load = {
            "pending_items": runtime.admission.pending,
            "max_pending_items": runtime.admission.limit,
        }
    missing = [name for name, c in checks.items() if not c["ready"]]
    body = {"ready": not missing, "missing": missing, "checks": checks, "load": load}
    return JSONResponse(body, status_code=200 if not missing else 503)


#: ``/metrics`` on the main port (left out when REWARD_METRICS_PORT serves it elsewhere).
metrics_router = APIRouter(tags=["health"])


@metrics_router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(401),
    },
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics of this server process."""
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
