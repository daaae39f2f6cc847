"""Instructions and the shaping terms as components of /v1/score (through the real scorer)."""

from __future__ import annotations

import json

import httpx
import pytest

from reward_server import Engine, InvalidItems, Settings
from reward_server.verifiers.instructions import INSTRUCTION_IDS
from reward_server.verifiers.shaping import (
    cosine_scaled,
    group_length_rewards,
    ngram_repetition,
    overlong_penalty,
)
from tests.support.live_server import live_server

RIGHT = "<think>Two and two make four.</think> The answer is $\\boxed{4}$."
WRONG = "<think>Two and two make five.</think> The answer is $\\boxed{5}$."
LABEL = {
    "instruction_id": ["punctuation:no_comma", "length_constraints:number_words"],
    "kwargs": [{}, {"relation": "at least", "num_words": 5}],
}


@pytest.fixture(scope="module")
def engine():
    settings = Settings(
        workers=1,
        sandbox={"enabled": False},
        plugins=False,
        shaping={"max_tokens": 100, "overlong_buffer": 20},
    )
    with Engine(settings) as eng:
        yield eng


def _math(completion: str, **extra) -> dict:
    return {"completion": completion, "task": "math", "answer": "4", **extra}


def test_instructions_score_the_share_of_constraints_met(engine: Engine) -> None:
    both = "<think>plan</think> Four short words here and more"
    one = "<think>plan</think> Yes, four."
    items = [
        {"completion": both, "task": "instructions", "constraints": LABEL},
        {"completion": one, "task": "instructions", "constraints": json.dumps(LABEL)},
        {
            "completion": one,
            "task": "instructions",
            "constraints": LABEL,
            "instructions": {"all_or_nothing": True},
        },
        {"completion": one, "task": "instructions"},
        {
            "completion": one,
            "task": "instructions",
            "constraints": {"instruction_id": ["no:such"], "kwargs": [{}]},
        },
    ]
    full, half, none, missing, unknown = engine.score(items)
    assert (full.scores.accuracy, half.scores.accuracy, none.scores.accuracy) == (1.0, 0.0, 0.0)
    assert half.details["accuracy"]["followed"] == [False, False]
    assert missing.status == "invalid" and missing.error.type == "missing_constraints"
    assert unknown.status == "invalid" and "no:such" in unknown.error.message


def test_loose_mode_forgives_what_ifeval_loose_forgives(engine: Engine) -> None:
    label = {
        "instruction_id": ["startend:end_checker"],
        "kwargs": [{"end_phrase": "Is there anything else?"}],
    }
    text = "<think>x</think> Sure.\nIs there anything else?\n*"
    strict, loose = engine.score(
        [
            {"completion": text, "task": "instructions", "constraints": label},
            {
                "completion": text,
                "task": "instructions",
                "constraints": label,
                "instructions": {"mode": "loose"},
            },
        ]
    )
    assert (strict.scores.accuracy, loose.scores.accuracy) == (0.0, 1.0)


def test_shaping_terms_are_computed_only_when_weighted(engine: Engine) -> None:
    (plain,) = engine.score([_math(RIGHT, completion_tokens=95)])
    assert plain.scores.model_extra == {}
    (shaped,) = engine.score([_math(RIGHT, completion_tokens=95)], preset="r1+length")
    assert shaped.scores.model_extra["overlong"] == pytest.approx(
        overlong_penalty(95, max_len=100, buffer=20)
    )
    assert shaped.reward == pytest.approx(2.0 + overlong_penalty(95, max_len=100, buffer=20))
    assert shaped.details["overlong"]["length_source"] == "given"


def test_an_item_option_wins_over_the_server_default(engine: Engine) -> None:
    (item,) = engine.score(
        [
            _math(
                RIGHT,
                completion_tokens=95,
                shaping={"max_tokens": 200, "overlong_buffer": 20},
                weights={"overlong": 1},
            )
        ]
    )
    assert item.scores.model_extra["overlong"] == 0.0


def test_repetition_penalty_is_open_r1s(engine: Engine) -> None:
    loop = "<think>" + "I will try again. " * 40 + "</think> \\boxed{4}"
    (result,) = engine.score([_math(loop, weights={"repetition": 0.5})])
    expected = ngram_repetition(loop.replace("<think>", "").replace("</think>", ""), n=3)
    assert result.scores.model_extra["repetition"] == pytest.approx(expected, abs=0.02)
    assert result.scores.model_extra["repetition"] < -0.8


def test_cosine_uses_the_items_own_accuracy(engine: Engine) -> None:
    right, wrong, nothing = engine.score(
        [
            _math(RIGHT, completion_tokens=100),
            _math(WRONG, completion_tokens=100),
            {"completion": RIGHT, "completion_tokens": 100},
        ],
        preset="cosine",
    )
    assert right.scores.model_extra["cosine"] == pytest.approx(cosine_scaled(100, True))
    assert wrong.scores.model_extra["cosine"] == pytest.approx(cosine_scaled(100, False))
    assert nothing.status == "invalid" and nothing.error.type == "needs_accuracy"


def test_group_length_reward_over_the_scored_members_of_each_group(engine: Engine) -> None:
    group = [
        _math(RIGHT, completion_tokens=100),
        _math(WRONG, completion_tokens=300),
        _math(RIGHT, completion_tokens=200) | {"answer": "\\frac{"},  # gold unusable: left out
        _math(RIGHT, completion_tokens=500),
    ]
    results = engine.score(group, preset="kimi", group_size=4)
    expected = group_length_rewards([100, 300, 500], [True, False, True])
    got = [results[i].scores.model_extra["length"] for i in (0, 1, 3)]
    assert got == pytest.approx(expected)
    assert results[2].status == "invalid" and results[2].reward is None


def test_the_group_length_reward_needs_groups(engine: Engine) -> None:
    (alone,) = engine.score([_math(RIGHT)], preset="kimi")
    assert alone.status == "invalid" and alone.error.type == "needs_group"
    with pytest.raises(InvalidItems, match="whole groups"):
        engine.score([_math(RIGHT)] * 3, group_size=2)


def test_the_listing_names_every_component_and_instruction() -> None:
    with live_server(Settings(workers=1, sandbox={"enabled": False}, plugins=False)) as url:
        listing = httpx.get(f"{url}/v1/verifiers").json()
    assert {"overlong", "repetition", "cosine", "length"} <= set(listing["components"])
    assert listing["verifiers"]["instructions"]["instruction_ids"] == list(INSTRUCTION_IDS)
    assert len(INSTRUCTION_IDS) == 25 and "instructions" in listing["tasks"]
    assert listing["verifiers"]["length"]["range"] == [-0.5, 0.5]
    assert {"r1+length", "dapo", "kimi"} <= set(listing["presets"])
