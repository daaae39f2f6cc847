"""The Python test harness: what a Python test process runs before, around and after the
submitted program.

In ``fork`` mode the runner calls :func:`main` in the forked child; in ``exec`` mode a
fresh ``python3 -I -c <this module's source>`` runs it with the spec in ``sys.argv``.
Both modes run this same text, so it imports nothing but the standard library and none of
the runner's other modules, and it stays cheap to start (no ``typing``).

Assert mode (HumanEval/MBPP): the harness reads the job's secret marker from
``MARKER_FD`` and closes it before the program runs, and writes it to ``RESULT_FD`` only
after the test code (and ``check(entry_point)``) returned.  A compile error of the program
(``b"C"``) or of the test code (``b"T"``) is reported on ``STATUS_FD``, which is closed
before any submitted code runs.
"""

from __future__ import annotations

import marshal as _marshal
import os as _os
import sys as _sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a test process never imports typing
    from types import CodeType

MARKER_FD = 3  # assert mode: the harness reads the marker here, before the program runs
RESULT_FD = 4  # ... and writes it here once the checks returned
STATUS_FD = 5  # a compile error: b"C" (the program) or b"T" (the test code)
#: The spec's fields, in the order exec mode passes them in ``sys.argv[1:]``.
SPEC_KEYS = (
    "workdir",
    "source_file",
    "mode",
    "entry_point",
    "code_file",
    "test_code_path",
    "test_code_file",
)

# What the harness calls after the program ran, bound before it runs: a program that
# replaces builtins.exec or builtins.dict must not change how the checks run.
_exec, _type, _str, _BaseException, _SystemExit = exec, type, str, BaseException, SystemExit


def exit_code(exc: SystemExit) -> int:
    """The process exit status ``sys.exit(arg)`` stands for, as the interpreter maps it."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        _sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1


def finish(code: int) -> int:
    """What the interpreter does at exit (threads joined, atexit hooks, streams flushed),
    done by hand because the harness leaves with ``os._exit``."""
    try:
        if "threading" in _sys.modules:
            _sys.modules["threading"]._shutdown()
    except BaseException:
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    return code


def load(path: str, code_file: str, name: str, status: bytes) -> CodeType:
    """The code object of ``path``: the first test compiles and caches it in
    ``code_file``, later tests load the cache.  A compile error is printed as the
    interpreter would, reported on ``STATUS_FD`` and ends the process."""
    try:
        with open(code_file, "rb") as f:
            cached: CodeType = _marshal.loads(f.read())
            return cached
    except OSError:
        pass
    try:
        with open(path, "rb") as f:
            code = compile(f.read(), name, "exec", dont_inherit=True)
    except BaseException as exc:
        import traceback as _tb

        _sys.stderr.write("".join(_tb.format_exception_only(type(exc), exc)))
        _sys.stderr.flush()
        _os.write(STATUS_FD, status)
        _os._exit(1)
    try:
        with open(code_file, "wb") as f:
            f.write(_marshal.dumps(code))
    except OSError:
        pass
    return code


def _standard_streams() -> None:
    """Fresh stdin/stdout/stderr on descriptors 0-2 (fork mode inherits the runner's)."""
    import io

    stdin = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)),
        encoding="utf-8",
        errors="surrogateescape",
    )
    stdout = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)),
        encoding="utf-8",
        errors="surrogateescape",
    )
    stderr = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    # typeshed calls the __std*__ names Final; the harness replaces them on purpose.
    _sys.stdin = _sys.__stdin__ = stdin  # type: ignore[misc]
    _sys.stdout = _sys.__stdout__ = stdout  # type: ignore[misc]
    _sys.stderr = _sys.__stderr__ = stderr  # type: ignore[misc]


def main(spec: dict[str, str | None], forked: bool = True) -> None:
    """Run the program of ``spec`` (and in assert mode its checks); never returns."""
    import builtins

    if forked:  # a fresh interpreter (exec mode) starts with these already
        import signal

        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _standard_streams()
    try:
        import atexit

        atexit._clear()
    except Exception:
        pass
    workdir = str(spec["workdir"])
    source_file = str(spec["source_file"])
    _sys.argv = [source_file]
    _sys.path[:] = [workdir] + [p for p in _sys.path[1:] if p and not p.startswith(workdir)]
    assert_mode = spec["mode"] == "assert"
    entry_point = spec.get("entry_point")
    module = type(_sys)("__main__" if not assert_mode else "__solution__")
    module.__file__ = _os.path.join(workdir, source_file)
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    _sys.modules["__main__"] = module
    program = load(module.__file__, str(spec["code_file"]), source_file, b"C")
    if assert_mode:
        tests = load(str(spec["test_code_path"]), str(spec["test_code_file"]), "test_code.py", b"T")
        # The asserts hold the expected values: gone from the disk before the program runs.
        for path in (spec["test_code_path"], spec["test_code_file"]):
            try:
                _os.unlink(str(path))
            except OSError:
                pass
    # Compiling is over: close the status descriptor, so the program cannot report a
    # compile error (of its own, or of the reference's test code) it never had.
    _os.close(STATUS_FD)
    if assert_mode:
        # Take the marker out of its descriptor before any submitted code runs, so the
        # descriptor is closed by then; it is written only after the checks return.
        marker = _os.read(MARKER_FD, 256)
        _os.close(MARKER_FD)
    del spec  # nothing of it for the program to find in this frame
    code = 0
    # The test code gets its own copy of the builtins, taken before the program runs, so a
    # program that patches builtins (abs, isinstance, ...) does not change the checks.
    pristine = dict(builtins.__dict__) if assert_mode else {}
    try:
        _exec(program, module.__dict__)
        if assert_mode:
            # The test code may call the program's helpers, but a global of the program
            # that shadows a builtin (a def abs(x): return 0) must not reach the checks.
            checks = {
                k: v
                for k, v in module.__dict__.items()
                if _type(k) is _str and (k.startswith("__") or k not in pristine)
            }
            checks["__builtins__"] = pristine
            _exec(tests, checks)
            if entry_point:  # HumanEval: check(candidate); MBPP: the asserts alone
                checks["check"](module.__dict__[entry_point])
            _os.write(RESULT_FD, marker)
    except _SystemExit as exc:
        code = exit_code(exc)
    except _BaseException as exc:
        try:  # as the interpreter prints it: without the harness's own frame
            import traceback as _tb

            _tb.print_exception(type(exc), exc, exc.__traceback__.tb_next)  # type: ignore[union-attr]
            _sys.stderr.flush()
        except BaseException:
            pass
        code = 1
    _os._exit(finish(code))


if __name__ == "__main__":  # exec mode: python3 -I -c <this source> <spec values>
    main(dict(zip(SPEC_KEYS, _sys.argv[1:])), forked=False)
