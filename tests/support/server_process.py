"""The real reward server as a subprocess that a test can kill and bring back on the same port.

``tests.support.live_server`` runs the server in a thread, which cannot be "stopped mid-run"
the way a crashed or redeployed server is; this one can: ``stop()`` SIGKILLs its process
group (uvicorn and its verifier workers), ``start()`` brings it back on the same port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Self

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(
        self, port: int | None = None, workers: int = 1, extra_env: dict[str, str] | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "REWARD_WORKERS": str(workers),
            "REWARD_SANDBOX__ENABLED": "false",
            "PYTHONPATH": str(REPO),
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen | None = None
        fd, name = tempfile.mkstemp(prefix="reward-server-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)

    def start(self, timeout: float = 90.0) -> Self:
        cmd = [
            sys.executable,
            "-m",
            "reward_server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready in {timeout} s:\n{self.logs()}")

    def stop(self) -> None:
        """Kill the server and its workers at once, like a crash."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.proc = None

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)
