"""``reward-server score --engine ray`` writes what the local engine writes, and resumes.

Both engines run as a user runs them (the command, in a subprocess); the Ray engine joins
the test's 2-CPU cluster with ``--address``.  Code items run in the Docker sandbox, so
their measured times differ between any two runs; every other byte must be the same.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from sandbox.docker import LABEL_OWNER
from sandbox.images.build import DEFAULT_TAG, ensure_image
from tests.support.mixed_records import same_results, write_mixed

pytestmark = [pytest.mark.ray, pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
OWNER = f"test-ray-data-{uuid.uuid4().hex[:8]}"
LINES = 5_000


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REWARD_")}
    pythonpath = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return {
        **env,
        "PYTHONPATH": pythonpath,
        "REWARD_WORKERS": "2",
        "REWARD_SANDBOX__POOL_SIZE": "2",
        "REWARD_SANDBOX__OWNER": OWNER,
    }


def _command(src: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reward_server.cli",
        "score",
        str(src),
        "-o",
        str(out),
        "--no-progress",
        *extra,
    ]


def _score(src: Path, out: Path, *extra: str) -> str:
    done = subprocess.run(
        _command(src, out, *extra),
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The 5,000-line input and the local engine's output for it."""
    ensure_image(DEFAULT_TAG)
    folder = tmp_path_factory.mktemp("mixed")
    src, local = folder / "mixed.jsonl", folder / "local.jsonl"
    write_mixed(src, LINES)
    _score(src, local)
    yield src, local
    client = docker.from_env()
    label = {"label": f"{LABEL_OWNER}={OWNER}"}
    deadline = time.monotonic() + 30
    while client.containers.list(filters=label) and time.monotonic() < deadline:
        time.sleep(0.5)  # a killed actor's containers end when their runner reads EOF
    running = client.containers.list(filters=label)
    for container in client.containers.list(all=True, filters=label):
        container.remove(force=True)
    assert running == [], [c.name for c in running]


def test_the_input_has_every_kind_of_record(mixed: tuple[Path, Path]) -> None:
    _, local = mixed
    out = [json.loads(line) for line in local.read_text().splitlines()]
    assert len(out) == LINES
    kinds_ok = {str(r["id"]).split("-")[0] for r in out if r["status"] == "ok" and "id" in r}
    assert {"math", "code", "format", "language"} <= kinds_ok
    assert any(r["scores"]["language"] is not None for r in out if r["status"] == "ok")
    kinds = {r["error"]["type"] for r in out if r["error"]}
    assert "invalid_line" in kinds
    assert sum("line" in r for r in out) > 50  # lines that were no JSON object at all
    assert any(r["task"] == "code" and r["scores"]["accuracy"] == 1.0 for r in out if "task" in r)


def test_ray_engine_writes_what_the_local_engine_writes(
    ray_cluster: str, mixed: tuple[Path, Path], tmp_path: Path
) -> None:
    src, local = mixed
    out = tmp_path / "ray.jsonl"
    summary = _score(src, out, "--engine", "ray", "--address", ray_cluster, "--shard-rows", "700")
    assert summary.startswith(f"{LINES} scored")
    lines, measured = same_results(local, out)
    assert lines == LINES and 0 < measured < 400  # only code lines may differ, by their timings


def test_resume_after_the_job_is_killed(
    ray_cluster: str, mixed: tuple[Path, Path], tmp_path: Path
) -> None:
    src, local = mixed
    out = tmp_path / "resumed.jsonl"
    args = [
        "--engine",
        "ray",
        "--address",
        ray_cluster,
        "--shard-rows",
        "250",
        "--chunk-size",
        "32",
    ]
    proc = subprocess.Popen(
        _command(src, out, *args),
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 900
    while not out.exists() or out.read_bytes().count(b"\n") < LINES // 2:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    done_at_kill = out.read_bytes().count(b"\n")
    assert LINES // 2 <= done_at_kill < LINES

    summary = _score(src, out, *args, "--resume")
    scored, _, rest = summary.partition(" scored")
    assert int(scored) == LINES - done_at_kill
    assert f"{done_at_kill} already done" in rest
    lines, _ = same_results(local, out)
    assert lines == LINES


def test_parquet_and_shard_folders(ray_cluster: str, tmp_path: Path) -> None:
    """A folder of JSONL shards in, Parquet out: both engines write the same table."""
    import pyarrow.parquet as pq

    folder = tmp_path / "shards"
    folder.mkdir()
    for n in range(3):
        write_mixed(folder / f"part-{n:05d}.jsonl", 150, code_share=0.0, seed=n)
    local, ray_out = tmp_path / "local.parquet", tmp_path / "ray.parquet"
    _score(folder, local)
    _score(folder, ray_out, "--engine", "ray", "--address", ray_cluster, "--shard-rows", "40")
    assert pq.read_table(ray_out).equals(pq.read_table(local))
    assert pq.read_table(local).num_rows == 450

    again = tmp_path / "again.jsonl"
    _score(ray_out, again, "--engine", "ray", "--address", ray_cluster)  # Parquet in, row groups
    _score(ray_out, tmp_path / "again-local.jsonl")
    assert again.read_bytes() == (tmp_path / "again-local.jsonl").read_bytes()


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process under ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
            except OSError:
                continue
            found.append((child, cmdline.replace(b"\0", b" ").decode(errors="replace")))
            todo.append(child)
    return found


def test_a_killed_actor_is_replaced_and_its_batches_scored_again(
    ray_cluster: str, tmp_path: Path
) -> None:
    """SIGKILL the scoring actor mid-run (as a lost node would): Ray Data starts another
    and retries its batches; the output is still the local engine's."""
    import asyncio
    import threading

    from reward_server.batch import score_file
    from reward_server.config import Settings
    from reward_server.ray.data import score_dataset

    src, local, out = tmp_path / "in.jsonl", tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    write_mixed(src, 3000, code_share=0.0, seed=11)
    settings = Settings(workers=2, sandbox={"enabled": False})
    asyncio.run(score_file(src, local, settings, progress=False))
    killed: list[int] = []

    def kill_the_actor() -> None:
        while not out.exists() or out.read_bytes().count(b"\n") < 750:
            time.sleep(0.05)
        for pid, cmdline in _descendants(os.getpid()):
            if cmdline.startswith("ray::MapWorker"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    killer = threading.Thread(target=kill_the_actor, daemon=True)
    killer.start()
    stats = score_dataset(src, out, settings, progress=False, shard_rows=300, chunk_size=32)
    killer.join(timeout=5)
    assert killed, "no actor was found to kill"
    assert stats.scored == 3000
    assert out.read_bytes() == local.read_bytes()
