"""Properties of the instruction verifier: in range, deterministic, never raises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.verifiers.instructions import (
    check_instructions,
    is_followed,
    parse_constraints,
)

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "instruction_cases.jsonl"
# One valid (id, kwargs) per labelled case: every instruction with realistic arguments.
VALID = [
    (c["instruction_id"], {"prompt_to_repeat": c["prompt"]} if "prompt" in c else c["kwargs"])
    for c in (json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines())
]

# Text made of the characters the checks care about (stars, dashes, brackets, quotes,
# newlines, P.S., Section, capitals), mixed with arbitrary unicode.
MARKS = st.sampled_from(
    ["*", "**", "***", "******", "-", "\n", "\n\n", " ", ",", ".", "!", "?", '"', "'",
     "[x]", "<<t>>", "P.S.", "Section 1", "My answer is yes.", "```json", "{", "}",
     "THE", "the", "river", "Dr.", "é", "日本", "</think>", "<think>"]
)  # fmt: skip
TEXT = st.lists(st.one_of(MARKS, st.text(max_size=12)), max_size=40).map("".join)
LABELS = st.lists(st.sampled_from(VALID), min_size=1, max_size=4).map(
    lambda pairs: {"instruction_id": [p[0] for p in pairs], "kwargs": [p[1] for p in pairs]}
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
GARBAGE_KWARGS = st.dictionaries(
    st.sampled_from(["num_words", "relation", "keywords", "letter", "language", "nth_paragraph",
                     "num_paragraphs", "first_word", "keyword", "frequency", "end_phrase", "x"]),
    JSON,
    max_size=4,
)  # fmt: skip
GARBAGE_LABELS = st.one_of(
    JSON,
    st.builds(
        lambda ids, kwargs: {"instruction_id": ids, "kwargs": kwargs},
        st.lists(st.sampled_from([p[0] for p in VALID] + ["nope", ""]), max_size=3),
        st.lists(st.none() | GARBAGE_KWARGS, max_size=3),
    ),
    JSON.map(json.dumps),
)


@settings(max_examples=150, deadline=None)
@given(completion=TEXT, label=LABELS, strict=st.booleans(), all_or_nothing=st.booleans())
def test_valid_labels_score_in_range_deterministically(
    completion: str, label: dict[str, Any], strict: bool, all_or_nothing: bool
) -> None:
    first = check_instructions(completion, label, strict=strict, all_or_nothing=all_or_nothing)
    assert first.status == "ok", first.message
    assert first.score is not None and 0.0 <= first.score <= 1.0
    if all_or_nothing:
        assert first.score in (0.0, 1.0)
    again = check_instructions(completion, label, strict=strict, all_or_nothing=all_or_nothing)
    assert again == first


@settings(max_examples=150, deadline=None)
@given(response=TEXT, pair=st.sampled_from(VALID))
def test_loose_is_never_stricter_than_strict(response: str, pair: tuple[str, Any]) -> None:
    (constraint,) = parse_constraints({"instruction_id": [pair[0]], "kwargs": [pair[1]]})
    if is_followed(constraint, response, strict=True):
        assert is_followed(constraint, response, strict=False)


@settings(max_examples=300, deadline=None)
@given(completion=st.one_of(TEXT, st.none(), st.integers()), label=GARBAGE_LABELS)
def test_any_input_gives_an_outcome_never_an_exception(completion: Any, label: Any) -> None:
    outcome = check_instructions(completion, label)
    assert outcome.status in ("ok", "invalid")
    if outcome.status == "ok":
        assert outcome.score is not None and 0.0 <= outcome.score <= 1.0
    else:
        assert outcome.score is None and outcome.message
