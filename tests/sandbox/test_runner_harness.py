"""The candidate's harness and the judge's process on the host, with the descriptors the
runner gives them: the harness runs as exec mode runs it (``python3 -I -c <candidate
bundle> <spec>``), the examiner in this process.  No container needed; the Docker tests
cover the same against abuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from sandbox.runner import examiner, harness, remote
from sandbox.runner.programs import candidate_bundle

#: Puts the test's pipes on the harness's descriptor numbers, then execs the harness.
WRAPPER = textwrap.dedent("""
    import os, sys
    call_r, result_w, status_w = map(int, sys.argv[1:4])
    for source, target in ((call_r, 3), (result_w, 4), (status_w, 5)):
        os.dup2(source, target)
    os.execv(sys.executable, [sys.executable, "-I", "-c", *sys.argv[4:]])
""")


def start(workdir: Path, program: str, mode: str, prelude: bool = False, stdin: str = ""):
    (workdir / "main.py").write_text(program)
    spec = {
        "workdir": str(workdir),
        "source_file": "main.py",
        "mode": mode,
        "code_file": str(workdir / ".main.code"),
        "prelude": "1" if prelude else "",
        "args": "",
    }
    call_r, call_w = os.pipe()
    result_r, result_w = os.pipe()
    status_r, status_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", WRAPPER, str(call_r), str(result_w), str(status_w),
         candidate_bundle()] + [spec[k] for k in harness.SPEC_KEYS],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        pass_fds=(call_r, result_w, status_w), cwd=workdir, text=True,
    )  # fmt: skip
    for fd in (call_r, result_w, status_w):
        os.close(fd)
    return proc, call_w, result_r, status_r


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def call(tmp_path: Path, program: str, function: str, args: list, prelude: bool = False):
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))
    proc, call_w, result_r, status_r = start(workdir, program, "call", prelude)
    os.write(call_w, json.dumps({"function": function, "args": args}).encode())
    os.close(call_w)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, read_all(result_r), read_all(status_r), err


def test_a_call_returns_plain_data(tmp_path):
    code, result, status, _ = call(
        tmp_path, "def f(a, b):\n    return (a + b, {1: [a]})", "f", [1, 2]
    )
    assert code == 0 and status == b""
    assert json.loads(result) == {"value": {"$": "tuple", "v": [3, {"$": "dict", "v": [[1, [1]]]}]}}


def test_a_leetcode_method_with_the_prelude(tmp_path):
    program = (
        "class Solution:\n    def f(self, xs: List[int]) -> int:\n        return len(Counter(xs))"
    )
    code, result, _, err = call(tmp_path, program, "f", [[1, 1, 2]], prelude=True)
    assert code == 0 and json.loads(result) == {"value": 2}, err


def test_a_result_that_is_not_plain_data_is_reported(tmp_path):
    program = "class A:\n    def __eq__(self, o):\n        return True\ndef f():\n    return A()"
    code, result, _, _ = call(tmp_path, program, "f", [])
    assert code == 0 and "not_plain" in json.loads(result)


def test_a_compile_error_is_reported_on_the_status_descriptor(tmp_path):
    code, result, status, err = call(tmp_path, "def f(:\n", "f", [])
    assert code == 1 and status == b"C" and result == b"" and "SyntaxError" in err


@pytest.mark.parametrize(
    ("program", "code"), [("import sys\nsys.exit(3)", 3), ("raise ValueError", 1)]
)
def test_exit_codes_are_the_interpreters(tmp_path, program, code):
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))
    proc, call_w, result_r, status_r = start(workdir, program, "stdio")
    os.close(call_w)
    proc.communicate(timeout=60)
    assert proc.returncode == code


def examine(tmp_path: Path, program: str, job: dict) -> dict:
    """The examiner's checks in this process against the harness serving ``program``."""
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))
    proc, to_candidate, from_candidate, status_r = start(workdir, program, "serve")
    peer = remote.Peer(
        remote.Channel(from_candidate, to_candidate), frozenset({"call"}), share=False
    )
    saved = sys.modules.get("solution")
    try:
        report = examiner.examine(job, peer)
    except remote.ChannelClosed:
        report = {"candidate_gone": True}
    finally:
        if saved is None:
            sys.modules.pop("solution", None)
        os.close(to_candidate)
        proc.communicate(timeout=60)
    return report


HUMANEVAL = {
    "test_code": "def check(candidate):\n    assert candidate(2) == 4\n",
    "entry_point": "square",
}


@pytest.mark.parametrize(
    ("program", "passed"),
    [
        ("def square(x):\n    return x * x", True),
        ("def square(x):\n    return x + 1", False),
        (
            "class A:\n    def __eq__(self, o):\n        return True\n    __hash__ = None\ndef square(x):\n    return A()",
            False,
        ),
        ("def abs(x):\n    return 0\ndef square(x):\n    return -1", False),
    ],
)
def test_assert_checks_in_their_own_process(tmp_path, program, passed):
    job = dict(HUMANEVAL)
    if "abs" in program:
        job["test_code"] = "def check(candidate):\n    assert abs(candidate(2) - 4) < 1e-9\n"
    report = examine(tmp_path, program, job)
    assert report["tests"][0][1] is passed, report


def test_leaving_early_is_a_candidate_gone(tmp_path):
    report = examine(tmp_path, "import os\ndef square(x):\n    os._exit(0)", HUMANEVAL)
    assert report == {"candidate_gone": True}


def test_mbpp_names_win_and_exceptions_travel(tmp_path):
    program = "def sum(a, b):\n    return a + b\nclass Bad(ValueError):\n    pass\ndef boom():\n    raise Bad('no')"
    test_code = "assert sum(1, 2) == 3\ntry:\n    boom()\n    raise AssertionError\nexcept ValueError:\n    pass\n"
    assert examine(tmp_path, program, {"test_code": test_code})["tests"][0][1] is True


def test_test_code_that_does_not_compile_is_the_references_fault(tmp_path):
    report = examine(tmp_path, "def f():\n    pass", {"test_code": "assert (", "entry_point": None})
    assert "test_error" in report


def test_changes_to_arguments_reach_the_test_code(tmp_path):
    program = (
        "def fill(xs, d, s, b):\n    xs[1].append(9)\n    xs.append(0)\n    d['k'] = [1]\n"
        "    s.discard(1)\n    b[0] = 65\n    return None\n"
        "def rebind(xs):\n    xs = [0]\n    return xs"
    )
    test_code = (
        "inner = [3]\nxs = [[5], inner]\nd = {'old': 1}\ns = {1, 2}\nb = bytearray(b'z')\n"
        "assert fill(xs, d, s, b) is None\n"
        "assert xs == [[5], [3, 9], 0] and xs[1] is inner and inner == [3, 9], xs\n"
        "assert d == {'old': 1, 'k': [1]} and s == {2} and b == bytearray(b'A'), (d, s, b)\n"
        "ys = [7]\nassert rebind(ys) == [0] and ys == [7]\n"
    )
    report = examine(tmp_path, program, {"test_code": test_code})
    assert report["tests"][0][1] is True, report


def test_a_name_the_program_lacks_fails_the_file_not_the_judge(tmp_path):
    unit = "import unittest\nfrom solution import Missing\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass\n"
    report = examine(tmp_path, "x = 1", {"test_file": unit, "framework": "unittest"})
    assert report["tests"] == [["<module>", False, report["tests"][0][2]]], report
    assert "Missing" in report["tests"][0][2]
    pytest_file = "from solution import Missing\ndef test_a():\n    assert Missing\n"
    report = examine(tmp_path, "x = 1", {"test_file": pytest_file, "framework": "pytest"})
    assert [t[:2] for t in report["tests"]] == [["<collection>", False]], report


def test_the_programs_subclasses_of_plain_types_keep_their_methods(tmp_path):
    program = (
        "from collections import namedtuple\nPoint = namedtuple('Point', 'x y')\n"
        "class Stack(list):\n    def push(self, v):\n        self.append(v)\n"
        "    def pop(self):\n        return list.pop(self, 0)\n"
        "class Liar(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
        "def origin():\n    return Point(0, 0)\ndef lie():\n    return Liar('no')"
    )
    test_code = (
        "s = Stack()\ns.push(1)\ns.push(2)\nassert len(s) == 2 and s == [1, 2] and [1, 2] == s\n"
        "assert s.pop() == 1 and s != [1, 2]\n"
        "p = origin()\nassert p == (0, 0) and p.x == 0 and p._replace(x=3) == (3, 0)\n"
        "assert lie() != 'yes' and not (lie() == 'yes') and lie() == 'no'\n"
        "assert isinstance(s, list) and isinstance(s, Stack) and not isinstance(p, Stack)\n"
        "assert hash(p) == hash((0, 0)) and {p: 1}[p] == 1 and issubclass(Stack, Stack)\n"
    )
    report = examine(tmp_path, program, {"test_code": test_code})
    assert report["tests"][0][1] is True, report
