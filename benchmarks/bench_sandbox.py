"""Executions per second of a trivial test: the warm pool against ``docker run`` per test.

In one run, with the same parallelism (the pool size, by default the server's: cores + 1):

- the warm pool (:class:`sandbox.docker.DockerSandbox`): one job of one test each, the
  worst case for the pool since nothing amortises over tests;
- the same pool with jobs of 10 tests each (tests per second);
- the baseline the issue names: a hardened ``docker run --rm`` per execution (same
  flags as the pool: no network, read-only root, non-root, no capabilities, limits).

The program is ``print(sum(map(int, input().split())))`` on a random line, and every
answer is checked, so a fast wrong sandbox cannot look good.

    .venv/bin/python benchmarks/bench_sandbox.py [--jobs 2000] [--baseline 40] [--pool N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor

import docker

from sandbox.config import PoolConfig
from sandbox.docker import DockerSandbox
from sandbox.images.build import DEFAULT_TAG, ensure_image
from sandbox.types import Job, TestCase, Verdict

PROGRAM = "print(sum(map(int, input().split())))"


def cases(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.randint(-(10**9), 10**9), rng.randint(-(10**9), 10**9)
        out.append((f"{a} {b}\n", str(a + b)))
    return out


async def pool_rate(config: PoolConfig, jobs: int, tests_per_job: int) -> tuple[float, float]:
    backend = DockerSandbox(config)
    await backend.start()
    try:
        warm = [Job("python", PROGRAM, [TestCase("1 2")]) for _ in range(4 * config.pool_size)]
        await asyncio.gather(*(backend.run(job) for job in warm))
        data = cases(jobs * tests_per_job, seed=tests_per_job)
        batches = [data[i : i + tests_per_job] for i in range(0, len(data), tests_per_job)]
        began = time.perf_counter()
        results = await asyncio.gather(
            *(
                backend.run(Job("python", PROGRAM, [TestCase(stdin) for stdin, _ in batch]))
                for batch in batches
            )
        )
        elapsed = time.perf_counter() - began
    finally:
        await backend.close()
    for batch, result in zip(batches, results):
        assert result.error is None, result.error
        for (_, expected), run in zip(batch, result.runs):
            assert run.verdict is Verdict.OK and run.stdout.strip() == expected, run
    executions = jobs * tests_per_job
    return executions / elapsed, elapsed


def docker_run_rate(config: PoolConfig, runs: int) -> tuple[float, float]:
    client = docker.from_env()
    data = cases(runs, seed=99)

    def one(case: tuple[str, str]) -> None:
        stdin, expected = case
        out = client.containers.run(
            config.image,
            [
                "python3",
                "-I",
                "-c",
                f"import sys; sys.stdin = __import__('io').StringIO({stdin!r}); {PROGRAM}",
            ],
            remove=True,
            network_mode="none",
            read_only=True,
            user="61000:61000",
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            pids_limit=config.pids_limit,
            mem_limit=f"{config.container_memory_mb}m",
            memswap_limit=f"{config.container_memory_mb}m",
            nano_cpus=int(config.cpus * 1e9),
            tmpfs={"/tmp": "rw,size=64m"},
            stdout=True,
            stderr=True,
        )
        assert out.decode().strip() == expected, out

    with ThreadPoolExecutor(config.pool_size) as pool:
        list(pool.map(one, data[: config.pool_size]))  # warm the engine
        began = time.perf_counter()
        list(pool.map(one, data))
        elapsed = time.perf_counter() - began
    return runs / elapsed, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000, help="one-test jobs through the pool")
    parser.add_argument("--baseline", type=int, default=40, help="docker run executions")
    parser.add_argument(
        "--pool",
        type=int,
        default=PoolConfig().pool_size,
        help="parallelism (pool size; default as the server: cores + 1)",
    )
    parser.add_argument("--image", default=DEFAULT_TAG)
    args = parser.parse_args()

    ensure_image(args.image)
    config = PoolConfig(image=args.image, pool_size=args.pool)
    cores = os.cpu_count() or 1
    print(f"{cores} cores, parallelism {args.pool}")
    rate1, t1 = asyncio.run(pool_rate(config, args.jobs, 1))
    print(f"warm pool, 1 test per job:    {rate1:8.1f} executions/s  ({args.jobs} in {t1:.1f} s)")
    rate10, t10 = asyncio.run(pool_rate(config, max(1, args.jobs // 10), 10))
    print(
        f"warm pool, 10 tests per job:  {rate10:8.1f} executions/s  ({args.jobs // 10 * 10} in {t10:.1f} s)"
    )
    base, tb = docker_run_rate(config, args.baseline)
    print(
        f"docker run per execution:     {base:8.1f} executions/s  ({args.baseline} in {tb:.1f} s)"
    )
    print(
        f"speed-up over docker run:     {rate1 / base:8.1f}x (1 test/job), {rate10 / base:.1f}x (10 tests/job)"
    )
    print(
        f"target >= 150/s on 2 cores:   {'met' if rate1 >= 150 * cores / 2 else 'NOT met'} "
        f"(scaled to {cores} cores: {150 * cores / 2:.0f}/s; pool of {args.pool})"
    )


if __name__ == "__main__":
    main()
