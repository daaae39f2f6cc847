"""The real reward server as a subprocess that a test can kill and bring back on the same port.

``tests.support.live_server`` runs the server in a thread, which cannot be "stopped mid-run"
the way a crashed or redeployed server is; this one can: ``stop()`` SIGKILLs its process
group (uvicorn and its verifier workers), ``terminate()`` sends SIGTERM (a graceful drain)
and waits for the exit code, ``start()`` brings it back on the same port, and
``group_pids()`` says which of its processes are still alive.
"""

from __future__ import annotations

import os
import resource
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


def pids_in_group(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


class ServerProcess:
    def __init__(
        self,
        port: int | None = None,
        workers: int = 1,
        extra_env: dict[str, str] | None = None,
        log_level: str = "warning",
        nofile: int | None = None,
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
        self.log_level = log_level
        self.nofile = nofile
        self.proc: subprocess.Popen | None = None
        self.pgid: int | None = None
        fd, name = tempfile.mkstemp(prefix="reward-server-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)

    def _limits(self) -> None:  # runs in the child, before exec
        if self.nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))

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
            self.log_level,
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=self._limits if self.nofile is not None else None,
            )
        self.pgid = self.proc.pid
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

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

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

    def kill_server_only(self) -> None:
        """SIGKILL the server process alone, as the OOM killer would; its workers stay."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def terminate(self, timeout: float = 120.0) -> int:
        """SIGTERM (a graceful drain); wait for the process and return its exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def group_pids(self) -> list[int]:
        """Processes of the server's group still alive (workers, forkserver, itself)."""
        return pids_in_group(self.pgid) if self.pgid is not None else []

    def worker_pids(self) -> list[int]:
        """The verifier worker processes (the forkserver's children)."""
        import psutil

        assert self.proc is not None
        server = psutil.Process(self.proc.pid)
        return [child.pid for forkserver in server.children() for child in forkserver.children()]

    def logs(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        for pid in self.group_pids():  # whatever a test left behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log_path.unlink(missing_ok=True)
