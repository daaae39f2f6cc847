"""Comparing a program's output with the expected output.

Each checker sees the whole of both outputs: none stops at the shorter one, so a program
that prints a correct prefix and stops, or prints the answer and then garbage, fails.

- ``tokens`` (default): whitespace-separated tokens must be equal, one for one; how they
  are spaced or broken into lines (``\\r\\n`` included) does not matter.
- ``lines``: the same lines in the same order; trailing whitespace on a line and blank
  lines at the end do not count.
- ``exact``: the same text, except that ``\\r\\n`` counts as ``\\n`` and newlines at the
  very end are ignored (datasets routinely store expected outputs stripped).
- ``case_insensitive``: ``tokens``, compared after Unicode case folding.
- ``float``: ``tokens``, except that two numeric tokens match when their absolute or
  relative difference is at most ``tolerance``; a non-numeric token must match exactly.
  As DOMjudge's default validator (which reads tokens with ``strtod``), ``nan`` and
  ``inf``/``infinity`` in any case are numbers: NaN matches NaN, an infinity matches an
  infinity of the same sign, and neither matches a number written out (not even
  ``1e400``, which only exact decimals compare).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal

CHECKERS = ("tokens", "exact", "lines", "case_insensitive", "float")

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SPECIAL = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def tokens_equal(output: str, expected: str) -> bool:
    return output.split() == expected.split()


def case_insensitive_equal(output: str, expected: str) -> bool:
    return output.casefold().split() == expected.casefold().split()


def lines_equal(output: str, expected: str) -> bool:
    return _lines(output) == _lines(expected)


def exact_equal(output: str, expected: str) -> bool:
    return _exact(output) == _exact(expected)


def floats_equal(output: str, expected: str, tolerance: float = 1e-6) -> bool:
    got, want = output.split(), expected.split()
    if len(got) != len(want):
        return False
    return all(_token_close(g, w, tolerance) for g, w in zip(got, want))


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _exact(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n")


def _token_close(got: str, want: str, tolerance: float) -> bool:
    if got == want:
        return True
    if _SPECIAL.fullmatch(got) or _SPECIAL.fullmatch(want):
        if not (_SPECIAL.fullmatch(got) and _SPECIAL.fullmatch(want)):
            return False  # a written-out number (even 1e400) is not an infinity
        x, y = float(got), float(want)
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return x == y  # an infinity equals only the infinity of its sign
    if not (_NUMBER.fullmatch(got) and _NUMBER.fullmatch(want)):
        return False
    a, b = float(got), float(want)
    if math.isinf(a) or math.isinf(b):  # past float range (1e400): exact decimals decide
        try:
            big_a, big_b = Decimal(got), Decimal(want)
            big_diff = abs(big_a - big_b)
            return big_diff <= Decimal(tolerance) or big_diff <= Decimal(tolerance) * abs(big_b)
        except ArithmeticError:  # past even Decimal's exponents (1e100000000000000000)
            return False
    diff = abs(a - b)
    return diff <= tolerance or diff <= tolerance * abs(b)


def checker(name: str, tolerance: float = 1e-6) -> Callable[[str, str], bool]:
    """The comparison called ``name`` as ``f(output, expected) -> bool``."""
    if name == "tokens":
        return tokens_equal
    if name == "exact":
        return exact_equal
    if name == "lines":
        return lines_equal
    if name == "case_insensitive":
        return case_insensitive_equal
    if name == "float":
        return lambda output, expected: floats_equal(output, expected, tolerance)
    raise ValueError(f"unknown checker {name!r}; known: {', '.join(CHECKERS)}")


def values_equal(got: object, expected: object, tolerance: float = 1e-6) -> bool:
    """A function's result against the expected value, as values (never as text).

    Tuples count as lists (JSON has no tuples), a float is close to a number within
    ``tolerance`` (absolute or relative; NaN equals NaN), dictionaries compare key by key
    (a key also matches its string form: JSON forces string keys on expected values),
    sets compare as sets; everything else with ``==`` on rebuilt plain values."""
    return _equal(got, expected, tolerance, 0)


def _equal(got: object, expected: object, tol: float, depth: int) -> bool:
    if depth > 200:
        return False
    if isinstance(got, tuple):
        got = list(got)
    if isinstance(expected, tuple):
        expected = list(expected)
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, int | float) and isinstance(expected, int | float):
        if isinstance(got, int) and isinstance(expected, int):
            return got == expected
        a, b = float(got), float(expected)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= tol or abs(a - b) <= tol * abs(b)
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(
            _equal(g, e, tol, depth + 1) for g, e in zip(got, expected)
        )
    if isinstance(got, dict) and isinstance(expected, dict):
        if len(got) != len(expected):
            return False
        for key, value in got.items():
            if key in expected:
                other = expected[key]
            elif not isinstance(key, str) and str(key) in expected:
                other = expected[str(key)]
            else:
                return False
            if not _equal(value, other, tol, depth + 1):
                return False
        return True
    try:
        return bool(type(got) is type(expected) and got == expected)
    except Exception:  # noqa: BLE001 - a comparison of rebuilt plain values that fails
        return False
