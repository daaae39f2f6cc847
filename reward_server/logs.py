"""Logs: one structured line per request, JSON when ``REWARD_LOG_FORMAT=json``.

Each request ends with one line on the ``reward_server.access`` logger: request id,
method, route, HTTP status, number of items, how many items ended in each status, and
the duration.  In JSON every field is a key (``jq 'select(.status >= 500)'``); in text the
same facts are in the message.  Worker restarts, sandbox recycling and drains are
warnings on their own loggers.  uvicorn's own access log is off (it would be a second
line per request) and its other messages go through the same handler.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from .metrics import Metrics

access_log = logging.getLogger("reward_server.access")

#: Attributes every LogRecord has; anything else on a record was passed in ``extra``.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        # ASCII escapes: a lone surrogate in a message cannot break the line.
        return json.dumps(entry, ensure_ascii=True, default=str)


def configure_logging(fmt: str = "text", level: str = "info") -> None:
    """Send our and uvicorn's logs to stderr, one line each, in ``fmt`` (text or json)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class AccessLogMiddleware:
    """Time each request, count it in the metrics, and log one line for it."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.monotonic()
        state = scope.setdefault("state", {})
        state["started_at"] = began
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except BaseException:
            status = status or 500
            raise
        finally:
            self._record(scope, state, status, time.monotonic() - began)

    def _record(self, scope: Scope, state: Mapping[str, Any], status: int, took: float) -> None:
        if not status:
            status = 499  # nothing was answered: the client went away first
        route = _route(scope)
        if self.metrics is not None:
            self.metrics.request_seconds.labels(route).observe(took)
            self.metrics.requests.labels(route, str(status)).inc()
        if route in ("/metrics", "/healthz", "/readyz") and status < 400:
            return  # probes and scrapes every few seconds would drown the request lines
        fields: dict[str, Any] = {
            "request_id": state.get("request_id"),
            "method": scope.get("method"),
            "route": route,
            "status": status,
            "duration_ms": round(took * 1000, 1),
        }
        info = state.get("log")
        if isinstance(info, Mapping):
            fields.update(info)
        if state.get("client_gone"):
            fields["client_gone"] = True
        level = logging.WARNING if status >= 500 else logging.INFO
        summary = " ".join(
            f"{k}={v}" for k, v in fields.items() if k not in ("method", "route", "status")
        )
        access_log.log(
            level,
            "%s %s %s %s",
            scope.get("method"),
            route,
            status,
            summary,
            extra=fields,
        )
