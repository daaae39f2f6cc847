"""Words, their writing systems, and the clauses they belong to.

The language policy counts words per script before any language detection: a word in a
script the target language does not use is foreign outright, and only words in the target's
own script need their clause's language decided.  This module cuts prose into clauses and
each clause into words tagged with an ISO 15924 script code, in one regex pass.

What a word is (the policy's definition):
- each Han (``Hani``), Hiragana or Katakana (both ``Kana``) character is one word;
- elsewhere a word is a maximal run of letters of one script, combining marks included
  (Devanagari vowel signs, Arabic harakat, stacked Vietnamese accents), so apostrophes,
  hyphens and digits split words: "l'homme" is "l" + "homme";
- Hangul syllables form words by runs, as Korean spaces them.
A word *counts* unless it is a single letter (``x``, ``a``, ``I``: variables and noise;
one Han/Kana character or one Hangul syllable is a whole word and does count) or a math
function name written in lower case (``sin``, ``log``, ``gcd`` ...).  Spanish "sin"
followed by a word ("sin embargo") is the language, not the function.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Letters and combining marks of each script, as character-class bodies.
_LATIN = (
    "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff\u2c60-\u2c7f"
    "\ua720-\ua7ff\uab30-\uab6f\uff21-\uff3a\uff41-\uff5a"
)
_LATIN_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff"
_CYRILLIC = "\u0400-\u0482\u048a-\u052f\u1c80-\u1c88\ua640-\ua66e\ua680-\ua69d"
_CYRILLIC_MARKS = "\u0483-\u0489\u0300-\u036f\u2de0-\u2dff"
_GREEK = "\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u03ff\u1f00-\u1fff"
_ARABIC = (
    "\u0620-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06e5\u06e6\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc"
)
_ARABIC_MARKS = "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u08ca-\u08ff\u200c\u200d"
_HEBREW = "\u05d0-\u05ea\u05ef-\u05f2\ufb1d-\ufb4f"
_HEBREW_MARKS = "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
_DEVANAGARI = "\u0900-\u0963\u0971-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff\u200c\u200d"
# Bengali .. Sinhala: one block of 0x80 each, told apart by code point; digits excluded.
_INDIC_FIRST, _INDIC_LAST = 0x0980, 0x0DFF
_INDIC_SCRIPTS = ("Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh")
_INDIC = (
    "".join(
        f"{chr(base)}-{chr(base + 0x65)}{chr(base + 0x70)}-{chr(base + 0x7F)}"
        for base in range(_INDIC_FIRST, _INDIC_LAST, 0x80)
    )
    + "\u200c\u200d"
)
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"
_HANGUL = "\u1100-\u11ff\u3131-\u318e\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb"
_HAN = "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f\U0001b000-\U0001b16f"

# Clause ends: sentence punctuation of the scripts above, colons before a space, newlines.
_BREAK = r"[.!?;…]+(?![A-Za-z0-9_])|:(?=\s)|[\n。！？；：｡．\uff01\uff1f\uff1b\uff1a؟؛۔।॥։።]+"

# Group order matters: ``lastindex`` names the script of each match.
_TOKEN = re.compile(
    "|".join(
        (
            f"({_BREAK})",
            "([,，、،])",
            f"([{_HAN}])",
            f"([{_KANA}])",
            f"([{_HANGUL}]+)",
            f"([{_LATIN}][{_LATIN}{_LATIN_MARKS}]*)",
            f"([{_CYRILLIC}][{_CYRILLIC}{_CYRILLIC_MARKS}]*)",
            f"([{_GREEK}][{_GREEK}{_LATIN_MARKS}]*)",
            f"([{_ARABIC}][{_ARABIC}{_ARABIC_MARKS}]*)",
            f"([{_HEBREW}][{_HEBREW}{_HEBREW_MARKS}]*)",
            f"([{_DEVANAGARI}]+)",
            f"([{_INDIC}]+)",
            f"([{_THAI}]+)",
            r"([^\W\d_]+)",
        )
    )
)
# The script of each capturing group; groups 1, 2 and _INDIC_GROUP never index this.
_GROUP_SCRIPT: tuple[str, ...] = (
    "",
    "",
    "",
    "Hani",
    "Kana",
    "Hang",
    "Latn",
    "Cyrl",
    "Grek",
    "Arab",
    "Hebr",
    "Deva",
    "",
    "Thai",
    "Zzzz",
)
_INDIC_GROUP = 12

#: Scripts whose every character is a word.
CHARACTER_SCRIPTS = frozenset({"Hani", "Kana"})

MATH_FUNCTION_NAMES = frozenset(
    [
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "arcsin",
        "arccos",
        "arctan",
        "arccot",
        "sinh",
        "cosh",
        "tanh",
        "coth",
        "arsinh",
        "arcosh",
        "artanh",
        "log",
        "ln",
        "lg",
        "exp",
        "lim",
        "liminf",
        "limsup",
        "max",
        "min",
        "sup",
        "inf",
        "argmax",
        "argmin",
        "det",
        "gcd",
        "lcm",
        "mod",
        "deg",
        "dim",
        "ker",
        "arg",
        "sgn",
        "sign",
        "sqrt",
        "cdot",
        "frac",
    ]
)


class Word(NamedTuple):
    """One word: its text, its ISO 15924 script, whether the policy counts it, and which
    comma-separated piece of its clause it is in (0, 1, ...)."""

    text: str
    script: str
    counts: bool
    piece: int = 0


def _counts(text: str, script: str, following: str | None) -> bool:
    if script in CHARACTER_SCRIPTS:
        return True
    if len(text) < 2 and script != "Hang":
        return False
    if text in MATH_FUNCTION_NAMES:
        return text == "sin" and following is not None and len(following) > 1
    return True


def split_clauses(prose: str, max_words: int = 60) -> list[list[Word]]:
    """Cut ``prose`` into clauses of words (empty clauses dropped).

    A clause ends at sentence punctuation, a colon, a line break, or after ``max_words``
    words, so a run-on text without punctuation is still judged piece by piece.  Commas do
    not end a clause but number its pieces (:attr:`Word.piece`), for clauses that switch
    language mid-sentence.
    """
    prose = unicodedata.normalize("NFC", prose)
    clauses: list[list[Word]] = []
    raw: list[tuple[str, str, int]] = []
    piece = 0

    def close() -> None:
        nonlocal piece
        if raw:
            following = [t for t, _, _ in raw[1:]] + [None]
            clauses.append(
                [
                    Word(text, script, _counts(text, script, after), part)
                    for (text, script, part), after in zip(raw, following)
                ]
            )
            raw.clear()
        piece = 0

    for match in _TOKEN.finditer(prose):
        group = match.lastindex
        if group is None:
            continue
        if group == 1:
            close()
            continue
        if group == 2:
            piece += 1 if raw else 0
            continue
        text = match.group(group)
        if group == _INDIC_GROUP:
            script = _INDIC_SCRIPTS[(ord(text[0]) - _INDIC_FIRST) >> 7]
        else:
            script = _GROUP_SCRIPT[group]
        raw.append((text, script, piece))
        if len(raw) >= max_words:
            close()
    close()
    return clauses
