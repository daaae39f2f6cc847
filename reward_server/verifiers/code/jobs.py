"""From an item's code spec to a sandbox job, and the checks that make a spec unusable."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from typing import Any

from reward_server.schemas import CheckerProgram, CodeSpec
from sandbox.languages import LANGUAGES, UnknownLanguage, resolve
from sandbox.runner import values
from sandbox.types import Call, Job, Limits, TestCase, check_relative_path

from .formats import FormatError, Plan, StdioTest, plan

_DEFINES_CHECK = re.compile(r"^def\s+check\s*\(", re.MULTILINE)
#: The files a checker reads, in the order of its arguments.
CHECKER_FILES = ("input.txt", "expected.txt", "output.txt")


def _limits(base: Limits | None, time_s: float, memory_mb: int) -> Limits:
    return replace(base or Limits(), time_s=time_s, memory_mb=memory_mb, wall_time_s=None)


def build_job(
    code: str, spec: CodeSpec, limits: Limits | None = None, tests: Plan | None = None
) -> Job:
    """The sandbox job for ``code`` under ``spec`` (a fresh marker for judged tests).
    Expected outputs and results never enter it."""
    tests = tests or plan(spec)
    job_limits = _limits(limits, spec.time_limit_s, spec.memory_limit_mb)
    common: dict[str, Any] = {
        "language": spec.language,
        "source": code,
        "limits": job_limits,
        "files": spec.files,
    }
    if tests.kind == "test_file":
        return Job(
            **common,
            test_file=spec.test_file,
            framework=spec.framework,
            marker=secrets.token_hex(16),
        )
    if tests.kind == "assert":
        return Job(
            **common,
            test_code=spec.test_code,
            entry_point=spec.entry_point,
            marker=secrets.token_hex(16),
        )
    if tests.kind == "call":
        assert tests.function is not None
        return Job(
            **common,
            calls=[Call(tests.function, [values.encode(a) for a in t.args]) for t in tests.calls],
            prelude=tests.prelude,
            stop_on_failure=spec.all_or_nothing,
        )
    return Job(
        **common,
        tests=[TestCase(t.input) for t in tests.stdio],
        stop_on_failure=spec.all_or_nothing,
    )


def checker_job(
    checker: CheckerProgram, tests: list[StdioTest], outputs: list[str], limits: Limits | None
) -> Job:
    """The special judge's job: one run per accepted-so-far output, with the test's input,
    its expected output and the program's output as three files (in a job of its own:
    the expected outputs never share a container with the program)."""
    return Job(
        language=checker.language,
        source=checker.source,
        tests=[
            TestCase("", CHECKER_FILES, dict(zip(CHECKER_FILES, (t.input, t.output, out))))
            for t, out in zip(tests, outputs)
        ],
        limits=_limits(limits, checker.time_limit_s, checker.memory_limit_mb),
    )


def reference_problem(spec: CodeSpec) -> str | None:
    try:
        language = resolve(spec.language)
    except UnknownLanguage:
        return f"unsupported language {spec.language!r}; known: {sorted(LANGUAGES)}"
    for path in spec.files or {}:
        try:
            check_relative_path(path)
        except ValueError as exc:
            return str(exc)
    try:
        tests = plan(spec)
    except FormatError as exc:
        return str(exc)
    if tests.kind in ("call", "test_file") and not language.python:
        return f"{'function-call' if tests.kind == 'call' else 'test-file'} tests need python, not {language.name}"
    if tests.kind == "assert":
        if language.name not in ("python", "javascript", "cpp"):
            return f"assert-style tests (test_code) need python, javascript or cpp, not {language.name}"
        if language.python and not spec.entry_point and _DEFINES_CHECK.search(spec.test_code or ""):
            return "test_code defines check() but entry_point is missing, so it would never run"
    if isinstance(spec.checker, CheckerProgram):
        if tests.kind != "stdio":
            return "a checker program judges stdio tests only"
        try:
            resolve(spec.checker.language)
        except UnknownLanguage:
            return f"unsupported checker language {spec.checker.language!r}"
    return None
