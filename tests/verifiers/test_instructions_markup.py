"""The markup checks equal IFEval's regular expressions, in linear time.

Three of IFEval's patterns are quadratic on a looping model's output (a line of
``[[[[…`` takes minutes); the linear rewrites must give the same answers, which is
checked here against the patterns exactly as IFEval writes them.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.verifiers.instructions import markup

# The characters these patterns react to, plus some plain text.
TEXT = st.lists(
    st.sampled_from(["[", "]", "<", ">", "<<", ">>", "\n", " ", "\t", "\r", "\x0b", "\xa0", "*", "-", "a", "B", "p", "s", ".", "x y"]),
    max_size=40,
).map("".join)  # fmt: skip


def ifeval_placeholders(text: str) -> int:
    return len(re.findall(r"\[.*?\]", text))


def ifeval_title(text: str) -> bool:
    return any(t.lstrip("<").rstrip(">").strip() for t in re.findall(r"<<[^\n]+>>", text))


def ifeval_bullets(text: str) -> int:
    return len(re.findall(r"^\s*\*[^\*].*$", text, flags=re.MULTILINE)) + len(
        re.findall(r"^\s*-.*$", text, flags=re.MULTILINE)
    )


def ifeval_postscript(text: str, marker: str) -> bool:
    text = text.lower()
    if marker == "P.P.S":
        pattern = r"\s*p\.\s?p\.\s?s.*$"
    elif marker == "P.S.":
        pattern = r"\s*p\.\s?s\..*$"
    else:
        pattern = r"\s*" + marker.lower() + r".*$"
    return bool(re.findall(pattern, text, flags=re.MULTILINE))


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_placeholders_title_bullets_equal_ifeval(text: str) -> None:
    assert markup.count_placeholders(text) == ifeval_placeholders(text)
    assert markup.title(text, {}) is ifeval_title(text)
    assert markup.count_bullets(text, "*") + markup.count_bullets(text, "-") == ifeval_bullets(text)
    for n in range(4):
        assert markup.number_bullet_lists(text, {"num_bullets": n}) is (ifeval_bullets(text) == n)


@settings(max_examples=300, deadline=None)
@given(TEXT.map(lambda t: t.replace("a", "P.S.").replace("B", "p. p. s")), st.sampled_from(["P.S.", "P.P.S", "PS:", "p", "x y", "+p", "?p"]))  # fmt: skip
def test_postscript_equals_ifeval(text: str, marker: str) -> None:
    assert markup.postscript(text, {"postscript_marker": marker}) is ifeval_postscript(text, marker)


@pytest.mark.parametrize(
    ("text", "placeholders", "has_title"),
    [
        ("[" * 100_000, 0, False),
        ("[a" * 50_000 + "]", 1, False),
        ("[\n" * 50_000 + "[x]", 1, False),
        ("<" * 100_000, 0, False),
        ("<<a" * 30_000 + ">>", 0, True),
        ("\n" * 100_000 + "<<t>>", 0, True),
    ],
)
def test_looping_output_is_answered(text: str, placeholders: int, has_title: bool) -> None:
    # With IFEval's own patterns the first two rows take minutes.
    assert markup.count_placeholders(text) == placeholders
    assert markup.title(text, {}) is has_title
    assert markup.count_bullets("\n" * 100_000 + " " * 100_000 + "x", "*") == 0
    assert markup.count_bullets("\n \n" * 50_000 + "- a", "-") == 1
