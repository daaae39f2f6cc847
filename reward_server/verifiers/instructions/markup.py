"""``detectable_content:*`` and ``detectable_format:*`` — marks a reader can see.

Placeholders ``[name]``, a postscript ``P.S.``, markdown bullets, highlighted ``*spans*``,
``Section N`` headers, a ``<<title>>``, a JSON document, one of three fixed answers.
Every rule is IFEval's regular expression, kept as is: e.g. a bullet is a line that
starts with ``*`` (not ``**``) or ``-`` after optional whitespace, and a highlight is
``*text*`` or ``**text**`` on one line, each non-blank one counted (so ``**bold**``
counts twice: once as ``**`` and once as the ``*bold*`` inside it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(r"\[.*?\]")
_STAR_BULLET = re.compile(r"^\s*\*[^\*].*$", re.MULTILINE)
_DASH_BULLET = re.compile(r"^\s*-.*$", re.MULTILINE)
_HIGHLIGHT = re.compile(r"\*[^\n\*]*\*")
_DOUBLE_HIGHLIGHT = re.compile(r"\*\*[^\n\*]*\*\*")
_TITLE = re.compile(r"<<[^\n]+>>")
_PPS = re.compile(r"\s*p\.\s?p\.\s?s.*$", re.MULTILINE)
_PS = re.compile(r"\s*p\.\s?s\..*$", re.MULTILINE)

#: IFEval's three accepted answers for ``constrained_response``.
CONSTRAINED_RESPONSES = ("My answer is yes.", "My answer is no.", "My answer is maybe.")


@lru_cache(maxsize=256)
def _pattern(prefix: str, body: str, suffix: str, flags: int = 0) -> re.Pattern[str]:
    """IFEval's ``prefix + body + suffix``; ``body`` taken literally where that is no pattern.

    IFEval pastes user text (a marker, a section word) into its patterns unescaped and
    crashes on one like ``"Part ("``; we match such text literally instead.
    """
    try:
        return re.compile(prefix + body + suffix, flags)
    except re.error:
        return re.compile(prefix + re.escape(body) + suffix, flags)


def number_placeholders(text: str, args: Mapping[str, Any]) -> bool:
    """At least ``num_placeholders`` spans in square brackets on one line."""
    return sum(1 for _ in _PLACEHOLDER.finditer(text)) >= args["num_placeholders"]


def postscript(text: str, args: Mapping[str, Any]) -> bool:
    """A line (or the rest of a line) starting with the marker, case-insensitively.

    ``P.S.`` and ``P.P.S`` accept a space after each dot (``P. S.``); any other marker
    is IFEval's pattern ``\\s*<marker>.*$`` on the lowercased text.
    """
    marker = args["postscript_marker"]
    lowered = text.lower()
    if marker == "P.P.S":
        pattern = _PPS
    elif marker == "P.S.":
        pattern = _PS
    else:
        body = marker.lower()
        pattern = _pattern(r"\s*", body, r".*$", re.MULTILINE)
    return pattern.search(lowered) is not None


def number_bullet_lists(text: str, args: Mapping[str, Any]) -> bool:
    """Exactly ``num_bullets`` lines that are ``*`` or ``-`` bullets."""
    found = sum(1 for _ in _STAR_BULLET.finditer(text)) + sum(
        1 for _ in _DASH_BULLET.finditer(text)
    )
    return bool(found == args["num_bullets"])


def constrained_response(text: str, args: Mapping[str, Any]) -> bool:
    """The response contains one of ``My answer is yes./no./maybe.``."""
    stripped = text.strip()
    return any(option in stripped for option in CONSTRAINED_RESPONSES)


def number_highlighted_sections(text: str, args: Mapping[str, Any]) -> bool:
    """At least ``num_highlights`` non-blank ``*…*`` and ``**…**`` spans."""
    found = sum(1 for m in _HIGHLIGHT.finditer(text) if m.group().strip("*").strip())
    found += sum(
        1
        for m in _DOUBLE_HIGHLIGHT.finditer(text)
        if m.group().removeprefix("**").removesuffix("**").strip()
    )
    return found >= args["num_highlights"]


def multiple_sections(text: str, args: Mapping[str, Any]) -> bool:
    """At least ``num_sections`` section headers ``<spliter> <number>``.

    IFEval splits on ``\\s?<spliter>\\s?\\d+\\s?`` (case-sensitive) and counts the pieces
    after the first.
    """
    spliter = args["section_spliter"]
    pattern = _pattern(r"\s?", spliter, r"\s?\d+\s?")
    return len(pattern.split(text)) - 1 >= args["num_sections"]


def json_format(text: str, args: Mapping[str, Any]) -> bool:
    """The whole response parses as JSON, optionally inside one markdown code fence."""
    body = (
        text.strip()
        .removeprefix("```json")
        .removeprefix("```Json")
        .removeprefix("```JSON")
        .removeprefix("```")
        .removesuffix("```")
        .strip()
    )
    try:
        json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the C stack
        return False
    return True


def title(text: str, args: Mapping[str, Any]) -> bool:
    """Some ``<<title>>`` on one line with a non-blank inside."""
    return any(m.group().lstrip("<").rstrip(">").strip() for m in _TITLE.finditer(text))
