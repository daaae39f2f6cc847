"""SandboxFusion's wire format, so its clients (the ``sandbox-fusion`` package, verl's
``sandbox_fusion`` reward and tools, ROLL, SkyRL) work with our URL unchanged.

Models follow SandboxFusion's request and response schemas (``/run_code``,
``/submit``); the conversions map our verdicts onto theirs (docs/sandbox.md has the
table).  Pydantic only: ``trainer_client`` may import this module.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: SandboxFusion language names we run, and ours.
LANGUAGES: dict[str, str] = {
    "python": "python",
    "cpp": "cpp",
    "nodejs": "javascript",
    "go": "go",
    "java": "java",
    "c": "c",
}
#: A memory limit of -1 (SandboxFusion's default: none) becomes this.
DEFAULT_MEMORY_MB = 1024

CommandStatus = Literal["Finished", "Error", "TimeLimitExceeded"]
RunStatus = Literal["Success", "Failed", "SandboxError"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RunCodeRequest(_Model):
    compile_timeout: float = Field(10, gt=0, allow_inf_nan=False)
    run_timeout: float = Field(10, gt=0, allow_inf_nan=False)
    memory_limit_MB: int = Field(-1, description="-1: the server's default")
    code: str
    stdin: str | None = None
    language: str
    files: dict[str, str | None] = Field(default_factory=dict, description="path -> base64")
    fetch_files: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)


class CommandRunResult(_Model):
    status: CommandStatus
    execution_time: float | None = None
    cpu_time: float | None = None
    return_code: int | None = None
    stdout: str | None = None
    stderr: str | None = None


class RunCodeResponse(_Model):
    status: RunStatus
    message: str = ""
    compile_result: CommandRunResult | None = None
    run_result: CommandRunResult | None = None
    executor_pod_name: str | None = None
    files: dict[str, str] = Field(default_factory=dict)


class TestConfig(_Model):
    __test__ = False
    dataset_type: str | None = None
    language: str | None = None
    locale: str | None = None
    is_fewshot: bool | None = None
    compile_timeout: float | None = None
    run_timeout: float | None = None
    custom_extract_logic: str | None = None
    provided_data: list[dict[str, Any]] | dict[str, Any] | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class SubmitRequest(_Model):
    dataset: str
    id: int | str
    completion: str
    config: TestConfig


class EvalTestCase(_Model):
    passed: bool
    exec_info: RunCodeResponse
    test_info: dict[str, Any] | None = None


class EvalResult(_Model):
    id: int | str
    accepted: bool
    extracted_code: str
    full_code: str | None = None
    test_code: str | None = None
    tests: list[EvalTestCase]
    extracted_type: Literal["fenced", "incomplete_fenced", "heuristic", "empty"] | None = None
    extra: dict[str, Any] | None = None


class Unsupported(ValueError):
    """A request we cannot run (a language we lack, a file path outside the work
    directory): answered as ``SandboxError`` with this message."""


def our_language(name: str) -> str:
    try:
        return LANGUAGES[name]
    except KeyError:
        raise Unsupported(
            f"language {name!r} is not supported by this sandbox; supported: "
            f"{', '.join(sorted(LANGUAGES))}"
        ) from None


def decode_files(files: dict[str, str | None]) -> dict[str, str]:
    """SandboxFusion's base64 files as our text files (bytes that are not UTF-8 kept as
    escapes, written back as the same bytes); a null value is skipped."""
    out: dict[str, str] = {}
    for path, content in files.items():
        if content is None:
            continue
        try:
            raw = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise Unsupported(f"file {path!r} is not base64") from None
        out[path.removeprefix("./")] = raw.decode("utf-8", "surrogateescape")
    return out


def fetch_paths(paths: list[str], max_files: int) -> tuple[str, ...]:
    """``fetch_files`` as paths in the work directory (``./a`` is ``a``); a path that is
    absolute or climbs out (``..``), or more than ``max_files`` of them, is refused."""
    if len(paths) > max_files:
        raise Unsupported(f"fetch_files names {len(paths)} files; at most {max_files}")
    out: list[str] = []
    for path in paths:
        rel = path.removeprefix("./")
        parts = rel.replace("\\", "/").split("/")
        if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise Unsupported(f"fetch_files path {path!r} is not inside the work directory")
        if rel not in out:
            out.append(rel)
    return tuple(out)


def asked_name(asked: list[str], path: str) -> str:
    """The name the caller used for ``path`` (``./out.txt`` comes back under that key)."""
    return next((a for a in asked if a.removeprefix("./") == path), path)


def error_response(message: str) -> RunCodeResponse:
    return RunCodeResponse(status="SandboxError", message=message)


_SIGNALS = {"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6,
            "SIGBUS": 7, "SIGFPE": 8, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11,
            "SIGUSR2": 12, "SIGPIPE": 13, "SIGALRM": 14, "SIGTERM": 15, "SIGXCPU": 24,
            "SIGXFSZ": 25, "SIGSYS": 31}  # fmt: skip


def return_code(exit_code: int | None, signal: str | None) -> int | None:
    """A process's return code as Python's subprocess reports it (-N for signal N)."""
    if signal is not None:
        return -_SIGNALS.get(signal, 9)
    return exit_code


def run_result(
    verdict: str,
    stdout: str,
    stderr: str,
    exit_code: int | None,
    signal: str | None,
    time_s: float | None,
    cpu_s: float | None,
) -> CommandRunResult:
    """One of our runs as SandboxFusion's: a time limit is ``TimeLimitExceeded``; any
    other end (a memory or output limit included, as a killed process) is ``Finished``
    with its return code."""
    if verdict == "time_limit":
        return CommandRunResult(
            status="TimeLimitExceeded",
            execution_time=time_s,
            cpu_time=cpu_s,
            stdout=stdout,
            stderr=stderr,
        )
    code = return_code(exit_code, signal)
    if verdict in ("memory_limit", "output_limit") and code in (None, 0):
        code = -9  # killed by the limit
    if verdict == "runtime_error" and code in (None, 0):
        code = 1
    return CommandRunResult(
        status="Finished",
        execution_time=time_s,
        cpu_time=cpu_s,
        return_code=code,
        stdout=stdout,
        stderr=stderr,
    )


def compile_result(ok: bool, output: str, time_s: float | None) -> CommandRunResult:
    timed_out = not ok and output.rstrip().endswith("compilation exceeded the time limit")
    return CommandRunResult(
        status="TimeLimitExceeded" if timed_out else "Finished",
        execution_time=time_s,
        return_code=None if timed_out else (0 if ok else 1),
        stdout="",
        stderr=output,
    )


def overall(compiled: CommandRunResult | None, run: CommandRunResult | None) -> RunStatus:
    """SandboxFusion's status: Success when every command finished with return code 0."""
    for result in (compiled, run):
        if result is None:
            continue
        if result.status != "Finished" or result.return_code != 0:
            return "Failed"
    return "Success"


def stdio_tests(provided: dict[str, Any]) -> list[tuple[str, str]]:
    """CommonOJDataset's tests: ``test`` as a list (or JSON text) of ``{"input":
    {"stdin": ...}, "output": {"stdout": ...}}``."""
    import json

    tests = provided.get("test")
    if isinstance(tests, str):
        tests = json.loads(tests)
    if not isinstance(tests, list) or not tests:
        raise Unsupported("provided_data.test must be a non-empty list of stdio tests")
    out = []
    for test in tests:
        try:
            out.append((str(test["input"]["stdin"]), str(test["output"]["stdout"])))
        except (KeyError, TypeError):
            raise Unsupported("a test needs input.stdin and output.stdout") from None
    return out
