"""Round trip of one rollout group (16 completions, format + math) through the client and server.

A real server runs as a subprocess on loopback (sandbox off, ``--workers`` verifier
processes), the way a trainer sees it.  In the same run we measure, on the same groups:

- ``RewardClient.score`` (one POST per group: retries, pooling, validation included);
- a bare ``httpx.Client.post`` of the same body: the client's own overhead;
- the same verifiers called in this process with no HTTP and no workers: the price of
  the service (serialisation, HTTP, worker hops) on top of the verification itself;
- a real ``GRPOTrainer`` step on the tiny random Qwen2 (CPU) with ``ServerReward``,
  one group of 16 per step: the reward call's share of the step.

Each group is distinct (its own numbers and golds) so no cache flatters a repeat.  The
tiny model's step is far shorter than a real model's on a GPU, so its share is an upper
bound of what a real run pays.

    .venv/bin/python benchmarks/bench_client.py [--groups 100] [--workers 2] [--steps 4]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from trainer_client import RewardClient, ServerReward

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.server_process import ServerProcess  # noqa: E402

G = 16
FILLER = (
    "Let me restate the problem and check each step carefully before answering. "
    "First I expand the expression, then I collect like terms and simplify. "
)


def completion(a: int, b: int, rng: random.Random) -> tuple[str, str]:
    """An R1-style completion of ~150 words for ``a * b``, right about 60 % of the time."""
    gold = str(a * b)
    said = gold if rng.random() < 0.6 else str(a * b + rng.randint(1, 9))
    answer = rng.choice(
        [f"\\boxed{{{said}}}", f"The answer is ${said}$.", f"<answer>{said}</answer>"]
    )
    body = FILLER * rng.randint(4, 8) + f"So {a} \\times {b} = {said}."
    text = f"<think>{body}</think> {answer}" if rng.random() < 0.9 else body + answer
    return text, gold


def make_groups(n: int, seed: int = 0) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    groups = []
    for _ in range(n):
        a, b = rng.randint(10, 999), rng.randint(10, 999)
        items = []
        for _ in range(G):
            text, gold = completion(a, b, rng)
            items.append({"completion": text, "task": "math", "answer": gold})
        groups.append(items)
    return groups


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fmt(values: list[float]) -> str:
    return f"p50 {1000 * pct(values, 0.5):8.2f} ms   p99 {1000 * pct(values, 0.99):8.2f} ms"


def bench_round_trips(url: str, groups: list[list[dict[str, Any]]]) -> dict[str, list[float]]:
    from reward_server.verifiers.format import check_format
    from reward_server.verifiers.math import check_math

    times: dict[str, list[float]] = {"client": [], "bare httpx": [], "in-process": []}
    with RewardClient(url) as client, httpx.Client(timeout=120) as bare:
        client.score(groups[0])  # warm: connections, worker caches for the tiny parts
        bare.post(url + "/v1/score", json={"items": groups[0]}).raise_for_status()
        for group in groups[1:]:
            # Interleaved so machine noise falls on all three alike.
            t = time.perf_counter()
            results = client.score(group)
            times["client"].append(time.perf_counter() - t)
            assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]
            t = time.perf_counter()
            bare.post(url + "/v1/score", json={"items": group}).raise_for_status()
            times["bare httpx"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for item in group:
                check_format(item["completion"])
                check_math(item["completion"], item["answer"])
            times["in-process"].append(time.perf_counter() - t)
    return times


class TimedReward:
    """Wraps a reward function and records how long each call took."""

    def __init__(self, inner: ServerReward) -> None:
        self.inner = inner
        self.__name__ = inner.__name__
        self.calls: list[float] = []

    def __call__(self, **kwargs: Any) -> list[float | None]:
        t = time.perf_counter()
        try:
            return self.inner(**kwargs)
        finally:
            self.calls.append(time.perf_counter() - t)


def bench_grpo_steps(url: str, steps: int) -> tuple[list[float], list[float]]:
    from transformers import TrainerCallback
    from transformers.trainer_callback import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer

    from trainer_client.tiny_model import tiny_random_model
    from trainer_client.train_grpo import load_prompts

    dataset = load_prompts(str(ROOT / "examples" / "grpo_math.jsonl"))
    model, tokenizer = tiny_random_model([str(p) for p in dataset["prompt"]])
    reward = TimedReward(ServerReward(url, num_generations=G, task="math"))
    step_times: list[float] = []

    class StepTimer(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.t = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            step_times.append(time.perf_counter() - self.t)

    config = GRPOConfig(
        output_dir=tempfile.mkdtemp(prefix="bench-grpo-"),
        num_generations=G,
        per_device_train_batch_size=G,
        max_completion_length=64,
        max_steps=steps + 1,
        learning_rate=1e-4,
        use_cpu=True,
        bf16=False,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[reward],
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[StepTimer()],
    )
    trainer.remove_callback(PrinterCallback)
    trainer.train()
    return step_times[1:], reward.calls[1:]  # the first step pays one-off warm-ups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--no-grpo", action="store_true", help="skip the GRPO step (no torch/trl)")
    args = parser.parse_args()

    server = ServerProcess(workers=args.workers).start()
    try:
        groups = make_groups(args.groups + 1)
        words = statistics.mean(len(it["completion"].split()) for g in groups for it in g)
        print(
            f"{args.groups} groups of {G} completions (~{words:.0f} words each), format + math; "
            f"server with {args.workers} worker(s), {os.cpu_count()} CPU(s)"
        )
        times = bench_round_trips(server.url, groups)
        base = statistics.median(times["in-process"])
        for name, values in times.items():
            print(
                f"  {name:<11} {fmt(values)}   x{statistics.median(values) / base:6.2f} vs in-process"
            )
        client_p50 = statistics.median(times["client"])
        print(
            f"  client overhead over bare httpx (p50): "
            f"{1000 * (client_p50 - statistics.median(times['bare httpx'])):+.2f} ms"
        )
        if not args.no_grpo:
            steps, calls = bench_grpo_steps(server.url, args.steps)
            step = statistics.median(steps)
            print(
                f"GRPO step, tiny random Qwen2 on CPU, 1 group of {G} x 64 tokens: p50 {1000 * step:.0f} ms "
                f"over {len(steps)} steps"
            )
            print(
                f"  ServerReward call in the step (its own completions): p50 {1000 * statistics.median(calls):.1f} ms"
                f" = {100 * statistics.median(calls) / step:.1f} % of the step"
            )
            print(
                f"  a realistic group's round trip (client p50 above) = {100 * client_p50 / step:.1f} % of the step"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
