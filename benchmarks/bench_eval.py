"""Time and peak memory of `report` and `filter` over a million generated scored lines.

The generated file has the shape `reward-server score` writes: GRPO-style groups of 16
samples per prompt (62,500 prompts for 1M lines) in 4 datasets, completions of 200-2,000
characters, answers written in several equivalent forms (`7`, `7.0`, `\\frac{14}{2}`) so
the clustering has real comparisons to make, and a few timeouts and errors.

Each measured step runs in a fresh process whose peak RSS (VmHWM) is reported; the
comparison workers of the clustering are separate processes, not counted there.  The
baselines, measured in the same run on the same machine:

- *parse only*: `json.loads` of every line and nothing else, the floor for any JSONL
  reader; the report's time is printed as a ratio to it;
- *load all*: the naive evaluation that first loads every record into a list (as people
  do with pandas or a list of dicts); its peak RSS on a tenth of the file shows what a
  non-streaming report would need.  The report's memory is measured on the 1M-line file
  and on a file with the same prompts but a quarter of the lines: streaming means the two
  are close, because memory follows prompts, not lines.

    .venv/bin/python benchmarks/bench_eval.py [--lines 1000000] [--per-prompt 16] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "so",
    "we",
    "need",
    "to",
    "find",
    "the",
    "value",
    "first",
    "note",
    "that",
    "the",
    "sum",
    "of",
    "the",
    "terms",
    "is",
    "equal",
    "to",
    "the",
    "product",
    "and",
    "therefore",
    "we",
    "can",
    "substitute",
    "back",
    "into",
    "the",
    "equation",
    "to",
    "check",
    "wait",
    "let",
    "me",
    "recompute",
    "this",
    "carefully",
    "because",
    "the",
    "sign",
    "matters",
    "here",
]


def _forms(value: int) -> list[str]:
    return [str(value), f"{value}.0", f"\\frac{{{2 * value}}}{{2}}"]


def generate(path: Path, lines: int, per_prompt: int, seed: int = 0) -> None:
    """Write ``lines`` scored records, ``per_prompt`` samples per prompt."""
    rng = random.Random(seed)
    filler = " ".join(rng.choice(WORDS) for _ in range(600))
    datasets = ["aime", "math500", "gsm8k", "amc"]
    with path.open("w", encoding="utf-8") as fh:
        buffer: list[str] = []
        prompts = lines // per_prompt + (lines % per_prompt > 0)
        written = 0
        for p in range(prompts):
            gold = rng.randint(2, 999)
            skill = rng.random()
            wrong = [gold + 1, gold - 1, 2 * gold]
            dataset = datasets[p % len(datasets)]
            prompt = f"Problem {p}: compute the value of the expression number {gold}. " * 3
            for s in range(min(per_prompt, lines - written)):
                status, error = "ok", None
                roll = rng.random()
                if roll < 0.01:
                    status = "timeout"
                    error = {"type": "deadline_exceeded", "message": "2 s", "retryable": False}
                elif roll < 0.015:
                    status = "error"
                    error = {"type": "worker_crashed", "message": "died", "retryable": True}
                correct = rng.random() < skill
                value = gold if correct else rng.choice(wrong)
                answer = rng.choice(_forms(value)) if rng.random() > 0.03 else None
                start = rng.randint(0, len(filler) - 2000)
                think = filler[start : start + rng.randint(200, 2000)]
                completion = f"<think>{think}</think> The answer is \\boxed{{{answer}}}."
                language = 1.0 if rng.random() > 0.05 else round(rng.random(), 3)
                fmt = 1.0 if rng.random() > 0.04 else 0.0
                accuracy = None if status != "ok" else (1.0 if correct and answer else 0.0)
                record = {
                    "id": f"{dataset}-{p}-{s}",
                    "prompt": prompt,
                    "dataset": dataset,
                    "task": "math",
                    "answer": str(gold),
                    "target_lang": "en",
                    "completion": completion,
                    "reward": None if status != "ok" else (accuracy or 0.0) + fmt + language,
                    "status": status,
                    "scores": {"accuracy": accuracy, "format": fmt, "language": language},
                    "details": {
                        "format": {"reason": "ok" if fmt else "no_think_block"},
                        "language": {"target": "en", "words": 120, "cot": "think"},
                        "accuracy": {
                            "extracted": answer,
                            "extraction": "boxed",
                            "comparison": "exact",
                            "gold_normalised": str(gold),
                        },
                    },
                    "error": error,
                }
                buffer.append(json.dumps(record))
                written += 1
            if len(buffer) >= 10_000:
                fh.write("\n".join(buffer) + "\n")
                buffer = []
        if buffer:
            fh.write("\n".join(buffer) + "\n")


# -- measured steps, each in a child process -------------------------------------------------


def child(step: str, args: list[str]) -> dict[str, object]:
    start = time.perf_counter()
    extra: dict[str, object] = {}
    if step == "parse":
        with open(args[0], encoding="utf-8") as fh:
            for line in fh:
                json.loads(line)
    elif step == "load_all":
        with open(args[0], encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        extra["rows"] = len(rows)
    elif step == "report":
        from reward_server.eval import ReportOptions, report_file

        cluster = args[1] == "cluster"
        report = report_file(Path(args[0]), ReportOptions(cluster=cluster, workers=int(args[2])))
        extra["pass@1"] = report["overall"]["pass@k"].get("1")
        extra["maj@8"] = report["overall"]["maj@k"].get("8")
        extra["clustering"] = report["meta"]["clustering"]
    elif step == "filter":
        from reward_server.eval import FilterCriteria, filter_file

        criteria = FilterCriteria(
            require=frozenset({"correct", "format", "language"}),
            max_per_prompt=4,
            dedupe=True,
            max_paragraph_chars=10_000,
            no_code_blocks=True,
        )
        summary = filter_file(Path(args[0]), Path(args[1]), criteria)
        extra["kept"] = summary.kept
    elif step == "to_parquet":
        from reward_server.records import InvalidRecord, open_writer, read_records

        with open_writer(Path(args[1])) as writer:
            batch: list[dict[str, object]] = []
            for record in read_records(Path(args[0])):
                if isinstance(record, InvalidRecord):
                    continue
                batch.append(record)
                if len(batch) == 8192:
                    writer.write(batch)
                    batch = []
            writer.write(batch)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "step": step,
        "seconds": round(seconds, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": peak_rss_mb(),
        **extra,
    }


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; ru_maxrss would include the parent's
    peak, which it inherits across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(step: str, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", step, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{step} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {step:<10} {' '.join(Path(a).name for a in args):<42} {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--per-prompt", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="Folder to keep the generated files in.")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.child:
        print(json.dumps(child(ns.child[0], ns.child[1:])))
        return

    work = ns.keep or Path(tempfile.mkdtemp(prefix="bench_eval_"))
    work.mkdir(parents=True, exist_ok=True)
    big, quarter = work / "scored.jsonl", work / "scored_quarter.jsonl"
    tenth = work / "scored_tenth.jsonl"
    t0 = time.perf_counter()
    if not big.exists():
        generate(big, ns.lines, ns.per_prompt)
        # The same number of prompts with a quarter of the samples each.
        generate(quarter, ns.lines // 4, max(1, ns.per_prompt // 4))
        with big.open() as src, tenth.open("w") as dst:
            for i, line in enumerate(src):
                if i >= ns.lines // 10:
                    break
                dst.write(line)
    size_mb = big.stat().st_size / 2**20
    print(
        f"{ns.lines:,} lines ({size_mb:,.0f} MB), {ns.per_prompt} per prompt, "
        f"{ns.workers} comparison workers; generated in {time.perf_counter() - t0:.0f} s"
    )
    w = str(ns.workers)
    parse = measure("parse", str(big))
    naive = measure("load_all", str(tenth))
    report = measure("report", str(big), "cluster", w)
    strings = measure("report", str(big), "no-cluster", w)
    report_q = measure("report", str(quarter), "cluster", w)
    filtered = measure("filter", str(big), str(work / "sft.jsonl"))
    parquet = work / "scored.parquet"
    if not parquet.exists():
        measure("to_parquet", str(big), str(parquet))
    report_pq = measure("report", str(parquet), "cluster", w)

    def num(result: dict[str, object], key: str) -> float:
        return float(result[key])  # type: ignore[arg-type]

    def times(result: dict[str, object]) -> str:
        return (
            f"{num(result, 'seconds'):.1f} s wall ({num(result, 'seconds') / num(parse, 'seconds'):.2f}"
            f" x parse-only), {num(result, 'cpu_s'):.1f} s CPU in the main process "
            f"({num(result, 'cpu_s') / num(parse, 'cpu_s'):.2f} x parse-only)"
        )

    # The interpreter's own share (the parse-only step's peak) is not multiplied.
    base = num(parse, "peak_rss_mb")
    naive_full = base + (num(naive, "peak_rss_mb") - base) * 10
    lines = f"{ns.lines:,} lines"
    print()
    print(
        f"parse-only baseline, {lines}: {num(parse, 'seconds'):.1f} s wall, {num(parse, 'cpu_s'):.1f} s CPU"
    )
    print(f"report, {lines}: {times(report)}; peak RSS {num(report, 'peak_rss_mb'):.0f} MB")
    print(f"  votes on strings (--no-cluster): {times(strings)}")
    print(
        f"  peak RSS / same prompts with a quarter of the lines: "
        f"{num(report, 'peak_rss_mb') / num(report_q, 'peak_rss_mb'):.2f} (a load-all report: 4)"
    )
    print(
        f"  peak RSS / load-all baseline ({ns.lines // 10:,} lines measured, "
        f"x10 = {naive_full:,.0f} MB): {num(report, 'peak_rss_mb') / naive_full:.3f}"
    )
    print(
        f"report, Parquet input: {times(report_pq)}; peak RSS {num(report_pq, 'peak_rss_mb'):.0f} MB"
    )
    print(f"filter, {lines}: {times(filtered)}; peak RSS {num(filtered, 'peak_rss_mb'):.0f} MB")
    if ns.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
