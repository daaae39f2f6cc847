"""The real MBPP (tests/data/mbpp.jsonl: the 974 tasks of google-research/mbpp,
``mbpp/mbpp.jsonl`` at google-research/google-research@2251e8c, unchanged).

In assert mode, with the test code built as docs/code-datasets.md says, a reference
solution scores 1.0 exactly when the same program and asserts pass as one plain script
under the same interpreter (the image's python3.11): 971 of 974.  The three others fail
as plain scripts too, on today's CPython: task 341 asserts the iteration order of the set
literal ``{12, 13, 14, 15, 16}`` (CPython 3.11 starts it with 16; the judge sends the
program the set in its own order), task 596 ``sys.getsizeof`` of a tuple as an older
CPython sized it, task 642 the order of a set of tuples as an older tuple hash made it.  No broken variant (an always-equal return value, the reference
leaving before the checks) scores 1.0.  Programs that define functions named like
builtins (``def sum``, ``def max``...) are among them: MBPP's asserts call the program's
names; task 533 passes the built-in type ``int`` to the program."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from tests.sandbox.conftest import fenced
from tests.sandbox.mbpp_support import (
    failed_references,
    read_rows,
    rewarded_variants,
    score_variants,
    variants,
)

pytestmark = pytest.mark.docker

ROWS = read_rows("mbpp.jsonl")
VARIANTS = variants(ROWS)
BUILTINS = {"sum", "max", "min", "len", "abs", "sorted", "map", "filter", "pow", "round"}
#: References whose asserts fail on today's CPython whatever runs them (see above).
STALE_ON_CPYTHON_3_8_PLUS = {341, 596, 642}


@pytest.fixture(scope="module")
def scores(loop, sandbox) -> dict[str, Any]:
    return score_variants(loop, sandbox, VARIANTS)


def test_the_file_is_mbpp_whole():
    assert [row["task_id"] for row in ROWS] == list(range(1, 975))
    assert all(row["test_list"] and row["code"] for row in ROWS)


def test_some_references_shadow_builtins():
    import re

    shadowing = [
        row["task_id"]
        for row in ROWS
        if set(re.findall(r"^def (\w+)\s*\(", row["code"], re.MULTILINE)) & BUILTINS
    ]
    assert shadowing  # the construct the builtin-name rule is for is in the data


@pytest.fixture(scope="module")
def plain(loop, sandbox) -> dict[int, bool]:
    """Whether each reference passes its asserts as one plain script (exit status 0)."""

    async def run_all() -> dict[int, bool]:
        gate = asyncio.Semaphore(4)
        stdio = CodeSpec(language="python", tests=[{"input": "", "output": ""}], time_limit_s=5.0)

        async def one(row: dict[str, Any]) -> bool:
            script = "\n".join([row["code"], row["test_setup_code"], *row["test_list"]]) + "\n"
            async with gate:
                outcome = await check_code(fenced(script), stdio, sandbox)
            assert outcome.status == "ok", outcome.message
            return outcome.score == 1.0

        results = await asyncio.gather(*(one(row) for row in ROWS))
        return {row["task_id"]: ok for row, ok in zip(ROWS, results)}

    return loop.run(run_all(), timeout=1800)


def test_references_score_one_exactly_where_the_plain_script_passes(scores, plain):
    failed = failed_references(scores)
    assert {int(name.split("/")[0]) for name in failed} == STALE_ON_CPYTHON_3_8_PLUS
    assert {tid for tid, ok in plain.items() if not ok} == STALE_ON_CPYTHON_3_8_PLUS
    print(f"assert mode agrees with plain scripts on {len(plain)} of {len(ROWS)} references")


def test_no_broken_variant_scores_one(scores):
    assert rewarded_variants(scores) == ([], {})
