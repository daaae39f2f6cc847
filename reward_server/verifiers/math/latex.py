"""One LaTeX expression to an unevaluated sympy tree, with latex2sympy2_extended's grammar.

We hand the library single expressions only (the structure around them, lists, intervals,
relations, matrices, is read by :mod:`.parse`), and we drive its ANTLR parser ourselves
for speed: ANTLR's two-stage strategy, the cheap SLL prediction first and the full LL
prediction only when SLL reports an error, is 10-40x faster on this grammar than LL alone
(which the library's ``latex2sympy()`` uses), and gives the same tree whenever SLL
succeeds.  Decimals are read as exact rationals, never as binary floats.

The library is imported lazily: plain numbers never need it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MAX_LL_CHARS = 300


class LatexError(ValueError):
    """The text is not an expression the grammar understands."""


# x^{2} trips the SLL stage (an ambiguity between a letter's own super/subscript and a
# power); {x}^{2} means the same and parses in SLL.  (e^{x} parses in SLL as it is, and
# stays the exponential.)
_LETTER_POWER_RE = re.compile(
    r"(?<![\\a-zA-Z])([a-df-zA-Z]|\\(?:alpha|beta|gamma|theta|lambda|mu|omega|phi|psi|sigma|tau|rho|delta|epsilon))\s*\^"
)


# x_{1} alone trips SLL too, while x_{1}^{1} (the same value) parses in SLL.
_GREEK = r"\\(?:alpha|beta|gamma|theta|lambda|mu|omega|phi|psi|sigma|tau|rho|delta|epsilon)"
_SUBSCRIPT_RE = re.compile(
    r"(?<![\\a-zA-Z])([a-zA-Z]|" + _GREEK + r")_(\{[^{}]*\}|[a-zA-Z0-9])(?!\s*\^)"
)


@functools.cache
def _converter() -> Any:
    import sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, _Latex2Sympy

    class _Converter(_Latex2Sympy):
        def parse_number(self, text: str) -> Any:
            return sympy.Rational(text.replace(",", ""))

        def convert_postfix_list(self, arr: Any, i: int = 0) -> Any:
            """Juxtaposed factors multiply: ``2(3)`` is 6.  (The library adds an integer to
            a positive rational after it, its "mixed fractions": ``2(3)`` would be 5.)"""
            if i >= len(arr) - 1:
                return super().convert_postfix_list(arr, i)
            res = self.convert_postfix(arr[i])
            if not isinstance(res, (sympy.Expr, sympy.MatrixBase)):
                return super().convert_postfix_list(arr, i)  # a derivative's d/dx
            rest = self.convert_postfix_list(arr, i + 1)
            if getattr(res, "is_Matrix", False) or getattr(rest, "is_Matrix", False):
                return self.mat_mul_flat(res, rest)
            return self.mul_flat(res, rest)

    # The library's "mixed fractions" add an integer to any positive rational after it:
    # 2(3) would read as 5.  Mixed numbers are ours (:data:`_MIXED_RE`).
    return _Converter(
        config=ConversionConfig(lowercase_symbols=False, interpret_as_mixed_fractions=False)
    )


@functools.cache
def _antlr() -> tuple[Any, Any]:
    from antlr4 import Token  # type: ignore[import-untyped]
    from antlr4.atn.PredictionMode import PredictionMode  # type: ignore[import-untyped]

    return Token, PredictionMode


#: A mixed number inside an expression: ``3\\frac{1}{2}`` is ``3 + 1/2`` when the fraction
#: is proper (``2\\frac{3}{2}`` is a product), never after an exponent or a closing brace.
_MIXED_RE = re.compile(r"(?<![\d.}^_\\a-zA-Z])(\d+)\s*\\frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}")


def _mixed(match: re.Match[str]) -> str:
    whole, num, den = match.groups()
    if int(num) >= int(den):
        return match.group()
    return f"({whole}+\\frac{{{num}}}{{{den}}})"


def parse_expression(text: str) -> Any:
    """The unevaluated sympy tree of one LaTeX expression; :class:`LatexError` if none."""
    converter = _converter()
    token, mode = _antlr()
    source = _MIXED_RE.sub(_mixed, text) if "\\frac" in text else text
    source = _LETTER_POWER_RE.sub(lambda m: "{" + m.group(1) + "}^", source)
    if "_" in source:
        source = _SUBSCRIPT_RE.sub(lambda m: m.group(1) + "_" + m.group(2) + "^{1}", source)
    last_error: Exception | None = None
    # Full LL prediction costs up to seconds on long input; SLL fails almost only on text
    # that is not an expression at all, so LL is tried on short text only.
    predictions = (mode.SLL, mode.LL) if len(source) <= MAX_LL_CHARS else (mode.SLL,)
    for prediction in predictions:
        parser = converter.create_parser(source)
        parser._interp.predictionMode = prediction
        try:
            tree = parser.expr()
            if parser.getCurrentToken().type != token.EOF:
                raise LatexError("trailing input")
        except Exception as exc:  # noqa: BLE001 - the library's error listener raises Exception
            last_error = exc
            continue
        try:
            return converter.convert_expr(tree)
        except Exception as exc:  # noqa: BLE001 - conversion raises anything on odd input
            raise LatexError(f"cannot convert: {type(exc).__name__}") from None
    raise LatexError(_first_line(last_error))


def _first_line(exc: Exception | None) -> str:
    text = str(exc) if exc is not None else "unparseable"
    return text.splitlines()[0][:120] if text else "unparseable"
