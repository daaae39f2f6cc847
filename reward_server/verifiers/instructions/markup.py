"""``detectable_content:*`` and ``detectable_format:*`` — marks a reader can see.

Placeholders ``[name]``, a postscript ``P.S.``, markdown bullets, highlighted ``*spans*``,
``Section N`` headers, a ``<<title>>``, a JSON document, one of three fixed answers.
Every rule is IFEval's regular expression: e.g. a bullet is a line that starts with ``*``
(not ``**``) or ``-`` after optional whitespace, and a highlight is ``*text*`` or
``**text**`` on one line, each non-blank one counted (``**bold**`` counts once: the
single-star pattern only finds the two empty ``**`` in it).  Where IFEval's pattern is
quadratic on a looping model's output, the same answer is computed by a linear scan
(tested equal to the pattern).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_NON_SPACE = re.compile(r"\S")
_HIGHLIGHT = re.compile(r"\*[^\n\*]*\*")
_DOUBLE_HIGHLIGHT = re.compile(r"\*\*[^\n\*]*\*\*")
# IFEval's patterns start with ``\s*``, which changes nothing for a search (it may match
# empty) but rescans every run of whitespace from each of its positions: left out.
_PPS = re.compile(r"p\.\s?p\.\s?s.*$", re.MULTILINE)
_PS = re.compile(r"p\.\s?s\..*$", re.MULTILINE)

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


@lru_cache(maxsize=256)
def _marker_pattern(marker: str) -> re.Pattern[str]:
    """IFEval's ``\\s*<marker>.*$`` for a marker other than P.S./P.P.S, as a search needs it."""
    try:
        re.compile(r"\s*" + marker + r".*$")
    except re.error:  # IFEval would crash: the marker is text
        return re.compile(re.escape(marker) + r".*$", re.MULTILINE)
    try:
        return re.compile(marker + r".*$", re.MULTILINE)
    except re.error:  # a marker that only parses after "\s*" (e.g. "+p": "\s*+" is possessive)
        return re.compile(r"\s*" + marker + r".*$", re.MULTILINE)


def count_placeholders(text: str) -> int:
    """``len(re.findall(r"\\[.*?\\]", text))`` in linear time.

    The regular expression rescans the rest of the line from every ``[`` that has no
    ``]`` after it, which takes minutes on a looping model's line of ``[[[[…``.  Here a
    ``[`` matches up to the first ``]`` when no newline comes before it; when one does,
    every ``[`` up to that newline fails alike and the scan moves past it.
    """
    found = position = 0
    close = newline = -1  # the next "]" and "\n" found so far (searched again when passed)
    while (start := text.find("[", position)) >= 0:
        if close <= start:
            close = text.find("]", start + 1)
        if newline <= start:
            newline = text.find("\n", start + 1)
        if close >= 0 and (newline < 0 or close < newline):
            found += 1
            position = close + 1
        elif newline >= 0:
            position = newline + 1
        else:
            break
    return found


def number_placeholders(text: str, args: Mapping[str, Any]) -> bool:
    """At least ``num_placeholders`` spans in square brackets on one line."""
    return count_placeholders(text) >= args["num_placeholders"]


def postscript(text: str, args: Mapping[str, Any]) -> bool:
    """A line (or the rest of a line) starting with the marker, case-insensitively.

    ``P.S.`` and ``P.P.S`` accept a space after each dot (``P. S.``); any other marker
    is IFEval's pattern ``\\s*<marker>.*$`` on the lowercased text (without the ``\\s*``,
    which a search does not need).
    """
    marker = args["postscript_marker"]
    lowered = text.lower()
    if marker == "P.P.S":
        pattern = _PPS
    elif marker == "P.S.":
        pattern = _PS
    else:
        pattern = _marker_pattern(marker.lower())
    return pattern.search(lowered) is not None


def count_bullets(text: str, mark: str) -> int:
    """IFEval's bullet count for ``mark`` ``*`` or ``-``, in linear time.

    ``len(re.findall(r"^\\s*\\*[^\\*].*$", text, re.M))`` for ``*`` (a ``*`` not followed
    by another, as the first non-space after a line start) and ``r"^\\s*-.*$"`` for ``-``.
    The patterns rescan a run of blank lines from each of its line starts (quadratic on
    a model that emits thousands of newlines); every line start in such a run reaches the
    same first non-space character, so one look per run gives the same count.
    """
    found = start = 0
    while (hit := _NON_SPACE.search(text, start)) is not None:
        first = hit.start()
        if text[first] == mark and (
            mark == "-" or (first + 1 < len(text) and text[first + 1] != "*")
        ):
            found += 1
            end = text.find("\n", first + (1 if mark == "-" else 2))  # ".*$" runs to the line end
        else:
            end = text.find("\n", first)  # every line start up to here fails alike
        if end < 0:
            break
        start = end + 1
    return found


def number_bullet_lists(text: str, args: Mapping[str, Any]) -> bool:
    """Exactly ``num_bullets`` lines that are ``*`` or ``-`` bullets."""
    found = count_bullets(text, "*") + count_bullets(text, "-")
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
    """Some ``<<title>>`` on one line with a non-blank inside.

    IFEval's ``re.findall(r"<<[^\\n]+>>")``, line by line in linear time: on a line, the
    only match runs from the first ``<<`` to the last ``>>`` (greedy), if that ``>>``
    starts at least three characters later; the regular expression instead retries from
    every ``<`` of a long ``<<<<…`` line.
    """
    for line in text.split("\n"):
        start = line.find("<<")
        if start < 0:
            continue
        end = line.rfind(">>")
        if end >= start + 3 and line[start : end + 2].lstrip("<").rstrip(">").strip():
            return True
    return False
