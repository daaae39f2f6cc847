"""Which part of an answer is the program: the last fenced block in the item's language.

Blocks tagged with another language (an ``output`` or ``bash`` block after the code) are
not the program; an untagged block is.  The fence scan is linear in the answer's length,
even for answers made of many unclosed fences.
"""

from __future__ import annotations

import re

from sandbox.languages import UnknownLanguage, resolve

_OPENING = re.compile(r"[ \t]*```[ \t]*([^\n`]*)")  # a whole line: a fence and its tag
_CLOSING = re.compile(r"[ \t]*```[ \t]*")  # a whole line: a bare fence
_OTHER_TAGS = {
    "text",
    "output",
    "console",
    "shell",
    "bash",
    "sh",
    "plaintext",
    "json",
    "txt",
    "stdout",
    "input",
}


def extract_code(answer: str, language: str) -> str | None:
    """The last fenced block tagged ``language`` (or an alias) or untagged; None if none."""
    try:
        wanted = resolve(language).name
    except UnknownLanguage:
        wanted = language.strip().lower()
    chosen: str | None = None
    for tag_text, body in _fenced_blocks(answer):
        tag = tag_text.strip().split()[0].lower() if tag_text.strip() else ""
        if not tag or _tag_language(tag) == wanted:
            chosen = body
    return chosen


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(tag, body) of each fenced block, in order, in one pass over the lines.

    A block opens at a fence line followed by a newline and closes at the next bare fence
    line.  Scanning lines (not a lazy regex from every opening) keeps this linear: an answer
    of many unclosed fences costs as much as any other text of its length."""
    lines = text.split("\n")
    closings = [k for k, line in enumerate(lines) if _CLOSING.fullmatch(line)]
    blocks: list[tuple[str, str]] = []
    next_closing = 0
    k = 0
    while k < len(lines) - 1:  # an opening needs its newline
        opening = _OPENING.fullmatch(lines[k])
        if opening is None:
            k += 1
            continue
        while next_closing < len(closings) and closings[next_closing] <= k:
            next_closing += 1
        if next_closing == len(closings):  # nothing closes it, nor any later opening
            break
        end = closings[next_closing]
        blocks.append((opening.group(1), "".join(line + "\n" for line in lines[k + 1 : end])))
        k = end + 1
    return blocks


def _tag_language(tag: str) -> str | None:
    if tag in _OTHER_TAGS:
        return None
    try:
        return resolve(tag).name
    except UnknownLanguage:
        return None
