"""Units written after a value: which words are units, dropping them, and telling them apart.

A unit is dropped before values are compared (``15\\text{ cm}^2`` is 15): a trailing word
that is not mathematics after a number, a word set in text type after a number, or a word
glued to a number when it is a common abbreviation (``5cm``) or four letters or more
(``10weeks``).  :func:`canonical_unit` names the known physical units (``cm^2``, ``week``)
so that two answers with different units (``10 days``, ``10 weeks``) can be told apart.
"""

from __future__ import annotations

import re

#: Words that are mathematics, never units (so ``2 \pi`` or ``x or y`` keep their meaning).
MATH_WORDS = frozenset(
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
        "arcsec",
        "arccsc",
        "arccot",
        "sinh",
        "cosh",
        "tanh",
        "log",
        "ln",
        "exp",
        "sqrt",
        "max",
        "min",
        "gcd",
        "lcm",
        "mod",
        "det",
        "sgn",
        "floor",
        "ceil",
        "cis",
        "pi",
        "infty",
        "infinity",
        "or",
        "and",
        "i",
        "e",
    ]
)
#: Units commonly glued to a number ("5cm"); any other unit word needs a space before it.
_UNIT_ABBREVIATIONS = frozenset(
    [
        "cm",
        "mm",
        "km",
        "kg",
        "mg",
        "ml",
        "ft",
        "mph",
        "kph",
        "kmh",
        "hrs",
        "hr",
        "sec",
        "secs",
        "mins",
        "min",
        "cm2",
        "cm3",
        "m2",
        "m3",
        "sq",
        "units",
    ]
)
_WRAPPED_UNIT_RE = re.compile(
    r"(?<=[\d}\s])\s*+(?:\\,|\\ |\\;)?+\s*+\\(?:text|mathrm|mbox|textrm|rm)\s*+\{\s*+([a-zA-Z][a-zA-Z .]*+)\}"
    r"(?:\s*+\^\s*+\{?+\s*+[23]\s*+\}?+)?+\s*+$"
)


#: Trailing patterns are searched in the last characters only, so that a long text with
#: no match costs one short search instead of one attempt per position.
_TAIL = 120


def strip_wrapped_unit(text: str) -> str:
    """``5\\,\\mathrm{m}`` → ``5``: a word set in text type after a number is a unit."""
    offset = max(0, len(text) - _TAIL)
    m = _WRAPPED_UNIT_RE.search(text, offset)
    if m is None or m.group(1).strip().lower() in ("i", "e", "j", "or", "and"):
        return text
    if m.group(1).replace(".", "").strip().lower() in ("am", "pm"):
        return text  # 8:34 \\text{P.M.} is a time of day
    head = text[: m.start()]
    return head if re.search(r"\d", head) else text


def strip_units(text: str) -> str:
    """Drop trailing words that are not mathematics after a value: ``5 cm^2`` → ``5``."""
    for _ in range(4):  # "square units", "cm^2": a unit is a few words at most
        stripped = text.rstrip()
        m = _UNIT_WORD_RE.search(stripped, max(0, len(stripped) - _TAIL))
        if m is None:
            return stripped
        word = m.group(1).rstrip(".").lower()
        head = stripped[: m.start()].rstrip()
        if len(word) < 2 or word in MATH_WORDS or not re.search(r"\d", head):
            return stripped
        if word.replace(".", "") in ("am", "pm"):  # 6:05 p.m. is a time of day
            return stripped
        if not stripped[: m.start()][-1:].isspace() and not glued_unit(word):
            return stripped
        text = head
    return text.rstrip()


def glued_unit(word: str) -> bool:
    """``10weeks``, ``5cm``: a word glued to a number is a unit when it is a known
    abbreviation or four letters or more (``2ab`` stays a product of variables)."""
    return word in _UNIT_ABBREVIATIONS or (len(word) >= 4 and word.isalpha())


_UNIT_WORD_RE = re.compile(
    r"(?<![\\a-zA-Z])([a-zA-Z][a-zA-Z.]*+)(\s*+\^\s*+\{?+\s*+[23]\s*+\}?+)?+$"
)


#: Physical units, by their canonical name: two answers whose units are both known and
#: differ are different answers (``10 days`` is not ``10 weeks``).
_UNITS = {
    "mm": ("mm", "millimeter", "millimetre"),
    "cm": ("cm", "centimeter", "centimetre"),
    "m": ("m", "meter", "metre"),
    "km": ("km", "kilometer", "kilometre"),
    "in": ("in", "inch"),
    "ft": ("ft", "foot", "feet"),
    "yd": ("yd", "yard"),
    "mi": ("mi", "mile"),
    "mg": ("mg", "milligram"),
    "g": ("g", "gram"),
    "kg": ("kg", "kilogram"),
    "lb": ("lb", "lbs", "pound"),
    "oz": ("oz", "ounce"),
    "ml": ("ml", "milliliter", "millilitre"),
    "l": ("l", "liter", "litre"),
    "s": ("s", "sec", "secs", "second"),
    "min": ("min", "mins", "minute"),
    "h": ("h", "hr", "hrs", "hour"),
    "day": ("day",),
    "week": ("week", "wk"),
    "month": ("month",),
    "year": ("year", "yr", "yrs"),
    "mph": ("mph",),
    "kph": ("kph", "kmh"),
}
_UNIT_NAMES = {name: canon for canon, names in _UNITS.items() for name in names}
_UNIT_TOKEN_RE = re.compile(r"[a-z]+|\^\s*\{?\s*([23])")


def canonical_unit(words: str) -> str | None:
    """The canonical name of the physical unit ``words`` spell (``square centimeters`` →
    ``cm^2``); ``None`` when they are no unit we know."""
    base, power = None, 1
    for m in _UNIT_TOKEN_RE.finditer(words.lower()):
        token = m.group()
        if m.group(1):
            power = int(m.group(1))
        elif token in ("square", "sq", "squared"):
            power = 2
        elif token in ("cubic", "cubed", "cu"):
            power = 3
        elif token in ("per", "text", "mathrm", "mbox"):
            continue
        else:
            name = token if token in _UNIT_NAMES else token.rstrip("s")
            if name.endswith("che"):  # inches
                name = name[:-1]
            if name not in _UNIT_NAMES or base is not None:
                return None
            base = _UNIT_NAMES[name]
    if base is None:
        return None
    return base if power == 1 else f"{base}^{power}"
