"""The sandbox's vocabulary: what a job asks for and what a run reports.

The sandbox executes; it never judges.  A :class:`Result` says how each run ended (its
:class:`Verdict`) and what it printed; whether that output is right is the code
verifier's business, on the server side.  Expected outputs are therefore absent from
:class:`Job` by construction: nothing here can carry them into a container.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any, Literal

PythonMode = Literal["fork", "exec"]


class Verdict(str, Enum):
    """How one compilation or one run ended."""

    OK = "ok"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    RUNTIME_ERROR = "runtime_error"
    COMPILE_ERROR = "compile_error"
    OUTPUT_LIMIT = "output_limit"
    SANDBOX_ERROR = "sandbox_error"
    SKIPPED = "skipped"  # not run: an earlier test failed and the job asked to stop


@dataclass(frozen=True)
class Limits:
    """Per-test limits (and the compile step's), all enforced inside the container.

    ``time_s`` is CPU time; the wall deadline defaults to ``2 * time_s + 1`` so a program
    that sleeps or blocks is stopped too.  ``output_bytes`` caps stdout and stderr
    together: past it the program is killed and the run is ``output_limit``.
    """

    time_s: float = 2.0
    wall_time_s: float | None = None
    memory_mb: int = 256
    output_bytes: int = 8 * 2**20
    stderr_bytes: int = 64 * 2**10
    processes: int = 64
    file_size_mb: int = 64
    open_files: int = 256
    compile_time_s: float = 30.0
    compile_memory_mb: int = 1024

    @property
    def wall_s(self) -> float:
        return self.wall_time_s if self.wall_time_s is not None else 2 * self.time_s + 1.0

    def to_wire(self) -> dict[str, Any]:
        wire = asdict(self)
        wire["wall_time_s"] = self.wall_s
        return wire


@dataclass(frozen=True)
class TestCase:
    """One stdio test as the container sees it: its input only (never the expected
    output).  ``args`` are appended to the run command and ``files`` ({relative path:
    text}) are written beside the program before this test runs (a checker's three
    files)."""

    __test__ = False  # not a pytest class

    stdin: str = ""
    args: tuple[str, ...] = ()
    files: dict[str, str] | None = None


@dataclass(frozen=True)
class Call:
    """One function-call test: the function's name and its arguments as plain values
    (``sandbox.runner.values`` forms).  The expected result stays with the caller."""

    function: str
    args: list[Any] = field(default_factory=list)


Mode = Literal["stdio", "assert", "call", "test_file"]


@dataclass(frozen=True)
class Job:
    """A program and what to run it on.

    - stdio: ``tests`` lists the inputs, one fresh process each;
    - call: ``calls`` lists function calls, one fresh process each; a run's ``harness``
      is the JSON ``{"value": <plain value form>}`` (or ``{"not_plain": why}``); with
      ``prelude`` the program first gets the imports APPS and LiveCodeBench give it;
    - assert (HumanEval/MBPP): ``test_code`` runs once against the program, then
      ``check(<entry_point>)`` when ``entry_point`` is set; Python runs the test code in
      a process of its own (see ``sandbox.runner.examiner``), JavaScript and C++ in the
      program's (an in-process harness);
    - test_file: ``test_file`` (pytest or unittest, ``framework``) imports the program
      as ``solution``; each test in it is one result in the report.

    ``marker`` is the job's secret: the judge's report carries it.  ``files`` are put
    beside the program, read-only, and restored before each test.  ``fetch_files`` are
    read back after the last run (paths in the work directory, at most
    ``fetch_max_bytes`` together) into :attr:`Result.files`.
    """

    language: str
    source: str
    tests: list[TestCase] | None = None
    test_code: str | None = None
    entry_point: str | None = None
    marker: str | None = None
    limits: Limits = field(default_factory=Limits)
    stop_on_failure: bool = False
    python_mode: PythonMode | None = None  # None: the pool's default
    calls: list[Call] | None = None
    test_file: str | None = None
    framework: Literal["pytest", "unittest"] = "pytest"
    files: dict[str, str] | None = None
    prelude: bool = False
    fetch_files: tuple[str, ...] = ()
    fetch_max_bytes: int = 0

    @property
    def mode(self) -> Mode:
        if self.test_file is not None:
            return "test_file"
        if self.test_code is not None:
            return "assert"
        if self.calls is not None:
            return "call"
        return "stdio"

    @property
    def runs(self) -> int:
        """How many runs the runner reports (one per test, call, or judged run)."""
        if self.mode == "call":
            return len(self.calls or [])
        if self.mode == "stdio":
            return len(self.tests or [])
        return 1

    def validate(self) -> None:
        """Raise ``ValueError`` for a job no backend can run."""
        if self.mode in ("assert", "test_file"):
            if not self.marker or len(self.marker) < 16:
                raise ValueError(
                    f"{self.mode} mode needs a secret marker of at least 16 characters"
                )
        elif self.mode == "call":
            if not self.calls:
                raise ValueError("a function-call job needs at least one call")
        elif not self.tests:
            raise ValueError("a stdio job needs at least one test")
        for path in self.files or {}:
            check_relative_path(path)
        for path in self.fetch_files:
            check_relative_path(path)


def check_relative_path(path: str) -> None:
    """Refuse a file path that is absolute or leaves the work directory."""
    parts = path.replace("\\", "/").split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"file path {path!r} must be relative, without '.' or '..' parts")


@dataclass(frozen=True)
class CompileResult:
    verdict: Verdict
    output: str = ""
    exit_code: int | None = None
    time_s: float = 0.0
    stage: str = "program"  # or "test_code": the reference's test code does not compile

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


@dataclass(frozen=True)
class TestRun:
    """How one run ended. ``signal`` is a name such as ``"SIGSEGV"``; ``reason`` says which
    limit fired (``"wall"``, ``"cpu"``, ``"oom"``, ``"rlimit"``, ``"output"``)."""

    __test__ = False  # not a pytest class

    verdict: Verdict
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    signal: str | None = None
    time_s: float = 0.0
    cpu_s: float = 0.0
    memory_mb: float = 0.0
    reason: str | None = None
    harness: str | None = None  # assert mode: what the harness wrote on its descriptor
    truncated: bool = False


@dataclass(frozen=True)
class Result:
    """Everything a backend reports for a job. ``error`` set means *we* failed: the runs
    say nothing about the program and the verifier must answer with a retryable error."""

    compile: CompileResult | None = None
    runs: list[TestRun] = field(default_factory=list)
    error: str | None = None
    duration_s: float = 0.0
    #: ``Job.fetch_files`` found after the last run: path -> base64 of the bytes.
    files: dict[str, str] = field(default_factory=dict)
    #: Why an asked-for file is not in ``files`` (missing, not a regular file, too big).
    files_missing: dict[str, str] = field(default_factory=dict)

    @classmethod
    def failure(cls, message: str, duration_s: float = 0.0) -> Result:
        return cls(error=message, duration_s=duration_s)


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if "verdict" in values:
        values["verdict"] = Verdict(values["verdict"])
    return cls(**values)


def compile_from_wire(data: dict[str, Any] | None) -> CompileResult | None:
    return None if data is None else _from_dict(CompileResult, data)


def run_from_wire(data: dict[str, Any]) -> TestRun:
    return _from_dict(TestRun, data)


def __getattr__(name: str) -> Any:
    # PoolConfig moved to sandbox.config (a pydantic model, the source of the settings);
    # ``from sandbox.types import PoolConfig`` keeps working.
    if name == "PoolConfig":
        from sandbox.config import PoolConfig

        return PoolConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
