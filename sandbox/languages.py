"""How to compile and run each language inside the sandbox.

A :class:`Language` is data the runner follows: the file to write the source to, the
compile command (if any) and the run command.  ``{mem}`` in a command is replaced by the
test's memory limit in MiB, for runtimes that size their own heap (Java, Node).  Runtimes
that reserve large address ranges up front opt out of ``RLIMIT_DATA`` and rely on the
container's memory cgroup instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Language:
    name: str
    source_file: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    python: bool = False  # run in-process by the runner's Python harness (fork mode)
    rlimit_data: bool = True
    min_processes: int = 1  # runtimes with helper threads count them against RLIMIT_NPROC
    env: dict[str, str] = field(default_factory=dict)
    image_language: str = ""  # the build.py language that installs it

    def to_wire(self, source: str) -> dict[str, Any]:
        source_file = self.source_file
        compile_cmd, run_cmd = list(self.compile or ()), list(self.run)
        if self.name == "java":  # the public class names the file, the main class the run
            source_file, main_class = _java_names(source)
            compile_cmd = [source_file if a == self.source_file else a for a in compile_cmd]
            run_cmd = [main_class if a == "Main" else a for a in run_cmd]
        return {
            "name": self.name,
            "source_file": source_file,
            "compile": compile_cmd or None,
            "run": run_cmd,
            "python": self.python,
            "rlimit_data": self.rlimit_data,
            "min_processes": self.min_processes,
            "env": dict(self.env),
        }


LANGUAGES: dict[str, Language] = {
    lang.name: lang
    for lang in (
        Language(
            "python",
            "main.py",
            ("python3", "-I", "main.py"),
            aliases=("py", "python3", "py3"),
            python=True,
            image_language="python",
        ),
        Language(
            "cpp",
            "main.cpp",
            ("./main",),
            compile=("g++", "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"),
            aliases=("c++", "cpp17", "cxx", "g++"),
            image_language="cpp",
        ),
        Language(
            "c",
            "main.c",
            ("./main",),
            compile=("gcc", "-std=gnu11", "-O2", "-pipe", "-o", "main", "main.c", "-lm"),
            aliases=("gcc", "c11"),
            image_language="c",
        ),
        Language(
            "java",
            "Main.java",
            (
                "java",
                "-ea",
                "-Xmx{mem}m",
                "-Xss64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                ".",
                "Main",
            ),
            compile=("javac", "-encoding", "UTF-8", "-J-Xmx512m", "-d", ".", "Main.java"),
            rlimit_data=False,
            min_processes=64,
            image_language="java",
        ),
        Language(
            "javascript",
            "main.js",
            ("node", "--max-old-space-size={mem}", "main.js"),
            aliases=("js", "node", "nodejs"),
            rlimit_data=False,
            min_processes=16,
            image_language="javascript",
        ),
        Language(
            "go",
            "main.go",
            ("./main",),
            compile=("go", "build", "-o", "main", "main.go"),
            aliases=("golang",),
            rlimit_data=False,
            min_processes=32,
            env={
                "GOCACHE": "/tmp/.gocache",
                "GOPATH": "/tmp/.gopath",
                "GO111MODULE": "off",
                "CGO_ENABLED": "0",
            },
            image_language="go",
        ),
    )
}
_ALIASES = {alias: lang.name for lang in LANGUAGES.values() for alias in (lang.name, *lang.aliases)}


class UnknownLanguage(ValueError):
    pass


def resolve(name: str) -> Language:
    """The language called ``name`` (case-insensitive, aliases such as ``c++`` and ``py``)."""
    key = name.strip().lower()
    try:
        return LANGUAGES[_ALIASES[key]]
    except KeyError:
        raise UnknownLanguage(f"unknown language {name!r}; known: {sorted(LANGUAGES)}") from None


_JAVA_NOISE = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL
)
_JAVA_CLASS = re.compile(r"\b(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)")
_JAVA_PUBLIC = re.compile(r"\bpublic\s+(?:(?:final|abstract|strictfp|static)\s+)*$")
_JAVA_MAIN = re.compile(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(")


def java_classes(source: str) -> tuple[str | None, str | None]:
    """(the public top-level class, the top-level class whose body declares ``main``).

    Comments and literals are blanked first, then braces counted, so a class nested in
    another (``static class Node``) is never taken for the one that holds ``main``."""
    text = _JAVA_NOISE.sub(lambda m: " " * len(m.group(0)), source)
    public: str | None = None
    mains: list[str] = []
    depth = 0
    current: str | None = None
    pos = 0
    for match in re.finditer(r"[{}]", text):
        chunk = text[pos : match.start()]
        if depth == 0:
            for declared in _JAVA_CLASS.finditer(chunk):
                current = declared.group(1)
                if public is None and _JAVA_PUBLIC.search(chunk[: declared.start()]):
                    public = current
        elif depth == 1 and current is not None and _JAVA_MAIN.search(chunk):
            mains.append(current)
        depth += 1 if match.group(0) == "{" else -1
        depth = max(depth, 0)
        pos = match.end()
    main_class = public if public in mains else (mains[0] if mains else None)
    return public, main_class


def _java_names(source: str) -> tuple[str, str]:
    """(source file, class to run): javac wants a public class in a file of its name;
    ``java`` must be given the class that declares ``main``, public or not."""
    public, main_class = java_classes(source)
    source_file = f"{public}.java" if public else "Main.java"
    return source_file, main_class or public or "Main"
