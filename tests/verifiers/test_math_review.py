"""The math verifier against an independent, adversarial hand-labelled set.

The cases were written from the issue's policy text alone (not from the verifier's
output): realistic golds of MATH/GSM8K/AIME kind and R1-style completions, with near-misses
a lax verifier would reward. Every case must match its label.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reward_server.verifiers.math import check_math

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "math_cases_review.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line]


def test_review_set_size_and_balance() -> None:
    assert len(CASES) >= 120
    assert len({c["name"] for c in CASES}) == len(CASES)
    expected = Counter(c["expected"] for c in CASES)
    assert (expected[0] + expected["timeout"] + expected[None]) / len(CASES) >= 0.45


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_review_case(case: dict) -> None:
    outcome = check_math(case["completion"], case["gold"], prefilled=case.get("prefilled", False))
    if case["expected"] is None:
        assert outcome.status == "invalid" and outcome.score is None, outcome
    elif case["expected"] == "timeout":
        assert outcome.status == "timeout" and outcome.score is None, outcome
        assert outcome.error_type == "too_complex", outcome
    else:
        assert outcome.status == "ok", outcome
        assert outcome.score == case["expected"], outcome.details
