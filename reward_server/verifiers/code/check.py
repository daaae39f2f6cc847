"""``check_code``: take the program from the answer, run it in the sandbox, judge it.

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
- Function calls: the result comes back as plain data and is compared here as a value.
- A checker program (special judge) runs in a job of its own after the program's.
- Score: the fraction of tests accepted, or 1/0 with ``all_or_nothing``.  A sandbox
  failure, or a checker's, is ours: an error, never a 0.
"""

from __future__ import annotations

from reward_server.schemas import CheckerProgram, CodeSpec
from reward_server.verifiers.completion import split_think
from reward_server.verifiers.outcome import Outcome
from sandbox.base import SandboxBackend, UnsupportedJob
from sandbox.types import Job, Limits, Result, Verdict

from .extract import extract_code
from .formats import StdioTest, plan
from .jobs import build_job, checker_job, reference_problem
from .judge import ACCEPTED, WRONG_ANSWER, judge


async def check_code(
    completion: str,
    spec: CodeSpec,
    backend: SandboxBackend,
    *,
    prefilled: bool = False,
    limits: Limits | None = None,
) -> Outcome:
    """Score ``completion``'s program against ``spec``'s tests in ``backend``."""
    problem = reference_problem(spec)
    if problem:
        return Outcome.invalid(problem)
    tests = plan(spec)
    answer = split_think(completion, prefilled=prefilled).answer
    if answer is None:
        return Outcome.ok(0.0, reason="unfinished_think", passed=0, total=tests.total)
    code = extract_code(answer, spec.language)
    if code is None:
        return Outcome.ok(0.0, reason="no_code_block", passed=0, total=tests.total)
    job = build_job(code, spec, limits, tests)
    result = await _run(backend, job)
    if isinstance(result, Outcome):
        return result
    decided: dict[int, str] | None = None
    if isinstance(spec.checker, CheckerProgram) and tests.kind == "stdio":
        checked = await _run_checker(spec.checker, tests.stdio, result, backend, limits)
        if isinstance(checked, Outcome):
            return checked
        decided = checked
    return judge(result, job, spec, tests, decided)


async def _run(backend: SandboxBackend, job: Job) -> Result | Outcome:
    try:
        result = await backend.run(job)
    except UnsupportedJob as exc:
        return Outcome.invalid(str(exc), error_type="unsupported_job")
    except Exception as exc:  # noqa: BLE001 - the backend should not raise; if it does, it is ours
        return Outcome.error(f"sandbox failed: {exc}", error_type="sandbox_error", retryable=True)
    if result.error:
        return Outcome.error(result.error, error_type="sandbox_error", retryable=True)
    return result


async def _run_checker(
    checker: CheckerProgram,
    tests: list[StdioTest],
    result: Result,
    backend: SandboxBackend,
    limits: Limits | None,
) -> dict[int, str] | Outcome:
    """The checker program's verdict on each run that ended normally: exit 0 accepts,
    another exit code rejects; a checker that does not compile, crashes, is killed or
    passes a limit is the item's error (never the program's wrong answer)."""
    if result.compile is not None and not result.compile.ok:
        return {}
    pending = [i for i, run in enumerate(result.runs) if run.verdict is Verdict.OK]
    if not pending:
        return {}
    job = checker_job(
        checker, [tests[i] for i in pending], [result.runs[i].stdout for i in pending], limits
    )
    checked = await _run(backend, job)
    if isinstance(checked, Outcome):
        return _checker_fault(checked.message or "checker job failed", checked.retryable)
    if checked.compile is not None and not checked.compile.ok:
        return _checker_fault(
            f"the checker does not compile: {checked.compile.output[-500:]}", False
        )
    if len(checked.runs) != len(pending):
        return _checker_fault("the checker job reported a wrong number of runs", True)
    decided: dict[int, str] = {}
    for index, run in zip(pending, checked.runs):
        if run.verdict is Verdict.OK:
            decided[index] = ACCEPTED
        elif run.verdict is Verdict.RUNTIME_ERROR and run.signal is None and run.exit_code:
            decided[index] = WRONG_ANSWER
        else:
            why = run.signal or run.reason or run.verdict.value
            return _checker_fault(f"the checker failed on test {index + 1}: {why}", True)
    return decided


def _checker_fault(message: str, retryable: bool) -> Outcome:
    return Outcome.error(message, error_type="checker_error", retryable=retryable)
