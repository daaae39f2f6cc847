"""The `reward-server` command itself: serve starts and stops cleanly; verifiers lists."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import free_port

ENV = {**os.environ, "REWARD_WORKERS": "1", "REWARD_SANDBOX__ENABLED": "false"}


def _children(pid: int) -> set[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    kids = {int(x) for x in out.split()}
    for k in list(kids):
        kids |= _children(k)
    return kids


def test_serve_answers_and_stops_on_sigterm_without_orphans():
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reward_server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/score",
            json={"items": [{"completion": "<think>a</think> b"}]},
            timeout=30,
        )
        assert r.json()["results"][0]["reward"] == 1.0
        kids = _children(proc.pid)
        assert kids, "the verifier workers run as child processes"
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal (exit status -15).
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in proc.stdout.read()
        time.sleep(0.5)
        alive = [
            k
            for k in kids
            if os.path.exists(f"/proc/{k}")
            and "zombie" not in Path(f"/proc/{k}/status").read_text()
        ]
        assert not alive, f"worker processes outlived the server: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_verifiers_command_lists_presets_and_languages():
    out = subprocess.run(
        [sys.executable, "-m", "reward_server.cli", "verifiers"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(out.stdout)
    assert "r1" in data["presets"] and "zh" in data["languages"]


def _sandbox_build(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reward_server.cli",
            "sandbox",
            "build",
            "--image",
            "rs-never-built:x",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env or ENV,
        timeout=300,
    )


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def test_sandbox_build_with_no_engine_says_so_in_one_line():
    proc = _sandbox_build(env={**ENV, "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert "Docker engine is unreachable" in _one_line_error(proc)


@pytest.mark.docker
def test_sandbox_build_with_no_registry_says_what_to_provide():
    # No registry is reachable here and debian:bookworm-slim is not loaded: the Dockerfile
    # build cannot pull its base image.
    line = _one_line_error(_sandbox_build("--method", "dockerfile"))
    assert "install debootstrap" in line and "docker load" in line


@pytest.mark.docker
def test_sandbox_build_without_debootstrap_says_what_to_install():
    env = {**ENV, "PATH": str(Path(sys.executable).parent)}  # no debootstrap on this PATH
    line = _one_line_error(_sandbox_build("--method", "debootstrap", env=env))
    assert "debootstrap is not installed" in line
