"""Our math verifier and math-verify against the field's own grading tests, in one run.

The cases are ``tests/data/peer_cases.jsonl`` (built by ``tests/data/make_peer_cases.py``
from the test suites of Math-Verify, lighteval, NeMo-Skills, MARIO_EVAL, AReaL, rllm, verl,
TRL, open-r1 and slime).  Every case carries the peer's verdict and, where we decide
otherwise after checking it by hand, our verdict and the reason:

- ``peer-wrong``: the peer's verdict is mathematically wrong; ours is the truth;
- ``policy``: a documented choice of ours differs (no last-number fallback, exact
  decimals ...): the case is left out of the decidable set;
- ``ill-posed``: no single right verdict (the gold is not an answer, mangled strings):
  left out too.

Printed: per source, agreement with the peer's verdict for us and for math-verify; on the
decidable cases (all but ``policy`` and ``ill-posed``), accuracy against the truth and
false positives (a reward where the truth is none) for both; every false positive of ours
and of math-verify; and every case where we do not give our adjudicated verdict (there
should be none: ``tests/verifiers/test_math_peer_cases.py`` requires it).

How each side is called.  ``completion`` cases: ours is ``check_math(prediction, gold)``;
math-verify is ``verify(parse(gold), parse(prediction))``, the gold wrapped in ``$…$``
when it has neither ``$`` nor ``\\boxed`` (as its README and open-r1 do).  ``answer``
cases (two bare answers): ours scores the prediction as the answer, with no extraction;
math-verify gets both wrapped in ``$…$``.  math-verify raising or timing out counts as no
reward.

    .venv/bin/python benchmarks/conformance_math.py [--disagreements]
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES_FILE = ROOT / "tests/data/peer_cases.jsonl"
EXCLUDED = ("policy", "ill-posed")


def load_cases() -> list[dict[str, Any]]:
    return [json.loads(x) for x in CASES_FILE.read_text(encoding="utf-8").splitlines() if x]


def verdict_of(score: float | None, status: str) -> int | str | None:
    """1 / 0, ``None`` for an unusable gold, ``"timeout"`` for a guard-refused answer."""
    if status == "invalid":
        return None
    if status == "timeout":
        return "timeout"
    if status == "error":
        return "error"
    return int(score == 1.0)


def ours() -> Callable[[dict[str, Any]], int | str | None]:
    from reward_server.verifiers.math import check_math
    from reward_server.verifiers.math.check import check_answer

    def run(case: dict[str, Any]) -> int | str | None:
        if case["mode"] == "answer":
            outcome = check_answer(case["prediction"], case["gold"])
        else:
            outcome = check_math(case["prediction"], case["gold"])
        return verdict_of(outcome.score, outcome.status)

    return run


def _wrapped(text: str) -> str:
    return text if ("$" in text or "\\boxed" in text) else f"${text}$"


def theirs() -> Callable[[dict[str, Any]], int]:
    from math_verify import parse, verify

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)

    def run(case: dict[str, Any]) -> int:
        pred = case["prediction"]
        if case["mode"] == "answer":
            pred = _wrapped(pred)
        try:
            return int(bool(verify(parse(_wrapped(case["gold"])), parse(pred))))
        except Exception:  # noqa: BLE001 - a baseline that raises gives no reward
            return 0

    return run


def expected(case: dict[str, Any]) -> int | str | None:
    """What our verifier must answer: our adjudicated verdict, else the peer's."""
    return case["ours"] if "ours" in case else case["peer"]


def truth(case: dict[str, Any]) -> int | None:
    """The right verdict of a decidable case: the peer's unless we showed it wrong."""
    value = case["ours"] if case.get("reason") == "peer-wrong" else case["peer"]
    return value if value in (0, 1, None) else 0


def rewarded(verdict: Any) -> bool:
    return verdict == 1


def evaluate(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Run both verifiers on every case; the figures the script prints (and the test uses)."""
    run_ours, run_theirs = ours(), theirs()
    results = []
    for case in cases:
        results.append((case, run_ours(case), run_theirs(case)))
    return summarise(results)


def summarise(results: list[tuple[dict[str, Any], Any, int]]) -> dict[str, Any]:
    per_source: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    report: dict[str, Any] = {
        "our_false_positives": [],
        "their_false_positives": [],
        "our_misses": [],
        "not_adjudicated": [],
        "decidable": 0,
        "our_right": 0,
        "their_right": 0,
    }
    seen: set[tuple[str, str, str]] = set()
    for case, mine, theirs_ in results:
        stats = per_source[case["source"]]
        stats["cases"] += 1
        stats["ours_agree"] += rewarded(mine) == rewarded(case["peer"])
        stats["theirs_agree"] += rewarded(theirs_) == rewarded(case["peer"])
        if mine != expected(case):
            report["not_adjudicated"].append((case, mine))
        if case.get("reason") in EXCLUDED:
            stats["excluded"] += 1
            continue
        right = truth(case)
        stats["decidable"] += 1
        stats["ours_right"] += rewarded(mine) == rewarded(right)
        stats["theirs_right"] += rewarded(theirs_) == rewarded(right)
        key = (case["mode"], case["gold"], case["prediction"])
        first = key not in seen  # the same case in two suites counts once overall
        seen.add(key)
        if rewarded(mine) and not rewarded(right):
            stats["ours_fp"] += 1
            if first:
                report["our_false_positives"].append(case)
        if rewarded(theirs_) and not rewarded(right):
            stats["theirs_fp"] += 1
            if first:
                report["their_false_positives"].append(case)
        if first:
            report["decidable"] += 1
            report["our_right"] += rewarded(mine) == rewarded(right)
            report["their_right"] += rewarded(theirs_) == rewarded(right)
            if rewarded(mine) != rewarded(right):
                report["our_misses"].append((case, mine))
    report["per_source"] = {k: dict(v) for k, v in per_source.items()}
    return report


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--disagreements", action="store_true", help="list every peer disagreement")
    args = ap.parse_args()
    cases = load_cases()
    report = evaluate(cases)

    print(f"{len(cases)} peer cases\n")
    header = (
        f"{'source':34} {'cases':>5} {'agree ours':>10} {'agree m-v':>9} "
        f"{'decid.':>6} {'right ours':>10} {'right m-v':>9} {'FP ours':>7} {'FP m-v':>6}"
    )
    print(header)
    totals: dict[str, int] = defaultdict(int)
    for source, s in sorted(report["per_source"].items(), key=lambda kv: -kv[1]["cases"]):
        for k, v in s.items():
            totals[k] += v
        print(_row(source, s))
    print(_row("all (per suite)", totals))
    d = report["decidable"]
    print(
        f"\ndecidable cases, each counted once: {d}   "
        f"ours {report['our_right'] / d * 100:.1f} % right, "
        f"{len(report['our_false_positives'])} false positives   "
        f"math-verify {report['their_right'] / d * 100:.1f} % right, "
        f"{len(report['their_false_positives'])} false positives"
    )
    for label, items in (
        ("our false positives", report["our_false_positives"]),
        ("math-verify false positives", report["their_false_positives"]),
    ):
        print(f"\n{label}: {len(items)}")
        for case in items:
            print(
                f"  {case['id']:12} gold {_short(case['gold'], 40)!r}  pred {_short(case['prediction'])!r}"
            )
    print(f"\nour misses on decidable cases: {len(report['our_misses'])}")
    for case, mine in report["our_misses"]:
        print(
            f"  {case['id']:12} ours {mine!s:7} truth {truth(case)}  gold {_short(case['gold'], 40)!r}  pred {_short(case['prediction'])!r}"
        )
    print(f"\ncases where we do not give our adjudicated verdict: {len(report['not_adjudicated'])}")
    for case, mine in report["not_adjudicated"]:
        print(
            f"  {case['id']:12} ours {mine!s:7} expected {expected(case)!s:5} peer {case['peer']!s:5} "
            f"gold {_short(case['gold'], 40)!r}  pred {_short(case['prediction'])!r}"
        )
    if args.disagreements:
        print("\nadjudicated disagreements with the peers:")
        for case in cases:
            if "reason" in case:
                print(
                    f"  {case['id']:12} {case['reason']:10} peer {case['peer']!s:5} ours {case['ours']!s:5} {case.get('note', '')}"
                )


def _row(source: str, s: dict[str, int]) -> str:
    n, d = s.get("cases", 0), s.get("decidable", 0)

    def pct(k: str, base: int) -> str:
        return f"{s.get(k, 0) / base * 100:.1f} %" if base else "-"

    return (
        f"{source:34} {n:5d} {pct('ours_agree', n):>10} {pct('theirs_agree', n):>9} {d:6d} "
        f"{pct('ours_right', d):>10} {pct('theirs_right', d):>9} {s.get('ours_fp', 0):7d} {s.get('theirs_fp', 0):6d}"
    )


if __name__ == "__main__":
    main()
