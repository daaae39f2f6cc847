"""Scoring MBPP rows in assert mode, shared by the real MBPP (``test_mbpp.py``) and our
MBPP-style sample (``test_mbpp_style.py``).

A row's test code is built as docs/code-datasets.md says: ``test_setup_code`` and then the
``test_list`` asserts, one per line.  Each row gives its reference solution (must score
1.0) and broken variants (must score less): a hand-made ``broken`` program when the row
has one, the function the first assert calls replaced by one that returns an object equal
to everything, and the reference leaving with ``os._exit(0)`` before the checks.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from tests.sandbox.conftest import fenced

DATA = Path(__file__).parents[1] / "data"
ALWAYS_EQUAL = "\nclass _Any:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
PARALLEL = 4

Variant = tuple[str, dict[str, Any], str, bool]  # name, row, program, is the reference


def read_rows(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def spec(row: dict[str, Any]) -> CodeSpec:
    test_code = "\n".join([row["test_setup_code"], *row["test_list"]]).strip("\n") + "\n"
    return CodeSpec(language="python", test_code=test_code, time_limit_s=5.0)


def always_equal(row: dict[str, Any]) -> str | None:
    """The reference with the function the first assert calls replaced by one that
    returns an object equal to everything (None when the first assert calls no function
    the program defines)."""
    found = re.match(r"assert\s*\(?\s*(\w+)\(", row["test_list"][0])
    if not found or not re.search(rf"^def {found[1]}\s*\(", row["code"], re.MULTILINE):
        return None
    name = found[1]
    return row["code"] + ALWAYS_EQUAL + f"def {name}(*args, **kwargs):\n    return _Any()\n"


def variants(rows: list[dict[str, Any]]) -> list[Variant]:
    out: list[Variant] = []
    for row in rows:
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


def score_variants(loop: Any, sandbox: Any, chosen: list[Variant]) -> dict[str, Any]:
    """Outcome of each variant, by name, scored ``PARALLEL`` at a time."""

    async def run_all() -> dict[str, Any]:
        gate = asyncio.Semaphore(PARALLEL)

        async def one(row: dict[str, Any], program: str) -> Any:
            async with gate:
                return await check_code(fenced(program), spec(row), sandbox)

        results = await asyncio.gather(*(one(row, program) for _, row, program, _ in chosen))
        return {name: outcome for (name, *_), outcome in zip(chosen, results)}

    return loop.run(run_all(), timeout=1800)


def failed_references(scores: dict[str, Any]) -> dict[str, Any]:
    """The references that did not score 1.0, with why; prints the count that did."""
    failed = {
        name: (o.status, o.score, o.details.get("stderr") or o.message)
        for name, o in scores.items()
        if name.endswith("/reference") and not (o.status == "ok" and o.score == 1.0)
    }
    references = sum(1 for name in scores if name.endswith("/reference"))
    print(f"references: {references - len(failed)}/{references} score 1.0")
    return failed


def rewarded_variants(scores: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Broken variants that scored 1.0, and any variant not scored (status not ok)."""
    passed = [n for n, o in scores.items() if not n.endswith("/reference") and o.score == 1.0]
    errors = {n: o.message for n, o in scores.items() if o.status != "ok"}
    broken = sum(1 for n in scores if not n.endswith("/reference"))
    print(f"broken variants: {broken - len(passed)}/{broken} score < 1")
    return passed, errors
