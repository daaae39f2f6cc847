"""The programs the runner hands to a fresh ``python3 -I -c``: the candidate's harness
(exec mode, and a judged run's fallback) and the zygote.

Each is the runner's own modules, their source text in a table under the runner's
package name, imported by an importer of the program's own, then a few lines that
start it.  Nothing of the runner's state goes in: only module sources.
"""

from __future__ import annotations

from . import harness, limits, remote, values, zygote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def candidate_bundle() -> str:
    """The candidate's harness for ``python3 -I -c``: the modules it uses (``values``,
    ``remote``, ``harness``) under the runner's package name, then ``harness.main`` with
    the spec from ``sys.argv``."""
    return python_bundle(
        (values, remote, harness),
        f"from {harness.__name__} import main as _main, SPEC_KEYS as _K\n"
        "_main(dict(zip(_K, _s.argv[1:])), forked=False)\n",
    )


def zygote_bundle() -> str:
    """The zygote for ``python3 -I -c``: the candidate's modules, ``limits`` and
    ``zygote``, the prelude's modules imported once (each candidate starts warm), then
    the zygote's loop on its control socket."""
    return python_bundle(
        (values, remote, harness, limits, zygote),
        f"import {remote.__name__}, {limits.__name__}\n"
        f"from {harness.__name__} import warm as _warm\n"
        f"from {zygote.__name__} import serve as _serve\n"
        "_warm()\n"
        "_serve()\n",
    )


def python_bundle(modules: tuple[Any, ...], tail: str) -> str:
    """A program for ``python3 -I -c`` that holds ``modules`` (under the runner's package
    name, imported from their source by an importer of its own) and runs ``tail``."""
    package = __name__.rsplit(".", 1)[0]
    parts = package.split(".")
    sources = {".".join(parts[: i + 1]): "" for i in range(len(parts))}
    for module in modules:
        sources[module.__name__] = _source_of(module)
    return (
        "import importlib.machinery as _m, sys as _s\n"
        f"_S = {sources!r}\n"
        "class _B:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in _S:\n"
        "            return _m.ModuleSpec(name, self, origin='<candidate>/' + name,"
        " is_package=not _S[name])\n"
        "    def create_module(self, spec):\n"
        "        return None\n"
        "    def exec_module(self, module):\n"
        "        exec(compile(_S[module.__name__], '<candidate>/' + module.__name__, 'exec'),"
        " module.__dict__)\n"
        "_s.meta_path.insert(0, _B())\n" + tail
    )


def _source_of(module: Any) -> str:
    """A module's source through its loader: the file on a host, the bundle's text in the
    container (where exec mode passes it to ``python3 -c``)."""
    source = module.__spec__.loader.get_source(module.__name__)
    if not source:
        raise RuntimeError(f"no source for {module.__name__}")
    return str(source)
