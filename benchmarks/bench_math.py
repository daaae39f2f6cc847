"""Accuracy and latency of the math verifier against math-verify, on the same cases, in one run.

Both verifiers score every case of the hand-labelled tables (``tests/data/math_cases.jsonl``,
``math_cases_adversarial.jsonl`` and ``math_cases_classes.jsonl``; ``--tables`` picks others)
in this process.  Both are warmed first with one full pass (imports loaded, and the ANTLR
LaTeX grammar, which both use, compiled), then our caches and math-verify's are emptied
and the measured passes interleave the two verifiers case by case, so machine noise falls
on both alike.  Figures printed: accuracy, false positives (a wrong answer rewarded),
median / p95 / total latency per call, cold start (first call including imports, each in
a fresh interpreter) and the ratios ours / math-verify.

How math-verify is called (as its README and open-r1 do): ``verify(parse(gold),
parse(answer))`` with the gold wrapped in ``$…$`` and the answer being the text after the
last ``</think>`` (the same answer region we use; a truncated completion gives it no text).
It has no "invalid" outcome: on an unusable gold it is counted right when it does not
reward.  Cases where it raises or times out count as "no reward".

    .venv/bin/python benchmarks/bench_math.py [--passes 3] [--group 16]

``--group G`` adds the GRPO scenario: each gold scored against G completions in a row
(the request shape a trainer sends), where the gold cache pays off.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("math_cases.jsonl", "math_cases_adversarial.jsonl", "math_cases_classes.jsonl")
#: The speed the issue asks for: our time at most this fraction of math-verify's.
TARGET_RATIO = 0.25


def load(tables: tuple[str, ...] | list[str]) -> list[dict]:
    cases = []
    for table in tables:
        text = (ROOT / "tests/data" / table).read_text(encoding="utf-8")
        cases += [json.loads(x) for x in text.splitlines() if x]
    return cases


def ours() -> Callable[[dict], float | None]:
    from reward_server.verifiers.math import check_math

    def run(case: dict) -> float | None:
        return check_math(
            case["completion"], case["gold"], prefilled=case.get("prefilled", False)
        ).score

    return run


def theirs() -> Callable[[dict], float | None]:
    import logging

    from math_verify import parse, verify

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)  # its per-timeout warnings

    from reward_server.verifiers.completion import split_think

    def run(case: dict) -> float | None:
        region = split_think(case["completion"], prefilled=case.get("prefilled", False)).answer
        if region is None:
            return 0.0
        gold = case["gold"]
        if "$" not in gold and "\\boxed" not in gold:
            gold = f"${gold}$"
        try:
            return 1.0 if verify(parse(gold), parse(region)) else 0.0
        except Exception:  # noqa: BLE001 - a baseline that raises gives no reward
            return 0.0

    return run


def clear_caches() -> None:
    from math_verify import parser as mv_parser

    from reward_server.verifiers.math import parse as our_parse
    from reward_server.verifiers.math import symbolic

    our_parse._read_gold_cached.cache_clear()
    symbolic._to_sympy_cached.cache_clear()
    for name in ("parse_latex_cached", "parse_expr_cached"):
        fn = getattr(mv_parser, name, None)
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()


def correct(case: dict, score: float | None) -> bool:
    if case["expected"] is None or case["expected"] == "timeout":
        # An unusable gold or a pathological answer: right when no reward is given.
        return score is None or score == 0.0
    return score == case["expected"]


def false_positive(case: dict, score: float | None) -> bool:
    return score == 1.0 and case["expected"] != 1


def summary(name: str, cases: list[dict], scores: list, times: list[float]) -> dict:
    ordered = sorted(times)
    stats = {
        "accuracy": sum(correct(c, s) for c, s in zip(cases, scores)) / len(cases),
        "false_positives": sum(false_positive(c, s) for c, s in zip(cases, scores)),
        "median_ms": statistics.median(times) * 1e3,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1e3,
        "total_s": sum(times),
    }
    print(
        f"{name:12} accuracy {stats['accuracy'] * 100:6.2f} %  false positives {stats['false_positives']:3d}  "
        f"median {stats['median_ms']:7.2f} ms  p95 {stats['p95_ms']:8.2f} ms  total {stats['total_s']:7.2f} s"
    )
    return stats


def cold_start(which: str, completion: str, gold: str) -> float:
    """Seconds for the first call in a fresh interpreter, imports included."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks.bench_math import ours, theirs\n"
        f"run = {which}()\n"
        f"run({{'completion': {completion!r}, 'gold': {gold!r}}})\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def measure(
    runners: dict[str, Callable], cases: list[dict], passes: int
) -> dict[str, tuple[list, list]]:
    results: dict[str, tuple[list, list]] = {name: ([], []) for name in runners}
    for _ in range(passes):
        clear_caches()
        for case in cases:
            for name, run in runners.items():
                t = time.perf_counter()
                score = run(case)
                results[name][1].append(time.perf_counter() - t)
                results[name][0].append(score)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--group", type=int, default=16)
    ap.add_argument("--tables", nargs="+", default=list(TABLES), help="files in tests/data")
    args = ap.parse_args()
    cases = load(args.tables)

    runners = {"ours": ours(), "math-verify": theirs()}
    for case in cases:  # warm-up pass, not measured
        for run in runners.values():
            run(case)

    print(f"{len(cases)} hand-labelled cases, {args.passes} measured passes, interleaved\n")
    results = measure(runners, cases, args.passes)
    stats = {name: summary(name, cases * args.passes, *results[name]) for name in runners}
    o, m = stats["ours"], stats["math-verify"]
    print(
        f"\nratio ours / math-verify: total {o['total_s'] / m['total_s']:.3f}  "
        f"median {o['median_ms'] / m['median_ms']:.3f}  p95 {o['p95_ms'] / m['p95_ms']:.3f}   "
        f"(target: total <= {TARGET_RATIO})"
    )
    wrong = [c["name"] for c, s in zip(cases, results["ours"][0]) if not correct(c, s)]
    fps = [c["name"] for c, s in zip(cases, results["math-verify"][0]) if false_positive(c, s)]
    print(f"our misses: {wrong or 'none'}")
    print(f"math-verify false positives: {fps}")

    if args.group:
        golds: dict[str, list[dict]] = {}
        for case in cases:
            if case["expected"] is not None:
                golds.setdefault(case["gold"], []).append(case)
        group_cases = [group[k % len(group)] for group in golds.values() for k in range(args.group)]
        results = measure(runners, group_cases, 1)
        print(
            f"\nGRPO groups: {len(golds)} golds x {args.group} completions each ({len(group_cases)} calls)"
        )
        g = {name: summary(name, group_cases, *results[name]) for name in runners}
        print(
            f"ratio ours / math-verify: total {g['ours']['total_s'] / g['math-verify']['total_s']:.3f}  "
            f"median {g['ours']['median_ms'] / g['math-verify']['median_ms']:.3f}"
        )

    print("\ncold start (first call in a fresh interpreter, imports included):")
    for label, completion, gold in (
        ("integer", "<think>r</think> \\boxed{42}", "42"),
        ("expression", "<think>r</think> \\boxed{\\frac{\\sqrt{3}}{2}}", "\\sin\\frac{\\pi}{3}"),
    ):
        a, b = cold_start("ours", completion, gold), cold_start("theirs", completion, gold)
        print(f"  {label:10} ours {a:6.2f} s   math-verify {b:6.2f} s   ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
