"""The Python harness: what a Python test process runs around the submitted program.

In ``fork`` mode the runner calls :func:`main` in the forked child; in ``exec`` mode a
fresh ``python3 -I -c <candidate bundle>`` (this module with ``values`` and ``remote``)
runs it with the spec in ``sys.argv``.  It stays cheap to start (no ``typing``).

Modes:

- ``stdio``: the program runs as ``__main__`` on the test's stdin.
- ``call`` (function-call tests): the program runs as the module ``solution`` (in
  ``sys.modules``, so dataclasses and pickling of its classes work), after the
  ``prelude`` when asked (the imports APPS and LiveCodeBench put before a program);
  then the function named in the request read from ``CALL_FD`` (a global, or a method
  of ``Solution()``) is called with the request's arguments and its result is written
  on ``RESULT_FD`` as plain data (``values``): the expected value is never here, and a
  result that is not plain data is reported as such, never compared.
- ``serve`` (assert tests and test files): the program runs as ``solution``, then its
  objects are served to the judge's process (``examiner``) over ``CALL_FD`` /
  ``RESULT_FD`` until the judge is done (``remote``).  The test code never enters this
  process.

A compile error of the program is reported on ``STATUS_FD`` (``b"C"``), which is
closed before any submitted code runs.
"""

from __future__ import annotations

import marshal as _marshal
import os as _os
import sys as _sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a test process never imports typing
    from types import CodeType

CALL_FD = 3  # call mode: the request; serve mode: the judge's questions
RESULT_FD = 4  # call mode: the result; serve mode: the answers
STATUS_FD = 5  # a compile error of the program: b"C"
MARKER_FD = CALL_FD  # in-process harnesses of other languages read their marker here
#: The spec's fields, in the order exec mode passes them in ``sys.argv[1:]``.
SPEC_KEYS = ("workdir", "source_file", "mode", "code_file", "prelude", "args")
#: What ``prelude: "imports"`` puts in the program's namespace first, in this order, as
#: APPS and LiveCodeBench do before judging a function (``from typing import *`` ...):
#: each module's public names, then the module itself.
PRELUDE_MODULES = (
    "string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math",
    "random", "statistics", "itertools", "functools", "operator", "io", "sys", "json",
    "builtins", "typing",
)  # fmt: skip

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


def warm() -> None:
    """Import the prelude's modules once in the runner, so forked tests start warm."""
    for name in PRELUDE_MODULES:
        __import__(name)


def prelude(namespace: dict[str, object]) -> None:
    for name in PRELUDE_MODULES:
        module = __import__(name)
        public = getattr(module, "__all__", None)
        if public is None:
            public = [n for n in module.__dict__ if not n.startswith("_")]
        for attr in public:
            if hasattr(module, attr):
                namespace[attr] = getattr(module, attr)
    for name in PRELUDE_MODULES:
        if name != "builtins":
            namespace[name] = _sys.modules[name]


def main(spec: dict[str, str | None], forked: bool = True) -> None:
    """Run the program of ``spec`` (and in call or serve mode answer for it); never
    returns."""
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
    mode = spec.get("mode") or "stdio"
    _sys.argv = [source_file]
    if spec.get("args"):  # a JSON list: the test's command-line arguments
        import json

        _sys.argv += [str(a) for a in json.loads(str(spec["args"]))]
    _sys.path[:] = [workdir] + [p for p in _sys.path[1:] if p and not p.startswith(workdir)]
    name = "__main__" if mode == "stdio" else "solution"
    module = type(_sys)(name)
    module.__file__ = _os.path.join(workdir, source_file)
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    _sys.modules[name] = module
    if name != "__main__":
        _sys.modules["__main__"] = module
    program = load(module.__file__, str(spec["code_file"]), source_file, b"C")
    # Compiling is over: the program cannot report a compile error it never had.
    _os.close(STATUS_FD)
    request = None
    if mode == "call":  # the arguments are no secret; read them before the program runs
        request = _read_all(CALL_FD)
        _os.close(CALL_FD)
        if spec.get("prelude"):
            prelude(module.__dict__)
    del spec
    code = 0
    try:
        _exec(program, module.__dict__)
        if mode == "call":
            _answer_call(module, request or b"")
        elif mode == "serve":
            _serve(module)
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


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = _os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _function(module: object, name: str) -> object:
    """What a function-call test calls: ``Solution().name`` when the program defines a
    class ``Solution`` with it (LeetCode style, as APPS and LiveCodeBench judge), else
    the global ``name``."""
    namespace = module.__dict__
    solution = namespace.get("Solution")
    if isinstance(solution, type) and hasattr(solution, name):
        return getattr(solution(), name)
    if name in namespace:
        return namespace[name]
    raise NameError(f"the program defines no function {name!r}")


def _answer_call(module: object, request: bytes) -> None:
    import json

    from . import values

    ask = json.loads(request.decode("utf-8", "surrogatepass"))
    function = _function(module, str(ask["function"]))
    args = [values.decode(a) for a in ask["args"]]
    result = function(*args)  # type: ignore[operator]
    try:
        answer = {"value": values.encode(result)}
    except (values.NotPlain, RecursionError) as exc:
        answer = {"not_plain": str(exc)[:200]}
    data = json.dumps(answer, separators=(",", ":")).encode("utf-8", "surrogatepass")
    view = memoryview(data)
    while view:
        view = view[_os.write(RESULT_FD, view) :]


def _serve(module: object) -> None:
    from . import remote

    peer = remote.Peer(
        remote.Channel(CALL_FD, RESULT_FD),
        frozenset(("names", "call", "get", "set", "op", "base")),
        share=True,
    )
    peer.module = module
    peer.serve()


if __name__ == "__main__":  # exec mode, as a file: python3 -I harness.py <spec values>
    main(dict(zip(SPEC_KEYS, _sys.argv[1:])), forked=False)
