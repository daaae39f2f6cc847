"""The v1 API: /v1/score, /v1/verifiers, /v1/run, /v1/openrlhf.

Bodies are read by :mod:`reward_server.bodies`, not by FastAPI, so that an item list is
counted (and refused past ``REWARD_MAX_ITEMS``) while it is decoded, large bodies are
decoded off the event loop, non-finite numbers are refused and invalid text is handled
per item.  Admission (:mod:`reward_server.admission`) is decided on the count, before any
item is validated.  The OpenAPI document still describes each body (``openapi_extra``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from .bodies import (
    OFF_LOOP_BYTES,
    BodyError,
    TooManyItems,
    bad_text,
    clean_item,
    decode_off_loop,
    scrub,
)
from .errors import BadRequest, PayloadTooLarge, ServiceUnavailable, problem_responses
from .fairness import Lane
from .presets import PRESET_DESCRIPTIONS, PRESETS, UnknownPreset, check_preset
from .protocols import openrlhf as openrlhf_protocol
from .runtime import Runtime
from .sandbox_service import SandboxUnavailable
from .schemas import (
    ErrorInfo,
    OpenRLHFRequest,
    OpenRLHFResponse,
    RunRequest,
    RunResponse,
    ScoreItem,
    ScoreRequest,
    ScoreResponse,
    ScoreResult,
)
from .scoring import UnknownComponent, error_result

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

#: Request bodies described in the OpenAPI document (FastAPI does not read them itself).
BODY_MODELS: tuple[type[BaseModel], ...] = (ScoreRequest, RunRequest, OpenRLHFRequest)


def _runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise ServiceUnavailable("server is starting")
    return runtime


router = APIRouter(prefix="/v1", responses=problem_responses(401, 500, 503))
#: ``/v1/run``, only on a server with a code sandbox (elsewhere the route does not exist).
run_router = APIRouter(prefix="/v1", responses=problem_responses(401, 500, 503))
RuntimeDep = Annotated[Runtime, Depends(_runtime)]
DeadlineHeader = Annotated[
    float | None,
    Header(
        alias="X-Request-Timeout",
        gt=0,
        allow_inf_nan=False,
        description="Seconds the client will wait; items not verified by then are `timeout`.",
    ),
]


def _body(model: type[BaseModel]) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def _read(
    request: Request, list_keys: tuple[str, ...] = (), max_len: int = 0
) -> dict[str, Any]:
    raw = await request.body()
    request.state.body_bytes = len(raw)
    try:
        return await decode_off_loop(raw, list_keys, max_len)
    except TooManyItems as exc:
        raise PayloadTooLarge(str(exc)) from None
    except BodyError as exc:
        raise BadRequest(str(exc)) from None


def _validation_error(errors: Sequence[Any], prefix: tuple[str | int, ...] = ()) -> Exception:
    return RequestValidationError(
        [{**e, "loc": ("body", *prefix, *e.get("loc", ()))} for e in errors]
    )


def _validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc.errors()) from None


def _check_top_level(data: dict[str, Any], *skip: str) -> None:
    where = bad_text({k: v for k, v in data.items() if k not in skip})
    if where:
        raise BadRequest(f"{where}: not valid text (a lone surrogate)")


def invalid_text(raw: Any, where: str) -> ScoreResult:
    """The result of an item whose reference fields hold no valid text."""
    item_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(item_id, int | float) and not isinstance(item_id, bool):
        item_id = str(item_id)
    return ScoreResult(
        id=scrub(item_id) if isinstance(item_id, str) else None,
        reward=None,
        status="invalid",
        error=ErrorInfo(
            type="invalid_text",
            message=f"{where} holds a lone surrogate, which is not text; the item is not scored",
            retryable=False,
        ),
    )


def parse_score_request(data: dict[str, Any]) -> tuple[ScoreRequest, list[ScoreItem | ScoreResult]]:
    """The request's own fields, and per item a validated item or its refusal."""
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        _validate(ScoreRequest, data)  # raises: items missing or not a list
        raise BadRequest("items must be a list")  # pragma: no cover - validation raised
    _check_top_level(data, "items")
    head = _validate(ScoreRequest, {**data, "items": []})
    entries: list[ScoreItem | ScoreResult] = []
    errors: list[Any] = []
    for i, raw in enumerate(raw_items):
        cleaned, where = clean_item(raw)
        if where:
            entries.append(invalid_text(raw, where))
            continue
        try:
            entries.append(ScoreItem.model_validate(cleaned))
        except ValidationError as exc:
            errors.extend({**e, "loc": ("items", i, *e["loc"])} for e in exc.errors())
    if errors:
        raise _validation_error(errors)
    return head, entries


def _deadline(request: Request, runtime: Runtime, asked: Sequence[float | None]) -> float | None:
    """The instant (``time.monotonic()``) by which the answer must be sent, if any.

    The client's own values (body field, ``X-Request-Timeout``) win over the server's
    default; the answer is sent a little before, so it arrives while the client waits."""
    settings = runtime.settings
    given = [a for a in asked if a is not None]
    seconds = min(given) if given else settings.default_deadline_s
    if seconds is None:
        return None
    seconds = min(seconds, settings.max_deadline_s)
    started = getattr(request.state, "started_at", None) or time.monotonic()
    return float(started + seconds - min(0.5, seconds * 0.1))


def _note(request: Request, results: Sequence[ScoreResult]) -> None:
    """What the access log line says about the items."""
    request.state.log = {
        "items": len(results),
        "statuses": dict(Counter(r.status for r in results)),
    }


def _count_cancelled(request: Request, runtime: Runtime, n: int) -> None:
    if not n:
        return
    state = request.state
    reason = "drain" if getattr(state, "drain_stopped", False) else "client_gone"
    runtime.metrics.cancelled_items.labels(reason).inc(n)
    request.state.log = {"items": n, "cancelled": reason}


@router.post(
    "/score",
    response_model=ScoreResponse,
    tags=["score"],
    responses=problem_responses(413, 422, 429),
    openapi_extra=_body(ScoreRequest),
)
async def score(
    request: Request, runtime: RuntimeDep, x_request_timeout: DeadlineHeader = None
) -> ScoreResponse:
    """Score each item; results come back in request order."""
    data = await _read(request, ("items",), runtime.settings.max_items)
    raw_items = data.get("items")
    n = len(raw_items) if isinstance(raw_items, list) else 0
    with runtime.admission.admit(n):
        if request.state.body_bytes > OFF_LOOP_BYTES:
            body, entries = await asyncio.to_thread(parse_score_request, data)
        else:
            body, entries = parse_score_request(data)
        if body.group_size is not None and len(entries) % body.group_size:
            raise BadRequest(
                f"{len(entries)} items do not form whole groups of group_size={body.group_size}"
            )
        try:
            check_preset(body.preset)
            for item in entries:
                if isinstance(item, ScoreItem):
                    check_preset(item.preset)
            runtime.scorer.check_items(entries)
        except (UnknownPreset, UnknownComponent) as exc:
            raise BadRequest(str(exc)) from exc
        deadline = _deadline(request, runtime, (body.deadline_s, x_request_timeout))
        try:
            results, advantages = await runtime.scorer.score_group(
                entries, body.group_size, body.preset, deadline=deadline
            )
        except asyncio.CancelledError:
            _count_cancelled(request, runtime, n)
            raise
    _note(request, results)
    return ScoreResponse(results=results, advantages=advantages)


@router.get("/verifiers", tags=["score"])
async def verifiers(runtime: RuntimeDep) -> dict[str, Any]:
    """What this server can check: its verifiers, components, tasks, presets and weights."""
    from .verifiers.language import supported_languages

    registry = runtime.scorer.registry
    sandbox_languages = runtime.sandbox.languages() if runtime.sandbox is not None else []
    return {
        "verifiers": {v.name: v.describe() for v in registry},
        "components": {
            component: [v.name for v in registry if v.component == component]
            for component in registry.components()
        },
        "tasks": list(registry.tasks()),
        "presets": {
            name: {"weights": PRESETS[name], "description": PRESET_DESCRIPTIONS[name]}
            for name in PRESETS
        },
        "default_weights": runtime.scorer.default_weights,
        "languages": supported_languages(),
        "code_languages": sandbox_languages,  # null while the sandbox starts
        "item_deadline_s": runtime.settings.item_deadline_s,
        "item_budget_s": runtime.settings.item_budget_s,
        "max_items": runtime.settings.max_items,
        "max_pending_items": runtime.admission.limit,
    }


@run_router.post(
    "/run",
    response_model=RunResponse,
    tags=["sandbox"],
    responses=problem_responses(413, 422, 429),
    openapi_extra=_body(RunRequest),
)
async def run(request: Request, runtime: RuntimeDep) -> RunResponse:
    """Run a program once in the sandbox and return what it printed and its verdict."""
    from .verifiers.code import run_raw

    data = await _read(request)
    _check_top_level(data)
    body = _validate(RunRequest, data)
    if runtime.sandbox is None or runtime.scorer.sandbox_slots is None:
        raise ServiceUnavailable("this server has no code sandbox")
    if len(body.source.encode()) > runtime.settings.sandbox.max_source_bytes:
        raise PayloadTooLarge(f"source over {runtime.settings.sandbox.max_source_bytes} bytes")
    with runtime.admission.admit(1):
        try:
            backend = await runtime.sandbox.get()
        except SandboxUnavailable as exc:
            raise ServiceUnavailable(str(exc)) from exc
        budget = runtime.settings.item_budget_s
        async with runtime.scorer.sandbox_slots.slot(Lane()):
            try:
                async with asyncio.timeout(budget) as scope:
                    return await run_raw(body, backend, limits=runtime.scorer.test_limits)
            except TimeoutError:
                if not scope.expired():
                    raise
        return RunResponse(
            verdict="sandbox_error",
            stdout="",
            stderr="",
            status="timeout",
            error=ErrorInfo(
                type="item_budget_exceeded",
                message=f"more than {budget:g} s in the sandbox (REWARD_ITEM_BUDGET_S)",
                retryable=False,
            ),
        )


def openrlhf_items(data: dict[str, Any]) -> list[ScoreItem | ScoreResult]:
    """Items (or per-sample refusals) from an OpenRLHF body."""
    for key in ("query", "prompts"):
        if isinstance(data.get(key), list):
            data[key] = [scrub(q) if isinstance(q, str) else q for q in data[key]]
    _check_top_level(data, "labels")
    body = _validate(OpenRLHFRequest, data)
    try:
        samples = openrlhf_protocol.item_fields(body.query, body.prompts, body.labels)
    except openrlhf_protocol.LabelError as exc:
        raise BadRequest(str(exc)) from exc
    items: list[ScoreItem | ScoreResult] = []
    for i, fields in enumerate(samples):
        if isinstance(fields, Exception):
            items.append(error_result(str(i), "invalid_item", str(fields)))
            continue
        cleaned, where = clean_item(fields)
        if where:
            items.append(invalid_text(cleaned, where))
            continue
        try:
            items.append(ScoreItem.model_validate(cleaned))
        except ValidationError as exc:
            log.warning("openrlhf sample %d not scored: %s", i, exc.errors()[:1])
            items.append(error_result(str(i), "invalid_item", str(exc)))
    return items


def _openrlhf_failure(results: Sequence[ScoreResult]) -> Exception | None:
    """The HTTP error for samples we could not score (OpenRLHF has no null reward)."""
    failed = [(i, r) for i, r in enumerate(results) if r.status != "ok"]
    if not failed:
        return None
    retryable = any(r.error is not None and r.error.retryable for _, r in failed)
    first_i, first = failed[0]
    why = first.error.message if first.error is not None else first.status
    message = (
        f"{len(failed)} of {len(results)} samples could not be scored (sample {first_i}: "
        f"{first.status}: {why}); OpenRLHF has no null reward, so none is sent: "
        + (
            "send the request again"
            if retryable
            else "fix the samples, or set REWARD_OPENRLHF_FAILED_REWARD to send a fallback"
        )
    )
    detail = [
        {"sample": i, "status": r.status, "error": r.error.model_dump() if r.error else None}
        for i, r in failed[:100]
    ]
    if retryable:
        return ServiceUnavailable(message, detail)
    return BadRequest(message, detail)


@router.post(
    "/openrlhf",
    response_model=OpenRLHFResponse,
    tags=["trainers"],
    responses=problem_responses(413, 422, 429),
    openapi_extra=_body(OpenRLHFRequest),
)
async def openrlhf(
    request: Request, runtime: RuntimeDep, x_request_timeout: DeadlineHeader = None
) -> OpenRLHFResponse:
    """OpenRLHF's remote reward protocol (``--remote_rm_url``).

    A sample we could not score makes the request a 503 (retryable: OpenRLHF's client
    sends it again) or a 422 (the sample itself is unusable), unless the operator opted
    into a fallback reward (``REWARD_OPENRLHF_FAILED_REWARD``)."""
    keys = ("query", "prompts", "labels")
    data = await _read(request, keys, runtime.settings.max_items)
    query = data.get("query")
    n = len(query) if isinstance(query, list) else 0
    with runtime.admission.admit(n):
        items = openrlhf_items(data)
        deadline = _deadline(request, runtime, (x_request_timeout,))
        try:
            results = await runtime.scorer.score(items, deadline=deadline)
        except asyncio.CancelledError:
            _count_cancelled(request, runtime, n)
            raise
    _note(request, results)
    fallback = runtime.settings.openrlhf_failed_reward
    if fallback is None:
        failure = _openrlhf_failure(results)
        if failure is not None:
            raise failure
    return OpenRLHFResponse(**openrlhf_protocol.payload(results, fallback or 0.0))
