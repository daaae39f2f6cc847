"""What Ray costs and buys on one machine: Serve against uvicorn, replicas, Ray Data.

Every figure is a ratio against a baseline measured in the same run:

- Serve overhead: p50 latency of one group of 16 CoTs (format + language, as in
  bench_score) through Serve (one replica, all cores as verifier workers) against the same
  requests to ``reward-server serve`` (uvicorn, same workers).
- Replica scaling: throughput (groups/s, 8 groups in flight) of 2 replicas against 1,
  each replica given half the cores (one verifier worker per core it holds).
- Ray Data: ``reward-server score --engine ray`` against the local engine on the same
  10,000-line file (math, format and language items), output compared line for line.

    .venv/bin/python benchmarks/bench_ray.py [--groups 40] [--lines 10000] [--skip-data]

Ray runs as a throwaway local cluster of this machine's cores (``RAY_AUTH_MODE=disabled``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_score import completion, percentile, serve_groups  # noqa: E402
from reward_server.config import Settings  # noqa: E402
from tests.support.ray_cluster import RAY_ENV, local_cluster  # noqa: E402
from tests.support.server_process import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _groups(n: int, size: int, seed: int = 0) -> list[list[dict]]:
    rng = random.Random(seed)
    return [
        [
            {"id": f"{g}-{i}", "completion": completion(rng), "target_lang": "en"}
            for i in range(size)
        ]
        for g in range(n)
    ]


@contextmanager
def _uvicorn(workers: int) -> Iterator[str]:
    """``reward-server serve`` in this process's session: Linux schedules CPU time between
    sessions (autogroups), so the server must share one with the Ray cluster it is
    compared with, or the comparison measures the scheduler, not the servers."""
    port = free_port()
    env = {**os.environ, "REWARD_WORKERS": str(workers), "REWARD_SANDBOX__ENABLED": "false"}
    cmd = [sys.executable, "-m", "reward_server.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("reward-server serve did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def _serve(name: str, replicas: int, workers: int, port: int) -> str:
    from reward_server.ray.options import ServeOptions
    from reward_server.ray.serve import deploy

    settings = Settings(workers=workers, sandbox={"enabled": False})
    options = ServeOptions(replicas=replicas, app_name=name, route_prefix=f"/{name}")
    return deploy(settings, options, host="127.0.0.1", port=port)


def _interleaved(
    urls: dict[str, str], groups: list[list[dict]], concurrency: int, rounds: int
) -> dict[str, tuple[list[float], float]]:
    """Each target in turn, ``rounds`` times, so a busy moment of a shared machine falls
    on all of them alike: latencies and total wall time per target."""
    found: dict[str, tuple[list[float], float]] = {name: ([], 0.0) for name in urls}
    size = max(1, len(groups) // rounds)
    for r in range(rounds):
        part = groups[r * size : (r + 1) * size]
        for name, url in urls.items():
            latencies, wall = asyncio.run(serve_groups(url, part, concurrency))
            found[name][0].extend(latencies)
            found[name] = (found[name][0], found[name][1] + wall)
    return found


def bench_serve(groups: list[list[dict]], rounds: int) -> None:
    cores = os.cpu_count() or 1
    half = max(1, cores // 2)
    os.environ.update(RAY_ENV)
    # Logical CPUs for all three applications at once (they take turns being measured).
    with _uvicorn(cores) as uvicorn_url, local_cluster(num_cpus=3 * cores, docker=False):
        port = free_port()
        full = _serve("full", 1, cores, port)
        one = _serve("one", 1, half, port)
        two = _serve("two", 2, half, port)
        latency = _interleaved({"uvicorn": uvicorn_url, "serve": full}, groups, 1, rounds)
        tput = _interleaved(
            {"uvicorn": uvicorn_url, "serve": full, "one": one, "two": two}, groups, 8, rounds
        )
    u_p50, s_p50 = (percentile(latency[k][0], 0.5) for k in ("uvicorn", "serve"))
    rate = {k: len(groups) / wall for k, (_, wall) in tput.items()}
    print(
        f"machine: {cores} cores; groups of {len(groups[0])} CoTs, format + language; {rounds} rounds"
    )
    print(
        f"uvicorn ({cores} workers):      p50 {u_p50 * 1000:7.1f} ms   {rate['uvicorn']:6.2f} groups/s (8 in flight)"
    )
    print(
        f"Serve, 1 replica x {cores}:       p50 {s_p50 * 1000:7.1f} ms   {rate['serve']:6.2f} groups/s"
    )
    print(f"Serve overhead, p50 ratio Serve/uvicorn:       {s_p50 / u_p50:6.2f}")
    print(f"throughput ratio Serve/uvicorn:                {rate['serve'] / rate['uvicorn']:6.2f}")
    print(
        f"replicas of {half} worker(s): 1 -> {rate['one']:6.2f} groups/s, 2 -> {rate['two']:6.2f} groups/s"
    )
    print(f"scaling ratio 2 replicas / 1 replica:          {rate['two'] / rate['one']:6.2f}")


def _items_file(path: Path, lines: int, seed: int = 1) -> None:
    """Math, format and language items, and a few malformed lines."""
    import json

    rng = random.Random(seed)
    with path.open("w") as fh:
        for i in range(lines):
            kind = i % 10
            if kind == 9:
                fh.write("{not json\n" if i % 20 == 9 else '["a list"]\n')
                continue
            text = completion(rng, words=rng.choice([50, 200, 600]))
            if kind < 4:
                item = {"id": i, "task": "math", "answer": "12", "completion": text}
            elif kind < 7:
                item = {"id": i, "completion": text}
            else:
                item = {"id": i, "target_lang": "en", "completion": text}
            fh.write(json.dumps(item) + "\n")


def _score(
    src: Path, out: Path, lines: int, env: dict[str, str], *extra: str
) -> tuple[float, float]:
    """(wall time of the command, lines/s while it wrote the middle 80 % of its output).

    The second figure leaves out what is paid once (starting Ray, the actors, the worker
    pools) and the tail, so it is the rate a long run settles at."""
    cmd = [sys.executable, "-m", "reward_server.cli", "score", str(src), "-o", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--no-progress", *extra], env=env, cwd=ROOT)
    marks: dict[float, float] = {}
    while proc.poll() is None:
        done = out.read_bytes().count(b"\n") if out.exists() else 0
        for share in (0.1, 0.9):
            if share not in marks and done >= share * lines:
                marks[share] = time.perf_counter()
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"score failed: {proc.returncode}")
    if len(marks) < 2 or marks[0.9] <= marks[0.1]:
        return wall, float("nan")
    return wall, 0.8 * lines / (marks[0.9] - marks[0.1])


def bench_data(lines: int) -> None:
    cores = os.cpu_count() or 1
    env = {
        **os.environ,
        **RAY_ENV,
        "PYTHONPATH": str(ROOT),
        "REWARD_WORKERS": str(cores),
        "REWARD_SANDBOX__ENABLED": "false",
    }
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.jsonl")
        outs = {name: Path(tmp, f"{name}.jsonl") for name in ("local", "joined", "own")}
        _items_file(src, lines)
        local, local_rate = _score(src, outs["local"], lines, env)
        # A job on a cluster that already runs (the usual case), then one that starts its own.
        os.environ.update(RAY_ENV)
        with local_cluster(num_cpus=cores, docker=False) as address:
            joined, joined_rate = _score(
                src, outs["joined"], lines, env, "--engine", "ray", "--address", address
            )
        own, _ = _score(src, outs["own"], lines, env, "--engine", "ray")
        reference = outs["local"].read_bytes()
        same = all(outs[name].read_bytes() == reference for name in ("joined", "own"))
    print(f"score {lines} lines (math, format, language, 10 % malformed), {cores} workers:")
    print(f"  local engine:                    {local:6.1f} s, steady {local_rate:7.1f} lines/s")
    print(f"  Ray Data, joining a cluster:     {joined:6.1f} s, steady {joined_rate:7.1f} lines/s")
    print(f"  Ray Data, starting its cluster:  {own:6.1f} s")
    print(f"  outputs identical to the local engine's: {same}")
    print(f"time ratio Ray Data (joining) / local engine:  {joined / local:6.2f}")
    print(f"time ratio Ray Data (own cluster) / local:     {own / local:6.2f}")
    print(f"steady rate ratio Ray Data / local engine:     {joined_rate / local_rate:6.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=40)
    ap.add_argument("--group-size", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--skip-data", action="store_true")
    args = ap.parse_args()
    if not args.skip_serve:
        bench_serve(_groups(args.groups, args.group_size), args.rounds)
    if not args.skip_data:
        bench_data(args.lines)


if __name__ == "__main__":
    main()
