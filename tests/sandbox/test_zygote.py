"""The runner's zygote, against the real engine: it forks assert-mode candidates, outlives
jobs, cannot be reached into by a program, and is replaced when a program stops or kills it.

The zygote is found from inside the container as the child of PID 1 whose command line
ends with its ``_serve()`` (what :data:`ZYGOTES` prints); stdio jobs look at it between
assert-mode jobs on a pool of one container.
"""

from __future__ import annotations

import pytest

from sandbox.docker import DockerSandbox
from sandbox.types import Job, TestCase
from tests.sandbox.conftest import Judge, fenced, pool_config
from tests.sandbox.exploit_support import OTHERS, code
from tests.sandbox.exploit_support import ZYGOTES as ZYGOTES_DEF

pytestmark = pytest.mark.docker

ZYGOTES = ZYGOTES_DEF + "\nprint(*(f'{pid}:{state}' for pid, state in zygotes()))\n"

SQUARE = fenced("def square(x):\n    return x * x\n")
CHECK_SQUARE = (
    "def check(candidate):\n    assert candidate(3) == 9\n    assert candidate(-4) == 16\n"
)


@pytest.fixture
def solo(loop, sandbox_image, test_owner, docker_client):
    """A pool of one container, so consecutive jobs share it (and its zygote)."""
    owner = f"{test_owner}-zygote"
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())
    yield backend
    loop.run(backend.close())


def checked(loop, solo) -> float:
    """Score of a correct HumanEval-style program in assert mode (a zygote's candidate)."""
    judge = Judge(loop, solo)
    outcome = judge(SQUARE, language="python", test_code=CHECK_SQUARE, entry_point="square")
    assert outcome.status == "ok", outcome.details
    return outcome.score


def stdio(loop, solo, source: str) -> str:
    result = loop.run(solo.run(Job("python", source, [TestCase("")])))
    assert result.error is None, result.error
    return result.runs[0].stdout.strip()


def zygotes(loop, solo) -> list[str]:
    return stdio(loop, solo, ZYGOTES).split()


def test_the_zygote_starts_with_the_first_assert_job_and_outlives_jobs(loop, solo):
    containers = solo.containers()
    assert zygotes(loop, solo) == []  # stdio jobs never start one
    assert checked(loop, solo) == 1.0
    first = zygotes(loop, solo)
    assert len(first) == 1 and first[0].endswith(":S"), first
    for _ in range(3):
        assert checked(loop, solo) == 1.0
    assert zygotes(loop, solo) == first  # the same process served every candidate
    assert solo.containers() == containers


def test_a_program_cannot_reach_into_the_zygote(loop, solo):
    assert checked(loop, solo) == 1.0
    probe = (
        ZYGOTES_DEF
        + "\n"
        + code("""
        import ctypes, os
        found = zygotes()
        escaped = []
        for pid, _state in found:
            for part, mode in (("mem", "r+b"), ("mem", "rb"), ("environ", "rb"), ("maps", "rb")):
                try:
                    with open(f"/proc/{pid}/{part}", mode) as f:
                        f.read(1)
                    escaped.append(part)
                except OSError:
                    pass
            try:
                os.listdir(f"/proc/{pid}/fd")
                escaped.append("fd")
            except OSError:
                pass
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
                escaped.append("ptrace")
        print("ESCAPED" if escaped else "contained", len(found), *escaped)
    """)
    )
    assert stdio(loop, solo, probe) == "contained 1"


@pytest.mark.parametrize("signal_name", ["SIGSTOP", "SIGKILL", "SIGTERM", "SIGINT"])
def test_a_signalled_zygote_is_continued_or_replaced(loop, solo, signal_name):
    assert checked(loop, solo) == 1.0
    [before] = zygotes(loop, solo)
    hit = (
        ZYGOTES_DEF
        + "\n"
        + code(f"""
        import os, signal, time
        for pid, _state in zygotes():
            os.kill(pid, signal.{signal_name})
            print("sent", pid)
        time.sleep(0.2)
    """)
    )
    assert stdio(loop, solo, hit) == f"sent {before.split(':')[0]}"
    assert checked(loop, solo) == 1.0  # assert mode works at once
    [after] = zygotes(loop, solo)
    assert after.endswith(":S"), after
    if signal_name != "SIGSTOP":  # a stopped zygote is continued by the clean-up
        assert after != before


def test_a_candidate_that_kills_everything_leaves_a_working_zygote(loop, solo):
    killer = fenced(
        code("""
        import os, signal
        def square(x):
            for sig in (signal.SIGSTOP, signal.SIGKILL):
                try:
                    os.kill(-1, sig)
                except OSError:
                    pass
            return x * x
    """)
    )
    judge = Judge(loop, solo)
    outcome = judge(killer, language="python", test_code=CHECK_SQUARE, entry_point="square")
    assert outcome.status == "ok", outcome.details
    assert outcome.score == 0.0  # it stopped, then killed, its own judge
    assert checked(loop, solo) == 1.0
    assert len(zygotes(loop, solo)) == 1


def test_a_fork_bomb_in_assert_mode_leaves_only_the_zygote(loop, solo):
    bomb = fenced(
        code("""
        import os
        def square(x):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
    """)
    )
    judge = Judge(loop, solo)
    outcome = judge(bomb, language="python", test_code=CHECK_SQUARE, entry_point="square")
    assert outcome.status == "ok", outcome.details
    assert outcome.score == 0.0
    leftovers = OTHERS + "\nprint(*others()) if others() else print('clean')\n"
    assert stdio(loop, solo, leftovers) == "clean"
    assert checked(loop, solo) == 1.0
