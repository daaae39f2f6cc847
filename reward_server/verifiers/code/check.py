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
- Score: the fraction of tests accepted, or 1/0 with ``all_or_nothing``.  A sandbox
  failure is ours: a retryable error, never a 0.
"""

from __future__ import annotations

from reward_server.schemas import CodeSpec
from reward_server.verifiers.completion import split_think
from reward_server.verifiers.outcome import Outcome
from sandbox.base import SandboxBackend, UnsupportedJob
from sandbox.types import Limits

from .extract import extract_code
from .jobs import build_job, reference_problem
from .judge import judge, test_count


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
    answer = split_think(completion, prefilled=prefilled).answer
    if answer is None:
        return Outcome.ok(0.0, reason="unfinished_think", passed=0, total=test_count(spec))
    code = extract_code(answer, spec.language)
    if code is None:
        return Outcome.ok(0.0, reason="no_code_block", passed=0, total=test_count(spec))
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
