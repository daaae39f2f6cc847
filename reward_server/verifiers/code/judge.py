"""Judging a sandbox report: each run's verdict, the score, and the details.

- Stdio tests: a run that ended ``ok`` is ``accepted`` when the checker accepts its
  stdout, else ``wrong_answer``; other runs keep the sandbox's verdict.
- Assert tests (HumanEval/MBPP): a run is ``accepted`` only when the harness wrote this
  job's secret marker, which it does after ``check()`` returned; exit codes count for
  nothing, so ``os._exit(0)`` or ``sys.exit(0)`` before the checks is a wrong answer.
- Score: the fraction of tests accepted, or 1/0 with ``all_or_nothing``.
"""

from __future__ import annotations

from typing import Any

from reward_server.schemas import CodeSpec
from reward_server.verifiers.outcome import Outcome
from sandbox.languages import resolve
from sandbox.types import Job, Result, TestRun, Verdict

from .checkers import checker

ACCEPTED = "accepted"
WRONG_ANSWER = "wrong_answer"
DETAIL_TEXT_CAP = 1000  # characters of stderr / compiler output echoed in details


def test_count(spec: CodeSpec) -> int:
    return 1 if spec.test_code else len(spec.tests)


def judge(result: Result, job: Job, spec: CodeSpec) -> Outcome:
    """Turn the sandbox's report into a score and per-test details."""
    total = test_count(spec)
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
