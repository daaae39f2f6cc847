"""Errors the HTTP layer turns into clear 4xx answers.

::

    RewardServerError            base of everything the server raises on purpose
    ├── RequestRejected          the request as a whole is unusable -> 4xx
    │   ├── BadRequest           422: wrong shape, unknown preset, group size mismatch
    │   ├── PayloadTooLarge      413: body or item count over a limit
    │   └── Unauthorized         401: missing or wrong API key
    └── ServiceUnavailable       503: not ready (workers or sandbox), retry later

Per-item faults are *not* exceptions here: they become that item's ``status`` and
``error`` (see ``scoring``), so one bad item never fails a batch.  Every error body has
the same shape: ``{"error": {"type", "message", "retryable"}, "detail": ...}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class RewardServerError(Exception):
    status_code = 500
    error_type = "internal_error"
    retryable = True

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class RequestRejected(RewardServerError):
    status_code = 400
    error_type = "bad_request"
    retryable = False


class BadRequest(RequestRejected):
    status_code = 422
    error_type = "validation_error"


class PayloadTooLarge(RequestRejected):
    status_code = 413
    error_type = "payload_too_large"


class Unauthorized(RequestRejected):
    status_code = 401
    error_type = "unauthorized"


class ServiceUnavailable(RewardServerError):
    status_code = 503
    error_type = "unavailable"
    retryable = True


def error_body(
    error_type: str, message: str, retryable: bool, detail: Any = None
) -> dict[str, Any]:
    return {
        "error": {"type": error_type, "message": message, "retryable": retryable},
        "detail": detail,
    }


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "body") or "body"


def install_handlers(app: FastAPI) -> None:
    """Give every failure the same readable JSON shape."""

    @app.exception_handler(RewardServerError)
    async def _ours(_: Request, exc: RewardServerError) -> JSONResponse:
        headers = {"Retry-After": "5"} if exc.status_code == 503 else None
        return JSONResponse(
            error_body(exc.error_type, exc.message, exc.retryable, exc.detail),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        lines = [
            f"{_location(tuple(p.get('loc', ())))}: {p.get('msg', 'invalid')}"
            for p in problems[:20]
        ]
        if len(problems) > 20:
            lines.append(f"... and {len(problems) - 20} more")
        detail = [
            {"loc": list(p.get("loc", ())), "msg": p.get("msg"), "type": p.get("type")}
            for p in problems[:100]
        ]
        return JSONResponse(
            error_body("validation_error", "; ".join(lines), False, detail), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http_error", str(exc.detail), exc.status_code >= 500),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body("internal_error", f"{type(exc).__name__}: {exc}", True), status_code=500
        )
