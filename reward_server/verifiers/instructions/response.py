"""The response as a whole: language, case, start and end, commas, two answers, a repeat.

``language:*``, ``change_case:*``, ``startend:*``, ``punctuation:*`` and ``combination:*``.
Language comes from langdetect (seeded, :mod:`.nlp`); when langdetect finds nothing to
judge (digits only, say) IFEval counts the language instruction as followed, and so do we.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .keywords import compare
from .nlp import count_capital_words, detect_language

_RESPONSE_SEPARATOR = "******"


def _detected_is(text: str, code: str) -> bool:
    found = detect_language(text)
    if found is None:
        return True  # IFEval: "Unable to detect language" counts as followed
    if code == "zh":
        return found in ("zh-cn", "zh-tw")
    return found == code


def response_language(text: str, args: Mapping[str, Any]) -> bool:
    """langdetect's best guess for the whole response is ``language``."""
    return _detected_is(text, args["language"])


def english_capital(text: str, args: Mapping[str, Any]) -> bool:
    """``str.isupper()`` and English."""
    return text.isupper() and _detected_is(text, "en")


def english_lowercase(text: str, args: Mapping[str, Any]) -> bool:
    """``str.islower()`` and English."""
    return text.islower() and _detected_is(text, "en")


def capital_word_frequency(text: str, args: Mapping[str, Any]) -> bool:
    """NLTK word tokens that are all capitals: ``less than`` / ``at least`` ``capital_frequency``."""
    threshold = args["capital_frequency"]
    found = count_capital_words(
        text, enough=threshold
    )  # past the threshold, both answers are known
    return compare(found, args["capital_relation"], threshold)


def no_comma(text: str, args: Mapping[str, Any]) -> bool:
    """No ASCII comma anywhere (other commas, e.g. ``，``, are not commas to IFEval)."""
    return "," not in text


def quotation(text: str, args: Mapping[str, Any]) -> bool:
    """The stripped response starts and ends with ``"`` (and is longer than one character)."""
    stripped = text.strip()
    return len(stripped) > 1 and stripped[0] == '"' and stripped[-1] == '"'


def end_checker(text: str, args: Mapping[str, Any]) -> bool:
    """The response ends with ``end_phrase``, ignoring case, whitespace and outer ``"``."""
    return text.strip().strip('"').lower().endswith(args["end_phrase"].strip().lower())


def repeat_prompt(text: str, args: Mapping[str, Any]) -> bool:
    """The response starts with ``prompt_to_repeat``, ignoring case and outer whitespace."""
    return text.strip().lower().startswith(args["prompt_to_repeat"].strip().lower())


def two_responses(text: str, args: Mapping[str, Any]) -> bool:
    """Exactly two different non-blank responses separated by ``******``.

    A blank piece is allowed only before the first or after the last separator.
    """
    pieces = text.split(_RESPONSE_SEPARATOR)
    kept = []
    for index, piece in enumerate(pieces):
        if piece.strip():
            kept.append(piece)
        elif index not in (0, len(pieces) - 1):
            return False
    return len(kept) == 2 and kept[0].strip() != kept[1].strip()
