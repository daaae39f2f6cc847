"""The test formats of issue 10 end to end (check_code on the real pool), with hand-written
cases: each format's correct program scores 1 and every wrong variant is rejected; and
the bug classes found with other projects' material, one test each."""

from __future__ import annotations

import base64
import json
import pickle
import zlib

import pytest

from sandbox.types import Job, TestCase
from tests.sandbox.conftest import Judge, fenced

pytestmark = pytest.mark.docker


def verdicts(outcome) -> list[str]:
    return [t["verdict"] for t in outcome.details.get("tests", [])]


# ---- function calls: APPS / TACO / PRIME input_output, LiveCodeBench -------------------------
APPS = {
    "inputs": [[[1, 2, 3]], [[]], [[5, -5, 10]]],
    "outputs": [[6], [0], [10]],
    "fn_name": "total",
}


@pytest.mark.parametrize(
    ("program", "score"),
    [
        ("def total(xs):\n    return sum(xs)", 1.0),
        ("def total(xs):\n    return float(sum(xs))", 1.0),  # 6.0 == 6 as a value
        (
            "class Solution:\n    def total(self, xs: List[int]) -> int:\n        return sum(xs)",
            1.0,
        ),
        ("def total(xs):\n    return str(sum(xs))", 0.0),  # "6" is not 6
        ("def total(xs):\n    return sum(xs) + 1", 0.0),
        ("def total(xs):\n    return xs[0] * len(xs)", 0.0),  # [] raises: runtime error
        (
            "class A:\n    def __eq__(self, o):\n        return True\ndef total(xs):\n    return A()",
            0.0,
        ),
    ],
)
def test_apps_function_calls(judge, program, score):
    outcome = judge(fenced(program), input_output=json.dumps(APPS))
    assert outcome.status == "ok" and outcome.score == pytest.approx(score), outcome.details


def test_apps_stdio_input_output(judge):
    io = {"inputs": ["1 2\n", ["3 4"]], "outputs": ["3\n", ["7"]]}
    right = judge(fenced("print(sum(map(int, input().split())))"), input_output=io)
    assert right.score == 1.0, right.details
    assert judge(fenced("print(3)"), input_output=io).score == 0.5


LCB_PUBLIC = [
    {"input": "[2,7,11,15]\n9", "output": "[0, 1]", "testtype": "functional"},
    {"input": "[3,2,4]\n6", "output": "[1, 2]", "testtype": "functional"},
]
LCB_PRIVATE = base64.b64encode(
    zlib.compress(
        pickle.dumps(
            json.dumps([{"input": "[3,3]\n6", "output": "[0, 1]", "testtype": "functional"}])
        )
    )
).decode()
TWO_SUM = (
    "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
    "        seen = {}\n        for i, x in enumerate(nums):\n"
    "            if target - x in seen:\n                return [seen[target - x], i]\n"
    "            seen[x] = i\n"
)


def test_livecodebench_functional_rows_post_unchanged(judge):
    spec = dict(
        public_test_cases=json.dumps(LCB_PUBLIC),
        private_test_cases=LCB_PRIVATE,
        metadata=json.dumps({"func_name": "twoSum"}),
    )
    outcome = judge(fenced(TWO_SUM), **spec)
    assert outcome.score == 1.0 and outcome.details["total"] == 3, outcome.details
    tuple_answer = TWO_SUM.replace("[seen[target - x], i]", "(seen[target - x], i)")
    assert judge(fenced(tuple_answer), **spec).score == 1.0  # a tuple is a list here
    swapped = TWO_SUM.replace("[seen[target - x], i]", "[i, seen[target - x]]")
    assert judge(fenced(swapped), **spec).score == 0.0


def test_livecodebench_stdin_rows(judge):
    cases = [{"input": "3\n", "output": "6\n", "testtype": "stdin"}]
    assert judge(fenced("print(int(input()) * 2)"), public_test_cases=cases).score == 1.0
    assert judge(fenced("print(int(input()) + 2)"), public_test_cases=cases).score == 0.0


def test_malicious_pickle_in_private_cases_is_refused(judge):
    class Boom:
        def __reduce__(self):
            return (print, ("pwned",))

    packed = base64.b64encode(zlib.compress(pickle.dumps(Boom()))).decode()
    outcome = judge(fenced(TWO_SUM), private_test_cases=packed, fn_name="twoSum")
    assert outcome.status == "invalid", outcome


# ---- special judges -------------------------------------------------------------------------
ANY_ORDER = (
    "import sys\nfrom pathlib import Path\n"
    "_, out_exp, out = (Path(p).read_text().split() for p in sys.argv[1:4])\n"
    "sys.exit(0 if sorted(out) == sorted(out_exp) else 1)\n"
)
ANY_ORDER_CPP = (
    "#include <fstream>\n#include <vector>\n#include <algorithm>\n#include <string>\n"
    "std::vector<std::string> words(const char* p){std::ifstream f(p);std::vector<std::string> w;"
    "std::string s;while(f>>s)w.push_back(s);std::sort(w.begin(),w.end());return w;}\n"
    "int main(int c,char**v){return words(v[2])==words(v[3])?0:1;}\n"
)


@pytest.mark.parametrize("language", ["python", "cpp"])
def test_checker_program(judge, language):
    checker = {"source": ANY_ORDER if language == "python" else ANY_ORDER_CPP, "language": language}
    tests = [{"input": "3", "output": "1 2 3"}, {"input": "2", "output": "1 2"}]
    right = judge(fenced("print(*range(int(input()), 0, -1))"), tests=tests, checker=checker)
    assert right.status == "ok" and right.score == 1.0, (right.message, right.details)
    wrong = judge(fenced("print(1, 1, 1)"), tests=tests, checker=checker)
    assert wrong.status == "ok" and wrong.score == 0.0
    crashed = judge(fenced("print(1/0)"), tests=tests, checker=checker)
    assert crashed.status == "ok" and verdicts(crashed) == ["runtime_error", "runtime_error"]


@pytest.mark.parametrize(
    "checker",
    [
        "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
        "while True:\n    pass",
        "def broken(:\n",
    ],
    ids=["signal", "timeout", "syntax"],
)
def test_checker_fault_is_an_error_never_a_wrong_answer(judge, checker):
    outcome = judge(
        fenced("print(1)"),
        tests=[{"input": "", "output": "1"}],
        checker={"source": checker, "language": "python", "time_limit_s": 1.0},
    )
    assert outcome.status == "error" and outcome.score is None, outcome
    assert outcome.error_type == "checker_error"


# ---- test files ----------------------------------------------------------------------------
PYTEST_FILE = """\
import pytest
from solution import add, Account

def test_add():
    assert add(1, 2) == 3

@pytest.mark.parametrize("a, b, c", [(1, 1, 2), (2, 3, 5)])
def test_add_many(a, b, c):
    assert add(a, b) == c

def test_approx():
    assert add(0.1, 0.2) == pytest.approx(0.3)

def test_raises():
    with pytest.raises(ValueError):
        Account(-1)
"""
UNITTEST_FILE = """\
import unittest
import solution

class TestAdd(unittest.TestCase):
    def test_small(self):
        self.assertEqual(solution.add(2, 2), 4)

    def test_negative(self):
        self.assertEqual(solution.add(-2, -3), -5)
"""
ACCOUNT = "class Account:\n    def __init__(self, n):\n        if n < 0:\n            raise ValueError(n)\n        self.n = n\n"


def test_pytest_file_each_test_is_one(judge):
    right = judge(fenced("def add(a, b):\n    return a + b\n" + ACCOUNT), test_file=PYTEST_FILE)
    assert right.score == 1.0 and right.details["total"] == 5, right.details
    names = [t["name"] for t in right.details["tests"]]
    assert "test_add_many[2-3-5]" in names
    wrong = judge(fenced("def add(a, b):\n    return a * b\n" + ACCOUNT), test_file=PYTEST_FILE)
    assert wrong.status == "ok" and 0 < wrong.score < 1, wrong.details


def test_unittest_file(judge):
    spec = dict(test_file=UNITTEST_FILE, framework="unittest")
    assert judge(fenced("def add(a, b):\n    return a + b"), **spec).score == 1.0
    assert judge(fenced("def add(a, b):\n    return abs(a + b)"), **spec).score == 0.5


def test_test_file_program_cannot_plant_a_conftest(judge):
    planter = (
        "import os\nopen('conftest.py', 'w').write('def pytest_runtest_call(item):\\n    pass\\n')\n"
        "open('/tmp/conftest.py', 'w').write('')\n"
        "def add(a, b):\n    return 0\n" + ACCOUNT
    )
    assert judge(fenced(planter), test_file=PYTEST_FILE).score < 0.5


# ---- extra files, JS and C++ assert harnesses -------------------------------------------------
def test_files_beside_the_program_read_only(judge):
    files = {"lib/helper.py": "def twice(x):\n    return 2 * x\n", "data.txt": "21"}
    program = "from lib.helper import twice\nprint(twice(int(open('data.txt').read())))"
    assert judge(fenced(program), tests=[{"input": "", "output": "42"}], files=files).score == 1.0
    writer = "open('data.txt', 'w').write('0')\nprint('written')"
    assert (
        judge(fenced(writer), tests=[{"input": "", "output": "written"}], files=files).score == 0.0
    )
    escape = judge(fenced("print(1)"), tests=[{"input": "", "output": "1"}], files={"../x": "1"})
    assert escape.status == "invalid"


def test_cpp_header_file(judge):
    files = {"sq.h": "inline int sq(int x) { return x * x; }\n"}
    program = '#include <cstdio>\n#include "sq.h"\nint main(){int x;scanf("%d",&x);printf("%d\\n",sq(x));}'
    outcome = judge(
        fenced(program, "cpp"), language="cpp", tests=[{"input": "7", "output": "49"}], files=files
    )
    assert outcome.score == 1.0, outcome.details


def test_cpp_assert_harness(judge):
    test_code = "#include <cassert>\nint main() {\n  assert(add(1, 2) == 3);\n  assert(add(-1, 1) == 0);\n}\n"
    ok = judge(
        fenced("int add(int a, int b) { return a + b; }", "cpp"),
        language="cpp",
        test_code=test_code,
    )
    assert ok.score == 1.0, ok.details
    for wrong in (
        "int add(int a, int b) { return a - b; }",
        "#include <cstdlib>\nint add(int a, int b) { exit(0); }",
        "#include <unistd.h>\nint add(int a, int b) { _exit(0); }",
        "#include <cstdlib>\nint add(int a, int b) { std::quick_exit(0); }",
    ):
        outcome = judge(fenced(wrong, "cpp"), language="cpp", test_code=test_code)
        assert outcome.status == "ok" and outcome.score == 0.0, (wrong, outcome.details)


# ---- bugs found with other projects' material --------------------------------------------------
def test_cpp_and_c_threads_start(judge):
    cpp = (
        "#include <thread>\n#include <vector>\n#include <cstdio>\n#include <atomic>\n"
        "int main(){std::atomic<int> s{0};std::vector<std::thread> t;"
        'for(int i=0;i<16;i++)t.emplace_back([&s,i]{s+=i;});for(auto&x:t)x.join();printf("%d\\n",s.load());}'
    )
    c = (
        "#include <pthread.h>\n#include <stdio.h>\nvoid* f(void* a){return a;}\n"
        "int main(){pthread_t t[8];for(int i=0;i<8;i++)if(pthread_create(&t[i],0,f,0))return 1;"
        'for(int i=0;i<8;i++)pthread_join(t[i],0);puts("ok");}'
    )
    for memory in (64, 256):
        assert judge(fenced(cpp, "cpp"), language="cpp", tests=[{"input": "", "output": "120"}],
                     memory_limit_mb=memory).score == 1.0  # fmt: skip
        assert judge(fenced(c, "c"), language="c", tests=[{"input": "", "output": "ok"}],
                     memory_limit_mb=memory).score == 1.0  # fmt: skip
    threads = "import threading\nr = []\nts = [threading.Thread(target=r.append, args=(i,)) for i in range(8)]\n[t.start() for t in ts]\n[t.join() for t in ts]\nprint(len(r))"
    assert judge(fenced(threads), tests=[{"input": "", "output": "8"}]).score == 1.0


def test_mbpp_builtin_named_function_dataclass_and_pickle(judge):
    assert (
        judge(fenced("def sum(a, b):\n    return a + b"), test_code="assert sum(2, 3) == 5\n").score
        == 1.0
    )
    dataclass_program = (
        "from __future__ import annotations\nfrom dataclasses import dataclass\n"
        "@dataclass\nclass Point:\n    x: int\n    y: int\n"
        "def mirror(p: Point) -> Point:\n    return Point(p.y, p.x)\n"
    )
    spec = {
        "test_code": "assert mirror(Point(1, 2)) == Point(2, 1)\nassert mirror(Point(3, 3)).x == 3\n"
    }
    assert judge(fenced(dataclass_program), **spec).score == 1.0
    pickler = (
        "import pickle\nclass Box:\n    def __init__(self, v):\n        self.v = v\n"
        "def roundtrip(v):\n    return pickle.loads(pickle.dumps(Box(v))).v\n"
    )
    assert judge(fenced(pickler), test_code="assert roundtrip([1, 2]) == [1, 2]\n").score == 1.0


def test_a_job_that_locks_tmp_does_not_break_the_next(loop, solo):
    locker = "import os, shutil\nfor n in os.listdir('/tmp'):\n    shutil.rmtree('/tmp/' + n, ignore_errors=True)\nos.chmod('/tmp', 0o500)\nprint('locked')"
    first = loop.run(solo.run(Job("python", locker, [TestCase("")])))
    assert first.error is None
    after = loop.run(
        solo.run(Job("python", "open('x', 'w').write('1')\nprint('fine')", [TestCase("")]))
    )
    assert after.error is None and after.runs[0].stdout == "fine\n", after


def test_float_checker_nan_and_inf(judge):
    tests = [{"input": "", "output": "nan inf -inf 0.5"}]
    ok = judge(fenced("print('NaN', 'Inf', '-infinity', 0.5000001)"), tests=tests, checker="float")
    assert ok.score == 1.0
    assert (
        judge(fenced("print('nan', '-inf', '-inf', 0.5)"), tests=tests, checker="float").score
        == 0.0
    )


@pytest.fixture(scope="module")
def java_judge(loop, test_owner, docker_client):
    from sandbox.docker import DockerSandbox
    from sandbox.images.build import ensure_image
    from tests.sandbox.conftest import pool_config

    ensure_image("reward-server-sandbox:all", client=docker_client,
                 languages=["python", "cpp", "c", "java", "javascript", "go"])  # fmt: skip
    backend = DockerSandbox(
        pool_config("reward-server-sandbox:all", f"{test_owner}-formats-all", pool_size=1),
        client=docker_client,
    )
    loop.run(backend.start())
    yield Judge(loop, backend)
    loop.run(backend.close())


@pytest.mark.slow
def test_java_main_class_not_public_and_asserts_enabled(java_judge):
    program = 'import java.util.*;\nclass Solution {\n  static class Node {}\n  public static void main(String[] a) {\n    assert a.length > 5 : "asserts are on";\n    System.out.println("ran");\n  }\n}\n'
    outcome = java_judge(fenced(program, "java"), language="java", time_limit_s=5.0,
                         tests=[{"input": "", "output": "ran"}])  # fmt: skip
    assert verdicts(outcome) == ["runtime_error"], outcome.details  # the assert fired
    assert "asserts are on" in outcome.details.get("stderr", "")
    fine = program.replace("a.length > 5", "a.length == 0")
    assert java_judge(fenced(fine, "java"), language="java", time_limit_s=5.0,
                      tests=[{"input": "", "output": "ran"}]).score == 1.0  # fmt: skip


@pytest.mark.slow
def test_javascript_assert_harness(java_judge):
    test_code = "const assert = require('node:assert');\nassert.deepEqual(pair(1), [1, 1]);\n"
    spec = dict(language="javascript", test_code=test_code, time_limit_s=5.0)
    assert (
        java_judge(fenced("function pair(x) { return [x, x]; }", "javascript"), **spec).score == 1.0
    )
    for wrong in ("function pair(x) { return [x]; }", "function pair(x) { process.exit(0); }"):
        outcome = java_judge(fenced(wrong, "javascript"), **spec)
        assert outcome.status == "ok" and outcome.score == 0.0, (wrong, outcome.details)
