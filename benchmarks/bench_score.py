"""Latency and throughput of POST /v1/score for rollout groups of 16 long CoTs.

A real server process (`reward-server serve`, one verifier process per core) on a
loopback port scores groups of 16 completions of ~2,000 words each with the format and language
rewards (target English; a quarter of the completions mix in French or Chinese).  The
baseline, measured in the same run, is the same verifier calls made one after another in
this process with no HTTP and no worker processes: the ratio shows what serving adds or
saves (on 2 cores the pool should make the server faster than the sequential baseline).

    .venv/bin/python benchmarks/bench_score.py [--groups 30] [--concurrency 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_language import EN, FR, ZH  # noqa: E402
from reward_server.config import Settings  # noqa: E402
from reward_server.verifiers.format import check_format  # noqa: E402
from reward_server.verifiers.language import check_language  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

LATEX = " We have $\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$ and so \\[ x^2 - 5x + 6 = 0 \\]."


def completion(rng: random.Random, words: int = 2000) -> str:
    mix = rng.choice([None, None, None, FR, ZH])
    parts: list[str] = []
    count = 0
    while count < words:
        bank = mix if (mix is not None and rng.random() < 0.3) else EN
        sentence = rng.choice(bank)
        if rng.random() < 0.05:
            sentence += LATEX
        parts.append(sentence)
        count += len(sentence.split()) if bank is not ZH else len(sentence)
    return "<think>" + " ".join(parts) + "</think> The answer is \\boxed{12}."


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def serve_groups(
    url: str, groups: list[list[dict]], concurrency: int
) -> tuple[list[float], float]:
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def one(items: list[dict]) -> None:
            async with sem:
                t0 = time.perf_counter()
                r = await client.post("/v1/score", json={"items": items, "group_size": len(items)})
                r.raise_for_status()
                assert all(x["status"] == "ok" for x in r.json()["results"])
                latencies.append(time.perf_counter() - t0)

        await one(groups[0])  # warm-up, not counted
        latencies.clear()
        t0 = time.perf_counter()
        await asyncio.gather(*(one(g) for g in groups))
        return latencies, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=30)
    ap.add_argument("--group-size", type=int, default=16)
    ap.add_argument("--concurrency", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(0)
    groups = [
        [
            {"id": f"{g}-{i}", "completion": completion(rng), "target_lang": "en"}
            for i in range(args.group_size)
        ]
        for g in range(args.groups)
    ]
    words = statistics.mean(len(it["completion"].split()) for g in groups for it in g)

    # Baseline: the same verifier calls, sequential, in this process.
    check_language("<think>warm up, ceci est une phrase.</think>", "en")
    base = []
    for g in groups[: max(3, args.groups // 3)]:
        t0 = time.perf_counter()
        for it in g:
            check_format(it["completion"])
            check_language(it["completion"], "en")
        base.append(time.perf_counter() - t0)

    settings = Settings(sandbox={"enabled": False})
    # The server runs in its own process (as in production), so this client does not
    # share its GIL.
    with ServerProcess(workers=settings.workers) as server:
        latencies, wall = asyncio.run(serve_groups(server.url, groups, args.concurrency))

    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    b50 = percentile(base, 0.5)
    print(f"machine: {os.cpu_count()} cores; server workers: {settings.workers}")
    print(
        f"groups: {args.groups} x {args.group_size} completions, ~{words:.0f} whitespace words each, "
        f"format + language, concurrency {args.concurrency}"
    )
    print(
        f"/v1/score per group:     p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   (target p50 <= 1000 ms)"
    )
    print(
        f"throughput:              {len(groups) / wall:7.2f} groups/s   {len(groups) * args.group_size / wall:7.1f} completions/s"
    )
    print(f"baseline in-process seq: p50 {b50 * 1000:7.1f} ms per group")
    print(f"ratio server/baseline:   {p50 / b50:7.2f}")


if __name__ == "__main__":
    main()
