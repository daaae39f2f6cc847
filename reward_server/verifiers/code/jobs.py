"""From an item's code spec to a sandbox job, and the checks that make a spec unusable."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace

from reward_server.schemas import CodeSpec
from sandbox.languages import LANGUAGES, UnknownLanguage, resolve
from sandbox.types import Job, Limits, TestCase

_DEFINES_CHECK = re.compile(r"^def\s+check\s*\(", re.MULTILINE)


def build_job(code: str, spec: CodeSpec, limits: Limits | None = None) -> Job:
    """The sandbox job for ``code`` under ``spec`` (a fresh marker for assert tests)."""
    base = limits or Limits()
    job_limits = replace(
        base, time_s=spec.time_limit_s, memory_mb=spec.memory_limit_mb, wall_time_s=None
    )
    if spec.test_code:
        return Job(
            language=spec.language,
            source=code,
            test_code=spec.test_code,
            entry_point=spec.entry_point,
            marker=secrets.token_hex(16),
            limits=job_limits,
        )
    return Job(
        language=spec.language,
        source=code,
        tests=[TestCase(t.input) for t in spec.tests],
        limits=job_limits,
        stop_on_failure=spec.all_or_nothing,
    )


def reference_problem(spec: CodeSpec) -> str | None:
    try:
        language = resolve(spec.language)
    except UnknownLanguage:
        return f"unsupported language {spec.language!r}; known: {sorted(LANGUAGES)}"
    if spec.test_code:
        if not language.python:
            return f"assert-style tests (test_code) need python, not {language.name}"
        if not spec.entry_point and _DEFINES_CHECK.search(spec.test_code):
            return "test_code defines check() but entry_point is missing, so it would never run"
    return None
