"""The three ways to deploy on Serve, run as a user runs them, against a test cluster.

``reward-server ray serve``, ``serve run reward_server.ray:app`` and ``serve run`` of a
config file each join the cluster the test started, serve, and stop on a signal.  The
settings given as ``REWARD_*`` (a key, an item limit) must reach the replicas.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import free_port

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SERVE = Path(sys.executable).with_name("serve")
MATH = {"completion": "<think>two and two</think> $\\boxed{4}$", "task": "math", "answer": "4"}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REWARD_")}
    pythonpath = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return {
        **env,
        "PYTHONPATH": pythonpath,
        "REWARD_WORKERS": "1",
        "REWARD_SANDBOX__ENABLED": "false",
        **extra,
    }


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Command:
    """A command that serves until signalled; its output goes to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._fh = log.open("w")
        self.proc = subprocess.Popen(
            args,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self._fh,
            text=True,
            # As from a terminal: a suite started in the background (nohup ... &) runs with
            # SIGINT ignored, which its children would inherit, so Ctrl-C would never arrive.
            preexec_fn=_default_sigint,
        )

    def first_line(self, timeout: float = 180.0) -> str:
        import selectors

        assert self.proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            pytest.fail(f"no output in {timeout}s:\n{self.log.read_text()[-3000:]}")
        return self.proc.stdout.readline().strip()

    def stop(self, sig: int, timeout: float = 90.0) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._fh.close()


def _wait_ok(url: str, headers: dict[str, str] | None = None, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/readyz", headers=headers, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{url} never became ready"
        time.sleep(0.3)


def _score(url: str, items: list[dict], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{url}/v1/score", json={"items": items}, headers=headers, timeout=60)


def _replicas(address: str, app: str) -> int:
    """Running replicas of ``app``, asked from another driver (Serve's state is the cluster's)."""
    code = (
        f"import ray; ray.init(address={address!r}); from ray import serve\n"
        f"app = serve.status().applications[{app!r}]\n"
        "print(next(iter(app.deployments.values())).replica_states.get('RUNNING', 0))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(), check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


@pytest.fixture()
def port(ray_cluster: str) -> Iterator[int]:
    """A free port; afterwards Serve is shut down, so the next test's HTTP options apply."""
    yield free_port()
    code = f"import ray; ray.init(address={ray_cluster!r}); from ray import serve; serve.shutdown()"
    subprocess.run([sys.executable, "-c", code], env=_env(), check=True, capture_output=True)


def test_reward_server_ray_serve(ray_cluster: str, port: int, tmp_path: Path) -> None:
    command = Command(
        [
            sys.executable,
            "-m",
            "reward_server.cli",
            "ray",
            "serve",
            "--address",
            ray_cluster,
            "--autoscale",
            "1:2",
            "--port",
            str(port),
        ],
        _env(REWARD_MAX_ITEMS="2"),
        tmp_path / "ray-serve.log",
    )
    url = command.first_line()
    assert url == f"http://127.0.0.1:{port}"
    _wait_ok(url)
    answer = _score(url, [MATH])
    assert answer.status_code == 200 and answer.json()["results"][0]["reward"] == 2.0
    assert len(answer.headers.get_list("x-request-id")) == 1
    assert _score(url, [MATH] * 3).status_code == 413  # REWARD_MAX_ITEMS reached the replica
    assert command.stop(signal.SIGTERM) == 0
    with pytest.raises(httpx.HTTPError):  # the application is gone (Serve may stay)
        answer = _score(url, [MATH])
        answer.raise_for_status()


def test_serve_run_import_path(ray_cluster: str, port: int, tmp_path: Path) -> None:
    subprocess.run(
        [
            str(SERVE),
            "start",
            "-a",
            ray_cluster,
            "--http-host",
            "127.0.0.1",
            "--http-port",
            str(port),
        ],
        env=_env(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    command = Command(
        [str(SERVE), "run", "-a", ray_cluster, "reward_server.ray:app"],
        _env(REWARD_API_KEY="k-123"),
        tmp_path / "serve-run.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ok(url)
        assert _score(url, [MATH]).status_code == 401  # REWARD_API_KEY reached the replica
        answer = _score(url, [MATH], {"authorization": "Bearer k-123"})
        assert answer.status_code == 200 and answer.json()["results"][0]["reward"] == 2.0
    finally:
        command.stop(signal.SIGINT)


def test_serve_run_config_file(ray_cluster: str, port: int, tmp_path: Path) -> None:
    config = tmp_path / "serve.yaml"
    config.write_text(
        f"""
http_options:
  host: 127.0.0.1
  port: {port}
applications:
  - name: rewards
    route_prefix: /rewards
    import_path: reward_server.ray:build_app
    args:
      replicas: 2
      max_queued_requests: 100
    runtime_env:
      env_vars:
        REWARD_WORKERS: "1"
        REWARD_SANDBOX__ENABLED: "false"
        REWARD_MAX_ITEMS: "3"
"""
    )
    command = Command(
        [str(SERVE), "run", "-a", ray_cluster, str(config)], _env(), tmp_path / "config.log"
    )
    url = f"http://127.0.0.1:{port}/rewards"
    try:
        _wait_ok(url)
        answer = _score(url, [MATH] * 3)
        assert answer.status_code == 200
        assert [r["reward"] for r in answer.json()["results"]] == [2.0] * 3
        assert _score(url, [MATH] * 4).status_code == 413
        replicas = _replicas(ray_cluster, "rewards")
        assert replicas == 2
    finally:
        command.stop(signal.SIGINT)
