"""The v1 API: /v1/score, /v1/verifiers, /v1/run, /v1/openrlhf."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from .errors import BadRequest, PayloadTooLarge, ServiceUnavailable, Unauthorized
from .presets import PRESET_DESCRIPTIONS, PRESETS, UnknownPreset, check_preset
from .protocols import openrlhf as openrlhf_protocol
from .runtime import Runtime
from .sandbox_service import SandboxUnavailable
from .schemas import (
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


def _runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise ServiceUnavailable("server is starting")
    return runtime


def _authorize(request: Request) -> None:
    key = request.app.state.settings.api_key
    if not key:
        return
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
        raise Unauthorized("missing or wrong bearer token")


router = APIRouter(prefix="/v1", dependencies=[Depends(_authorize)])
RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _check_batch(runtime: Runtime, n: int) -> None:
    if n > runtime.settings.max_items:
        raise PayloadTooLarge(
            f"{n} items; the limit is {runtime.settings.max_items} per request (REWARD_MAX_ITEMS)"
        )


@router.post("/score", response_model=ScoreResponse, tags=["score"])
async def score(body: ScoreRequest, runtime: RuntimeDep) -> ScoreResponse:
    """Score each item; results come back in request order."""
    _check_batch(runtime, len(body.items))
    if body.group_size is not None and len(body.items) % body.group_size:
        raise BadRequest(
            f"{len(body.items)} items do not form whole groups of group_size={body.group_size}"
        )
    try:
        check_preset(body.preset)
        for item in body.items:
            check_preset(item.preset)
        runtime.scorer.check_items(body.items)
    except (UnknownPreset, UnknownComponent) as exc:
        raise BadRequest(str(exc)) from exc
    results, advantages = await runtime.scorer.score_group(body.items, body.group_size, body.preset)
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
    }


@router.post("/run", response_model=RunResponse, tags=["sandbox"])
async def run(body: RunRequest, runtime: RuntimeDep) -> RunResponse:
    """Run a program once in the sandbox and return what it printed and its verdict."""
    from .verifiers.code import run_raw

    if runtime.sandbox is None:
        raise ServiceUnavailable("this server has no code sandbox")
    if len(body.source.encode()) > runtime.settings.sandbox.max_source_bytes:
        raise PayloadTooLarge(f"source over {runtime.settings.sandbox.max_source_bytes} bytes")
    try:
        backend = await runtime.sandbox.get()
    except SandboxUnavailable as exc:
        raise ServiceUnavailable(str(exc)) from exc
    return await run_raw(body, backend, limits=runtime.scorer.test_limits)


@router.post("/openrlhf", response_model=OpenRLHFResponse, tags=["trainers"])
async def openrlhf(body: OpenRLHFRequest, runtime: RuntimeDep) -> OpenRLHFResponse:
    """OpenRLHF's remote reward protocol (``--remote_rm_url``)."""
    _check_batch(runtime, len(body.query))
    try:
        samples = openrlhf_protocol.item_fields(body.query, body.prompts, body.labels)
    except openrlhf_protocol.LabelError as exc:
        raise BadRequest(str(exc)) from exc
    items: list[ScoreItem | ScoreResult] = []
    for i, fields in enumerate(samples):
        try:
            if isinstance(fields, Exception):
                raise fields
            items.append(ScoreItem.model_validate(fields))
        except (openrlhf_protocol.LabelError, ValidationError) as exc:
            log.warning("openrlhf sample %d not scored: %s", i, exc)
            items.append(error_result(str(i), "invalid_item", str(exc)))
    valid = [it for it in items if isinstance(it, ScoreItem)]
    scored = iter(await runtime.scorer.score(valid))
    results = [next(scored) if isinstance(it, ScoreItem) else it for it in items]
    return OpenRLHFResponse(
        **openrlhf_protocol.payload(results, runtime.settings.openrlhf_failed_reward)
    )
