"""maj@k on answers scored by the real math verifier, against lighteval's rule on strings.

Each labelled case is one prompt whose samples are scored by ``score_file`` (the real
scorer and math verifier); the report's maj@n is compared with lighteval's maj@n on the
same answers as strings (our reference in ``lighteval_ref``).  Where every answer is
written the same way the two agree; where equivalent forms split the vote they differ,
higher when the split answer is the right one, lower when it is a wrong one (the model's
real majority answer is wrong there, and a string vote hides it).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from pathlib import Path

import pytest

from reward_server.batch import score_file
from reward_server.config import Settings
from reward_server.eval import ReportOptions, report_file
from tests.eval.lighteval_ref import lighteval_maj_at_k

# (name, gold, answers in file order, how ours compares with lighteval, our maj@n)
CASES = [
    ("same_strings_right", "\\frac{1}{2}", ["\\frac{1}{2}"] * 3 + ["3"] * 2, "equal", 1.0),
    ("same_strings_wrong", "\\frac{1}{2}", ["7"] * 3 + ["\\frac{1}{2}"] * 2, "equal", 0.0),
    ("same_strings_tie_right_first", "4", ["4", "9", "9", "4"], "equal", 1.0),
    ("same_strings_tie_wrong_first", "4", ["9", "4", "4", "9"], "equal", 0.0),
    ("split_fraction", "\\frac{1}{2}", ["0.5", "\\frac{1}{2}", "1/2", "3", "3"], "higher", 1.0),
    ("split_expression", "x+1", ["1+x", "x+1", "2x", "2x"], "higher", 1.0),
    ("split_thousands", "1250", ["1,250", "1250", "1\\,250", "1249", "1249"], "higher", 1.0),
    (
        "split_set",
        "\\{1,2,3\\}",
        ["\\{3,1,2\\}", "\\{1,2,3\\}", "\\{1,2\\}", "\\{1,2\\}"],
        "higher",
        1.0,
    ),
    ("split_wrong_answer", "2", ["3", "3.0", "\\frac{6}{2}", "2", "2"], "lower", 0.0),
    ("approximation_not_merged", "\\frac{1}{3}", ["0.33", "0.33", "\\frac{1}{3}"], "equal", 0.0),
    ("pi_not_merged_with_decimals", "10", ["3.14", "\\pi", "10", "10", "3.1416"], "equal", 1.0),
]


def _completion(answer: str) -> str:
    return f"<think>Let me work it out carefully.</think> The answer is $\\boxed{{{answer}}}$."


def _random_prompts(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """Prompts whose answers are all written one way (plain integers)."""
    out = []
    for i in range(24):
        gold = str(rng.randint(1, 4))
        out.append((f"same-{i}", gold, [str(rng.randint(1, 4)) for _ in range(6)]))
    return out


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    folder = tmp_path_factory.mktemp("maj")
    src, out = folder / "in.jsonl", folder / "scored.jsonl"
    randoms = _random_prompts(random.Random(7))
    with src.open("w") as fh:
        for name, gold, answers, *_ in CASES:
            for j, answer in enumerate(answers):
                item = {"id": f"{name}-{j}", "dataset": name, "task": "math", "answer": gold}
                fh.write(json.dumps({**item, "completion": _completion(answer)}) + "\n")
        for name, gold, answers in randoms:
            for j, answer in enumerate(answers):
                item = {"id": f"{name}-{j}", "dataset": "identical_strings", "task": "math"}
                item |= {"answer": gold, "completion": _completion(answer)}
                fh.write(json.dumps(item) + "\n")
    settings = Settings(workers=2, sandbox={"enabled": False})
    asyncio.run(score_file(src, out, settings, progress=False))
    return out, randoms


KS = tuple(sorted({1, *(len(answers) for _, _, answers, *_ in CASES)}))


def test_labelled_cases_against_lighteval(scored: tuple[Path, list]) -> None:
    path, _ = scored
    report = report_file(path, ReportOptions(ks=KS, workers=2))
    for name, gold, answers, relation, expected in CASES:
        n = len(answers)
        summary = report["datasets"][name]
        ours = summary["maj@k"][str(n)]
        theirs = lighteval_maj_at_k(answers, {gold}, n)
        assert ours == expected, name
        assert {"equal": ours == theirs, "higher": ours > theirs, "lower": ours < theirs}[
            relation
        ], (name, ours, theirs)
        # maj@1 is the share of correct samples, whichever way they are written.
        assert summary["maj@k"]["1"] == pytest.approx(summary["avg@n"])
    # 3.0 joins 3 as a number; \frac{6}{2} joins them by the verifier's comparison.
    assert report["meta"]["clustering"]["merged_as_numbers"] >= 1
    assert report["meta"]["clustering"]["merged"] >= 1


def test_string_votes_are_lightevals_vote(scored: tuple[Path, list]) -> None:
    """With clustering off the vote is on strings, as lighteval's: in every case the two
    agree, so what differs above is the clustering alone."""
    path, _ = scored
    report = report_file(path, ReportOptions(ks=KS, cluster=False))
    assert report["meta"]["clustering"]["method"] == "exact strings"
    for name, gold, answers, *_ in CASES:
        n = len(answers)
        ours = report["datasets"][name]["maj@k"][str(n)]
        assert ours == lighteval_maj_at_k(answers, {gold}, n), name


def test_identical_strings_match_lighteval_for_every_k(scored: tuple[Path, list]) -> None:
    path, randoms = scored
    report = report_file(path, ReportOptions(ks=(1, 3, 6), workers=2))
    summary = report["datasets"]["identical_strings"]
    for k in (1, 3, 6):
        want = []
        for _, gold, answers in randoms:
            if k == len(answers):
                want.append(lighteval_maj_at_k(answers, {gold}, k))
            else:
                orders = list(itertools.permutations(answers))
                want.append(
                    sum(lighteval_maj_at_k(list(o), {gold}, k) for o in orders) / len(orders)
                )
        assert summary["maj@k"][str(k)] == pytest.approx(sum(want) / len(want), abs=1e-12), k
    # Nothing to merge among distinct integers: the verifier found no equal pair there.
    assert report["meta"]["clustering"]["timeouts"] == 0
