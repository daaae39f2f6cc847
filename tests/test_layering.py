"""Dependencies point one way: trainer_client -> reward_server.schemas; reward_server -> sandbox."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    return [package] + [
        f"{package}.{m.name}"
        for m in pkgutil.walk_packages([str(ROOT / package.replace(".", "/"))])
    ]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(out.stdout.split())


def test_sandbox_uses_nothing_of_ours():
    mods = [m for m in _modules("sandbox") if m != "sandbox.runner"]
    loaded = _loaded_after_import(mods)
    ours = {m for m in loaded if m.split(".")[0] in ("reward_server", "trainer_client")}
    assert ours == set()


def test_runner_is_standard_library_only():
    # The runner's modules import the standard library and each other (relative imports).
    for path in (ROOT / "sandbox" / "runner").glob("*.py"):
        imported = {
            line.split()[1].split(".")[0]
            for line in path.read_text().splitlines()
            if line.startswith(("import ", "from "))
            and not line.startswith(("from __future__", "from ."))
        }
        assert imported <= set(sys.stdlib_module_names), (path.name, imported)
