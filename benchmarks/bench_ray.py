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


def _score(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reward_server.cli", "score", *args, "--no-progress"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - t0


def bench_data(lines: int) -> None:
    """Each engine on ``lines`` and on twice as many: the difference is the cost of
    ``lines`` more lines once everything has started (the steady rate at scale)."""
    cores = os.cpu_count() or 1
    env = {
        **os.environ,
        **RAY_ENV,
        "PYTHONPATH": str(ROOT),
        "REWARD_WORKERS": str(cores),
        "REWARD_SANDBOX__ENABLED": "false",
    }
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "small.jsonl"), Path(tmp, "large.jsonl")
        _items_file(small, lines)
        _items_file(large, 2 * lines)

        def run(name: str, src: Path, *extra: str) -> None:
            times[name] = _score([str(src), "-o", str(Path(tmp, f"{name}.jsonl")), *extra], env)

        os.environ.update(RAY_ENV)
        with local_cluster(num_cpus=cores, docker=False) as address:
            joined = ["--engine", "ray", "--address", address]
            for size, src in (("1x", small), ("2x", large)):
                run(f"local-{size}", src)
                run(f"ray-{size}", src, *joined)
        run("own-1x", small, "--engine", "ray")
        same = all(
            Path(tmp, f"{name}-{size}.jsonl").read_bytes()
            == Path(tmp, f"local-{size}.jsonl").read_bytes()
            for name, size in (("ray", "1x"), ("ray", "2x"), ("own", "1x"))
        )
    local, ray_ = times["local-1x"], times["ray-1x"]
    steady_local = lines / (times["local-2x"] - local)
    steady_ray = lines / (times["ray-2x"] - ray_)
    print(f"score {lines} lines (math, format, language, 10 % malformed), {cores} workers:")
    print(f"  local engine:                     {local:6.1f} s  {lines / local:7.1f} lines/s")
    print(f"  Ray Data, joining a cluster:      {ray_:6.1f} s  {lines / ray_:7.1f} lines/s")
    print(f"  Ray Data, starting its cluster:   {times['own-1x']:6.1f} s")
    print(
        f"  steady rate (the next {lines} lines): local {steady_local:7.1f}/s, Ray {steady_ray:7.1f}/s"
    )
    print(f"  outputs identical to the local engine's: {same}")
    print(f"time ratio Ray Data (joining) / local engine:  {ray_ / local:6.2f}")
    print(f"time ratio Ray Data (own cluster) / local:     {times['own-1x'] / local:6.2f}")
    print(f"steady rate ratio Ray Data / local engine:     {steady_ray / steady_local:6.2f}")


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
