"""Liveness and readiness.

``/healthz`` answers as long as the event loop runs.  ``/readyz`` says whether scoring
will work now: the worker pool is up and, when code scoring is enabled, the sandbox is
ready; if not, it says what is missing (503), so a load balancer or a trainer can wait.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    checks: dict[str, dict[str, object]] = {}
    ok, why = runtime.pool.ready()
    checks["workers"] = {"ready": ok, "detail": why}
    if runtime.sandbox is not None and runtime.settings.sandbox.enabled:
        ok, why = runtime.sandbox.ready()
        checks["sandbox"] = {"ready": ok, "detail": why}
    missing = [name for name, c in checks.items() if not c["ready"]]
    body = {"ready": not missing, "missing": missing, "checks": checks}
    return JSONResponse(body, status_code=200 if not missing else 503)
