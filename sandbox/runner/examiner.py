"""The judge's process: runs the test code against a candidate that lives elsewhere.

Assert tests (HumanEval, MBPP) and test files (pytest, unittest) run here, forked from
the runner, while the program runs in a fresh interpreter of its own (``harness``, serve
mode).  Here the program is the module ``solution`` made of proxies (``remote``): its
functions are called with plain values and answer with plain values, so nothing the
program does in its own process (walking its frames, patching builtins, returning an
object that equals everything, exiting early) reaches this process, which alone writes
the report.  The process is not dumpable: the program, which runs as the same user,
can neither trace it nor open its ``/proc`` entries.

Names in assert mode: the test code sees the program's globals.  HumanEval-style test
code (``check(candidate)``, ``entry_point`` set) gets the function under test as
``candidate``; there a global of the program that is named like a builtin does not
replace the builtin for the checks (``def abs(x): return 0`` must not pass
``assert abs(candidate(2) - 4) < 1e-9``).  MBPP-style bare asserts call the program's
functions by their own names, so there the program's names win (``def sum(a, b)``).

The report, one JSON object on the result descriptor: ``{"marker", "tests": [[name,
passed, error]...]}``; ``{"candidate_gone": true}`` when the program's process ended
before the checks were done (the runner then judges by how it ended); ``{"test_error":
text}`` when the test code itself does not compile (the reference is unusable).
"""

from __future__ import annotations

import json
import os
import signal
import sys

from . import remote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

FROM_CANDIDATE_FD = 3
TO_CANDIDATE_FD = 4
REPORT_FD = 5
ERROR_TEXT = 300  # characters of a failed check's exception kept in the report


def main(job: dict[str, Any], marker: str) -> NoReturn:
    """Run the job's checks; never returns."""
    report: dict[str, Any]
    # A program that ended before a question reaches it is a closed channel (EPIPE, then
    # "candidate_gone"), not the judge's death by SIGPIPE.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        os.chdir("/")
        peer = remote.Peer(
            remote.Channel(FROM_CANDIDATE_FD, TO_CANDIDATE_FD), frozenset({"call"}), share=False
        )
        report = examine(job, peer)
    except remote.ChannelClosed:
        report = {"candidate_gone": True}
    except BaseException as exc:  # noqa: BLE001 - the examiner's own failure, reported
        report = {"judge_error": f"{type(exc).__name__}: {exc}"[:2000]}
    if "tests" in report:
        report["marker"] = marker
    data = json.dumps(report).encode("utf-8", "surrogatepass")
    view = memoryview(data)
    while view:
        view = view[os.write(REPORT_FD, view) :]
    os._exit(0)


def examine(job: dict[str, Any], peer: remote.Peer) -> dict[str, Any]:
    if job.get("test_file") is not None:
        source, filename = str(job["test_file"]), "test_solution.py"
    else:
        source, filename = str(job.get("test_code") or ""), "test_code.py"
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return {"test_error": f"{type(exc).__name__}: {exc}"[:2000]}
    module = solution_module(peer)
    if job.get("test_file") is not None:
        framework = job.get("framework") or "pytest"
        if framework == "unittest":
            tests = run_unittest(code, filename)
        else:
            tests = run_pytest(code, source, filename)
        if peer.closed is not None:
            raise remote.ChannelClosed(peer.closed)
        return {"tests": tests}
    return {"tests": [run_asserts(code, module, job.get("entry_point"), peer)]}


def solution_module(peer: remote.Peer) -> Any:
    """The program as a module of proxies, registered as ``solution``."""
    described = peer.request("names")
    module = type(sys)("solution")
    remote_module = described["module"]
    for name, value, info in described["names"]:
        if info is not None:  # an exception class: a local class that catches its raises
            value = peer.error_class(info)
        setattr(module, name, value)

    def __getattr__(name: str) -> Any:  # a global the program made after it started
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(remote_module, name)

    setattr(module, "__getattr__", __getattr__)  # noqa: B010 - a module-level __getattr__
    sys.modules["solution"] = module
    return module


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_TEXT]


def run_asserts(code: Any, module: Any, entry_point: str | None, peer: remote.Peer) -> list[Any]:
    import builtins

    names = {k: v for k, v in vars(module).items() if not k.startswith("__")}
    if entry_point:
        names = {k: v for k, v in names.items() if not hasattr(builtins, k)}
    namespace: dict[str, Any] = {"__name__": "__test__", "__builtins__": builtins, **names}
    try:
        exec(code, namespace)
        if entry_point:
            candidate = getattr(module, entry_point)
            namespace["check"](candidate)
    except remote.ChannelClosed:
        raise
    except BaseException as exc:  # noqa: BLE001 - a failed check, whatever it raised
        if peer.closed is not None:
            raise remote.ChannelClosed(peer.closed) from None
        return ["check", False, _failure(exc)]
    if peer.closed is not None:
        raise remote.ChannelClosed(peer.closed)
    return ["check", True, ""]


def run_unittest(code: Any, filename: str) -> list[list[Any]]:
    import unittest

    module = type(sys)("test_solution")
    module.__file__ = filename
    sys.modules["test_solution"] = module
    try:
        exec(code, module.__dict__)
    except remote.ChannelClosed:
        raise
    except Exception as exc:  # noqa: BLE001 - as unittest reports a module that fails to load
        return [["<module>", False, _failure(exc)]]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    results: list[list[Any]] = []
    for case in _flatten(suite):
        outcome = unittest.TestResult()
        case.run(outcome)
        problems = outcome.failures + outcome.errors + outcome.unexpectedSuccesses
        message = ""
        if problems:
            last = problems[0][1] if isinstance(problems[0], tuple) else "unexpected success"
            message = str(last).strip().splitlines()[-1][:ERROR_TEXT] if last else ""
        passed = not problems and outcome.testsRun > 0
        results.append([case.id().removeprefix("test_solution."), passed, message])
    return results


def _flatten(suite: Any) -> list[Any]:
    import unittest

    cases: list[Any] = []
    stack = [suite]
    while stack:
        item = stack.pop(0)
        if isinstance(item, unittest.TestSuite):
            stack[0:0] = list(item)
        else:
            cases.append(item)
    return cases


def run_pytest(code: Any, source: str, filename: str) -> list[list[Any]]:
    """Each collected test (a function, or one case of a parametrized one) is a test.

    pytest reads no file of the work directory: the test module is built from the
    source in memory (with pytest's assertion rewriting), no conftest, ini file, cache
    or plugin autoloading, so nothing the program could have written there is read."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    import pytest
    from _pytest.assertion.rewrite import rewrite_asserts

    results: list[list[Any]] = []
    path = "/" + filename

    class InMemoryModule(pytest.Module):
        def _importtestmodule(self) -> Any:
            import ast

            tree = ast.parse(source, filename)
            rewrite_asserts(
                tree, source.encode("utf-8", "surrogatepass"), str(self.path), self.config
            )
            module = type(sys)("test_solution")
            module.__file__ = path
            sys.modules["test_solution"] = module
            exec(compile(tree, path, "exec", dont_inherit=True), module.__dict__)
            self.config.pluginmanager.consider_module(module)
            return module

    class Collector:
        @pytest.hookimpl(tryfirst=True)
        def pytest_collection(self, session: Any) -> bool:
            from pathlib import Path

            node = InMemoryModule.from_parent(session, path=Path(path))
            session.items = list(session.genitems(node))
            session.testscollected = len(session.items)
            return True

        def pytest_collectreport(self, report: Any) -> None:
            if report.failed:  # e.g. `from solution import name` the program lacks
                lines = str(report.longrepr).strip().splitlines()[-1:] or [""]
                results.append(["<collection>", False, lines[0][:ERROR_TEXT]])

        def pytest_runtest_logreport(self, report: Any) -> None:
            if report.when == "call" or report.outcome != "passed":
                if report.when != "call" and report.outcome == "skipped":
                    return
                name = report.nodeid.split("::", 1)[-1]
                message = ""
                if report.outcome != "passed":
                    lines = str(report.longrepr).strip().splitlines()[-1:] or [""]
                    message = lines[0][:ERROR_TEXT]
                results.append([name, report.outcome == "passed", message])

    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    pytest.main(
        ["-q", "-s", "-p", "no:cacheprovider", "--noconftest", "-c", os.devnull,
         "--rootdir", "/", "-p", "no:stepwise", "-p", "no:pastebin"],
        plugins=[Collector()],
    )  # fmt: skip
    # A test whose setup failed and whose call never ran was reported once, as failed.
    merged: dict[str, list[Any]] = {}
    for name, passed, message in results:
        if name in merged:
            merged[name][1] = merged[name][1] and passed
        else:
            merged[name] = [name, passed, message]
    return list(merged.values())
