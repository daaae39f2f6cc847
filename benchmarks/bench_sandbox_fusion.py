"""verl's SandboxFusion pattern against our own API, on the same tests, in one run.

A real server (a subprocess on loopback, sandbox pool of ``--pool``) gets the same work
twice:

- **verl's pattern**: one ``POST /run_code`` per test (the program and one stdin), 64 in
  flight, the output compared on the client side, as verl's ``check_correctness`` does;
- **ours**: one ``POST /v1/score`` per item carrying all its tests (``code.tests``), 64
  items in flight; the sandbox runs an item's tests in one job.

It prints executions (tests run) per second for each and their ratio, and checks that
every answer is right (every program is correct, so every test must pass).

    .venv/bin/python benchmarks/bench_sandbox_fusion.py [--items 48] [--tests 8] [--pool 2]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server_process import ServerProcess  # noqa: E402

PROGRAM = "a, b = map(int, input().split())\nprint(a * b + {k})\n"
IN_FLIGHT = 64


def items(n: int, tests: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        cases = []
        for _ in range(tests):
            a, b = rng.randint(-1000, 1000), rng.randint(-1000, 1000)
            cases.append({"input": f"{a} {b}\n", "output": f"{a * b + k}\n"})
        out.append({"program": PROGRAM.format(k=k), "tests": cases})
    return out


async def verl_pattern(url: str, work: list[dict]) -> tuple[float, int, int]:
    gate = asyncio.Semaphore(IN_FLIGHT)
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def one(program: str, test: dict) -> bool:
            async with gate:
                body = {"code": program, "stdin": test["input"], "language": "python",
                        "run_timeout": 5, "compile_timeout": 5}  # fmt: skip
                answer = (await client.post("/run_code", json=body)).json()
            run = answer.get("run_result") or {}
            return (
                answer.get("status") == "Success"
                and (run.get("stdout") or "").split() == test["output"].split()
            )

        jobs = [one(item["program"], test) for item in work for test in item["tests"]]
        began = time.perf_counter()
        passed = sum(await asyncio.gather(*jobs))
        return time.perf_counter() - began, passed, len(jobs)


async def score_api(url: str, work: list[dict]) -> tuple[float, int, int]:
    gate = asyncio.Semaphore(IN_FLIGHT)
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def one(item: dict) -> int:
            completion = f"```python\n{item['program']}```"
            body = {"items": [{"completion": completion, "task": "code",
                               "code": {"tests": item["tests"], "time_limit_s": 5.0}}]}  # fmt: skip
            async with gate:
                result = (await client.post("/v1/score", json=body)).json()["results"][0]
            return int(result["details"]["accuracy"]["passed"]) if result["status"] == "ok" else 0

        began = time.perf_counter()
        passed = sum(await asyncio.gather(*(one(item) for item in work)))
        return time.perf_counter() - began, passed, sum(len(i["tests"]) for i in work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=48)
    parser.add_argument("--tests", type=int, default=8)
    parser.add_argument("--pool", type=int, default=2, help="sandbox containers")
    args = parser.parse_args()
    work = items(args.items, args.tests)
    env = {
        "REWARD_SANDBOX__ENABLED": "true",
        "REWARD_SANDBOX__POOL_SIZE": str(args.pool),
        "REWARD_SANDBOX__OWNER": f"bench-sandbox-fusion-{uuid.uuid4().hex[:8]}",
    }
    server = ServerProcess(workers=1, extra_env=env).start(timeout=300)
    try:
        print(f"{args.items} items x {args.tests} tests, pool {args.pool}, {IN_FLIGHT} in flight")
        asyncio.run(verl_pattern(server.url, work[:4]))  # warm both paths once
        asyncio.run(score_api(server.url, work[:4]))
        t_verl, ok_verl, n = asyncio.run(verl_pattern(server.url, work))
        t_ours, ok_ours, _ = asyncio.run(score_api(server.url, work))
    finally:
        server.stop()
    rate_verl, rate_ours = n / t_verl, n / t_ours
    print(
        f"verl pattern (/run_code per test): {rate_verl:7.1f} executions/s ({n} in {t_verl:.1f} s, {ok_verl}/{n} right)"
    )
    print(
        f"/v1/score (one request per item):  {rate_ours:7.1f} executions/s ({n} in {t_ours:.1f} s, {ok_ours}/{n} right)"
    )
    print(f"ratio /v1/score / verl pattern: {rate_ours / rate_verl:.2f}x")
    if ok_verl != n or ok_ours != n:
        raise SystemExit("some correct program was not accepted")


if __name__ == "__main__":
    main()
