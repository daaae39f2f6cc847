"""The server's Dockerfile: built air-gapped (debootstrap base + wheelhouse) and smoke-tested."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import docker
import httpx
import pytest

from tests.support.server_process import free_port

ROOT = Path(__file__).resolve().parents[2]
TAG = "reward-server:ci"

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def image() -> str:
    proc = subprocess.run(
        ["bash", "scripts/build-server-image.sh", TAG],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return TAG


def test_server_container_serves_as_non_root(image):
    client = docker.from_env()
    port = free_port()
    name = f"reward-server-smoke-{uuid.uuid4().hex[:8]}"
    container = client.containers.run(
        image,
        name=name,
        detach=True,
        network_mode="host",  # talk to it on loopback only
        environment={
            "REWARD_HOST": "127.0.0.1",
            "REWARD_PORT": str(port),
            "REWARD_WORKERS": "1",
            "REWARD_SANDBOX__ENABLED": "false",
        },
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            container.reload()
            assert container.status == "running", container.logs()[-2000:]
            assert time.monotonic() < deadline, container.logs()[-2000:]
            time.sleep(0.5)
        body = {
            "items": [
                {"completion": "<think>3+4</think> \\boxed{7}", "task": "math", "answer": "7"}
            ]
        }
        result = httpx.post(f"{url}/v1/score", json=body, timeout=30).json()["results"][0]
        assert result["status"] == "ok" and result["reward"] == 2.0
        uid = container.exec_run("id -u").output.decode().strip()
        assert uid != "0" and uid.isdigit()
    finally:
        container.remove(force=True)
