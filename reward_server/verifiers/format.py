"""The R1 format reward: a strict, all-or-nothing check of the think-tag structure.

A completion earns 1.0 when it is ``<think>`` reasoning ``</think>`` answer, with exactly
one tag of each kind in the whole text and nothing tag-like besides; otherwise 0.0, and
``details["reason"]`` names the first rule that failed so users can see why.  The policy,
with its interpretation of the edge cases, is written down in ``docs/format.md``.

Pure regex and string work, linear in the length of the text: it runs in-process in the
server on completions up to ~100 kB.
"""

from __future__ import annotations

import re
from typing import Any

from reward_server.verifiers.completion import strip_special_tokens
from reward_server.verifiers.outcome import Outcome

__all__ = ["check_format"]

# Anything an eye or a lenient parser could read as a think / answer tag: any case, spaces
# inside the brackets, a closing slash, attributes or a self-closing slash.  Only the exact
# lowercase forms are valid; every other match is a "variant" and fails the check.  The
# name must end there (``<thinking>``, ``<think-tank>`` are other words, not tags).  Case is
# folded over ASCII only, and only ASCII ``<`` ``>`` make a tag: ``&lt;think&gt;`` and
# fullwidth ``＜think＞`` are plain text.
# Possessive quantifiers keep the scan linear: with plain ``\s*/?\s*`` a ``<`` followed by
# a long run of spaces backtracks quadratically (16k spaces: 7 s).
_THINK_LIKE = re.compile(r"<\s*+/?\s*+[Tt][Hh][Ii][Nn][Kk](?![\w-])[^<>]*+>")
_ANSWER_LIKE = re.compile(r"<\s*+/?\s*+[Aa][Nn][Ss][Ww][Ee][Rr](?![\w-])[^<>]*+>")
_OPEN, _CLOSE = "<think>", "</think>"
_ANSWER_OPEN, _ANSWER_CLOSE = "<answer>", "</answer>"

# Whitespace plus the invisible format characters that carry no content (zero-width
# space / joiners, word joiner, BOM): a part made only of these counts as empty.
_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*+")

_SNIPPET = 40  # how much of an offending tag to echo back in the details


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _fail(reason: str, **details: Any) -> Outcome:
    return Outcome.ok(0.0, reason=reason, **details)


def check_format(completion: str, *, prefilled: bool = False, answer_tags: bool = False) -> Outcome:
    """Score the think-tag structure of ``completion``: 1.0 if it follows the policy, else 0.0.

    ``prefilled``: the chat template already emitted ``<think>``, so the completion starts
    inside the reasoning and must not open a think block itself.  ``answer_tags``: the
    answer after ``</think>`` must be exactly one ``<answer>…</answer>`` block.  Never
    raises for a string; the outcome is always ``ok`` (a bad format is the model's doing).
    """
    text = strip_special_tokens(completion).lstrip()
    if not text:
        return _fail("empty")

    opens: list[int] = []
    closes: list[int] = []
    for tag in _THINK_LIKE.finditer(text):
        if tag.group() == _OPEN:
            opens.append(tag.start())
        elif tag.group() == _CLOSE:
            closes.append(tag.start())
        else:
            return _fail("think_tag_variant", tag=tag.group()[:_SNIPPET], position=tag.start())

    if prefilled:
        if opens:
            return _fail("open_tag_in_prefilled", position=opens[0])
    elif not opens:
        return _fail("missing_open_tag")
    elif len(opens) > 1:
        return _fail("multiple_open_tags", count=len(opens))
    if not closes:
        return _fail("missing_close_tag")
    if len(closes) > 1:
        return _fail("multiple_close_tags", count=len(closes))

    close = closes[0]
    if prefilled:
        reasoning_start = 0
    else:
        if close < opens[0]:
            return _fail("close_before_open")
        if opens[0] != 0:
            return _fail("text_before_open_tag", position=opens[0])
        reasoning_start = len(_OPEN)

    if _is_blank(text[reasoning_start:close]):
        return _fail("empty_reasoning")
    answer = text[close + len(_CLOSE) :]
    if _is_blank(answer):
        return _fail("empty_answer")
    return _check_answer(answer, answer_tags)


def _check_answer(answer: str, required: bool) -> Outcome:
    """Check the answer tags in the answer part (always when present; mandatory if required).

    Present tags must form exactly one exact ``<answer>…</answer>`` pair with a non-empty
    inside, whether or not the mode asks for them: a second block, a lone tag or a variant
    leaves the answer ambiguous.  When required, only whitespace may surround the block.
    """
    tags = list(_ANSWER_LIKE.finditer(answer))
    if not tags:
        return _fail("missing_answer_tags") if required else Outcome.ok(1.0, reason="ok")
    for tag in tags:
        if tag.group() not in (_ANSWER_OPEN, _ANSWER_CLOSE):
            return _fail("answer_tag_variant", tag=tag.group()[:_SNIPPET])
    kinds = [tag.group() for tag in tags]
    if kinds.count(_ANSWER_OPEN) > 1 or kinds.count(_ANSWER_CLOSE) > 1:
        return _fail("multiple_answer_tags", count=len(tags))
    if kinds != [_ANSWER_OPEN, _ANSWER_CLOSE]:
        return _fail("unbalanced_answer_tags")
    open_tag, close_tag = tags
    if _is_blank(answer[open_tag.end() : close_tag.start()]):
        return _fail("empty_answer_tags")
    if required and not (
        _is_blank(answer[: open_tag.start()]) and _is_blank(answer[close_tag.end() :])
    ):
        return _fail("text_around_answer_tags")
    return Outcome.ok(1.0, reason="ok")
