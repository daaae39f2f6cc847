"""The runner's modules on a host, and the one text they are bundled into (no Docker).

The bundle must be exactly the modules (each module's source verbatim, deterministic),
must work as a program on its own (``python3 -I -c``, standard library only), and must be
what the pool hands to each container.  That last point is also checked against a live
container in ``test_pool.py``.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sandbox.config import PoolConfig
from sandbox.docker import DockerSandbox, runner_source
from sandbox.runner import bundle as bundler

RUNNER_DIR = Path(bundler.__file__).parent


def test_every_module_of_the_package_is_bundled_except_the_bundler():
    on_disk = {p.stem for p in RUNNER_DIR.glob("*.py")} - {"__init__", "bundle"}
    assert set(bundler.MODULES) == on_disk


@pytest.mark.parametrize("name", bundler.MODULES)
def test_each_module_imports_on_the_host(name):
    module = importlib.import_module(f"sandbox.runner.{name}")
    assert module.__doc__, f"{name} has no module docstring"


def test_the_bundle_holds_each_module_verbatim_and_is_deterministic():
    sources = bundler.module_sources()
    assert list(sources) == ["sandbox_runner"] + [f"sandbox_runner.{m}" for m in bundler.MODULES]
    for name, source in sources.items():
        file = "__init__" if name == "sandbox_runner" else name.rsplit(".", 1)[1]
        assert source == (RUNNER_DIR / f"{file}.py").read_text("utf-8")
    packed = bundler.pack(sources)
    assert repr(packed) in bundler.bundle()
    assert bundler.unpack(packed) == sources
    assert bundler.bundle() == bundler.bundle()
    assert len(bundler.bundle().encode()) < bundler.MAX_ARG_BYTES


def test_the_pool_sends_the_bundle():
    assert runner_source() == bundler.bundle()
    assert DockerSandbox(PoolConfig())._runner == bundler.bundle()


def _python(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """This interpreter with the standard library only (no site-packages, no checkout)."""
    return subprocess.run(
        [sys.executable, "-I", "-S", *args], capture_output=True, text=True, timeout=60, **kwargs
    )


def test_the_bundle_loads_its_own_modules_with_the_standard_library_only(tmp_path):
    # Imported from the bundle, not from this checkout: run far from it, in isolated mode.
    probe = textwrap.dedent("""
        import sys
        exec(compile(sys.argv[1], "<bundle>", "exec"), {"__name__": "not_main"})
        import sandbox_runner.serve
        names = sorted(n for n in sys.modules if n.startswith("sandbox"))
        for name in names:
            module = sys.modules[name]
            assert module.__spec__.origin == "<bundle>/" + name, module.__spec__
            assert module.__spec__.loader.get_source(name), name
        print(" ".join(names))
        print("pydantic" in sys.modules, "docker" in sys.modules, "sandbox" in sys.modules)
    """)
    done = _python("-c", probe, bundler.bundle(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    loaded, foreign = done.stdout.splitlines()
    assert loaded.split() == sorted(bundler.module_sources())
    assert foreign == "False False False"


def test_the_bundle_refuses_to_run_outside_a_container(tmp_path):
    # Not PID 1: kill(-1) would reach every process of the user, so main() stops first.
    done = _python("-c", bundler.bundle(), "--workdir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert "only as PID 1" in done.stderr
    assert list(tmp_path.iterdir()) == []
