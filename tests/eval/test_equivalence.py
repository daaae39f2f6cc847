"""Clustering answers with the math verifier, in worker processes with hard deadlines."""

from __future__ import annotations

import asyncio
import time

import pytest

from reward_server.eval.equivalence import Clusterer, answers_equal, cluster_answers
from reward_server.eval.samples import canonical_number, normalise_answer
from tests.eval.faults import hang_or_crash_on_marker


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("0.5", "\\frac{1}{2}", True),
        ("1+x", "x+1", True),
        ("1\\,250", "1250", True),
        ("\\{3,1,2\\}", "\\{1,2,3\\}", True),
        ("3.14", "\\pi", False),
        ("0.33", "\\frac{1}{3}", False),
        ("x", "|x|", False),
        ("2", "3", False),
        ("9^{9^{9}}", "9^{9^{9}}+1", False),  # refused by the guards: never "equal"
    ],
)
def test_answers_equal(a: str, b: str, same: bool) -> None:
    assert answers_equal(a, b) is same


def test_cluster_answers_labels_by_first_member() -> None:
    assert cluster_answers(["3", "2", "3.0", "\\frac{6}{2}", "x", "4/2"]) == [0, 1, 0, 0, 4, 1]


def test_a_hanging_comparison_costs_its_deadline_not_the_run() -> None:
    jobs = {
        "a": ["1", "HANG", "1.0"],
        "b": ["2", "2.0", "3"],
        "c": ["5", "CRASH", "10/2"],
    }
    clusterer = Clusterer(2, 0.5, equal=hang_or_crash_on_marker)
    start = time.monotonic()
    labels = asyncio.run(clusterer.cluster(jobs))
    elapsed = time.monotonic() - start
    assert labels == {"a": [0, 1, 0], "b": [0, 0, 2], "c": [0, 1, 0]}
    assert clusterer.stats.timeouts >= 2 and clusterer.stats.crashes >= 1
    assert clusterer.stats.merged == 3
    assert elapsed < 60  # a few deadlines plus worker start-up, never the hang itself


@pytest.mark.parametrize(
    "text,key",
    [
        ("7.0", "7"),
        ("007", "7"),
        ("+3", "3"),
        ("-0.0", "0"),
        ("-12.300", "-12.3"),
        ("0.50", "0.5"),
        ("1,250", None),  # a comma group is left to the verifier (a list or a number)
        ("1e5", None),
        ("\\frac{1}{2}", None),
    ],
)
def test_numbers_merged_without_a_comparison_are_equal_for_the_verifier(
    text: str, key: str | None
) -> None:
    assert canonical_number(text) == key
    if key is not None:
        assert answers_equal(text, key) and answers_equal(key, text)


def test_normalise_answer() -> None:
    assert normalise_answer("  $ \\frac{1}{2} $ ") == "\\frac{1}{2}"
    assert normalise_answer("x  +\n 1") == "x + 1"
