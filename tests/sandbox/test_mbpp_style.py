"""MBPP-style tasks (tests/data/mbpp_style.jsonl, 133 tasks of our own in MBPP's row
format; the real 974 are not available offline, see docs/code-datasets.md): every
reference solution scores 1.0 with its test code built as docs/code-datasets.md says
(``test_setup_code`` + the ``test_list`` asserts), and every broken variant scores less:
the hand-made ones, a function that returns an always-equal object, and the reference
leaving with ``os._exit(0)`` before the checks."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from tests.sandbox.conftest import fenced

pytestmark = pytest.mark.docker

ROWS = [
    json.loads(line) for line in (Path(__file__).parents[1] / "data" / "mbpp_style.jsonl").open()
]
ALWAYS_EQUAL = "\nclass _Any:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
PARALLEL = 4


def spec(row: dict[str, Any]) -> CodeSpec:
    test_code = "\n".join([row["test_setup_code"], *row["test_list"]]).strip("\n") + "\n"
    return CodeSpec(language="python", test_code=test_code, time_limit_s=5.0)


def always_equal(row: dict[str, Any]) -> str | None:
    """The reference with the function the first assert calls replaced by one that
    returns an object equal to everything (None when the first assert calls no function
    of the program)."""
    found = re.match(r"assert (\w+)\(", row["test_list"][0])
    if not found or not re.search(rf"^def {found[1]}\(", row["code"], re.MULTILINE):
        return None
    name = found[1]
    return row["code"] + ALWAYS_EQUAL + f"def {name}(*args, **kwargs):\n    return _Any()\n"


def variants() -> list[tuple[str, dict[str, Any], str, bool]]:
    out = []
    for row in ROWS:
        tid = row["task_id"]
        out.append((f"{tid}/reference", row, row["code"], True))
        if "broken" in row:
            out.append((f"{tid}/broken", row, row["broken"], False))
        cheat = always_equal(row)
        if cheat is not None:
            out.append((f"{tid}/always_equal", row, cheat, False))
        out.append(
            (f"{tid}/exit_early", row, "import os\n" + row["code"] + "\nos._exit(0)\n", False)
        )
    return out


VARIANTS = variants()


@pytest.fixture(scope="module")
def scores(loop, sandbox) -> dict[str, Any]:
    async def run_all() -> dict[str, Any]:
        gate = asyncio.Semaphore(PARALLEL)

        async def one(row: dict[str, Any], program: str) -> Any:
            async with gate:
                return await check_code(fenced(program), spec(row), sandbox)

        results = await asyncio.gather(*(one(row, program) for _, row, program, _ in VARIANTS))
        return {name: outcome for (name, *_), outcome in zip(VARIANTS, results)}

    return loop.run(run_all(), timeout=1800)


def test_the_sample_has_mbpps_shape_and_the_constructs_that_broke_assert_mode():
    assert len(ROWS) >= 100
    assert all(set(r) >= {"task_id", "text", "code", "test_list", "test_setup_code"} for r in ROWS)
    codes = "\n".join(r["code"] for r in ROWS)
    for construct in ("def sum(", "def max(", "def min(", "def len(", "from __future__ import annotations",
                      "@dataclass", "pickle.dumps", "yield", "class ", "lru_cache"):  # fmt: skip
        assert construct in codes, construct
    assert sum(bool(r["test_setup_code"]) for r in ROWS) >= 5


def test_every_reference_solution_scores_one(scores):
    failed = {
        name: (o.status, o.score, o.details.get("stderr") or o.message)
        for name, o in scores.items()
        if name.endswith("/reference") and not (o.status == "ok" and o.score == 1.0)
    }
    references = sum(1 for name in scores if name.endswith("/reference"))
    print(f"references: {references - len(failed)}/{references} score 1.0")
    assert failed == {}


def test_every_broken_variant_scores_less(scores):
    passed = [n for n, o in scores.items() if not n.endswith("/reference") and o.score == 1.0]
    errors = {n: o.message for n, o in scores.items() if o.status != "ok"}
    broken = sum(1 for n in scores if not n.endswith("/reference"))
    print(f"broken variants: {broken - len(passed)}/{broken} score < 1")
    assert passed == [] and errors == {}
