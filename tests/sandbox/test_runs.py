"""Correct programs pass, wrong ones fail with the right verdict, in Python and C++."""

from __future__ import annotations

import json

import pytest

from reward_server.schemas import RunRequest
from reward_server.verifiers.code import run_raw
from sandbox.types import Job, Limits, TestCase, Verdict
from tests.sandbox.conftest import fenced

pytestmark = pytest.mark.docker

SUM_TESTS = [
    {"input": "1 2\n", "output": "3\n"},
    {"input": "40 2", "output": "42"},
    {"input": "-5 5\n", "output": "0"},
]

PY_SUM = "a, b = map(int, input().split())\nprint(a + b)"
CPP_SUM = """#include <iostream>
int main() { long long a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; return 0; }"""
C_SUM = """#include <stdio.h>
int main(void) { long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\\n", a + b); return 0; }"""


def test_python_solution_passes(judge):
    outcome = judge(fenced(PY_SUM), language="python", tests=SUM_TESTS)
    assert outcome.status == "ok"
    assert outcome.score == 1.0
    assert [t["verdict"] for t in outcome.details["tests"]] == ["accepted"] * 3


def test_cpp_solution_passes(judge):
    outcome = judge(fenced(CPP_SUM, "cpp"), language="cpp", tests=SUM_TESTS)
    assert outcome.score == 1.0, outcome.details
    assert outcome.details["compile"]["verdict"] == "ok"


def test_c_solution_passes(judge):
    outcome = judge(fenced(C_SUM, "c"), language="c", tests=SUM_TESTS)
    assert outcome.score == 1.0, outcome.details


def test_partial_credit_is_the_fraction_passed(judge):
    code = "a, b = map(int, input().split())\nprint(a + b if a > 0 else 7)"
    outcome = judge(fenced(code), language="python", tests=SUM_TESTS)
    assert outcome.score == pytest.approx(2 / 3)
    assert [t["verdict"] for t in outcome.details["tests"]] == [
        "accepted",
        "accepted",
        "wrong_answer",
    ]


def test_all_or_nothing(judge):
    code = "a, b = map(int, input().split())\nprint(a + b if a > 0 else 7)"
    outcome = judge(fenced(code), language="python", tests=SUM_TESTS, all_or_nothing=True)
    assert outcome.score == 0.0


def test_details_never_carry_expected_outputs(judge):
    secret = "expected-7f3a9c"
    outcome = judge(
        fenced("print('nope')"), language="python", tests=[{"input": "", "output": secret}]
    )
    assert outcome.score == 0.0
    assert secret not in repr(outcome)


def test_prefix_of_expected_output_is_wrong(judge):
    outcome = judge(
        fenced("print(1)\nprint(2)"),
        language="python",
        tests=[{"input": "", "output": "1\n2\n3\n"}],
    )
    assert outcome.details["tests"][0]["verdict"] == "wrong_answer"


def test_python_compile_error(judge):
    outcome = judge(fenced("def f(:\n    pass"), language="python", tests=SUM_TESTS)
    assert outcome.status == "ok" and outcome.score == 0.0
    assert outcome.details["compile"]["verdict"] == "compile_error"
    assert "SyntaxError" in outcome.details["compile"]["output"]
    assert [t["verdict"] for t in outcome.details["tests"]] == ["compile_error"] * 3


def test_cpp_compile_error(judge):
    outcome = judge(
        fenced("int main() { return undefined_name; }", "cpp"), language="cpp", tests=SUM_TESTS
    )
    assert outcome.score == 0.0
    assert outcome.details["compile"]["verdict"] == "compile_error"
    assert "undefined_name" in outcome.details["compile"]["output"]


def test_runtime_error_reports_signal(judge):
    code = "int main() { volatile int *p = nullptr; *p = 1; return 0; }"
    outcome = judge(fenced(code, "cpp"), language="cpp", tests=[{"input": "", "output": ""}])
    test = outcome.details["tests"][0]
    assert test["verdict"] == "runtime_error"
    assert test["signal"] == "SIGSEGV"


def test_nonzero_exit_is_a_runtime_error(judge):
    outcome = judge(
        fenced("import sys\nprint(3)\nsys.exit(4)"),
        language="python",
        tests=[{"input": "", "output": "3"}],
    )
    assert outcome.details["tests"][0]["verdict"] == "runtime_error"
    assert outcome.details["tests"][0]["exit_code"] == 4


def test_no_code_block_scores_zero(judge):
    outcome = judge(
        "<think>x</think>print(1)", language="python", tests=[{"input": "", "output": "1"}]
    )
    assert outcome.status == "ok" and outcome.score == 0.0
    assert outcome.details["reason"] == "no_code_block"


def test_code_inside_unclosed_think_is_not_an_answer(judge):
    outcome = judge(
        "<think>```python\nprint(1)\n```", language="python", tests=[{"input": "", "output": "1"}]
    )
    assert outcome.score == 0.0 and outcome.details["reason"] == "unfinished_think"


def test_code_in_the_reasoning_is_ignored(judge):
    completion = (
        "<think>```python\nprint(1)\n```</think>I would print two.\n```python\nprint(2)\n```"
    )
    outcome = judge(completion, language="python", tests=[{"input": "", "output": "1"}])
    assert outcome.details["tests"][0]["verdict"] == "wrong_answer"


def test_stdin_is_large_and_exact(judge):
    numbers = list(range(200_000))
    stdin = " ".join(map(str, numbers)) + "\n"
    code = "import sys\nprint(sum(map(int, sys.stdin.buffer.read().split())))"
    outcome = judge(
        fenced(code), language="python", tests=[{"input": stdin, "output": str(sum(numbers))}]
    )
    assert outcome.score == 1.0


def test_large_correct_output_is_not_truncated(judge):
    n = 300_000  # about 2 MB of output, well past the caps of other sandboxes
    expected = "\n".join(str(i) for i in range(n))
    code = f"import sys\nsys.stdout.write('\\n'.join(str(i) for i in range({n})))"
    outcome = judge(fenced(code), language="python", tests=[{"input": "", "output": expected}])
    assert outcome.score == 1.0


def test_deep_recursion_gets_the_stack(judge):
    code = "import sys\nsys.setrecursionlimit(10**6)\ndef f(n): return 0 if n == 0 else 1 + f(n - 1)\nprint(f(100000))"
    outcome = judge(
        fenced(code), language="python", tests=[{"input": "", "output": "100000"}], time_limit_s=2.0
    )
    assert outcome.score == 1.0, outcome.details


def test_exec_mode_runs_a_fresh_interpreter(loop, sandbox):
    job = Job(
        "python",
        "import sys\nprint(len(sys.modules) < 200, __name__)",
        [TestCase("")],
        python_mode="exec",
    )
    result = loop.run(sandbox.run(job))
    assert result.runs[0].verdict is Verdict.OK
    assert result.runs[0].stdout.split() == ["True", "__main__"]


def test_each_test_gets_a_fresh_process(loop, sandbox):
    code = "import os\nprint(os.getpid())"
    result = loop.run(sandbox.run(Job("python", code, [TestCase("")] * 3)))
    pids = [run.stdout.strip() for run in result.runs]
    assert len(set(pids)) == 3


def test_unknown_language_is_invalid(judge):
    outcome = judge(fenced("x", "cobol"), language="cobol", tests=[{"input": "", "output": ""}])
    assert outcome.status == "invalid"


def test_run_raw(loop, sandbox):
    response = loop.run(run_raw(RunRequest(source=PY_SUM, stdin="2 3"), sandbox))
    assert response.status == "ok"
    assert response.verdict == "ok"
    assert response.stdout == "5\n"
    assert response.time_s is not None and response.time_s >= 0


def test_run_raw_compile_error(loop, sandbox):
    response = loop.run(run_raw(RunRequest(source="int main( {", language="cpp"), sandbox))
    assert response.verdict == "compile_error"
    assert response.compile_output


def test_limits_are_clamped_to_the_pool_maximum(loop, sandbox):
    job = Job("python", "print(1)", [TestCase("")], limits=Limits(time_s=10_000, memory_mb=10**6))
    result = loop.run(sandbox.run(job))
    assert result.runs[0].verdict is Verdict.OK


def test_assert_mode_in_a_fresh_interpreter(loop, sandbox):
    test_code = "def check(candidate):\n    assert candidate(3) == 9\n"
    for source, accepted in [
        ("def f(x):\n    return x * x", True),
        ("import sys\ndef f(x):\n    return x\nsys.exit(0)", False),
    ]:
        job = Job(
            "python",
            source,
            test_code=test_code,
            entry_point="f",
            marker="m" * 32,
            python_mode="exec",
        )
        run = loop.run(sandbox.run(job)).runs[0]
        report = json.loads(run.harness or "{}")
        passed = report.get("marker") == "m" * 32 and report.get("tests") == [["check", True, ""]]
        assert (run.verdict is Verdict.OK and passed) is accepted, run


def test_language_missing_from_the_image_is_not_the_models_fault(judge, sandbox):
    if sandbox.languages is not None and "java" not in sandbox.languages:
        outcome = judge(
            fenced("public class Main { public static void main(String[] a) {} }", "java"),
            language="java",
            tests=[{"input": "", "output": ""}],
        )
        assert outcome.status == "invalid"
        assert "no java" in outcome.message
    else:  # an image built with every language: java must then work
        outcome = judge(
            fenced(
                "public class Main { public static void main(String[] a) { System.out.print(1); } }",
                "java",
            ),
            language="java",
            tests=[{"input": "", "output": "1"}],
            time_limit_s=5.0,
        )
        assert outcome.score == 1.0
