"""The Python harness as exec mode runs it (``python3 -I -c <harness source> <spec>``), on
the host with the same descriptors the runner gives it: no container needed.

The same module is what fork mode calls; the Docker tests cover both modes against abuse.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.runner import harness

MARKER = "f" * 32
#: Puts the pipes the test made on the harness's descriptor numbers, then execs the
#: harness as the runner does in exec mode.
WRAPPER = textwrap.dedent("""
    import os, sys
    marker_r, result_w, status_w = map(int, sys.argv[1:4])
    for source, target in ((marker_r, 3), (result_w, 4), (status_w, 5)):
        if source >= 0:
            os.dup2(source, target)
    os.execv(sys.executable, [sys.executable, "-I", "-c", *sys.argv[4:]])
""")


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    result: bytes  # what the harness wrote on RESULT_FD (assert mode: the marker)
    status: bytes  # what it wrote on STATUS_FD (a compile error: b"C" or b"T")


def run_harness(
    tmp_path: Path,
    program: str,
    stdin: str = "",
    test_code: str | None = None,
    entry: str = "",
    workdir: Path | None = None,
) -> Ran:
    """One test in a fresh work directory (a new job), or in ``workdir`` (the same job's
    next test: the harness runs the code the first test compiled and cached there)."""
    workdir = workdir or Path(tempfile.mkdtemp(dir=tmp_path))
    (workdir / "main.py").write_text(program)
    spec = {
        "workdir": str(workdir),
        "source_file": "main.py",
        "mode": "assert" if test_code is not None else "stdio",
        "entry_point": entry,
        "code_file": str(workdir / ".main.code"),
        "test_code_path": str(workdir / ".test_code.py"),
        "test_code_file": str(workdir / ".tests.code"),
    }
    if test_code is not None:
        Path(spec["test_code_path"]).write_text(test_code)
    marker_r, marker_w = os.pipe()
    os.write(marker_w, MARKER.encode())
    os.close(marker_w)
    result_r, result_w = os.pipe()
    status_r, status_w = os.pipe()
    source = Path(harness.__file__).read_text()
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", WRAPPER, str(marker_r), str(result_w), str(status_w)]
            + [source]
            + [spec[key] for key in harness.SPEC_KEYS],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=workdir,
            pass_fds=(marker_r, result_w, status_w),
            timeout=60,
        )
    finally:
        for fd in (marker_r, result_w, status_w):
            os.close(fd)
    with os.fdopen(result_r, "rb") as r, os.fdopen(status_r, "rb") as s:
        return Ran(done.returncode, done.stdout, done.stderr, r.read(), s.read())


def test_a_stdio_program_reads_its_input(tmp_path):
    ran = run_harness(tmp_path, "a, b = map(int, input().split())\nprint(a + b)", "2 3\n")
    assert (ran.code, ran.stdout, ran.result, ran.status) == (0, "5\n", b"", b"")


def test_later_tests_of_a_job_run_the_code_the_first_compiled(tmp_path):
    first = run_harness(tmp_path, "print('first')")
    (workdir,) = tmp_path.iterdir()
    again = run_harness(tmp_path, "print('changed')", workdir=workdir)
    assert (first.stdout, again.stdout) == ("first\n", "first\n")


def test_exit_codes_are_the_interpreters(tmp_path):
    assert run_harness(tmp_path, "raise SystemExit(3)").code == 3
    assert run_harness(tmp_path, "import sys\nsys.exit('bye')").code == 1
    ran = run_harness(tmp_path, "1 / 0")
    assert ran.code == 1 and ran.stderr.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "harness" not in ran.stderr  # the traceback starts at the program, not our frame


def test_a_program_that_does_not_compile_is_reported_as_such(tmp_path):
    ran = run_harness(tmp_path, "def f(:\n")
    assert (ran.code, ran.status) == (1, b"C")
    assert "SyntaxError" in ran.stderr


def test_assert_mode_writes_the_marker_only_after_the_checks_return(tmp_path):
    checks = "def check(candidate):\n    assert candidate(3) == 9\n"
    good = run_harness(
        tmp_path, "def square(x):\n    return x * x", test_code=checks, entry="square"
    )
    assert (good.code, good.result) == (0, MARKER.encode())
    (workdir,) = tmp_path.iterdir()
    assert sorted(p.name for p in workdir.iterdir()) == [".main.code", "main.py"]  # no asserts
    bad = run_harness(tmp_path, "def square(x):\n    return x", test_code=checks, entry="square")
    assert (bad.code, bad.result) == (1, b"")
    assert "AssertionError" in bad.stderr


def test_mbpp_style_bare_asserts_need_no_entry_point(tmp_path):
    ran = run_harness(
        tmp_path, "def add(a, b):\n    return a + b", test_code="assert add(1, 2) == 3\n"
    )
    assert ran.result == MARKER.encode()


def test_test_code_that_does_not_compile_is_the_references_fault(tmp_path):
    ran = run_harness(tmp_path, "def f(): pass", test_code="assert (\n", entry="f")
    assert (ran.status, ran.result) == (b"T", b"")


@pytest.mark.parametrize(
    "trick",
    [
        "import os\nos._exit(0)",
        "import sys\nsys.exit(0)",
        "import atexit, os\natexit.register(lambda: os._exit(0))",
    ],
)
def test_leaving_early_never_writes_the_marker(tmp_path, trick):
    checks = "def check(candidate):\n    assert candidate(3) == 9\n"
    ran = run_harness(
        tmp_path, trick + "\ndef square(x):\n    return 0", test_code=checks, entry="square"
    )
    assert ran.result == b""


def test_the_program_cannot_reach_the_marker_or_status_descriptors(tmp_path):
    probe = textwrap.dedent("""
        import os
        for fd in (3, 5):
            try:
                print(fd, os.read(fd, 64) if fd == 3 else os.write(fd, b"T"))
            except OSError as exc:
                print(fd, exc.errno)
        def f():
            return 1
    """)
    ran = run_harness(tmp_path, probe, test_code="assert f() == 1\n")
    assert ran.stdout.split() == ["3", "9", "5", "9"]  # EBADF: closed before the program ran
    assert (ran.status, ran.result) == (b"", MARKER.encode())


def test_patched_builtins_and_shadowing_globals_do_not_reach_the_checks(tmp_path):
    program = "import builtins\nbuiltins.abs = lambda x: 0\ndef all(x):\n    return True\ndef f():\n    return -5"
    checks = "assert abs(f()) == 5\nassert not all([False])\n"
    assert run_harness(tmp_path, program, test_code=checks).result == MARKER.encode()
    lying = program.replace("return -5", "return -4")
    assert run_harness(tmp_path, lying, test_code=checks).result == b""


def test_spec_keys_match_what_the_runner_passes():
    assert harness.SPEC_KEYS == (
        "workdir",
        "source_file",
        "mode",
        "entry_point",
        "code_file",
        "test_code_path",
        "test_code_file",
    )
    assert (harness.MARKER_FD, harness.RESULT_FD, harness.STATUS_FD) == (3, 4, 5)
