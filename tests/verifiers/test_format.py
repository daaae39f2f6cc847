"""The R1 format verifier against a hand-labelled table and properties of the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.verifiers.completion import SPECIAL_TOKENS
from reward_server.verifiers.format import check_format

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "format_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line]


def test_labelled_set_covers_every_mode() -> None:
    modes = {(c["prefilled"], c["answer_tags"], c["expected"]) for c in CASES}
    assert len(CASES) >= 60
    assert modes == {(p, a, e) for p in (False, True) for a in (False, True) for e in (0, 1)}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_labelled_case(case: dict) -> None:
    outcome = check_format(
        case["completion"], prefilled=case["prefilled"], answer_tags=case["answer_tags"]
    )
    assert outcome.status == "ok"
    assert outcome.score == case["expected"], outcome.details


# Each failure names the rule it broke, so users can debug their completions.
@pytest.mark.parametrize(
    ("completion", "prefilled", "answer_tags", "reason"),
    [
        ("<think>r</think>a", False, False, "ok"),
        ("  <|im_end|>", False, False, "empty"),
        ("<think>r</Think>a", False, False, "think_tag_variant"),
        ("r</think>a", False, False, "missing_open_tag"),
        ("<think>r<think>s</think>a", False, False, "multiple_open_tags"),
        ("<think>r", False, False, "missing_close_tag"),
        ("<think>r</think>a</think>", False, False, "multiple_close_tags"),
        ("</think>r<think>a", False, False, "close_before_open"),
        ("x<think>r</think>a", False, False, "text_before_open_tag"),
        ("<think> </think>a", False, False, "empty_reasoning"),
        ("<think>r</think> ", False, False, "empty_answer"),
        ("<think>r</think>a", True, False, "open_tag_in_prefilled"),
        ("<think>r</think>a", False, True, "missing_answer_tags"),
        ("<think>r</think><Answer>a</Answer>", False, False, "answer_tag_variant"),
        (
            "<think>r</think><answer>a</answer><answer>b</answer>",
            False,
            True,
            "multiple_answer_tags",
        ),
        ("<think>r</think></answer>a<answer>", False, True, "unbalanced_answer_tags"),
        ("<think>r</think><answer> </answer>", False, False, "empty_answer_tags"),
        ("<think>r</think>so <answer>a</answer>", False, True, "text_around_answer_tags"),
    ],
)
def test_reason_names_the_failed_rule(
    completion: str, prefilled: bool, answer_tags: bool, reason: str
) -> None:
    outcome = check_format(completion, prefilled=prefilled, answer_tags=answer_tags)
    assert outcome.details["reason"] == reason
    assert outcome.score == (1.0 if reason == "ok" else 0.0)


VARIANTS = [
    "<THINK>",
    "<Think>",
    "< think>",
    "<think >",
    "</ think>",
    "</think >",
    "<think/>",
    "<think />",
    '<think class="x">',
    "<think\n>",
    "< /think>",
    "</THINK>",
    "<tHiNk>",
]
NOT_TAGS = [
    "&lt;think&gt;",
    "&lt;/think&gt;",
    "＜think＞",
    "＜/think＞",
    "<thinking>",
    "<think-tank>",
    "think>",
    "<think",
    "a < b > c",
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("where", ["reasoning", "answer"])
def test_any_tag_variant_anywhere_fails(variant: str, where: str) -> None:
    completion = (
        f"<think>r {variant} r</think>a" if where == "reasoning" else f"<think>r</think>a {variant}"
    )
    outcome = check_format(completion)
    assert (outcome.score, outcome.details["reason"]) == (0.0, "think_tag_variant")


@pytest.mark.parametrize("text", NOT_TAGS)
def test_escaped_fullwidth_and_other_words_are_plain_text(text: str) -> None:
    assert check_format(f"<think>r {text} r</think>a {text}").score == 1.0
    assert check_format(f"{text}r{text}").score == 0.0  # and they never stand in for tags


# ---- properties ----------------------------------------------------------------------


def _properties(examples: int) -> settings:
    """Fixed seed: the suite is deterministic (run with a larger count by hand to fuzz)."""
    return settings(max_examples=examples, deadline=None, derandomize=True)


_FRAGMENTS = [
    "<think>",
    "</think>",
    "<answer>",
    "</answer>",
    "<THINK>",
    "< think>",
    "</think >",
    "<think/>",
    "<Answer>",
    "&lt;think&gt;",
    "＜think＞",
    "\n",
    " ",
    "\u200b",
    "```",
    "<",
    ">",
    "/",
    "think",
    "answer",
    *SPECIAL_TOKENS[:6],
]
completions = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=8), max_size=20).map("".join)
# Text with no angle brackets and some visible content: a valid reasoning or answer.
plain = st.text(alphabet=st.characters(blacklist_characters="<>"), max_size=30).filter(
    lambda s: any(ch.isalnum() for ch in s)
)


@_properties(500)
@given(completions, st.booleans(), st.booleans())
def test_never_raises_binary_and_deterministic(
    text: str, prefilled: bool, answer_tags: bool
) -> None:
    first = check_format(text, prefilled=prefilled, answer_tags=answer_tags)
    again = check_format(text, prefilled=prefilled, answer_tags=answer_tags)
    assert first.status == "ok"
    assert first.score in (0.0, 1.0)
    assert isinstance(first.details["reason"], str)
    assert (first.score == 1.0) == (first.details["reason"] == "ok")
    assert first == again


@_properties(200)
@given(st.text(), st.booleans(), st.booleans())
def test_never_raises_on_arbitrary_unicode(text: str, prefilled: bool, answer_tags: bool) -> None:
    assert check_format(text, prefilled=prefilled, answer_tags=answer_tags).score in (0.0, 1.0)


@_properties(200)
@given(plain, plain, st.sampled_from(["", " ", "\n\n"]))
def test_well_formed_completions_pass(reasoning: str, answer: str, pad: str) -> None:
    assert check_format(f"{pad}<think>{reasoning}</think>{answer}{pad}").score == 1.0
    assert check_format(f"{reasoning}</think>{answer}", prefilled=True).score == 1.0
    tagged = f"<think>{reasoning}</think>{pad}<answer>{answer}</answer>{pad}"
    assert check_format(tagged, answer_tags=True).score == 1.0


@_properties(300)
@given(completions, st.booleans())
def test_prefilled_means_the_template_wrote_the_open_tag(text: str, answer_tags: bool) -> None:
    as_prefilled = check_format(text, prefilled=True, answer_tags=answer_tags)
    with_open_tag = check_format("<think>" + text, answer_tags=answer_tags)
    assert as_prefilled.score == with_open_tag.score


@_properties(300)
@given(completions, st.booleans())
def test_answer_tags_mode_only_adds_constraints(text: str, prefilled: bool) -> None:
    strict = check_format(text, prefilled=prefilled, answer_tags=True)
    lax = check_format(text, prefilled=prefilled, answer_tags=False)
    assert strict.score <= lax.score


@_properties(300)
@given(
    completions,
    st.sampled_from(SPECIAL_TOKENS),
    st.sampled_from(["", "\n", " \n "]),
    st.booleans(),
    st.booleans(),
)
def test_trailing_special_tokens_never_change_the_score(
    text: str, token: str, space: str, prefilled: bool, answer_tags: bool
) -> None:
    base = check_format(text, prefilled=prefilled, answer_tags=answer_tags)
    padded = check_format(
        text + space + token + space, prefilled=prefilled, answer_tags=answer_tags
    )
    assert padded.score == base.score


@_properties(200)
@given(plain, plain, st.sampled_from(["<think>", "</think>", *VARIANTS]), st.data())
def test_an_extra_think_tag_anywhere_fails(reasoning: str, answer: str, tag: str, data) -> None:
    before, inside, after = "<think>", f"{reasoning}</think>", answer
    # anywhere outside the existing tags: before the text, in the reasoning, in the answer
    at = data.draw(
        st.sampled_from(
            [
                0,
                *range(len(before), len(before) + len(reasoning) + 1),
                *range(len(before) + len(inside), len(before + inside + after) + 1),
            ]
        )
    )
    valid = before + inside + after
    assert check_format(valid[:at] + tag + valid[at:]).score == 0.0
