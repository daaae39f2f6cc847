"""Agreement with the original judges on labelled programs in each new test format
(tests/data/code_format_cases.jsonl, built by tests/data/make_code_format_cases.py):
function calls (APPS/TACO/PRIME ``input_output``, LiveCodeBench functional rows, LeetCode
``class Solution``), checker programs (floats, several valid answers, a C++ checker),
and pytest/unittest files.  The bar (issue 10): at least 99 % agreement per format and
no wrong variant accepted.  A case whose expected score is given must also get it."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from tests.sandbox.conftest import fenced

pytestmark = pytest.mark.docker

CASES = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "code_format_cases.jsonl").open()
]
BAR = 0.99
PARALLEL = 4


@pytest.fixture(scope="module")
def outcomes(loop, sandbox) -> dict[str, Any]:
    async def run_all() -> dict[str, Any]:
        gate = asyncio.Semaphore(PARALLEL)

        async def one(case: dict[str, Any]) -> Any:
            spec = CodeSpec(**{"time_limit_s": 1.0, **case["spec"]})
            language = "cpp" if case["program"].lstrip().startswith("#include") else "python"
            async with gate:
                return await check_code(
                    fenced(case["program"], language), _spec(spec, language), sandbox
                )

        results = await asyncio.gather(*(one(c) for c in CASES))
        return {c["id"]: r for c, r in zip(CASES, results)}

    return loop.run(run_all(), timeout=1800)


def _spec(spec: CodeSpec, language: str) -> CodeSpec:
    return spec if spec.language == language else spec.model_copy(update={"language": language})


def test_every_case_is_judged(outcomes):
    errors = {k: (o.status, o.message) for k, o in outcomes.items() if o.status != "ok"}
    assert errors == {}


@pytest.mark.parametrize("fmt", sorted({c["format"] for c in CASES}))
def test_agreement_per_format(outcomes, fmt):
    cases = [c for c in CASES if c["format"] == fmt]
    agree, false_accepts, wrong_scores = 0, [], []
    for case in cases:
        outcome = outcomes[case["id"]]
        accepted = outcome.status == "ok" and outcome.score == 1.0
        agree += accepted == case["accept"]
        if accepted and not case["accept"]:
            false_accepts.append(case["id"])
        if "score" in case and outcome.score != pytest.approx(case["score"]):
            wrong_scores.append((case["id"], outcome.score, case["score"]))
    rate = agree / len(cases)
    disagreements = [
        (c["id"], outcomes[c["id"]].score, outcomes[c["id"]].details.get("tests"))
        for c in cases
        if (outcomes[c["id"]].score == 1.0) != c["accept"]
    ]
    print(f"{fmt}: {agree}/{len(cases)} agree ({rate:.1%})")
    assert false_accepts == [], disagreements
    assert rate >= BAR, disagreements
    assert wrong_scores == []
    assert sum(not c["accept"] for c in cases) >= len(cases) // 2  # wrong variants are most


def test_summary(outcomes):
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in CASES:
        outcome = outcomes[case["id"]]
        per[case["format"]][0] += (outcome.score == 1.0) == case["accept"]
        per[case["format"]][1] += 1
    print({k: f"{a}/{n}" for k, (a, n) in per.items()})
    assert sum(n for _, n in per.values()) == len(CASES)
