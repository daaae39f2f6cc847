"""``length_constraints:*`` — sentences, paragraphs, words, first word of the n-th paragraph.

Two different notions of paragraph, as in IFEval: ``number_paragraphs`` splits on the
markdown divider ``***``, ``nth_paragraph_first_word`` on blank lines (``\\n\\n``).  In
both, an empty piece at either end is not a paragraph, but an empty piece in the middle
(``a *** *** b``) fails ``number_paragraphs`` outright.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .keywords import compare
from .nlp import count_sentences, count_words

_DIVIDER = re.compile(r"\s?\*\*\*\s?")
_BLANK_LINE = re.compile(r"\n\n")
_FIRST_WORD_STOPS = frozenset(".,?!'\"")


def number_sentences(text: str, args: Mapping[str, Any]) -> bool:
    """Punkt sentences ``less than`` / ``at least`` ``num_sentences``."""
    threshold = args["num_sentences"]
    return compare(count_sentences(text, enough=threshold), args["relation"], threshold)


def number_words(text: str, args: Mapping[str, Any]) -> bool:
    """``\\w+`` words ``less than`` / ``at least`` ``num_words``."""
    return compare(count_words(text), args["relation"], args["num_words"])


def number_paragraphs(text: str, args: Mapping[str, Any]) -> bool:
    """Exactly ``num_paragraphs`` paragraphs between ``***`` dividers."""
    pieces = _DIVIDER.split(text)
    found = len(pieces)
    for index, piece in enumerate(pieces):
        if not piece.strip():
            if index in (0, len(pieces) - 1):
                found -= 1
            else:
                return False
    return bool(found == args["num_paragraphs"])


def _first_word(paragraph: str) -> str:
    word = paragraph.split()[0].strip().lstrip("'").lstrip('"')
    kept = []
    for char in word:
        if char in _FIRST_WORD_STOPS:
            break
        kept.append(char.lower())
    return "".join(kept)


def nth_paragraph_first_word(text: str, args: Mapping[str, Any]) -> bool:
    """Exactly ``num_paragraphs`` blank-line paragraphs, the n-th starting with ``first_word``.

    The first word is the first whitespace-separated token, without leading quotes, cut
    at the first ``. , ? ! ' "`` and lowercased.  Paragraphs are indexed in the raw split,
    so an empty piece before the n-th one shifts it (IFEval's rule).
    """
    paragraphs = _BLANK_LINE.split(text)
    found = sum(1 for p in paragraphs if p.strip())
    nth = args["nth_paragraph"]
    if nth > found:
        return False
    paragraph = paragraphs[nth - 1].strip()
    if not paragraph:
        return False
    return found == args["num_paragraphs"] and _first_word(paragraph) == args["first_word"].lower()
