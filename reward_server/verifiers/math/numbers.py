"""The fast path: literal numbers read exactly with Python ints and Fractions.

Most gold answers and most model answers are plain numbers.  Reading them here costs
microseconds and needs neither sympy nor the LaTeX parser (neither is even imported), and
the comparison is exact by construction: ``0.125 == 1/8`` but ``0.333 != 1/3``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .values import GuardTripped

#: Longest digit string read as a number (Python refuses int() of > 4300 digits anyway).
MAX_DIGITS = 2000
#: Largest power of ten in scientific notation that we expand exactly.
MAX_EXPONENT = 2000

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)"
_INT_RE = re.compile(r"[+-]?\d+")
_DEC_RE = re.compile(r"[+-]?" + _NUM)
_FRAC_RE = re.compile(r"([+-]?)\\frac\{\s*([+-]?" + _NUM + r")\s*\}\{\s*([+-]?" + _NUM + r")\s*\}")
_SLASH_RE = re.compile(r"([+-]?" + _NUM + r")\s*/\s*(" + _NUM + ")")
_MIXED_RE = re.compile(r"([+-]?)(\d+)\s*\\frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}")
_SCI_RE = re.compile(
    r"([+-]?" + _NUM + r")\s*(?:\\times|\\cdot|\*|x)\s*10\s*\^\s*\{?\s*([+-]?\d+)\s*\}?"
)
_E_RE = re.compile(r"([+-]?" + _NUM + r")[eE]([+-]?\d+)")
_POW10_RE = re.compile(r"10\s*\^\s*\{?\s*([+-]?\d+)\s*\}?")
_REPEAT_RE = re.compile(r"([+-]?)(\d*)\.(\d*)\s*(?:\\overline|\\bar|\\dot)\s*\{?\s*(\d+)\s*\}?")
_BASE_RE = re.compile(r"([0-9A-Za-z]+)_\s*\{?\s*\(?(\d{1,2})\)?\s*\}?")


_ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}


@dataclass(frozen=True)
class Literal:
    """An exactly read number; ``decimal`` if written with a decimal point."""

    value: Fraction
    decimal: bool = False
    base: int | None = None
    digits: str | None = None


def _check_digits(text: str) -> None:
    if len(text) > MAX_DIGITS:
        raise GuardTripped(f"more than {MAX_DIGITS} digits")


def _fraction(text: str) -> Fraction:
    _check_digits(text)
    return Fraction(text)


def _scaled(mantissa: str, exponent: str) -> Fraction:
    e = int(exponent)
    if abs(e) > MAX_EXPONENT:
        raise GuardTripped(f"power of ten beyond 10^{MAX_EXPONENT}")
    return _fraction(mantissa) * Fraction(10) ** e


def read_base(text: str) -> Literal | None:
    """``1011_2`` → 11 (base 2), keeping the digits so an answer can be read in that base."""
    m = _BASE_RE.fullmatch(text)
    if m is None:
        return None
    digits, base = m.group(1), int(m.group(2))
    if not 2 <= base <= 36:
        return None
    _check_digits(digits)
    try:
        return Literal(Fraction(int(digits, base)), base=base, digits=digits.upper())
    except ValueError:
        return None


def read_in_base(digits: str, base: int) -> Fraction | None:
    """The value of a bare digit string read in ``base`` (``None`` if not valid there)."""
    if not re.fullmatch(r"[0-9A-Za-z]+", digits):
        return None
    _check_digits(digits)
    try:
        return Fraction(int(digits, base))
    except ValueError:
        return None


def read_literal(text: str) -> Literal | None:
    """The exact value of a number written plainly, or ``None`` if ``text`` is anything else.

    Handles integers, decimals, ``a/b``, ``\\frac{a}{b}``, mixed numbers (``2\\frac12``),
    scientific notation (``3\\times 10^{5}``, ``3e5``), repeating decimals
    (``0.\\overline{3}``) and base-n subscripts (``1011_2``).
    """
    s = text.strip()
    if not s or len(s) > MAX_DIGITS + 40:
        if len(s) > MAX_DIGITS + 40 and re.fullmatch(r"[+-]?[\d.]+", s):
            raise GuardTripped(f"more than {MAX_DIGITS} digits")
        return None
    if _INT_RE.fullmatch(s):
        return Literal(_fraction(s))
    if _DEC_RE.fullmatch(s):
        return Literal(_fraction(s), decimal=True)
    if "\\" not in s and "/" not in s and "e" not in s.lower() and "_" not in s and "^" not in s:
        return None
    s = s.replace(" ", "")
    m = _FRAC_RE.fullmatch(s)
    if m:
        num, den = _fraction(m.group(2)), _fraction(m.group(3))
        if den == 0:
            return None
        value = num / den
        return Literal(-value if m.group(1) == "-" else value, decimal="." in s)
    m = _SLASH_RE.fullmatch(s)
    if m:
        den = _fraction(m.group(2))
        return None if den == 0 else Literal(_fraction(m.group(1)) / den, decimal="." in s)
    m = _MIXED_RE.fullmatch(s)
    if m:
        whole, top, bottom = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if bottom == 0 or top >= bottom:
            return None  # 2\frac{3}{2} is no mixed number: the parser reads a product
        mixed = whole + Fraction(top, bottom)
        return Literal(-mixed if m.group(1) == "-" else mixed)
    m = _SCI_RE.fullmatch(s) or _E_RE.fullmatch(s)
    if m:
        return Literal(_scaled(m.group(1), m.group(2)), decimal=True)
    m = _POW10_RE.fullmatch(s)
    if m:
        return Literal(_scaled("1", m.group(1)))
    m = _REPEAT_RE.fullmatch(s)
    if m:
        return _repeating(m.group(1), m.group(2), m.group(3), m.group(4))
    return read_base(s)


def _repeating(sign: str, whole: str, fixed: str, period: str) -> Literal:
    """``w.f(p)`` with period ``p`` repeating forever, exactly."""
    _check_digits(whole + fixed + period)
    value = Fraction(int(whole or "0"))
    if fixed:
        value += Fraction(int(fixed), 10 ** len(fixed))
    value += Fraction(int(period), (10 ** len(period) - 1) * 10 ** len(fixed))
    return Literal(-value if sign == "-" else value)


def words_to_number(text: str) -> int | None:
    """ "twenty-five" → 25, "one hundred and five" → 105; ``None`` when not only number words."""
    tokens = [t for t in re.split(r"[\s\-]+", text.strip().lower()) if t and t != "and"]
    if not tokens or len(tokens) > 12:
        return None
    total = current = 0
    seen = False
    for tok in tokens:
        if tok in _ONES:
            current += _ONES[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None
