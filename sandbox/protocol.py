"""The host side of the runner's wire protocol.

Frames are a 4-byte big-endian length and a UTF-8 JSON body in both directions (see
``sandbox/runner/framing.py``).  The container's output arrives through Docker's attach stream,
which multiplexes stdout and stderr in 8-byte-header frames when there is no TTY;
:class:`AttachDecoder` undoes both layers.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from sandbox import inprocess
from sandbox.base import UnsupportedJob
from sandbox.languages import UnknownLanguage, resolve
from sandbox.types import (
    Job,
    Limits,
    Result,
    TestRun,
    Verdict,
    compile_from_wire,
    run_from_wire,
)

HEADER = struct.Struct(">I")
DOCKER_HEADER = struct.Struct(">BxxxI")
STDOUT, STDERR = 1, 2
MAX_FRAME = 1 << 30
RUNNER_STDERR_CAP = 64 * 1024


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )
    return HEADER.pack(len(body)) + body


class ProtocolError(Exception):
    pass


class AttachDecoder:
    """Feed raw attach-stream bytes; take complete runner messages out."""

    def __init__(self) -> None:
        self._raw = bytearray()
        self._stdout = bytearray()
        self.stderr = bytearray()

    def feed(self, data: bytes) -> None:
        self._raw += data
        while len(self._raw) >= DOCKER_HEADER.size:
            stream, size = DOCKER_HEADER.unpack_from(self._raw)
            if len(self._raw) < DOCKER_HEADER.size + size:
                break
            payload = self._raw[DOCKER_HEADER.size : DOCKER_HEADER.size + size]
            del self._raw[: DOCKER_HEADER.size + size]
            if stream == STDOUT:
                self._stdout += payload
            elif stream == STDERR:
                room = RUNNER_STDERR_CAP - len(self.stderr)
                if room > 0:
                    self.stderr += payload[:room]
            else:
                raise ProtocolError(f"unexpected attach stream {stream}")

    def message(self) -> dict[str, Any] | None:
        if len(self._stdout) < HEADER.size:
            return None
        (size,) = HEADER.unpack_from(self._stdout)
        if size > MAX_FRAME:
            raise ProtocolError(f"frame of {size} bytes")
        if len(self._stdout) < HEADER.size + size:
            return None
        body = bytes(self._stdout[HEADER.size : HEADER.size + size])
        del self._stdout[: HEADER.size + size]
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ProtocolError(f"bad frame: {exc}") from exc


def clamp(limits: Limits, max_time_s: float, max_memory_mb: int) -> Limits:
    """The job's limits, bounded by what the pool allows."""
    from dataclasses import replace

    return replace(
        limits,
        time_s=min(limits.time_s, max_time_s),
        wall_time_s=None
        if limits.wall_time_s is None
        else min(limits.wall_time_s, 2 * max_time_s + 1),
        memory_mb=min(limits.memory_mb, max_memory_mb),
    )


def job_message(
    job: Job, limits: Limits, python_mode: str, wall_stretch: float = 1.0
) -> dict[str, Any]:
    """The runner's view of ``job`` (raises :class:`UnsupportedJob`).  ``wall_stretch``:
    how far a test's wall deadline may stretch for the time it waits for a CPU."""
    try:
        job.validate()
        language = resolve(job.language)
    except UnknownLanguage as exc:
        raise UnsupportedJob(str(exc)) from None
    except ValueError as exc:
        raise UnsupportedJob(str(exc)) from None
    mode = job.mode
    if mode in ("call", "test_file") and not language.python:
        raise UnsupportedJob(f"{mode.replace('_', ' ')} tests need python, not {language.name}")
    if mode == "assert" and not (language.python or inprocess.supports(language)):
        raise UnsupportedJob(
            f"assert-style tests (test_code) need python, javascript or cpp, not {language.name}"
        )
    wire = language.to_wire(job.source)
    source = job.source
    files = dict(job.files or {})
    if mode == "assert" and not language.python:
        composed = inprocess.compose(language, job.source, job.test_code or "", wire)
        source = composed.source
        files.update(composed.files)
        wire["compile"] = composed.compile or wire["compile"]
        wire["run"] = composed.run or wire["run"]
    return {
        "op": "job",
        "language": wire,
        "source": source,
        "mode": mode,
        "tests": [
            {"stdin": t.stdin, "args": list(t.args), "files": t.files} for t in job.tests or []
        ],
        "calls": [{"function": c.function, "args": c.args} for c in job.calls or []],
        "test_code": job.test_code,
        "test_file": job.test_file,
        "framework": job.framework,
        "entry_point": job.entry_point,
        "marker": job.marker,
        "files": files,
        "prelude": job.prelude,
        "fetch_files": list(job.fetch_files),
        "fetch_max_bytes": job.fetch_max_bytes,
        "limits": {**limits.to_wire(), "wall_stretch": wall_stretch},
        "stop_on_failure": job.stop_on_failure,
        "python_mode": job.python_mode or python_mode,
    }


def job_deadline(job: Job, limits: Limits, slack_s: float, wall_stretch: float = 1.0) -> float:
    """How long the host waits for the runner before it kills the container: every wall
    deadline at its most stretched, set-up, drains and ``slack_s``."""
    runs = max(1, job.runs)
    stretch = max(1.0, wall_stretch)
    per_run = limits.wall_s * stretch + 0.5 + 2.0  # wall, set-up, and the drain after exit
    return runs * per_run + (2 * limits.compile_time_s + 1) * stretch + slack_s


def starved(result: Result) -> bool:
    """Whether the runner stopped a run (or the compiler) because the node's load kept it
    from a CPU: the job says nothing about the program and is to be run again."""
    if result.compile is not None and result.compile.verdict is Verdict.SANDBOX_ERROR:
        return True
    return any(run.verdict is Verdict.SANDBOX_ERROR for run in result.runs)


def result_from_reply(reply: dict[str, Any], duration_s: float) -> Result:
    if reply.get("op") == "error":
        return Result.failure(f"runner error: {reply.get('message', '')}", duration_s)
    if reply.get("op") != "result":
        return Result.failure(f"unexpected runner reply {reply.get('op')!r}", duration_s)
    runs: list[TestRun] = []
    for run in reply.get("runs", []):
        if run.get("verdict") == Verdict.SKIPPED.value:
            runs.append(TestRun(Verdict.SKIPPED))
        else:
            runs.append(run_from_wire(run))
    fetched = reply.get("files")
    missing = reply.get("files_missing")
    return Result(
        compile=compile_from_wire(reply.get("compile")),
        runs=runs,
        duration_s=duration_s,
        files=dict(fetched) if isinstance(fetched, dict) else {},
        files_missing=dict(missing) if isinstance(missing, dict) else {},
    )
