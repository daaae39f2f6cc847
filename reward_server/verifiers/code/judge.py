"""Judging a sandbox report: each run's verdict, the score, and the details.

- Stdio tests: a run that ended ``ok`` is ``accepted`` when the checker accepts its
  stdout, else ``wrong_answer``; other runs keep the sandbox's verdict.
- Function calls: the result, rebuilt from plain data here, is compared with the
  expected value as a value (``values_equal``); a result that is not plain data is a
  wrong answer.
- Assert tests and test files: the judge process's report (or an in-process harness's
  marker) carries this job's secret marker and each test's outcome; exit codes count
  for nothing, so ``os._exit(0)`` before the checks is a wrong answer.
- Score: the fraction of tests accepted, or 1/0 with ``all_or_nothing``.
"""

from __future__ import annotations

import json
from typing import Any

from reward_server.schemas import CodeSpec
from reward_server.verifiers.outcome import Outcome
from sandbox.languages import resolve
from sandbox.runner import values
from sandbox.types import Job, Result, TestRun, Verdict

from .checkers import checker, values_equal
from .formats import CallTest, FormatError, Plan, plan

ACCEPTED = "accepted"
WRONG_ANSWER = "wrong_answer"
PENDING = "pending"  # ended ok; a checker program decides
DETAIL_TEXT_CAP = 1000  # characters of stderr / compiler output echoed in details


def test_count(spec: CodeSpec) -> int:
    try:
        return plan(spec).total
    except FormatError:
        return 0


def judge(
    result: Result,
    job: Job,
    spec: CodeSpec,
    tests: Plan | None = None,
    decided: dict[int, str] | None = None,
) -> Outcome:
    """Turn the sandbox's report into a score and per-test details; ``decided`` holds a
    checker program's verdicts by test index."""
    tests = tests or plan(spec)
    total = tests.total
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
            details["tests"] = [{"verdict": Verdict.COMPILE_ERROR.value}] * max(total, 1)
            return Outcome.ok(0.0, passed=0, reason="compile_error", **details)
    names: list[str] | None = None
    if job.mode in ("assert", "test_file"):
        if len(result.runs) != 1:
            return _miscount(len(result.runs), 1)
        report = _report(result.runs[0], job.marker or "")
        if isinstance(report, Outcome):
            return report
        verdicts, names = report
        runs = [result.runs[0]] * len(verdicts)
        total = len(verdicts)
        details["total"] = total
        if total == 0:
            return Outcome.invalid("the test file has no test", error_type="no_tests")
    elif job.mode == "call":
        verdicts = [
            _judge_call(run, t, spec.float_tolerance) for run, t in zip(result.runs, tests.calls)
        ]
        runs = result.runs
    else:
        compare = (
            checker(spec.checker, spec.float_tolerance) if isinstance(spec.checker, str) else None
        )
        verdicts = [
            _judge_stdio(run, t.output, compare) for run, t in zip(result.runs, tests.stdio)
        ]
        verdicts = [
            (decided or {}).get(i, v) if v == PENDING else v for i, v in enumerate(verdicts)
        ]
        runs = result.runs
    if len(verdicts) != total or len(result.runs) != job.runs:
        return _miscount(len(result.runs), job.runs)
    passed = sum(1 for v in verdicts if v == ACCEPTED)
    details["tests"] = [_run_details(run, verdict) for run, verdict in zip(runs, verdicts)]
    if names is not None:
        for entry, name in zip(details["tests"], names):
            entry["name"] = name
    details["passed"] = passed
    first_failure = next(
        (run for run, v in zip(runs, verdicts) if v != ACCEPTED and run.stderr), None
    )
    if first_failure is not None:
        details["stderr"] = _tail(first_failure.stderr)
    if spec.all_or_nothing:
        score = 1.0 if passed == total else 0.0
    else:
        score = passed / total if total else 0.0
    return Outcome.ok(score, **details)


def _miscount(runs: int, expected: int) -> Outcome:
    return Outcome.error(
        f"sandbox reported {runs} runs for {expected}", error_type="sandbox_error", retryable=True
    )


def _judge_stdio(run: TestRun, expected: str, compare: Any) -> str:
    """A run that ended ok against its expected output; with a checker program
    (``compare`` None) it stays ``ok`` here and the checker decides afterwards."""
    if run.verdict is not Verdict.OK:
        return run.verdict.value
    if compare is None:
        return PENDING
    return ACCEPTED if compare(run.stdout, expected) else WRONG_ANSWER


def _judge_call(run: TestRun, test: CallTest, tolerance: float) -> str:
    """The function's result (plain data, rebuilt here) against the expected value."""
    if run.verdict is not Verdict.OK:
        return run.verdict.value
    try:
        answer = json.loads(run.harness or "")
        got = values.decode(answer["value"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return WRONG_ANSWER  # not plain data, or nothing: nothing to compare
    if values_equal(got, test.expected, tolerance):
        return ACCEPTED
    expected = test.expected
    if (
        test.unwrap
        and isinstance(expected, list)
        and len(expected) == 1
        and values_equal(got, expected[0], tolerance)
    ):
        return ACCEPTED
    return WRONG_ANSWER


def _report(run: TestRun, marker: str) -> Outcome | tuple[list[str], list[str]]:
    """The verdicts of a judged run from the judge process's report (Python) or the
    in-process harness's marker (JavaScript, C++)."""
    text = (run.harness or "").strip()
    if run.verdict is not Verdict.OK:
        if run.verdict is Verdict.RUNTIME_ERROR and _last_line(run.stderr).startswith(
            "AssertionError"
        ):
            return [WRONG_ANSWER], ["check"]
        return [run.verdict.value], ["check"]
    if not text.startswith("{"):  # an in-process harness writes the marker alone
        ok = bool(marker) and text == marker
        return [ACCEPTED if ok else WRONG_ANSWER], ["check"]
    try:
        report = json.loads(text)
    except ValueError:
        return [WRONG_ANSWER], ["check"]
    if not isinstance(report, dict):
        return [WRONG_ANSWER], ["check"]
    if "judge_error" in report:
        return Outcome.error(
            f"the judge process failed: {report['judge_error']}",
            error_type="sandbox_error",
            retryable=True,
        )
    if report.get("candidate_gone") or report.get("marker") != marker or not marker:
        return [WRONG_ANSWER], ["check"]
    entries = [e for e in report.get("tests") or [] if isinstance(e, list) and len(e) == 3]
    return (
        [ACCEPTED if e[1] is True else WRONG_ANSWER for e in entries],
        [str(e[0]) for e in entries],
    )


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
