"""The math verifier against the grading tests other projects publish (issue 9).

``tests/data/peer_cases.jsonl`` holds the cases of ten peers' test suites (Math-Verify,
lighteval, NeMo-Skills, MARIO_EVAL, AReaL, rllm, verl, TRL, open-r1, slime), each with the
peer's verdict and, where we decide otherwise after checking by hand, our verdict and the
reason (``policy``, ``ill-posed``, ``peer-wrong``).  We must give our adjudicated verdict on
every case, and reward no wrong answer: zero false positives on the decidable cases.
``benchmarks/conformance_math.py`` prints the same figures next to math-verify's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reward_server.verifiers.math import check_math
from reward_server.verifiers.math.check import check_answer

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "peer_cases.jsonl"
CASES = [json.loads(x) for x in CASES_FILE.read_text(encoding="utf-8").splitlines() if x]
REASONS = {"policy", "ill-posed", "peer-wrong"}
FIELDS = {"id", "source", "path", "ref", "test", "mode", "gold", "prediction", "peer", "extracted"}


def verdict(case: dict[str, Any]) -> int | str | None:
    """Ours: 1 / 0, ``None`` for an unusable gold, the status for a refused answer."""
    if case["mode"] == "answer":
        outcome = check_answer(case["prediction"], case["gold"])
    else:
        outcome = check_math(case["prediction"], case["gold"])
    if outcome.status == "invalid":
        return None
    if outcome.status != "ok":
        return outcome.status
    return int(outcome.score == 1.0)


def expected(case: dict[str, Any]) -> int | str | None:
    return case["ours"] if "ours" in case else case["peer"]


def test_suite_is_substantial_and_well_formed() -> None:
    assert len(CASES) >= 500
    assert len({c["id"] for c in CASES}) == len(CASES)
    sources = Counter(c["source"] for c in CASES)
    assert len(sources) >= 10, sources
    for case in CASES:
        assert set(case) >= FIELDS, case["id"]
        assert case["mode"] in ("completion", "answer"), case["id"]
        assert case["peer"] in (0, 1, None), case["id"]
        assert ("ours" in case) == ("reason" in case) == ("note" in case), case["id"]
        if "reason" in case:
            assert case["reason"] in REASONS and case["note"], case["id"]
            assert case["ours"] != case["peer"], case["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_peer_case(case: dict[str, Any]) -> None:
    """Our verdict is the peer's, or the one we adjudicated (with its reason)."""
    assert verdict(case) == expected(case), (case.get("reason"), case.get("note"))


def test_no_false_positive_on_decidable_cases() -> None:
    """On every case that is not a policy choice or ill-posed, we reward only right answers
    (the truth: the peer's verdict, or ours where the peer is shown wrong)."""
    false_positives = []
    decidable = 0
    for case in CASES:
        if case.get("reason") in ("policy", "ill-posed"):
            continue
        decidable += 1
        truth = case["ours"] if case.get("reason") == "peer-wrong" else case["peer"]
        if verdict(case) == 1 and truth != 1:
            false_positives.append(case["id"])
    assert decidable >= 400
    assert false_positives == []
