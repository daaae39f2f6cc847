"""Errors the HTTP layer turns into clear 4xx answers.

::

    RewardServerError            base of everything the server raises on purpose
    ├── RequestRejected          the request as a whole is unusable -> 4xx
    │   ├── BadRequest           422: wrong shape, unknown preset, group size mismatch
    │   ├── PayloadTooLarge      413: body or item count over a limit
    │   └── Unauthorized         401: missing or wrong API key
    ├── Overloaded               429: admission bound reached, retry after Retry-After
    └── ServiceUnavailable       503: not ready, draining or unscorable now; retry later

Per-item faults are *not* exceptions here: they become that item's ``status`` and
``error`` (see ``scoring``), so one bad item never fails a batch.  Every error body has
the same shape: ``{"error": {"type", "message", "retryable"}, "detail": ...}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .bodies import SafeJSONResponse as JSONResponse

#: Seconds a client is told to wait before it retries a 503.
RETRY_AFTER_S = 5


class RewardServerError(Exception):
    status_code = 500
    error_type = "internal_error"
    retryable = True

    def __init__(self, message: str, detail: Any = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.retry_after = retry_after

    def headers(self) -> dict[str, str] | None:
        if self.retry_after is not None:
            return {"Retry-After": str(self.retry_after)}
        if self.status_code in (429, 503):
            return {"Retry-After": str(RETRY_AFTER_S)}
        return None


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


class Overloaded(RewardServerError):
    status_code = 429
    error_type = "overloaded"
    retryable = True


class ServiceUnavailable(RewardServerError):
    status_code = 503
    error_type = "unavailable"
    retryable = True


class Draining(ServiceUnavailable):
    error_type = "draining"


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
        return JSONResponse(
            error_body(exc.error_type, exc.message, exc.retryable, exc.detail),
            status_code=exc.status_code,
            headers=exc.headers(),
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


_DESCRIPTIONS: dict[int, str] = {
    400: "The HTTP request itself is malformed (e.g. an invalid Content-Length).",
    401: "Missing or wrong bearer token (only when REWARD_API_KEY is set).",
    413: "The body, the number of items, or a program is over a limit.",
    422: "The body is not a valid request: bad JSON, a wrong type, an unknown preset.",
    429: "The server is at capacity (REWARD_MAX_PENDING_ITEMS): retry after Retry-After.",
    500: "A bug of ours; the request may be retried.",
    503: "Not ready, draining for a restart, or unable to score now: retry after Retry-After.",
}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error answers a route gives, all a ProblemDetail."""
    from .schemas import ProblemDetail

    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"model": ProblemDetail, "description": _DESCRIPTIONS[code]}
        if code in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[code] = entry
    return out
