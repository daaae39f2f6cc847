"""Assemble the runner's modules into the one text the container runs (host side only).

``docker create ... python3 -I -c <text>`` takes a single program, and the image carries
no code of ours (a runner change needs no rebuild).  The text holds each module's source
verbatim in a table (compressed: one argument may not pass 128 KiB) and installs an
importer for it, so inside the container the modules
are imported as themselves (package ``sandbox_runner``), tracebacks name them, and the
harness module's own source is what exec mode hands to a fresh ``python3``.  The output
depends on nothing but the module files: the same files give the same text.
"""

from __future__ import annotations

import base64
import json
import zlib
from importlib import resources

#: The package name inside the container.
PACKAGE = "sandbox_runner"
#: Every module that runs in the container (``bundle`` itself stays on the host).
MODULES = (
    "framing",
    "cgroup",
    "limits",
    "files",
    "wipe",
    "verdicts",
    "values",
    "remote",
    "harness",
    "examiner",
    "zygote",
    "programs",
    "processes",
    "jobs",
    "serve",
)
#: A single command-line argument may not exceed this (Linux MAX_ARG_STRLEN).
MAX_ARG_BYTES = 128 * 1024

_BOOTSTRAP = '''\
"""The sandbox runner, bundled by sandbox/runner/bundle.py from sandbox/runner/*.py.
Edit those modules, not this text."""
import base64 as _base64
import importlib.machinery as _machinery
import json as _json
import sys as _sys
import zlib as _zlib

_PACKAGE = {package!r}
_PACKED = {packed!r}
_SOURCES = _json.loads(_zlib.decompress(_base64.b85decode(_PACKED)))


class _Bundled:
    """Finds and loads the modules of _SOURCES, and gives their source back."""

    def find_spec(self, name, path=None, target=None):
        if name not in _SOURCES:
            return None
        return _machinery.ModuleSpec(
            name, self, origin="<bundle>/" + name, is_package=name == _PACKAGE
        )

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__name__
        exec(compile(_SOURCES[name], "<bundle>/" + name, "exec"), module.__dict__)

    def get_source(self, name):
        return _SOURCES[name]


_sys.meta_path.insert(0, _Bundled())

if __name__ == "__main__":
    from {package}.serve import main as _main

    _sys.exit(_main(_sys.argv[1:]))
'''


def module_sources() -> dict[str, str]:
    """Full module name in the container -> its source, package first."""
    here = resources.files(__package__ or "sandbox.runner")
    names = {PACKAGE: "__init__"} | {f"{PACKAGE}.{m}": m for m in MODULES}
    return {name: here.joinpath(f"{file}.py").read_text("utf-8") for name, file in names.items()}


def pack(sources: dict[str, str]) -> str:
    """The module table as the bundle carries it: JSON, zlib-compressed, base85 (the
    sources verbatim, in a quarter of the bytes one argument may have)."""
    data = json.dumps(sources, ensure_ascii=False).encode("utf-8")
    return base64.b85encode(zlib.compress(data, 9)).decode("ascii")


def unpack(packed: str) -> dict[str, str]:
    """The module table back from :func:`pack`'s text (what the bundle does first)."""
    table: dict[str, str] = json.loads(zlib.decompress(base64.b85decode(packed)))
    return table


def bundle() -> str:
    """The runner as one program for ``python3 -I -c``."""
    text = _BOOTSTRAP.format(package=PACKAGE, packed=pack(module_sources()))
    size = len(text.encode("utf-8"))
    if size >= MAX_ARG_BYTES:
        raise RuntimeError(f"the bundled runner is {size} bytes, over one argument's limit")
    return text
