"""The code verifier's pure parts: which block is the program, and how runs are judged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import build_job, extract_code, judge
from sandbox.types import CompileResult, Result, TestRun, Verdict


@pytest.mark.parametrize(
    ("answer", "language", "expected"),
    [
        ("```python\nprint(1)\n```", "python", "print(1)\n"),
        ("```py\na\n```\ntext\n```python\nb\n```", "python", "b\n"),
        ("```python\nsolve()\n```\nOutput:\n```\n3\n```", "python", "3\n"),  # untagged counts
        ("```python\nsolve()\n```\nOutput:\n```text\n3\n```", "python", "solve()\n"),
        ("```cpp\nint main(){}\n```\n```bash\ng++ main.cpp\n```", "cpp", "int main(){}\n"),
        ("```c++\nint main(){}\n```", "cpp", "int main(){}\n"),
        ("```cpp\nint main(){}\n```", "python", None),  # another language is not the program
        ("no code here", "python", None),
        ("```python\nprint(1)", "python", None),  # unterminated: truncated completion
        ("  ```python\n  x = 1\n  ```", "python", "  x = 1\n"),
        ("```python title=sol.py\nx\n```", "python", "x\n"),
    ],
)
def test_extract_code(answer, language, expected):
    assert extract_code(answer, language) == expected


@given(st.text(max_size=300))
def test_extract_code_never_raises(answer):
    result = extract_code(answer, "python")
    assert result is None or isinstance(result, str)


def stdio_spec(**changes):
    values = {
        "language": "python",
        "tests": [{"input": "", "output": "1"}, {"input": "", "output": "2"}],
    }
    values.update(changes)
    return CodeSpec(**values)


def ok_run(stdout: str) -> TestRun:
    return TestRun(Verdict.OK, stdout=stdout)


def test_judge_compares_each_run_with_its_expected_output():
    spec = stdio_spec()
    job = build_job("x", spec)
    outcome = judge(Result(runs=[ok_run("1\n"), ok_run("3\n")]), job, spec)
    assert outcome.score == 0.5
    assert [t["verdict"] for t in outcome.details["tests"]] == ["accepted", "wrong_answer"]


def test_judge_keeps_the_sandbox_verdicts():
    spec = stdio_spec()
    runs = [
        TestRun(Verdict.TIME_LIMIT, reason="wall"),
        TestRun(Verdict.RUNTIME_ERROR, signal="SIGSEGV"),
    ]
    outcome = judge(Result(runs=runs), build_job("x", spec), spec)
    assert outcome.score == 0.0
    assert outcome.details["tests"][0] == {
        "verdict": "time_limit",
        "time_s": 0.0,
        "cpu_s": 0.0,
        "memory_mb": 0.0,
        "reason": "wall",
    }
    assert outcome.details["tests"][1]["signal"] == "SIGSEGV"


def test_judge_compile_error_scores_zero_for_every_test():
    spec = stdio_spec()
    result = Result(compile=CompileResult(Verdict.COMPILE_ERROR, output="error: x"))
    outcome = judge(result, build_job("x", spec), spec)
    assert outcome.status == "ok" and outcome.score == 0.0
    assert [t["verdict"] for t in outcome.details["tests"]] == ["compile_error", "compile_error"]


def test_judge_test_code_that_does_not_compile_is_the_references_fault():
    spec = CodeSpec(language="python", test_code="def check(:", entry_point="f")
    result = Result(
        compile=CompileResult(Verdict.COMPILE_ERROR, output="SyntaxError", stage="test_code")
    )
    assert judge(result, build_job("x", spec), spec).status == "invalid"


def test_judge_missing_runs_is_our_error():
    spec = stdio_spec()
    outcome = judge(Result(runs=[ok_run("1")]), build_job("x", spec), spec)
    assert outcome.status == "error" and outcome.retryable


def test_assert_mode_needs_this_jobs_marker():
    spec = CodeSpec(language="python", test_code="def check(c): pass", entry_point="f")
    job = build_job("x", spec)
    other = build_job("x", spec)
    assert job.marker and job.marker != other.marker  # a fresh secret per job
    assert judge(Result(runs=[TestRun(Verdict.OK, harness=job.marker)]), job, spec).score == 1.0
    assert judge(Result(runs=[TestRun(Verdict.OK, harness=other.marker)]), job, spec).score == 0.0
    assert judge(Result(runs=[TestRun(Verdict.OK, harness="")]), job, spec).score == 0.0
    failed = TestRun(Verdict.RUNTIME_ERROR, stderr="Traceback ...\nAssertionError\n")
    outcome = judge(Result(runs=[failed]), job, spec)
    assert outcome.details["tests"][0]["verdict"] == "wrong_answer"


def test_all_or_nothing_stops_at_the_first_failure():
    spec = stdio_spec(all_or_nothing=True)
    assert build_job("x", spec).stop_on_failure
    outcome = judge(
        Result(runs=[ok_run("1"), TestRun(Verdict.SKIPPED)]), build_job("x", spec), spec
    )
    assert outcome.score == 0.0
    assert outcome.details["tests"][1]["verdict"] == "skipped"


def test_job_limits_come_from_the_spec():
    job = build_job("x", stdio_spec(time_limit_s=3.5, memory_limit_mb=512))
    assert job.limits.time_s == 3.5 and job.limits.memory_mb == 512
    assert job.limits.wall_s == 8.0
