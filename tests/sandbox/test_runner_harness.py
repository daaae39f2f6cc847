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
from sandbox.runner.jobs import candidate_bundle

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
