"""Assert harnesses for JavaScript and C++: the test code runs in the program's process.

Datasets such as MultiPL-E and HumanEval-X give the tests of these languages as code to
put after the program (``assert.deepEqual(candidate(...), ...)``, ``assert(f(1) == 2)``
in a ``main``).  Python's tests run in a judge process of their own
(``sandbox.runner.examiner``); here the program and its tests share one process, as in
those datasets' own judges.  What the harness adds: the job's marker is read from a
descriptor (and the descriptor closed) before the program runs and written back only
when the test code returned normally, so a program that exits early (``process.exit(0)``,
``exit(0)``, ``_exit(0)``) does not pass.  What it does not stop, as any in-process
harness: a program that deliberately digs the marker out of its own process (a heap
scan, a constructor that runs before the harness's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.languages import Language

_JS_HARNESS = """\
'use strict';
// The job's marker, read before the program runs and kept where the program's code
// cannot name it; written back only if the program and its tests returned.
const rsHarness = (() => {
  const fs = require('fs');
  const marker = Buffer.alloc(256);
  const length = fs.readSync(3, marker, 0, 256, null);
  fs.closeSync(3);
  return () => fs.writeSync(4, marker, 0, length);
})();
require('./main.js');
rsHarness();
"""

_CPP_EPILOGUE = """
// ---- the sandbox's assert harness (appended to the program and its tests) ----
#include <unistd.h>
#include <cstdlib>
static char rs_marker[256];
static ssize_t rs_marker_length = -1;
static volatile int rs_left_early = 0;
extern "C" void __real_exit(int);
extern "C" void __real__exit(int);
extern "C" void __real__Exit(int);
extern "C" void __real_quick_exit(int);
extern "C" void __wrap_exit(int code) { rs_left_early = 1; __real_exit(code); }
extern "C" void __wrap__exit(int code) { rs_left_early = 1; __real__exit(code); }
extern "C" void __wrap__Exit(int code) { rs_left_early = 1; __real__Exit(code); }
extern "C" void __wrap_quick_exit(int code) { rs_left_early = 1; __real_quick_exit(code); }
static void rs_finish() {
  if (!rs_left_early && rs_marker_length > 0) {
    ssize_t ignored = write(4, rs_marker, (size_t)rs_marker_length);
    (void)ignored;
  }
}
__attribute__((constructor(101))) static void rs_take_marker() {
  rs_marker_length = read(3, rs_marker, sizeof rs_marker);
  close(3);
  std::atexit(rs_finish);
}
"""
_CPP_WRAP = "-Wl,--wrap=exit,--wrap=_exit,--wrap=_Exit,--wrap=quick_exit"


@dataclass(frozen=True)
class Composed:
    """The program as the runner gets it: its source, extra files, and commands."""

    source: str
    files: dict[str, str] = field(default_factory=dict)
    compile: list[str] | None = None
    run: list[str] | None = None


def supports(language: Language) -> bool:
    return language.name in ("javascript", "cpp")


def compose(language: Language, program: str, test_code: str, wire: dict[str, object]) -> Composed:
    """The program with its tests for ``language``'s in-process harness."""
    if language.name == "javascript":
        run = [a if a != "main.js" else "rs_harness.js" for a in wire["run"]]  # type: ignore[attr-defined]
        return Composed(program + "\n" + test_code + "\n", {"rs_harness.js": _JS_HARNESS}, run=run)
    if language.name == "cpp":
        compile_cmd = list(wire["compile"] or [])  # type: ignore[call-overload]
        compile_cmd.insert(1, _CPP_WRAP)
        return Composed(program + "\n" + test_code + "\n" + _CPP_EPILOGUE, compile=compile_cmd)
    raise ValueError(f"no assert harness for {language.name}")
