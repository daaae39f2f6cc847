"""The instruction-following verifier against two labelled tables and its contract.

``instruction_cases.jsonl`` is our own set (>= 10 cases per instruction, strict and loose
labels); ``instruction_cases_ifeval.jsonl`` holds the cases IFEval publishes for its own
checkers (google-research ``instruction_following_eval/instructions_test.py`` and
``instructions_util_test.py``, named in each row's ``source``), checked on the raw text
exactly as IFEval's tests pass it.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reward_server.verifiers.instructions import (
    INSTRUCTION_IDS,
    LabelError,
    check_instructions,
    count_sentences,
    count_words,
    is_followed,
    loose_variants,
    parse_constraints,
)

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


CASES = _load("instruction_cases.jsonl")
IFEVAL = _load("instruction_cases_ifeval.jsonl")
FOLLOW = [c for c in IFEVAL if c["check"] == "follow"]
COUNTS = [c for c in IFEVAL if c["check"] != "follow"]


def _label(case: dict[str, Any]) -> dict[str, Any]:
    return {"instruction_id": [case["instruction_id"]], "kwargs": [case["kwargs"]]}


def test_the_25_ifeval_instructions() -> None:
    assert len(INSTRUCTION_IDS) == len(set(INSTRUCTION_IDS)) == 25
    assert {i.split(":")[0] for i in INSTRUCTION_IDS} == {
        "keywords",
        "language",
        "length_constraints",
        "detectable_content",
        "detectable_format",
        "combination",
        "startend",
        "change_case",
        "punctuation",
    }


def test_labelled_set_covers_every_instruction_both_ways() -> None:
    per_id = Counter(c["instruction_id"] for c in CASES)
    assert set(per_id) == set(INSTRUCTION_IDS)
    assert min(per_id.values()) >= 10, per_id
    for instruction_id in INSTRUCTION_IDS:
        labels = {c["strict"] for c in CASES if c["instruction_id"] == instruction_id}
        assert labels == {True, False}, instruction_id
    assert sum(c["strict"] != c["loose"] for c in CASES) >= 20
    assert all(c["loose"] or not c["strict"] for c in CASES)  # loose never below strict
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("mode", ["strict", "loose"])
def test_labelled_case(case: dict[str, Any], mode: str) -> None:
    outcome = check_instructions(
        case["response"], _label(case), prompt=case.get("prompt"), strict=mode == "strict"
    )
    assert outcome.status == "ok", outcome.message
    assert outcome.score == float(case[mode]), outcome.details
    # The same answer after a think block scores the same: the reasoning is not read.
    wrapped = check_instructions(
        "<think>Let me plan, carefully, the answer.</think>\n\n" + case["response"],
        _label(case),
        prompt=case.get("prompt"),
        strict=mode == "strict",
    )
    assert wrapped.score == outcome.score


@pytest.mark.parametrize("case", FOLLOW, ids=[c["name"] for c in FOLLOW])
def test_ifeval_published_case(case: dict[str, Any]) -> None:
    assert case["source"].startswith("google-research/google-research instruction_following_eval")
    (constraint,) = parse_constraints(_label(case))
    assert is_followed(constraint, case["response"], strict=True) is case["expected"]


@pytest.mark.parametrize("case", COUNTS, ids=[c["name"] for c in COUNTS])
def test_ifeval_published_counts(case: dict[str, Any]) -> None:
    counter = {"count_words": count_words, "count_sentences": count_sentences}[case["check"]]
    assert counter(case["text"]) == case["expected"]


# --- the label -------------------------------------------------------------------------

TWO = {
    "instruction_id": ["punctuation:no_comma", "length_constraints:number_words"],
    "kwargs": [None, {"num_words": 3, "relation": "at least"}],
}


@pytest.mark.parametrize(
    "label",
    [
        TWO,
        json.dumps(TWO),  # Tulu 3's ground_truth column
        [json.dumps(TWO)],  # open-instruct wraps the label in a list
        json.dumps(json.dumps(TWO)),  # encoded twice
        str(TWO),  # a Python literal, with None
        {"instruction_id_list": TWO["instruction_id"], "kwargs": TWO["kwargs"]},  # IFEval's name
        {  # the Hugging Face schema: every argument name, null where it does not apply
            "instruction_id": TWO["instruction_id"],
            "kwargs": [
                {"num_words": None, "relation": None, "language": None},
                {"num_words": 3.0, "relation": "at least", "keywords": None},
            ],
        },
    ],
    ids=["dict", "json", "list", "json_twice", "literal", "id_list", "nulls"],
)
def test_label_shapes(label: Any) -> None:
    met = check_instructions("one two three", label)
    assert (met.status, met.score) == ("ok", 1.0)
    half = check_instructions("one, two", label)
    assert (half.status, half.score) == ("ok", 0.0)


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ({"instruction_id": ["keywords:nope"], "kwargs": [{}]}, "unknown instruction id"),
        ({"instruction_id": [5], "kwargs": [{}]}, "unknown instruction id"),
        ({"instruction_id": ["length_constraints:number_words"], "kwargs": [{}]}, "missing kwarg"),
        (
            {"instruction_id": ["length_constraints:number_words"], "kwargs": [{"num_words": 3}]},
            "missing kwarg 'relation'",
        ),
        (
            {
                "instruction_id": ["length_constraints:number_words"],
                "kwargs": [{"num_words": "3", "relation": "at least"}],
            },
            "whole number",
        ),
        (
            {
                "instruction_id": ["length_constraints:number_words"],
                "kwargs": [{"num_words": 2.5, "relation": "at least"}],
            },
            "whole number",
        ),
        (
            {
                "instruction_id": ["length_constraints:number_words"],
                "kwargs": [{"num_words": True, "relation": "at least"}],
            },
            "whole number",
        ),
        (
            {
                "instruction_id": ["length_constraints:number_words"],
                "kwargs": [{"num_words": -1, "relation": "at least"}],
            },
            ">= 0",
        ),
        (
            {
                "instruction_id": ["length_constraints:number_words"],
                "kwargs": [{"num_words": 3, "relation": "at most"}],
            },
            "expected one of",
        ),
        (
            {"instruction_id": ["punctuation:no_comma"], "kwargs": [{"num_words": 3}]},
            "unexpected kwargs ['num_words']",
        ),
        ({"instruction_id": ["keywords:existence"], "kwargs": [{"keywords": "cat"}]}, "a list"),
        ({"instruction_id": ["keywords:existence"], "kwargs": [{"keywords": []}]}, "at least one"),
        ({"instruction_id": ["keywords:existence"], "kwargs": [{"keywords": [""]}]}, "non-empty"),
        (
            {
                "instruction_id": ["keywords:letter_frequency"],
                "kwargs": [{"letter": "ab", "let_frequency": 1, "let_relation": "at least"}],
            },
            "single non-whitespace character",
        ),
        (
            {"instruction_id": ["language:response_language"], "kwargs": [{"language": "xx"}]},
            "unsupported language",
        ),
        (
            {
                "instruction_id": ["detectable_content:postscript"],
                "kwargs": [{"postscript_marker": " "}],
            },
            "non-empty string",
        ),
        (
            {
                "instruction_id": ["length_constraints:nth_paragraph_first_word"],
                "kwargs": [{"num_paragraphs": 2, "nth_paragraph": 3, "first_word": "a"}],
            },
            "nth_paragraph must be between 1 and num_paragraphs",
        ),
        ({"instruction_id": ["combination:repeat_prompt"], "kwargs": [{}]}, "prompt"),
        (
            {"instruction_id": ["punctuation:no_comma"], "kwargs": [{}, {}]},
            "1 instruction ids but 2",
        ),
        ({"instruction_id": [], "kwargs": []}, "no instruction"),
        ({"instruction_id": "punctuation:no_comma", "kwargs": [{}]}, "a list 'instruction_id'"),
        ({"instruction_id": ["punctuation:no_comma"], "kwargs": "{}"}, "'kwargs' must be a list"),
        (
            {"instruction_id": ["punctuation:no_comma"], "kwargs": [3]},
            "kwargs[0] must be an object",
        ),
        ({"kwargs": [{}]}, "a list 'instruction_id'"),
        ("not json at all {", "neither JSON nor a literal"),
        (42, "got int"),
        (None, "got NoneType"),
    ],
)
def test_unusable_labels_are_invalid_with_the_reason(label: Any, reason: str) -> None:
    outcome = check_instructions("Some answer.", label)
    assert outcome.status == "invalid"
    assert outcome.score is None
    assert outcome.error_type == "invalid_constraints"
    assert outcome.message is not None and reason in outcome.message, outcome.message
    with pytest.raises(LabelError):
        parse_constraints(label)


def test_the_invalid_constraint_is_named() -> None:
    label = {
        "instruction_id": ["punctuation:no_comma", "keywords:frequency"],
        "kwargs": [{}, {"keyword": "cat", "frequency": "many", "relation": "at least"}],
    }
    message = check_instructions("x", label).message
    assert message is not None
    assert "constraint 1 (keywords:frequency)" in message and "'frequency'" in message


# --- scoring ---------------------------------------------------------------------------

THREE = {
    "instruction_id": [
        "punctuation:no_comma",
        "keywords:existence",
        "change_case:english_lowercase",
    ],
    "kwargs": [{}, {"keywords": ["river"]}, {}],
}


def test_score_is_the_fraction_met_or_all_or_nothing() -> None:
    answer = "The river flows north to the sea and we follow it."  # a capital: 2 of 3
    fraction = check_instructions(answer, THREE)
    assert fraction.score == pytest.approx(2 / 3)
    assert fraction.details["followed"] == [True, True, False]
    assert fraction.details["instruction_ids"] == THREE["instruction_id"]
    assert (fraction.details["met"], fraction.details["total"]) == (2, 3)
    assert check_instructions(answer, THREE, all_or_nothing=True).score == 0.0
    lower = "the river flows north to the sea and we follow it."
    assert check_instructions(lower, THREE, all_or_nothing=True).score == 1.0


def test_only_the_answer_after_the_last_think_is_read() -> None:
    label = {"instruction_id": ["keywords:existence"], "kwargs": [{"keywords": ["river"]}]}
    assert check_instructions("<think>the river</think>A lake.", label).score == 0.0
    assert check_instructions("<think>a</think>x</think>the river", label).score == 1.0
    # prefilled: the template opened the think block; the completion closes it
    assert check_instructions("the plan</think>the river", label, prefilled=True).score == 1.0


@pytest.mark.parametrize(
    ("completion", "prefilled", "reason"),
    [
        ("<think>the river, still thinking", False, "no_answer"),
        ("the river, still thinking", True, "no_answer"),
        ("<think>the river</think>   \n", False, "empty_answer"),
        ("", False, "empty_answer"),
    ],
)
def test_no_answer_meets_no_constraint(completion: str, prefilled: bool, reason: str) -> None:
    label = {"instruction_id": ["punctuation:no_comma"], "kwargs": [{}]}  # met by any text
    outcome = check_instructions(completion, label, prefilled=prefilled)
    assert (outcome.status, outcome.score) == ("ok", 0.0)
    assert outcome.details["reason"] == reason
    assert outcome.details["followed"] == [False]


def test_invalid_label_wins_over_a_missing_answer() -> None:
    outcome = check_instructions("<think>never closed", {"instruction_id": ["x"], "kwargs": [{}]})
    assert outcome.status == "invalid"


def test_answer_is_stripped_like_tulu() -> None:
    label = {
        "instruction_id": ["length_constraints:nth_paragraph_first_word"],
        "kwargs": [{"num_paragraphs": 2, "nth_paragraph": 1, "first_word": "first"}],
    }
    assert check_instructions("<think>r</think>\n\nFirst.\n\nSecond.\n\n", label).score == 1.0


def test_repeat_prompt_takes_the_item_prompt_when_kwargs_leave_it_out() -> None:
    label = {"instruction_id": ["combination:repeat_prompt"], "kwargs": [None]}
    prompt = "Name three rivers."
    assert check_instructions("Name three rivers. Nile.", label, prompt=prompt).score == 1.0
    given = {
        "instruction_id": ["combination:repeat_prompt"],
        "kwargs": [{"prompt_to_repeat": "Hi."}],
    }
    assert check_instructions("Hi. Nile.", given, prompt=prompt).score == 1.0  # kwargs win


def test_loose_variants_are_ifevals_eight() -> None:
    assert loose_variants("*a*\nb\n*c*") == (
        "*a*\nb\n*c*",
        "a\nb\nc",
        "b\n*c*",
        "*a*\nb",
        "b",
        "b\nc",
        "a\nb",
    )
    assert loose_variants("plain") == ("plain", "")


def test_non_string_completion_is_invalid() -> None:
    outcome = check_instructions(None, TWO)  # type: ignore[arg-type]
    assert (outcome.status, outcome.error_type) == ("invalid", "invalid_completion")


def test_runs_in_a_worker_process() -> None:
    assert pickle.loads(pickle.dumps(check_instructions)) is check_instructions
    outcome = check_instructions("one two three", TWO)
    assert pickle.loads(pickle.dumps(outcome)) == outcome
