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
        source_file = _source_file(self, source)
        compile_cmd, run_cmd = list(self.compile or ()), list(self.run)
        if source_file != self.source_file:  # Java: the public class decides the names
            stem, old_stem = source_file.rsplit(".", 1)[0], self.source_file.rsplit(".", 1)[0]
            compile_cmd = [source_file if a == self.source_file else a for a in compile_cmd]
            run_cmd = [stem if a == old_stem else a for a in run_cmd]
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


_JAVA_PUBLIC_CLASS = re.compile(r"^\s*public\s+(?:final\s+)?class\s+([A-Za-z_]\w*)", re.MULTILINE)


def _source_file(lang: Language, source: str) -> str:
    # Java insists that a public class lives in a file of its name; models rarely call it Main.
    if lang.name == "java":
        match = _JAVA_PUBLIC_CLASS.search(source)
        if match and match.group(1) != "Main":
            return f"{match.group(1)}.java"
    return lang.source_file
