"""The math verifier against the hand-labelled table: every case, by the policy, 100 %."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reward_server.verifiers.math import check_math

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "math_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line]

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


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_labelled_case(case: dict) -> None:
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
