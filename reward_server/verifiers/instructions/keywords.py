"""``keywords:*`` — existence, frequency, forbidden words, letter frequency.

IFEval matches keywords as *regular expressions*, case-insensitively: ``existence`` and
``frequency`` search the bare keyword (so ``"cat"`` is found inside ``"category"``), and
only ``forbidden_words`` wraps the word in ``\\b`` boundaries.  We keep those semantics.  A
keyword that is not a valid pattern (``"C++"``), on which IFEval itself would crash, is
matched as literal text instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .params import RELATIONS


@lru_cache(maxsize=1024)
def keyword_pattern(keyword: str, *, bounded: bool = False) -> re.Pattern[str]:
    """IFEval's pattern for ``keyword`` (``\\b`` on both sides when ``bounded``)."""
    for source in (keyword, re.escape(keyword)):
        try:
            return re.compile(rf"\b{source}\b" if bounded else source, re.IGNORECASE)
        except re.error:
            continue
    raise AssertionError("an escaped pattern always compiles")  # pragma: no cover


def compare(actual: int, relation: str, threshold: int) -> bool:
    """IFEval's two relations: ``less than`` is ``<``, ``at least`` is ``>=``."""
    return actual < threshold if relation == RELATIONS[0] else actual >= threshold


def existence(text: str, args: Mapping[str, Any]) -> bool:
    """Every keyword occurs at least once."""
    return all(keyword_pattern(k).search(text) for k in args["keywords"])


def frequency(text: str, args: Mapping[str, Any]) -> bool:
    """The keyword occurs ``less than`` / ``at least`` ``frequency`` times."""
    found = sum(1 for _ in keyword_pattern(args["keyword"]).finditer(text))
    return compare(found, args["relation"], args["frequency"])


def forbidden_words(text: str, args: Mapping[str, Any]) -> bool:
    """None of the words occurs as a whole word."""
    return not any(keyword_pattern(w, bounded=True).search(text) for w in args["forbidden_words"])


def letter_frequency(text: str, args: Mapping[str, Any]) -> bool:
    """The letter (case-folded with ``str.lower``) occurs the required number of times."""
    found = text.lower().count(args["letter"])
    return compare(found, args["let_relation"], args["let_frequency"])
