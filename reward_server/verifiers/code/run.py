"""``POST /v1/run``: one program, one input, its output and verdict; no judging."""

from __future__ import annotations

from dataclasses import replace

from reward_server.schemas import ErrorInfo, RunRequest, RunResponse
from sandbox.base import SandboxBackend, UnsupportedJob
from sandbox.types import Job, Limits, TestCase, Verdict


async def run_raw(
    req: RunRequest, backend: SandboxBackend, *, limits: Limits | None = None
) -> RunResponse:
    """Run ``req.source`` once on ``req.stdin`` (``POST /v1/run``); no judging."""
    base = limits or Limits()
    job = Job(
        language=req.language,
        source=req.source,
        tests=[TestCase(req.stdin)],
        limits=replace(
            base, time_s=req.time_limit_s, memory_mb=req.memory_limit_mb, wall_time_s=None
        ),
    )
    try:
        result = await backend.run(job)
    except UnsupportedJob as exc:
        return RunResponse(
            verdict="invalid",
            stdout="",
            stderr="",
            status="invalid",
            error=ErrorInfo(type="unsupported_job", message=str(exc)),
        )
    except Exception as exc:  # noqa: BLE001 - reported as our error, never as a verdict
        return RunResponse(
            verdict=Verdict.SANDBOX_ERROR.value,
            stdout="",
            stderr="",
            status="error",
            error=ErrorInfo(type="sandbox_error", message=str(exc), retryable=True),
        )
    if result.error:
        return RunResponse(
            verdict=Verdict.SANDBOX_ERROR.value,
            stdout="",
            stderr="",
            status="error",
            error=ErrorInfo(type="sandbox_error", message=result.error, retryable=True),
        )
    compile_output = result.compile.output if result.compile is not None else None
    if result.compile is not None and not result.compile.ok:
        return RunResponse(
            verdict=Verdict.COMPILE_ERROR.value, stdout="", stderr="", compile_output=compile_output
        )
    run = result.runs[0]
    return RunResponse(
        verdict=run.verdict.value,
        stdout=run.stdout,
        stderr=run.stderr,
        exit_code=run.exit_code,
        time_s=run.time_s,
        memory_mb=run.memory_mb,
        compile_output=compile_output,
    )
