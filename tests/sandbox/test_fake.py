"""The fake backend: jobs answered by a handler, checked as the Docker backend checks them.

No Docker here (not marked ``docker``): these run in the fast target.  The judging tests
go through the real ``check_code``, so they also show that the fake's results are the
shapes the code verifier expects from a real sandbox.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from sandbox.base import SandboxBackend, SandboxError, UnsupportedJob
from sandbox.fake import (
    FakeSandbox,
    always,
    checks_fail,
    checks_pass,
    compile_error,
    each_test,
    memory_limit,
    ok,
    output_limit,
    runtime_error,
    sandbox_error,
    stdio,
    time_limit,
)
from sandbox.types import Call, Job, Result, TestCase, Verdict
from tests.sandbox.conftest import fenced

SUM = stdio(lambda stdin: str(sum(map(int, stdin.split()))))
SUM_TESTS = [{"input": "1 2", "output": "3"}, {"input": "40 2", "output": "42"}]
SQUARE = {
    "language": "python",
    "test_code": "def check(candidate):\n    assert candidate(3) == 9\n",
    "entry_point": "square",
}


def run(backend: FakeSandbox, job: Job) -> Result:
    async def go() -> Result:
        async with backend:
            return await backend.run(job)

    return asyncio.run(go())


def score(backend: FakeSandbox, completion: str, **spec: Any):
    async def go():
        async with backend:
            return await check_code(completion, CodeSpec(**spec), backend)

    return asyncio.run(go())


def test_is_a_sandbox_backend():
    assert isinstance(FakeSandbox(SUM), SandboxBackend)


def test_the_handler_answers_each_test_and_jobs_are_kept():
    fake = FakeSandbox(SUM)
    job = Job("python", "ignored", [TestCase("1 2"), TestCase("5 5")])
    result = run(fake, job)
    assert result.error is None
    assert [(r.verdict, r.stdout) for r in result.runs] == [(Verdict.OK, "3"), (Verdict.OK, "10")]
    assert result.compile is None  # python compiles in its first test, as in the real runner
    assert fake.jobs == [job]
    assert result.duration_s > 0


def test_a_compiled_language_reports_its_compile_step():
    result = run(FakeSandbox(SUM), Job("cpp", "int main(){}", [TestCase("1 1")]))
    assert result.compile is not None and result.compile.ok


def test_an_async_handler_is_awaited():
    async def slow(job: Job) -> Result:
        await asyncio.sleep(0)
        return each_test(job, ok("hi"))

    assert run(FakeSandbox(slow), Job("python", "", [TestCase("")])).runs[0].stdout == "hi"


def test_a_handler_that_returns_no_result_is_our_error():
    with pytest.raises(SandboxError, match="not a Result"):
        run(FakeSandbox(lambda job: "3"), Job("python", "", [TestCase("")]))  # type: ignore[arg-type,return-value]


def test_a_failing_fake_program_is_a_runtime_error():
    result = run(
        FakeSandbox(stdio(lambda stdin: str(1 // int(stdin)))), Job("py", "", [TestCase("0")])
    )
    assert result.runs[0].verdict is Verdict.RUNTIME_ERROR
    assert "ZeroDivisionError" in result.runs[0].stderr


def test_stop_on_failure_skips_the_rest_as_the_runner_does():
    flaky = stdio(lambda stdin: stdin if stdin != "boom" else str(1 / 0))
    job = Job("python", "", [TestCase("a"), TestCase("boom"), TestCase("c")], stop_on_failure=True)
    verdicts = [r.verdict for r in run(FakeSandbox(flaky), job).runs]
    assert verdicts == [Verdict.OK, Verdict.RUNTIME_ERROR, Verdict.SKIPPED]


@pytest.mark.parametrize(
    ("job", "message"),
    [
        (Job("cobol", "", [TestCase("")]), "unknown language"),
        (Job("python", "", []), "at least one test"),
        (Job("go", "", test_code="assert True", marker="m" * 32), "need python"),
        (Job("cpp", "", calls=[Call("f")]), "need python"),
        (Job("python", "", test_code="assert True"), "marker"),
    ],
)
def test_impossible_jobs_raise_as_with_docker(job, message):
    fake = FakeSandbox(SUM)
    with pytest.raises(UnsupportedJob, match=message):
        run(fake, job)
    assert fake.jobs == []


def test_a_language_the_image_lacks_is_unsupported():
    fake = FakeSandbox(SUM, languages=["python", "c++"])
    assert fake.languages == frozenset({"python", "cpp"})
    with pytest.raises(UnsupportedJob, match="no java"):
        run(fake, Job("java", "", [TestCase("")]))


def test_readiness_follows_start_and_close():
    fake = FakeSandbox(SUM)

    async def go() -> list[tuple[bool, str]]:
        seen = [fake.ready()]
        await fake.start()
        seen.append(fake.ready())
        fake.readiness = (False, "no sandbox container is running")
        seen.append(fake.ready())
        await fake.close()
        seen.append(fake.ready())
        return seen

    states = asyncio.run(go())
    assert [ready for ready, _ in states] == [False, True, False, False]
    assert states[2][1] == "no sandbox container is running"
    assert fake.closed


def test_a_job_before_start_is_an_error_result():
    result = asyncio.run(FakeSandbox(SUM).run(Job("python", "", [TestCase("")])))
    assert result.error and "not started" in result.error


def test_start_error_is_raised():
    fake = FakeSandbox(SUM, start_error=SandboxError("Docker engine unreachable"))
    with pytest.raises(SandboxError, match="unreachable"):
        asyncio.run(fake.start())
    assert fake.ready()[0] is False


# ---- judged by the real code verifier --------------------------------------------------------


def test_judging_right_and_wrong_outputs():
    outcome = score(FakeSandbox(SUM), fenced("print(sum(...))"), language="python", tests=SUM_TESTS)
    assert (outcome.status, outcome.score) == ("ok", 1.0)
    wrong = score(
        FakeSandbox(stdio(lambda stdin: "3")),
        fenced("print(3)"),
        language="python",
        tests=SUM_TESTS,
    )
    assert wrong.score == 0.5
    assert [t["verdict"] for t in wrong.details["tests"]] == ["accepted", "wrong_answer"]


@pytest.mark.parametrize(
    ("run_", "verdict"),
    [
        (time_limit(), "time_limit"),
        (time_limit("wall"), "time_limit"),
        (memory_limit(), "memory_limit"),
        (runtime_error(signal="SIGSEGV"), "runtime_error"),
        (output_limit(), "output_limit"),
    ],
)
def test_limit_verdicts_reach_the_details(run_, verdict):
    outcome = score(FakeSandbox(always(run_)), fenced("x"), language="python", tests=SUM_TESTS)
    assert outcome.status == "ok" and outcome.score == 0.0
    assert [t["verdict"] for t in outcome.details["tests"]] == [verdict, verdict]
    assert outcome.details["tests"][0].get("reason") == run_.reason


def test_a_compile_error_scores_zero_with_the_compiler_output():
    fake = FakeSandbox(always(compile_error("main.cpp:1: error: expected ';'")))
    outcome = score(fake, fenced("int main(){", "cpp"), language="cpp", tests=SUM_TESTS)
    assert (outcome.status, outcome.score, outcome.details["reason"]) == (
        "ok",
        0.0,
        "compile_error",
    )
    assert "expected ';'" in outcome.details["compile"]["output"]


def test_test_code_that_does_not_compile_is_an_invalid_reference():
    fake = FakeSandbox(always(compile_error("SyntaxError", stage="test_code")))
    assert score(fake, fenced("def square(x): ..."), **SQUARE).status == "invalid"


def test_a_sandbox_error_is_retryable_never_a_score():
    outcome = score(
        FakeSandbox(always(sandbox_error())), fenced("x"), language="python", tests=SUM_TESTS
    )
    assert outcome.status == "error" and outcome.retryable and outcome.score is None


def test_assert_mode_passes_only_with_the_jobs_marker():
    assert (
        score(FakeSandbox(checks_pass), fenced("def square(x): return x*x"), **SQUARE).score == 1.0
    )
    assert score(FakeSandbox(checks_fail), fenced("def square(x): return x"), **SQUARE).score == 0.0
    # An ok run without the marker (the program left before check() returned) does not pass.
    assert score(FakeSandbox(always(ok())), fenced("def square(x): ..."), **SQUARE).score == 0.0
