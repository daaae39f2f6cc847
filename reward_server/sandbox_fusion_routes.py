"""SandboxFusion-compatible routes at the root: ``POST /run_code``, ``GET /v1/ping``,
``POST /submit``.  A trainer that calls SandboxFusion (verl, ROLL, SkyRL, the
``sandbox-fusion`` client) switches by changing its URL.

Sandbox trouble is answered as SandboxFusion does, ``200`` with ``status:
"SandboxError"`` and a message (its client raises and retries on that); so is a
language we do not have.  Runs go through the same admission, sandbox slots and
per-item budget as ``/v1/run``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError

from .errors import BadRequest, problem_responses
from .fairness import Lane
from .protocols import sandbox_fusion as sf
from .routes import _read, _runtime, _validation_error
from .runtime import Runtime
from .sandbox_service import SandboxUnavailable

router = APIRouter(tags=["sandbox-fusion"], responses=problem_responses(401, 422))


def _parse(model: type[Any], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc.errors()) from None


@router.get("/v1/ping", response_class=PlainTextResponse)
async def ping() -> str:
    """SandboxFusion's liveness probe."""
    return "pong"


async def _run_job(runtime: Runtime, job: Any) -> Any:
    """Run ``job`` in a sandbox slot; a result, or the message of a sandbox error."""
    if runtime.sandbox is None or runtime.scorer.sandbox_slots is None:
        return "this server has no code sandbox"
    try:
        backend = await runtime.sandbox.get()
    except SandboxUnavailable as exc:
        return str(exc)
    from sandbox.base import UnsupportedJob

    async with runtime.scorer.sandbox_slots.slot(Lane()):
        try:
            async with asyncio.timeout(runtime.settings.item_budget_s):
                result = await backend.run(job)
        except TimeoutError:
            return f"more than {runtime.settings.item_budget_s:g} s in the sandbox"
        except UnsupportedJob as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - the backend's failure is ours
            return f"sandbox failed: {exc}"
    if result.error:
        return result.error
    return result


def _limits(runtime: Runtime, run_timeout: float, compile_timeout: float, memory_mb: int) -> Any:
    base = runtime.scorer.test_limits
    assert base is not None
    cfg = runtime.settings.sandbox
    memory = sf.DEFAULT_MEMORY_MB if memory_mb is None or memory_mb <= 0 else memory_mb
    return replace(
        base,
        time_s=min(float(run_timeout), cfg.max_time_s),
        wall_time_s=None,
        memory_mb=max(16, min(int(memory), cfg.max_memory_mb)),
        compile_time_s=min(float(compile_timeout), cfg.max_time_s),
    )


def _response(result: Any, index: int = 0) -> sf.RunCodeResponse:
    """One run of a sandbox result as SandboxFusion's response."""
    if isinstance(result, str):
        return sf.error_response(result)
    compiled = None
    if result.compile is not None:
        compiled = sf.compile_result(
            result.compile.ok, result.compile.output, result.compile.time_s
        )
        if not result.compile.ok:
            return sf.RunCodeResponse(status="Failed", compile_result=compiled)
    if index >= len(result.runs):
        return sf.error_response("the sandbox reported no run")
    run = result.runs[index]
    if run.verdict.value == "skipped":
        return sf.error_response("not run: an earlier test failed")
    ran = sf.run_result(
        run.verdict.value,
        run.stdout,
        run.stderr,
        run.exit_code,
        run.signal,
        run.time_s,
        run.cpu_s,
    )
    return sf.RunCodeResponse(
        status=sf.overall(compiled, ran), compile_result=compiled, run_result=ran
    )


@router.post("/run_code", response_model=sf.RunCodeResponse)
async def run_code(request: Request) -> sf.RunCodeResponse:
    """Run ``code`` once on ``stdin`` (SandboxFusion's ``/run_code``)."""
    from sandbox.types import Job, TestCase

    runtime = _runtime(request)
    body = _parse(sf.RunCodeRequest, await _read(request))
    cfg = runtime.settings.sandbox
    try:
        language = sf.our_language(body.language)
        files = sf.decode_files(body.files)
        fetch = sf.fetch_paths(body.fetch_files, cfg.fetch_max_files)
    except sf.Unsupported as exc:
        return sf.error_response(str(exc))
    if len(body.code.encode("utf-8", "surrogatepass")) > runtime.settings.sandbox.max_source_bytes:
        return sf.error_response(f"code over {runtime.settings.sandbox.max_source_bytes} bytes")
    job = Job(
        language=language,
        source=body.code,
        tests=[TestCase(body.stdin or "", tuple(body.args))],
        limits=_limits(runtime, body.run_timeout, body.compile_timeout, body.memory_limit_MB),
        files=files or None,
        fetch_files=fetch,
        fetch_max_bytes=cfg.fetch_max_bytes,
    )
    try:
        job.validate()
    except ValueError as exc:
        return sf.error_response(str(exc))
    with runtime.admission.admit(1):
        result = await _run_job(runtime, job)
    response = _response(result)
    if fetch and not isinstance(result, str):
        response.files = {sf.asked_name(body.fetch_files, p): d for p, d in result.files.items()}
        if result.files_missing:
            response.message = "not fetched: " + "; ".join(
                f"{sf.asked_name(body.fetch_files, p)}: {why}"
                for p, why in result.files_missing.items()
            )
    return response


@router.post("/submit", response_model=sf.EvalResult)
async def submit(request: Request) -> sf.EvalResult:
    """SandboxFusion's ``/submit`` for an unregistered dataset given in
    ``config.provided_data``: ``CommonOJDataset`` (stdio tests) or ``AutoEvalDataset``
    (test code appended to the program: run here as assert tests)."""
    runtime = _runtime(request)
    body = _parse(sf.SubmitRequest, await _read(request))
    config = body.config
    provided = config.provided_data
    if isinstance(provided, list):
        provided = next((p for p in provided if p.get("id") == body.id), None)
    if not isinstance(provided, dict):
        raise BadRequest("config.provided_data must hold the problem (an object)")
    kind = config.dataset_type or ""
    if kind not in ("CommonOJDataset", "AutoEvalDataset"):
        raise BadRequest(f"dataset_type {kind!r}: supported are CommonOJDataset, AutoEvalDataset")
    found_labels = provided.get("labels")
    labels: dict[str, Any] = found_labels if isinstance(found_labels, dict) else {}
    sf_language = (
        config.language or labels.get("execution_language") or labels.get("programming_language")
    )
    try:
        language = sf.our_language(str(sf_language or "python"))
        if kind == "CommonOJDataset":
            return await _submit_stdio(runtime, body, provided, language)
        return await _submit_asserts(runtime, body, provided, language)
    except sf.Unsupported as exc:
        return sf.EvalResult(
            id=body.id,
            accepted=False,
            extracted_code="",
            tests=[sf.EvalTestCase(passed=False, exec_info=sf.error_response(str(exc)))],
        )


def _extract(completion: str, language: str) -> tuple[str, str]:
    from .verifiers.code import extract_code

    code = extract_code(completion, language)
    if code is not None:
        return code, "fenced"
    return "", "empty"


async def _submit_stdio(
    runtime: Runtime, body: sf.SubmitRequest, provided: dict[str, Any], language: str
) -> sf.EvalResult:
    from sandbox.types import Job, TestCase

    from .verifiers.code.checkers import tokens_equal

    tests = sf.stdio_tests(provided)
    code, extracted = _extract(body.completion, language)
    config = body.config
    job = Job(
        language=language,
        source=code,
        tests=[TestCase(stdin) for stdin, _ in tests],
        limits=_limits(runtime, config.run_timeout or 10, config.compile_timeout or 10, -1),
    )
    with runtime.admission.admit(len(tests)):
        result = await _run_job(runtime, job) if code else "no code block in the completion"
    cases = []
    for i, (stdin, expected) in enumerate(tests):
        info = _response(result, i)
        stdout = info.run_result.stdout if info.run_result else None
        passed = info.status == "Success" and tokens_equal(stdout or "", expected)
        cases.append(
            sf.EvalTestCase(
                passed=passed,
                exec_info=info,
                test_info={"input": {"stdin": stdin}, "output": {"stdout": expected}},
            )
        )
    return sf.EvalResult(
        id=body.id,
        accepted=bool(cases) and all(c.passed for c in cases),
        extracted_code=code,
        full_code=code,
        tests=cases,
        extracted_type=extracted,  # type: ignore[arg-type]
    )


async def _submit_asserts(
    runtime: Runtime, body: sf.SubmitRequest, provided: dict[str, Any], language: str
) -> sf.EvalResult:
    from .schemas import CodeSpec
    from .verifiers.code import check_code

    test = provided.get("test")
    test_code = test.get("code") if isinstance(test, dict) else test
    if not isinstance(test_code, str) or not test_code.strip():
        raise sf.Unsupported("provided_data.test.code must hold the test code")
    code, extracted = _extract(body.completion, language)
    config = body.config
    spec = CodeSpec(
        language=language,
        test_code=test_code,
        time_limit_s=min(float(config.run_timeout or 10), 60.0),
        memory_limit_mb=sf.DEFAULT_MEMORY_MB,
    )
    began = time.monotonic()
    if runtime.sandbox is None:
        outcome = None
        message = "this server has no code sandbox"
    else:
        try:
            backend = await runtime.sandbox.get()
        except SandboxUnavailable as exc:
            backend, message = None, str(exc)
        outcome = None
        if backend is not None and runtime.scorer.sandbox_slots is not None:
            fenced = f"```{language}\n{code}\n```" if code else ""
            with runtime.admission.admit(1):
                async with runtime.scorer.sandbox_slots.slot(Lane()):
                    outcome = await check_code(
                        fenced, spec, backend, limits=runtime.scorer.test_limits
                    )
            message = outcome.message or ""
    elapsed = time.monotonic() - began
    if outcome is None or outcome.status not in ("ok",):
        info = sf.error_response(message or "the test code could not be run")
        passed = False
    else:
        passed = outcome.score == 1.0
        tests = outcome.details.get("tests") or [{}]
        first = tests[0]
        ran = sf.CommandRunResult(
            status="TimeLimitExceeded" if first.get("verdict") == "time_limit" else "Finished",
            execution_time=round(elapsed, 4),
            return_code=0 if passed else 1,
            stdout="",
            stderr=str(outcome.details.get("stderr", "")),
        )
        info = sf.RunCodeResponse(status="Success" if passed else "Failed", run_result=ran)
    return sf.EvalResult(
        id=body.id,
        accepted=passed,
        extracted_code=code,
        full_code=code + "\n" + test_code,
        test_code=test_code,
        tests=[sf.EvalTestCase(passed=passed, exec_info=info)],
        extracted_type=extracted,  # type: ignore[arg-type]
    )
