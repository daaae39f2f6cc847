"""A sandbox backend without Docker, for tests: each job is answered by a handler.

As httpx's ``MockTransport`` answers requests with a function, :class:`FakeSandbox`
answers jobs with ``handler(job) -> Result`` (or an awaitable of one), so routes,
readiness and judging can be tested on machines with no engine.  It checks jobs as the
Docker backend does (unknown language, assert tests for a compiled language, a missing
marker raise :class:`~sandbox.base.UnsupportedJob`) and keeps every job it ran in
``jobs``.  The helpers below build the results a real sandbox gives::

    fake = FakeSandbox(stdio(lambda stdin: str(sum(map(int, stdin.split())))))
    fake = FakeSandbox(always(time_limit()))
    fake = FakeSandbox(lambda job: compile_error("main.cpp:1: error: expected ';'"))
    fake = FakeSandbox(checks_pass)  # assert mode: the harness wrote the job's marker

The fake executes nothing: a handler decides what the program "printed".
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace

from sandbox.base import SandboxBackend, SandboxError, UnsupportedJob
from sandbox.languages import resolve
from sandbox.protocol import job_message
from sandbox.types import CompileResult, Job, Result, TestRun, Verdict

Handler = Callable[[Job], Result | Awaitable[Result]]


class FakeSandbox(SandboxBackend):
    """A :class:`SandboxBackend` whose results come from ``handler``.

    ``languages``: what the "image" carries (None: every known language), as the Docker
    backend reads it from the image's label.  ``start_error``: raised by :meth:`start`,
    as an engine that is down.  Set ``readiness`` to report something else than ready
    once started (a pool that lost its containers).
    """

    def __init__(
        self,
        handler: Handler,
        *,
        languages: Iterable[str] | None = None,
        start_error: Exception | None = None,
    ) -> None:
        self.handler = handler
        self.languages: frozenset[str] | None = (
            None if languages is None else frozenset(resolve(name).name for name in languages)
        )
        self.start_error = start_error
        self.readiness: tuple[bool, str] | None = None
        self.jobs: list[Job] = []
        self.started = False
        self.closed = False

    async def start(self) -> None:
        if self.start_error is not None:
            raise self.start_error
        self.started = True
        self.closed = False

    async def close(self) -> None:
        self.started = False
        self.closed = True

    def ready(self) -> tuple[bool, str]:
        if not self.started:
            return False, "sandbox pool not started"
        return self.readiness or (True, "fake sandbox")

    async def run(self, job: Job) -> Result:
        if not self.started:
            return Result.failure("sandbox pool is not started")
        job_message(job, job.limits, job.python_mode or "fork")  # raises UnsupportedJob
        language = resolve(job.language)
        if self.languages is not None and language.name not in self.languages:
            raise UnsupportedJob(
                f"the sandbox has no {language.name}; it has {', '.join(sorted(self.languages))}"
            )
        self.jobs.append(job)
        began = time.monotonic()
        answer = self.handler(job)
        result = await answer if inspect.isawaitable(answer) else answer
        if not isinstance(result, Result):
            raise SandboxError(f"the fake sandbox's handler returned {result!r}, not a Result")
        if not result.duration_s:
            result = replace(result, duration_s=time.monotonic() - began)
        return result


# ---- runs ------------------------------------------------------------------------------------
def ok(stdout: str = "", *, harness: str | None = None, time_s: float = 0.01) -> TestRun:
    """A run that ended normally, having printed ``stdout``."""
    return TestRun(
        Verdict.OK, stdout=stdout, exit_code=0, time_s=time_s, cpu_s=time_s, harness=harness
    )


def time_limit(reason: str = "cpu", time_limit_s: float = 1.0) -> TestRun:
    """A run stopped by its CPU limit (``reason="cpu"``) or its wall deadline (``"wall"``)."""
    cpu = reason == "cpu"
    return TestRun(
        Verdict.TIME_LIMIT,
        signal="SIGXCPU" if cpu else "SIGKILL",
        time_s=time_limit_s if cpu else 2 * time_limit_s + 1,
        cpu_s=time_limit_s if cpu else 0.0,
        reason=reason,
    )


def memory_limit(memory_mb: float = 256.0) -> TestRun:
    """A run whose allocation failed under its memory limit."""
    return TestRun(
        Verdict.MEMORY_LIMIT,
        stderr="MemoryError\n",
        exit_code=1,
        memory_mb=memory_mb,
        reason="rlimit",
    )


def runtime_error(
    stderr: str = "Traceback (most recent call last):\nZeroDivisionError: division by zero\n",
    exit_code: int | None = 1,
    signal: str | None = None,
) -> TestRun:
    """A run that failed: a non-zero exit, or a signal (then ``exit_code`` is None)."""
    return TestRun(
        Verdict.RUNTIME_ERROR,
        stderr=stderr,
        exit_code=None if signal else exit_code,
        signal=signal,
    )


def output_limit() -> TestRun:
    return TestRun(Verdict.OUTPUT_LIMIT, signal="SIGKILL", reason="output", truncated=True)


# ---- results -----------------------------------------------------------------------------------
def each_test(job: Job, run: TestRun | Callable[[str], TestRun]) -> Result:
    """One run per test of ``job`` (assert mode: one run): ``run`` itself, or
    ``run(stdin)`` for each test's input.  After a run that is not ok, a job that asked to
    stop on failure gets ``skipped`` runs, as from the real runner."""
    if job.mode == "stdio":
        inputs = [t.stdin for t in job.tests or []]
    elif job.mode == "call":
        inputs = [json.dumps(c.args) for c in job.calls or []]  # the arguments, as text
    else:
        inputs = [""]
    runs: list[TestRun] = []
    for stdin in inputs:
        if job.stop_on_failure and runs and runs[-1].verdict is not Verdict.OK:
            runs.append(TestRun(Verdict.SKIPPED))
        else:
            runs.append(run(stdin) if callable(run) else run)
    compiled = CompileResult(Verdict.OK) if resolve(job.language).compile else None
    return Result(compile=compiled, runs=runs)


def compile_error(
    output: str = "main.cpp:1:1: error: expected unqualified-id", stage: str = "program"
) -> Result:
    """The program (or, ``stage="test_code"``, the reference's test code) did not compile."""
    return Result(
        compile=CompileResult(Verdict.COMPILE_ERROR, output=output, exit_code=1, stage=stage)
    )


def sandbox_error(message: str = "sandbox did not answer; container killed") -> Result:
    """The sandbox itself failed: the verifier must answer with a retryable error."""
    return Result.failure(message)


def checks_pass(job: Job) -> Result:
    """Assert mode: the program ran and the checks returned, so the judge process
    reported them passed with the job's marker."""
    report = {"marker": job.marker, "tests": [["check", True, ""]]}
    return each_test(job, ok(harness=json.dumps(report)))


def returns(function: Callable[..., object]) -> Handler:
    """Function-call mode: each call "returns" ``function(*args)`` as plain data."""
    from sandbox.runner import values

    def run(arguments: str) -> TestRun:
        args = [values.decode(a) for a in json.loads(arguments)]
        try:
            answer = {"value": values.encode(function(*args))}
        except values.NotPlain as exc:
            answer = {"not_plain": str(exc)}
        except Exception as exc:  # noqa: BLE001 - the fake function's failure, reported as such
            return runtime_error(f"{type(exc).__name__}: {exc}\n")
        return ok(harness=json.dumps(answer))

    return lambda job: each_test(job, run)


def checks_fail(job: Job) -> Result:
    """Assert mode: an assertion failed (no marker)."""
    return each_test(job, runtime_error("Traceback (most recent call last):\nAssertionError\n"))


# ---- handlers ------------------------------------------------------------------------------------
def always(answer: TestRun | Result) -> Handler:
    """A handler giving every test the run ``answer`` (or every job the result ``answer``)."""
    if isinstance(answer, Result):
        return lambda job: answer
    return lambda job: each_test(job, answer)


def stdio(program: Callable[[str], str]) -> Handler:
    """A handler that "runs" ``program`` on each test's input: an ok run printing
    ``program(stdin)``; an exception it raises becomes a runtime error."""

    def run(stdin: str) -> TestRun:
        try:
            return ok(program(stdin))
        except Exception as exc:  # noqa: BLE001 - the fake program's failure, reported as such
            return runtime_error(f"{type(exc).__name__}: {exc}\n")

    return lambda job: each_test(job, run)
