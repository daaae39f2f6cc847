"""The kinds of keyword argument an instruction takes, and how each is checked.

IFEval's ``build_description`` fills a missing or out-of-range argument with a *random*
value (a random keyword, a random threshold).  That is right for generating prompts and
wrong for scoring: a constraint we cannot read must make the item ``invalid``, never be
scored against a dice roll.  So every argument here is parsed strictly, and a bad one
raises :class:`KwargError` with a reason the user can act on.

The values keep IFEval's own normalisation (``strip`` where IFEval strips, lowercase
where it lowercases) so that the checks see exactly what IFEval's checks see.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Relation = Literal["less than", "at least"]
RELATIONS: tuple[Relation, ...] = ("less than", "at least")

# The 55 profiles langdetect ships (its codes, not all ISO 639-1: zh-cn, zh-tw).
_LANGDETECT_PROFILES = (
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk "
    "ml mr ne nl no pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh-cn zh-tw"
)
LANGDETECT_CODES: frozenset[str] = frozenset(_LANGDETECT_PROFILES.split())


class KwargError(ValueError):
    """A keyword argument of a constraint is missing, of the wrong type or out of range."""


@dataclass(frozen=True)
class Param:
    """One keyword argument: its name, its parser, and whether it must be given."""

    name: str
    parse: Callable[[Any], Any]
    required: bool = True


def _count(value: Any) -> int:
    # bool is an int in Python; a dataset that stores ``true`` for a count is broken.
    if isinstance(value, bool):
        raise KwargError(f"expected a whole number, got {value!r}")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)  # Parquet/pandas turn nullable int columns into floats
    if not isinstance(value, int):
        raise KwargError(f"expected a whole number, got {value!r}")
    if value < 0:
        raise KwargError(f"expected a number >= 0, got {value}")
    return value


def _relation(value: Any) -> Relation:
    if value == RELATIONS[0]:
        return RELATIONS[0]
    if value == RELATIONS[1]:
        return RELATIONS[1]
    raise KwargError(f"expected one of {list(RELATIONS)}, got {value!r}")


def _text(value: Any) -> str:
    """A non-empty string, stripped (IFEval strips markers, phrases and keywords)."""
    if not isinstance(value, str) or not value.strip():
        raise KwargError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def _raw_text(value: Any) -> str:
    """A non-empty string kept as given (IFEval does not strip it)."""
    if not isinstance(value, str) or not value.strip():
        raise KwargError(f"expected a non-empty string, got {value!r}")
    return value


def _word_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise KwargError(f"expected a list of strings, got {value!r}")
    if not value:
        raise KwargError("expected at least one word")
    for word in value:
        if not isinstance(word, str) or not word:
            raise KwargError(f"expected non-empty strings, got {word!r}")
    return tuple(value)


def _letter(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 1 or value.isspace():
        raise KwargError(f"expected a single non-whitespace character, got {value!r}")
    return value.lower()


def _language(value: Any) -> str:
    if not isinstance(value, str):
        raise KwargError(f"expected a language code, got {value!r}")
    code = value.strip().lower().replace("_", "-")
    if code != "zh" and code not in LANGDETECT_CODES:
        raise KwargError(
            f"unsupported language {value!r}; supported: {', '.join(sorted(LANGDETECT_CODES))}"
        )
    return code


def count(name: str) -> Param:
    """A whole number >= 0 (a threshold or an exact count)."""
    return Param(name, _count)


def relation(name: str) -> Param:
    """``"less than"`` or ``"at least"``."""
    return Param(name, _relation)


def text(name: str, *, required: bool = True) -> Param:
    """A non-empty string, stripped."""
    return Param(name, _text, required)


def raw_text(name: str, *, required: bool = True) -> Param:
    """A non-empty string, kept as given."""
    return Param(name, _raw_text, required)


def word_list(name: str) -> Param:
    """A non-empty list of non-empty strings."""
    return Param(name, _word_list)


def letter(name: str) -> Param:
    """One non-whitespace character, lowercased."""
    return Param(name, _letter)


def language(name: str) -> Param:
    """A language code langdetect knows (``zh`` stands for ``zh-cn`` and ``zh-tw``)."""
    return Param(name, _language)
