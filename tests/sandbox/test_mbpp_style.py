"""MBPP-style tasks (tests/data/mbpp_style.jsonl, 133 tasks of our own in MBPP's row
format; the real 974 are not available offline, see docs/code-datasets.md): every
reference solution scores 1.0 with its test code built as docs/code-datasets.md says
(``test_setup_code`` + the ``test_list`` asserts), and every broken variant scores less:
the hand-made ones, a function that returns an always-equal object, and the reference
leaving with ``os._exit(0)`` before the checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.mbpp_support import (
    failed_references,
    read_rows,
    rewarded_variants,
    score_variants,
    variants,
)

pytestmark = pytest.mark.docker

ROWS = read_rows("mbpp_style.jsonl")
VARIANTS = variants(ROWS)


@pytest.fixture(scope="module")
def scores(loop, sandbox) -> dict[str, Any]:
    return score_variants(loop, sandbox, VARIANTS)


def test_the_sample_has_mbpps_shape_and_the_constructs_that_broke_assert_mode():
    assert len(ROWS) >= 100
    assert all(set(r) >= {"task_id", "text", "code", "test_list", "test_setup_code"} for r in ROWS)
    codes = "\n".join(r["code"] for r in ROWS)
    for construct in ("def sum(", "def max(", "def min(", "def len(", "from __future__ import annotations",
                      "@dataclass", "pickle.dumps", "yield", "class ", "lru_cache"):  # fmt: skip
        assert construct in codes, construct
    assert sum(bool(r["test_setup_code"]) for r in ROWS) >= 5


def test_every_reference_solution_scores_one(scores):
    assert failed_references(scores) == {}


def test_every_broken_variant_scores_less(scores):
    assert rewarded_variants(scores) == ([], {})
