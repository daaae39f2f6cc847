"""Equality of two scalars: exact where it can be, numeric only where it must be.

The ladder, cheapest first:

1. both read by the fast path: ``Fraction`` equality (exact, big integers included);
2. the guarded sympy forms are structurally equal;
3. no free symbols: rational against rational exactly; otherwise a high-precision numeric
   comparison with a *relative* tolerance far below any decimal the answer wrote
   (``1/2^{99}`` vs ``1/2^{98}`` differ by half, ``3.14`` vs ``\\pi`` by 5e-4: both unequal);
4. free symbols: the two functions agree at several random rational points;
5. ``simplify`` of the difference, last, for small expressions only.

Every sympy tree reaches this module through :func:`to_sympy`, which runs the guards on
the unevaluated tree before anything evaluates it.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from .guards import check_text, check_tree
from .latex import LatexError, parse_expression
from .values import GuardTripped, Scalar

NUMERIC_DIGITS = 60
SIMPLIFY_MAX_NODES = 60
RANDOM_POINTS = 6


class Unparseable(ValueError):
    """The scalar's text is not an expression."""


def to_sympy(text: str) -> Any:
    """The evaluated sympy form of a scalar's LaTeX.

    Raises :class:`GuardTripped` or :class:`Unparseable`.  Results and refusals are both
    cached by text: golds and answers repeat within a GRPO group.
    """
    result = _to_sympy_cached(text)
    if isinstance(result, Exception):
        raise result
    return result


@functools.lru_cache(maxsize=4096)
def _to_sympy_cached(text: str) -> Any:
    import sympy

    try:
        check_text(text)
        try:
            tree = parse_expression(text)
        except LatexError as exc:
            return Unparseable(str(exc))
        if not isinstance(tree, sympy.Expr):
            return Unparseable("not a scalar expression")
        check_tree(tree)
    except GuardTripped as exc:
        return exc
    try:
        expr = _evaluate(tree)
    except Exception as exc:  # noqa: BLE001 - sympy may raise anything on odd input
        return Unparseable(f"cannot evaluate: {type(exc).__name__}")
    if expr.free_symbols and expr.free_symbols <= {sympy.Symbol("i")}:
        expr = expr.xreplace({sympy.Symbol("i"): sympy.I})
    return expr


def _evaluate(tree: Any) -> Any:
    """Rebuild an unevaluated tree with evaluation on (the guards have passed)."""
    import sympy

    if isinstance(tree, sympy.UnevaluatedExpr):
        return _evaluate(tree.args[0])
    if not tree.args or isinstance(tree, sympy.MatrixBase):
        return tree
    args = [_evaluate(a) for a in tree.args]
    if isinstance(tree, sympy.Pow):
        base, exponent = args
        if (
            exponent.is_Rational
            and exponent.q % 2 == 1
            and base.is_number
            and base.is_extended_negative
        ):
            # \sqrt[3]{-8} is -2: an odd root of a negative real is the real root, as in
            # school mathematics, not sympy's principal (complex) root.
            return sympy.Integer(-1) ** exponent.p * sympy.Pow(-base, exponent)
    return tree.func(*args)


def scalar_sympy(scalar: Scalar) -> Any:
    """The sympy form of a scalar (the exact number when the fast path read it)."""
    import sympy

    if scalar.number is not None:
        return sympy.Rational(scalar.number.numerator, scalar.number.denominator)
    if scalar.expr is not None:
        return scalar.expr
    return to_sympy(scalar.text)


def scalars_equal(gold: Scalar, answer: Scalar) -> tuple[bool, str]:
    """Whether two scalars are mathematically equal, and the method that decided it."""
    if gold.number is not None and answer.number is not None:
        return _numbers_equal(gold, answer), "exact"
    try:
        g = scalar_sympy(gold)
    except Unparseable:
        return gold.text == answer.text, "text"
    try:
        a = scalar_sympy(answer)
    except Unparseable:
        return False, "answer unparseable"
    return sympy_equal(g, a, answer_decimal_digits=_decimal_digits(answer))


def _numbers_equal(gold: Scalar, answer: Scalar) -> bool:
    if gold.base is not None and answer.base is None and answer.digits is None:
        from .numbers import read_in_base

        reread = read_in_base(answer.text.lstrip("+"), gold.base)
        return reread is not None and reread == gold.number
    return gold.number == answer.number


def _decimal_digits(scalar: Scalar) -> int:
    return sum(c.isdigit() for c in scalar.text) if "." in scalar.text else 0


def sympy_equal(g: Any, a: Any, answer_decimal_digits: int = 0) -> tuple[bool, str]:
    """Equality of two evaluated sympy expressions (see the module docstring)."""
    import sympy

    if g == a:
        return True, "structural"
    if not isinstance(g, sympy.Expr) or not isinstance(a, sympy.Expr):
        return False, "different kinds"
    if g.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan) or a.has(
        sympy.oo, -sympy.oo, sympy.zoo, sympy.nan
    ):
        return False, "infinite"
    if _exact_nonzero_difference(g, a):
        return False, "exact"
    symbols = g.free_symbols | a.free_symbols
    if not symbols:
        if g.is_Rational and a.is_Rational:
            return False, "exact"
        return _constants_equal(g, a, answer_decimal_digits), "proof"
    verdict = _agree_at_random_points(g, a, sorted(symbols, key=lambda s: s.name))
    if verdict is False:
        return False, "random points"
    if verdict is True:
        return True, "random points"
    return _simplify_equal(g, a), "simplify"


def _exact_nonzero_difference(g: Any, a: Any) -> bool:
    """``π + 10^{-80}`` vs ``π``: sympy's own cancellation leaves a nonzero rational, a
    difference below any numeric tolerance but certain."""
    try:
        difference = g - a
    except Exception:  # noqa: BLE001 - no cheap verdict
        return False
    return bool(difference.is_Rational and difference != 0)


def _constants_equal(g: Any, a: Any, decimal_digits: int) -> bool:
    """Two constants are equal only when proven so: a high-precision evaluation can refute
    equality (their values differ far beyond its error), never establish it, since
    ``\\ln(1 + 10^{-90})`` and ``0`` agree to any fixed precision.  What agrees numerically
    must then be proven zero symbolically (:func:`_proven_zero`)."""
    digits = max(NUMERIC_DIGITS, 2 * decimal_digits + 30)
    gv, av = _evalf(g, digits), _evalf(a, digits)
    if gv is not None and av is not None and not _close(gv, av, digits):
        return False
    return _proven_zero(g - a)


#: Largest root degree for which an algebraic difference is settled by its minimal
#: polynomial (``2^{1/2^{1000}}`` would ask for a polynomial of degree 2^1000).
MAX_ROOT_DEGREE = 12
PROOF_MAX_OPS = 80


def _proven_zero(d: Any) -> bool:
    """Whether ``d`` is shown to be exactly zero (``False`` means "not shown")."""
    import sympy

    if d == 0:
        return True
    try:
        if sympy.count_ops(d) > PROOF_MAX_OPS or _has_huge_rational(d):
            return False
        for rewrite in (
            sympy.expand,
            lambda e: sympy.expand(e.rewrite(sympy.cos)),
            lambda e: sympy.expand_log(e, force=True),
        ):
            if rewrite(d) == 0:
                return True
        if not d.free_symbols and _small_algebraic(d):
            return bool(sympy.minimal_polynomial(d, sympy.Dummy("t")).is_Symbol)
    except Exception:  # noqa: BLE001 - no proof is "not shown equal"
        return False
    return _simplify_equal(d, sympy.Integer(0))


#: Rationals beyond this size make ``simplify`` and minimal polynomials slow for nothing:
#: such an expression is not shown equal.
PROOF_MAX_BITS = 256


def _has_huge_rational(d: Any) -> bool:
    import sympy

    return any(
        max(int(r.p).bit_length(), int(r.q).bit_length()) > PROOF_MAX_BITS
        for r in d.atoms(sympy.Rational)
    )


def _small_algebraic(d: Any) -> bool:
    """Rationals, ``i`` and radicals of small degree only: a minimal polynomial is cheap."""
    import sympy

    for node in sympy.preorder_traversal(d):
        if isinstance(node, sympy.Pow):
            exponent = node.exp
            if not exponent.is_Rational or abs(exponent.q) > MAX_ROOT_DEGREE:
                return False
        elif isinstance(node, (sympy.Add, sympy.Mul)) or node.is_Rational or node == sympy.I:
            continue
        else:
            return False
    return True


def _evalf(expr: Any, digits: int) -> Any:
    import sympy

    try:
        value = expr.evalf(digits, chop=False)
    except Exception:  # noqa: BLE001 - no value is an answer too
        return None
    if (
        not isinstance(value, sympy.Expr)
        or not value.is_number
        or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
    ):
        return None
    re_part, im_part = value.as_real_imag()
    if not (re_part.is_Number and im_part.is_Number):
        return None
    return value


def _close(x: Any, y: Any, digits: int) -> bool:
    import sympy

    diff = abs(sympy.N(x - y, digits))
    scale = max(abs(x), abs(y))
    if scale == 0:
        return diff == 0
    return bool(diff <= scale * sympy.Float(10) ** (-(digits - 15)))


def _exact_value(value: Any) -> bool:
    """A value computed without rounding: a rational or a Gaussian rational."""
    import sympy

    if value.is_Rational:
        return True
    re_part, im_part = value.as_real_imag()
    return bool(re_part.is_Rational and im_part.is_Rational) and not value.has(sympy.Float)


def _agree_at_random_points(g: Any, a: Any, symbols: list[Any]) -> bool | None:
    """Compare two functions at random rational points.

    ``False``: they differ at a point (a refutation).  ``True``: they agree at every point
    and every value was computed exactly (rational functions, radicals of perfect
    squares, ``\\binom{n}{2}`` ...).  Otherwise the agreement is only numeric, which proves
    nothing (``x + 10^{-50}`` agrees with ``x`` to 40 digits): ``True`` only when the
    difference is also proven zero symbolically, else ``None`` (not shown equal)."""
    import sympy

    rng = random.Random(20240607)
    agreed = 0
    exact = True
    for k in range(RANDOM_POINTS * 3):
        # Signs alternate per point and per symbol, so every symbol is tried on both sides
        # of zero (|x| is not x, max(x, 0) is not x); magnitudes are random rationals.
        point = {
            s: sympy.Rational((-1) ** (k + j) * rng.randint(1, 300), rng.randint(7, 97))
            for j, s in enumerate(symbols)
        }
        try:
            gp, ap = g.xreplace(point), a.xreplace(point)
            if _exact_value(gp) and _exact_value(ap):
                if sympy.expand(gp - ap) != 0:
                    return False
                agreed += 1
                if agreed >= RANDOM_POINTS:
                    break
                continue
            gv = _evalf(gp, 40)
            av = _evalf(ap, 40)
        except Exception:  # noqa: BLE001, S112 - a point where a side is undefined is skipped
            continue
        if gv is None or av is None:
            continue
        if not _close(gv, av, 40):
            return False
        exact = False
        agreed += 1
        if agreed >= RANDOM_POINTS:
            break
    if agreed < RANDOM_POINTS:
        return None
    if exact:
        return True
    return True if _proven_zero(g - a) else None


def _simplify_equal(g: Any, a: Any) -> bool:
    import sympy

    try:
        if sympy.count_ops(g) + sympy.count_ops(a) > SIMPLIFY_MAX_NODES or _has_huge_rational(
            g - a
        ):
            return False
        return bool(sympy.simplify(g - a) == 0)
    except Exception:  # noqa: BLE001 - not shown equal
        return False


def equations_equivalent(gl: Scalar, gr: Scalar, al: Scalar, ar: Scalar) -> bool:
    """``gl = gr`` and ``al = ar`` have the same solutions: their sides' differences are
    proportional by a nonzero constant (``y = 2x + 3`` and ``2x - y + 3 = 0``).

    As for expressions, closeness proves nothing (``x + y = 1 + 10^{-50}`` is not
    ``x + y = 1``): the ratio of the two differences is computed exactly at random rational
    points, and where the values are irrational the proportionality must be proven."""
    import sympy

    try:
        g = scalar_sympy(gl) - scalar_sympy(gr)
        a = scalar_sympy(al) - scalar_sympy(ar)
    except Unparseable:
        return False
    if g == 0 or a == 0:
        return g == a
    symbols = sorted(g.free_symbols | a.free_symbols, key=lambda s: s.name)
    if not symbols:
        return False
    rng = random.Random(7)
    ratio: Any = None
    exact = True
    seen = 0
    for _ in range(RANDOM_POINTS * 3):
        point = {s: sympy.Rational(rng.randint(-300, 300), rng.randint(7, 97)) for s in symbols}
        try:
            gp, ap = g.xreplace(point), a.xreplace(point)
            if _exact_value(gp) and _exact_value(ap):
                if ap == 0:
                    if gp != 0:
                        return False
                    continue
                r = gp / ap
                if r == 0 or (ratio is not None and sympy.expand(r - ratio) != 0):
                    return False
                ratio = r if ratio is None else ratio
                seen += 1
                if seen >= RANDOM_POINTS:
                    break
                continue
            gv, av = _evalf(gp, 40), _evalf(ap, 40)
        except Exception:  # noqa: BLE001, S112 - a point where a side is undefined is skipped
            continue
        if gv is None or av is None:
            continue
        if _close(av, 0, 40) or abs(av) < 1e-30:
            if not (_close(gv, 0, 40) or abs(gv) < 1e-30):
                return False
            continue
        r = gv / av
        if _close(r, 0, 40) or abs(r) < 1e-30:
            return False
        if ratio is None:
            ratio = gp / ap  # the exact ratio, for the proof below
        elif not _close(r, _evalf(ratio, 40) or r, 40):
            return False
        exact = False
        seen += 1
        if seen >= RANDOM_POINTS:
            break
    if seen < RANDOM_POINTS:
        return False
    return exact or _proven_zero(sympy.expand(g - ratio * a))


__all__ = [
    "GuardTripped",
    "Unparseable",
    "scalar_sympy",
    "scalars_equal",
    "sympy_equal",
    "to_sympy",
]
