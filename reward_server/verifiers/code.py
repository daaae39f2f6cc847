"""The code verifier: take the program from the answer, run it in the sandbox, judge it.

The sandbox executes and reports how each run ended; judging happens here, on the
server, so expected outputs never enter a container.  Scoring rules:

- The program is the last fenced code block of the answer part (after ``</think>``) that
  is tagged with the item's language or not tagged at all; blocks tagged with another
  language (an ``output`` or ``bash`` block after the code) are not the program.  No
  program, or an unclosed think block: score 0 with a reason.
- Stdio tests: a run that ended ``ok`` is ``accepted`` when the checker accepts its
  stdout, else ``wrong_answer``; other runs keep the sandbox's verdict.
- Assert tests (HumanEval/MBPP): a run is ``accepted`` only when the harness wrote this
  job's secret marker, which it does after ``check()`` returned; exit codes count for
  nothing, so ``os._exit(0)`` or ``sys.exit(0)`` before the checks is a wrong answer.
- Score: the fraction of tests accepted, or 1/0 with ``all_or_nothing``.  A sandbox
  failure is ours: a retryable error, never a 0.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from typing import Any

from reward_server.schemas import CodeSpec, ErrorInfo, RunRequest, RunResponse
from reward_server.verifiers.base import Outcome
from reward_server.verifiers.checkers import checker
from reward_server.verifiers.text import split_think
from sandbox.base import SandboxBackend, UnsupportedJob
from sandbox.languages import LANGUAGES, UnknownLanguage, resolve
from sandbox.types import Job, Limits, Result, TestCase, TestRun, Verdict

ACCEPTED = "accepted"
WRONG_ANSWER = "wrong_answer"
DETAIL_TEXT_CAP = 1000  # characters of stderr / compiler output echoed in details

_OPENING = re.compile(r"[ \t]*```[ \t]*([^\n`]*)")  # a whole line: a fence and its tag
_CLOSING = re.compile(r"[ \t]*```[ \t]*")  # a whole line: a bare fence
_DEFINES_CHECK = re.compile(r"^def\s+check\s*\(", re.MULTILINE)
_OTHER_TAGS = {
    "text",
    "output",
    "console",
    "shell",
    "bash",
    "sh",
    "plaintext",
    "json",
    "txt",
    "stdout",
    "input",
}


def extract_code(answer: str, language: str) -> str | None:
    """The last fenced block tagged ``language`` (or an alias) or untagged; None if none."""
    try:
        wanted = resolve(language).name
    except UnknownLanguage:
        wanted = language.strip().lower()
    chosen: str | None = None
    for tag_text, body in _fenced_blocks(answer):
        tag = tag_text.strip().split()[0].lower() if tag_text.strip() else ""
        if not tag or _tag_language(tag) == wanted:
            chosen = body
    return chosen


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(tag, body) of each fenced block, in order, in one pass over the lines.

    A block opens at a fence line followed by a newline and closes at the next bare fence
    line.  Scanning lines (not a lazy regex from every opening) keeps this linear: an answer
    of many unclosed fences costs as much as any other text of its length."""
    lines = text.split("\n")
    closings = [k for k, line in enumerate(lines) if _CLOSING.fullmatch(line)]
    blocks: list[tuple[str, str]] = []
    next_closing = 0
    k = 0
    while k < len(lines) - 1:  # an opening needs its newline
        opening = _OPENING.fullmatch(lines[k])
        if opening is None:
            k += 1
            continue
        while next_closing < len(closings) and closings[next_closing] <= k:
            next_closing += 1
        if next_closing == len(closings):  # nothing closes it, nor any later opening
            break
        end = closings[next_closing]
        blocks.append((opening.group(1), "".join(line + "\n" for line in lines[k + 1 : end])))
        k = end + 1
    return blocks


def _tag_language(tag: str) -> str | None:
    if tag in _OTHER_TAGS:
        return None
    try:
        return resolve(tag).name
    except UnknownLanguage:
        return None


def build_job(code: str, spec: CodeSpec, limits: Limits | None = None) -> Job:
    """The sandbox job for ``code`` under ``spec`` (a fresh marker for assert tests)."""
    base = limits or Limits()
    job_limits = replace(
        base, time_s=spec.time_limit_s, memory_mb=spec.memory_limit_mb, wall_time_s=None
    )
    if spec.test_code:
        return Job(
            language=spec.language,
            source=code,
            test_code=spec.test_code,
            entry_point=spec.entry_point,
            marker=secrets.token_hex(16),
            limits=job_limits,
        )
    return Job(
        language=spec.language,
        source=code,
        tests=[TestCase(t.input) for t in spec.tests],
        limits=job_limits,
        stop_on_failure=spec.all_or_nothing,
    )


async def check_code(
    completion: str,
    spec: CodeSpec,
    backend: SandboxBackend,
    *,
    prefilled: bool = False,
    limits: Limits | None = None,
) -> Outcome:
    """Score ``completion``'s program against ``spec``'s tests in ``backend``."""
    problem = _reference_problem(spec)
    if problem:
        return Outcome.invalid(problem)
    answer = split_think(completion, prefilled=prefilled).answer
    if answer is None:
        return Outcome.ok(0.0, reason="unfinished_think", passed=0, total=_total(spec))
    code = extract_code(answer, spec.language)
    if code is None:
        return Outcome.ok(0.0, reason="no_code_block", passed=0, total=_total(spec))
    job = build_job(code, spec, limits)
    try:
        result = await backend.run(job)
    except UnsupportedJob as exc:
        return Outcome.invalid(str(exc), error_type="unsupported_job")
    except Exception as exc:  # noqa: BLE001 - the backend should not raise; if it does, it is ours
        return Outcome.error(f"sandbox failed: {exc}", error_type="sandbox_error", retryable=True)
    if result.error:
        return Outcome.error(result.error, error_type="sandbox_error", retryable=True)
    return judge(result, job, spec)


def _total(spec: CodeSpec) -> int:
    return 1 if spec.test_code else len(spec.tests)


def _reference_problem(spec: CodeSpec) -> str | None:
    try:
        language = resolve(spec.language)
    except UnknownLanguage:
        return f"unsupported language {spec.language!r}; known: {sorted(LANGUAGES)}"
    if spec.test_code:
        if not language.python:
            return f"assert-style tests (test_code) need python, not {language.name}"
        if not spec.entry_point and _DEFINES_CHECK.search(spec.test_code):
            return "test_code defines check() but entry_point is missing, so it would never run"
    return None


def judge(result: Result, job: Job, spec: CodeSpec) -> Outcome:
    """Turn the sandbox's report into a score and per-test details."""
    total = _total(spec)
    details: dict[str, Any] = {
        "language": resolve(spec.language).name,
        "mode": job.mode,
        "total": total,
    }
    compiled = result.compile
    if compiled is not None:
        details["compile"] = {"verdict": compiled.verdict.value, "time_s": compiled.time_s}
        if not compiled.ok:
            if getattr(compiled, "stage", None) == "test_code":
                return Outcome.invalid(
                    "test_code does not compile", compile_output=_tail(compiled.output)
                )
            details["compile"]["output"] = _tail(compiled.output)
            details["tests"] = [{"verdict": Verdict.COMPILE_ERROR.value}] * total
            return Outcome.ok(0.0, passed=0, reason="compile_error", **details)
    if job.mode == "assert":
        verdicts = [_judge_assert(run, job.marker or "") for run in result.runs]
    else:
        compare = checker(spec.checker, spec.float_tolerance)
        verdicts = [
            _judge_stdio(run, test.output, compare) for run, test in zip(result.runs, spec.tests)
        ]
    if len(verdicts) != total:
        return Outcome.error(
            f"sandbox reported {len(verdicts)} runs for {total} tests",
            error_type="sandbox_error",
            retryable=True,
        )
    passed = sum(1 for v in verdicts if v == ACCEPTED)
    details["tests"] = [_run_details(run, verdict) for run, verdict in zip(result.runs, verdicts)]
    details["passed"] = passed
    first_failure = next(
        (run for run, v in zip(result.runs, verdicts) if v != ACCEPTED and run.stderr), None
    )
    if first_failure is not None:
        details["stderr"] = _tail(first_failure.stderr)
    if spec.all_or_nothing:
        score = 1.0 if passed == total else 0.0
    else:
        score = passed / total if total else 0.0
    return Outcome.ok(score, **details)


def _judge_stdio(run: TestRun, expected: str, compare: Any) -> str:
    if run.verdict is not Verdict.OK:
        return run.verdict.value
    return ACCEPTED if compare(run.stdout, expected) else WRONG_ANSWER


def _judge_assert(run: TestRun, marker: str) -> str:
    if run.verdict is Verdict.OK:
        # Only the harness writes the marker, and only after the checks returned.
        return ACCEPTED if marker and (run.harness or "").strip() == marker else WRONG_ANSWER
    if run.verdict is Verdict.RUNTIME_ERROR and _last_line(run.stderr).startswith("AssertionError"):
        return WRONG_ANSWER
    return run.verdict.value


def _run_details(run: TestRun, verdict: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "verdict": verdict,
        "time_s": run.time_s,
        "cpu_s": run.cpu_s,
        "memory_mb": run.memory_mb,
    }
    if run.signal:
        entry["signal"] = run.signal
    if run.exit_code not in (None, 0):
        entry["exit_code"] = run.exit_code
    if run.reason and verdict != ACCEPTED:
        entry["reason"] = run.reason
    return entry


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _tail(text: str) -> str:
    return text if len(text) <= DETAIL_TEXT_CAP else "…" + text[-DETAIL_TEXT_CAP:]


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
