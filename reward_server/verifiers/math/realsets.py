"""Sets of real numbers: intervals, unions, differences and one-variable inequalities.

Everything here reads a value as a list of intervals and compares two such lists once
canonical (sorted, touching pieces merged), openness included:

- ``[1, 2] \\cup (2, 3]`` is ``[1, 3]``; ``\\mathbb{R} \\setminus \\{1\\}`` is two rays;
- ``x \\le 3`` is ``(-\\infty, 3]``, ``2 < x \\le 5`` an interval, ``x \\ne 3`` two rays;
- a one-variable inequality that does not isolate its variable (``-2x \\ge -6``,
  ``1 \\le |z| \\le \\frac32``, ``|x| < 3``) is solved, for small polynomial and
  absolute-value expressions, with sympy's ``solveset`` over the reals;
- ``x > 2`` is not ``x \\ge 2``.
"""

from __future__ import annotations

from typing import Any

from .parse import is_name
from .symbolic import Unparseable, scalar_sympy, scalars_equal
from .values import (
    Empty,
    GuardTripped,
    Interval,
    Items,
    Relation,
    Scalar,
    SetDifference,
    SetUnion,
    Value,
)

INEQUALITIES = {"<", ">", "\\le", "\\ge"}
#: Largest expression (sympy operations) and degree handed to the inequality solver.
SOLVE_MAX_OPS = 40
SOLVE_MAX_DEGREE = 4

_NEG_INF = Scalar("-\\infty")
_POS_INF = Scalar("\\infty")


def realsets_equal(gold: Value, answer: Value) -> tuple[bool, str] | None:
    """``(equal, method)`` when the gold reads as a set of reals; ``None`` when it does not."""
    g = as_realset(gold)
    if g is None:
        return None
    a = as_realset(answer)
    if a is None:
        return False, "set of reals expected"
    g, a = _canonical(g), _canonical(a)
    if len(g) != len(a):
        return False, "intervals"
    for x, y in zip(g, a):
        if not (_bound_equal(x.lo, y.lo) and _bound_equal(x.hi, y.hi)):
            return False, "intervals"
        if (x.lo_open, x.hi_open) != (y.lo_open, y.hi_open):
            return False, "interval openness"
    return True, "intervals"


def _bound_equal(g: Scalar, a: Scalar) -> bool:
    return scalars_equal(g, a)[0]


def as_realset(value: Value) -> list[Interval] | None:
    """The intervals ``value`` stands for, or ``None`` when it is no set of reals."""
    if isinstance(value, Interval):
        return [_fix_infinite(value)]
    if isinstance(value, Empty):
        return []
    if isinstance(value, SetUnion):
        out: list[Interval] = []
        for part in value.parts:
            sub = as_realset(part)
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(value, SetDifference):
        return _difference(value)
    if isinstance(value, Items):
        if value.is_set and all(isinstance(v, Scalar) for v in value.items):
            return [Interval(v, v, False, False) for v in value.items]  # type: ignore[arg-type]
        if (
            len(value.items) == 2
            and value.open in ("(", "[")
            and value.close in (")", "]")
            and all(isinstance(v, Scalar) for v in value.items)
        ):
            lo, hi = value.items
            return [_fix_infinite(Interval(lo, hi, value.open == "(", value.close == ")"))]  # type: ignore[arg-type]
        if value.is_bare and all(isinstance(v, Relation) for v in value.items):
            if len(_variables(value.items)) > 1:
                return None  # "x < 1 or y > 2" is no set of reals
            return as_realset(SetUnion(value.items))
        return None
    if isinstance(value, Relation):
        return _relation_realset(value)
    return None


def _variables(relations: tuple[Value, ...]) -> set[str]:
    """The names the one-variable relations among ``relations`` constrain."""
    names = {
        t.text
        for rel in relations
        if isinstance(rel, Relation)
        for t in rel.terms
        if isinstance(t, Scalar) and is_name(t) and not t.text.startswith("\\")
    }
    for rel in relations:
        if isinstance(rel, Relation) and not any(is_name(t) for t in rel.terms):
            names |= {str(s) for s in _free_symbols(rel)}
    return names


def _free_symbols(rel: Relation) -> set[Any]:
    symbols: set[Any] = set()
    for term in rel.terms:
        if isinstance(term, Scalar) and term.number is None:
            try:
                symbols |= scalar_sympy(term).free_symbols
            except (Unparseable, GuardTripped):
                pass
    return symbols


def _fix_infinite(iv: Interval) -> Interval:
    lo_open = iv.lo_open or "\\infty" in iv.lo.text
    hi_open = iv.hi_open or "\\infty" in iv.hi.text
    return Interval(iv.lo, iv.hi, lo_open, hi_open)


def _relation_realset(rel: Relation) -> list[Interval] | None:
    terms, ops = rel.terms, rel.ops
    if ops == ("\\in",) and is_name(terms[0]):
        return as_realset(terms[1])
    if not all(isinstance(t, Scalar) for t in terms) or not set(ops) <= INEQUALITIES | {
        "=",
        "\\ne",
    }:
        return None
    sides = [t for t in terms if isinstance(t, Scalar)]
    names = [k for k, t in enumerate(sides) if is_name(t)]
    if len(names) != 1:
        return _solved(rel)
    k = names[0]
    lo, hi = _NEG_INF, _POS_INF
    lo_open = hi_open = True
    for j, op in enumerate(ops):
        left, right = sides[j], sides[j + 1]
        if op == "\\ne" and len(ops) == 1:
            c = sides[1 - k]
            return [Interval(_NEG_INF, c, True, True), Interval(c, _POS_INF, True, True)]
        if op == "=" and len(ops) == 1:
            c = sides[1 - k]
            return [Interval(c, c, False, False)]
        if op not in INEQUALITIES:
            return None
        strict = op in ("<", ">")
        # Normalise to "left < right".
        if op in (">", "\\ge"):
            left, right = right, left
        if right is sides[k] and left is not sides[k] and lo is _NEG_INF:
            lo, lo_open = left, strict  # c < x
        elif left is sides[k] and hi is _POS_INF:
            hi, hi_open = right, strict  # x < c
        else:
            return _solved(rel)  # "-\\infty > x < 3": not one interval as written
    return [_fix_infinite(Interval(lo, hi, lo_open, hi_open))]


def _solved(rel: Relation) -> list[Interval] | None:
    """Solve a chain of inequalities in one variable that is not written ``x op c``
    (``-2x \\ge -6``, ``1 \\le |z| \\le \\frac32``), for small polynomial and
    absolute-value expressions only; ``None`` when it is not such a chain."""
    import sympy

    if not any(op in INEQUALITIES for op in rel.ops) or not set(rel.ops) <= INEQUALITIES:
        return None
    try:
        sides = [scalar_sympy(t) for t in rel.terms]  # type: ignore[arg-type]
    except (Unparseable, GuardTripped):
        return None
    symbols = set().union(*(s.free_symbols for s in sides))
    if len(symbols) != 1:
        return None
    (x,) = symbols
    for side in sides:
        if sympy.count_ops(side) > SOLVE_MAX_OPS or side.has(
            sympy.oo, -sympy.oo, sympy.zoo, sympy.nan
        ):
            return None
        plain = side.replace(sympy.Abs, lambda e: e)
        if not plain.is_polynomial(x) or sympy.degree(plain, x) > SOLVE_MAX_DEGREE:
            return None
    relation = {"<": sympy.Lt, ">": sympy.Gt, "\\le": sympy.Le, "\\ge": sympy.Ge}
    real = sympy.Symbol(x.name, real=True)
    solution: Any = sympy.S.Reals
    try:
        for j, op in enumerate(rel.ops):
            piece = relation[op](sides[j], sides[j + 1]).xreplace({x: real})
            solution = solution.intersect(sympy.solveset(piece, real, sympy.S.Reals))
    except Exception:  # noqa: BLE001 - the solver gives up on some inputs: no set, no verdict
        return None
    return from_sympy_set(solution)


def from_sympy_set(value: Any) -> list[Interval] | None:
    """Our intervals for a sympy ``Interval``, ``Union``, ``FiniteSet`` or ``EmptySet``."""
    import sympy

    if value is sympy.S.EmptySet:
        return []
    if isinstance(value, sympy.Union):
        out: list[Interval] = []
        for part in value.args:
            sub = from_sympy_set(part)
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(value, sympy.FiniteSet):
        if not all(v.is_real for v in value.args):
            return None
        return [Interval(_bound(v), _bound(v), False, False) for v in value.args]
    if isinstance(value, sympy.Interval):
        return [
            _fix_infinite(
                Interval(_bound(value.start), _bound(value.end), value.left_open, value.right_open)
            )
        ]
    if value is sympy.S.Reals:
        return [Interval(_NEG_INF, _POS_INF, True, True)]
    return None


def _bound(value: Any) -> Scalar:
    import sympy

    if value is sympy.S.Infinity:
        return _POS_INF
    if value is sympy.S.NegativeInfinity:
        return _NEG_INF
    return Scalar("(a solved bound)", expr=value)


def _to_sympy_set(intervals: list[Interval]) -> Any:
    import sympy

    pieces = []
    for iv in intervals:
        lo = -sympy.oo if iv.lo is _NEG_INF or "\\infty" in iv.lo.text else scalar_sympy(iv.lo)
        hi = sympy.oo if iv.hi is _POS_INF or "\\infty" in iv.hi.text else scalar_sympy(iv.hi)
        pieces.append(sympy.Interval(lo, hi, iv.lo_open, iv.hi_open))
    return sympy.Union(*pieces)


def _difference(value: SetDifference) -> list[Interval] | None:
    """``A \\setminus B`` for sets of reals with numeric ends (``\\mathbb{R} \\setminus \\{1\\}``)."""
    base, removed = as_realset(value.base), as_realset(value.removed)
    if base is None or removed is None:
        return None
    if any(
        _sort_key(b) is None
        for iv in (*base, *removed)
        for b in (iv.lo, iv.hi)
        if "\\infty" not in b.text
    ):
        return None
    try:
        return from_sympy_set(_to_sympy_set(base) - _to_sympy_set(removed))
    except (Unparseable, GuardTripped, TypeError, ValueError):
        return None


def _canonical(intervals: list[Interval]) -> list[Interval]:
    """Sorted by lower end, touching pieces merged: ``[1,2] ∪ (2,3]`` is ``[1,3]``."""
    keyed = []
    for iv in intervals:
        keyed.append((_sort_key(iv.lo), not iv.lo_open, iv))
    if any(k[0] is None for k in keyed):
        return intervals
    keyed.sort(key=lambda k: (k[0], not k[1]))
    merged: list[Interval] = []
    for _, _, iv in keyed:
        if (
            merged
            and _bound_equal(merged[-1].hi, iv.lo)
            and not (merged[-1].hi_open and iv.lo_open)
        ):
            prev = merged[-1]
            merged[-1] = Interval(prev.lo, iv.hi, prev.lo_open, iv.hi_open)
        else:
            merged.append(iv)
    return merged


def _sort_key(bound: Scalar) -> float | None:
    if bound.number is not None:
        return float(bound.number)
    if bound.text.startswith("-") and "\\infty" in bound.text:
        return float("-inf")
    if "\\infty" in bound.text:
        return float("inf")
    try:
        value = scalar_sympy(bound)
        return float(value.evalf(20))
    except Exception:  # noqa: BLE001 - no numeric value: keep the written order
        return None
