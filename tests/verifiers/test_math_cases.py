"""The math verifier against the hand-labelled tables: every case, by the policy, 100 %.

Three tables, each a JSONL file of ``completion``, ``gold`` and ``expected`` (1, 0,
``null`` for an unusable gold, ``"timeout"`` for an answer a guard refuses):

- ``math_cases.jsonl``: the policy, category by category (names carry the category);
- ``math_cases_adversarial.jsonl``: an independent, adversarial set written from the policy
  text alone by a second labeller (realistic MATH/GSM8K/AIME golds, R1-style completions,
  near-misses a lax verifier would reward);
- ``math_cases_classes.jsonl``: a minimal repro of every false-positive and
  false-negative class found against the field's grading tests (issue 9), each with its
  mirror images (gold and answer swapped, negated, reordered).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reward_server.verifiers.math import check_math

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x]


CASES = _load("math_cases.jsonl")
ADVERSARIAL_CASES = _load("math_cases_adversarial.jsonl")
CLASS_CASES = _load("math_cases_classes.jsonl")

# Every category of the policy, by the name prefix its cases carry.
CATEGORIES = (
    "think",
    "box",
    "anchor",
    "no_anchor",
    "bare",
    "int",
    "bigint",
    "rational",
    "dec",
    "repeat",
    "thousands",
    "money",
    "units",
    "pct",
    "deg",
    "leftright",
    "frac",
    "mixed",
    "sci",
    "words",
    "empty",
    "inf",
    "base",
    "mc",
    "text",
    "set",
    "tuple",
    "interval",
    "ineq",
    "assign",
    "equation",
    "matrix",
    "complex",
    "pm",
    "expr",
    "gold",
    "guard",
    "real",
    "neg",
)


def _category(name: str) -> str:
    return next(c for c in sorted(CATEGORIES, key=len, reverse=True) if name.startswith(c + "_"))


def test_labelled_set_size_balance_and_coverage() -> None:
    assert len(CASES) >= 320
    assert len({c["name"] for c in CASES}) == len(CASES)
    expected = Counter(c["expected"] for c in CASES)
    # Negatives: answers that must earn nothing (0, or "timeout" for a guard-refused answer).
    assert (expected[0] + expected["timeout"]) / len(CASES) >= 0.40
    assert expected[None] >= 5
    by_category: dict[str, set] = {}
    for case in CASES:
        by_category.setdefault(_category(case["name"]), set()).add(case["expected"])
    assert set(by_category) == set(CATEGORIES)
    for category, labels in by_category.items():
        if category == "gold":
            assert labels == {None}
        elif category == "guard":
            assert {"timeout"} <= labels, category
        elif category not in ("neg", "no_anchor"):
            assert {0, 1} <= labels, category


def test_adversarial_set_size_and_balance() -> None:
    assert len(ADVERSARIAL_CASES) >= 120
    assert len({c["name"] for c in ADVERSARIAL_CASES}) == len(ADVERSARIAL_CASES)
    expected = Counter(c["expected"] for c in ADVERSARIAL_CASES)
    assert (expected[0] + expected["timeout"] + expected[None]) / len(ADVERSARIAL_CASES) >= 0.45


#: The classes of issue 9 (name prefixes of ``math_cases_classes.jsonl``); each has cases
#: that must score 1 and cases that must score 0.
CLASSES = (
    "colon",
    "gold_boxes",
    "mixed",
    "juxtaposed",
    "comma",
    "assign",
    "deg",
    "exact",
    "ineq",
    "named",
    "boxes",
    "setop",
    "units",
    "gap",
    "anchor",
    "bare",
    "escaped",
)


def test_class_repros_cover_every_class_both_ways() -> None:
    assert len({c["name"] for c in CLASS_CASES}) == len(CLASS_CASES)
    labels: dict[str, set] = {}
    for case in CLASS_CASES:
        prefix = next(
            p for p in sorted(CLASSES, key=len, reverse=True) if case["name"].startswith(p + "_")
        )
        labels.setdefault(prefix, set()).add(case["expected"])
    assert set(labels) == set(CLASSES)
    for prefix, seen in labels.items():
        if prefix not in ("bare",):
            assert {0, 1} <= seen, prefix


ALL_CASES = [("policy", c) for c in CASES] + [("adversarial", c) for c in ADVERSARIAL_CASES]
ALL_CASES += [("classes", c) for c in CLASS_CASES]


@pytest.mark.parametrize(
    ("table", "case"), ALL_CASES, ids=[f"{t}:{c['name']}" for t, c in ALL_CASES]
)
def test_labelled_case(table: str, case: dict) -> None:
    outcome = check_math(case["completion"], case["gold"], prefilled=case.get("prefilled", False))
    if case["expected"] is None:
        assert outcome.status == "invalid" and outcome.score is None, outcome
    elif case["expected"] == "timeout":  # a guard refused the answer: no reward, at once
        assert outcome.status == "timeout" and outcome.score is None, outcome
        assert outcome.error_type == "too_complex", outcome
    else:
        assert outcome.status == "ok", outcome
        assert outcome.score == case["expected"], outcome.details


def test_details_are_plain_data_and_describe_the_decision() -> None:
    outcome = check_math("<think>r</think> The answer is \\boxed{\\dfrac{1}{2}}.", "0.5")
    assert outcome.score == 1.0
    assert outcome.details["extracted"] == "\\dfrac{1}{2}"
    assert outcome.details["gold_normalised"] == "0.5"
    assert outcome.details["comparison"] == "exact"
    assert outcome.details["reason"]
    json.dumps(outcome.details)  # JSON-encodable as is
    for case in CASES:
        details = check_math(
            case["completion"], case["gold"], prefilled=case.get("prefilled", False)
        ).details
        assert json.loads(json.dumps(details)) == details, case["name"]
