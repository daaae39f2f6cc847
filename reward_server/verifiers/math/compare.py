"""Typed comparison of a gold value with an answer value.

Dispatch is on the gold's shape; the answer is reinterpreted only in ways the policy
allows (see ``docs/math.md``):

- an assignment (``x = 3``, ``x \\in [1, 2]``) stands for its right-hand side, and
  ``x = 2, y = 3`` for the tuple ``(2, 3)`` (names in alphabetical order);
- sets and bare lists match in any order; tuples, points and vectors in order;
- intervals, unions and one-variable inequalities all compare as sets of reals, openness
  included (``x \\le 3`` equals ``(-\\infty, 3]``; ``x > 2`` does not equal ``x \\ge 2``);
- an equation that is not an assignment equals any equation with proportional sides;
- matrices by shape and entries (a one-column or one-row matrix also equals the tuple of
  its entries);
- words case-insensitively; choices by letter.
"""

from __future__ import annotations

import re
from typing import Any

from .parse import NAME_RE, read_value
from .symbolic import equations_equivalent, scalar_sympy, scalars_equal
from .values import Choice, Empty, Interval, Items, Matrix, Relation, Scalar, SetUnion, Text, Value

_INEQUALITIES = {"<", ">", "\\le", "\\ge"}
_TUPLE_BRACKETS = {("(", ")"), ("\\langle", "\\rangle"), ("[", "]")}


def compare(gold: Value, answer: Value) -> tuple[bool, str]:
    """``(equal, method)`` for a gold and an answer value."""
    if _is_equation(gold):
        if isinstance(answer, Relation) and answer.ops == ("=",):
            return _equations(gold, answer)
        return False, "equation expected"
    if _is_equation(answer) and _is_curve_assignment(gold):
        return _equations(gold, answer)  # type: ignore[arg-type]
    if isinstance(gold, Scalar) and _is_unsolved_equation(answer):
        return False, "unsolved equation"  # 2x = 5 says x = 5/2, not 5
    named = [
        isinstance(v, Items) and len(v.items) > 1 and _unassign(v) is not v for v in (gold, answer)
    ]
    gold = _unassign(gold)
    answer = _unassign(answer)
    if (named[0] or named[1]) and not all(isinstance(v, (Items, Matrix)) for v in (gold, answer)):
        return False, "several values expected"  # x=2, y=3 is no interval 2 < x < 3
    return _equal(gold, answer)


def _is_name(value: Value) -> bool:
    return (
        isinstance(value, Scalar) and value.number is None and bool(NAME_RE.fullmatch(value.text))
    )


def _is_equation(value: Value) -> bool:
    """A genuine equation (``x^2 + y^2 = 1``), not an assignment (``x = 3``)."""
    return (
        isinstance(value, Relation)
        and value.ops == ("=",)
        and not _is_name(value.terms[0])
        and not _is_name(value.terms[1])
    )


def _is_curve_assignment(value: Value) -> bool:
    """``y = 2x + 3``: an assignment whose value has free symbols is also an equation, so an
    answer equation with proportional sides (``2x - y + 3 = 0``) equals it.  ``x = 3`` is
    not one: ``2x = 6`` is an unsolved equation, not the value."""
    if not (
        isinstance(value, Relation)
        and value.ops == ("=",)
        and _is_name(value.terms[0])
        and isinstance(value.terms[1], Scalar)
        and value.terms[1].number is None
    ):
        return False
    try:
        return bool(scalar_sympy(value.terms[1]).free_symbols)
    except Exception:  # noqa: BLE001 - an unreadable side is no curve
        return False


def _is_unsolved_equation(value: Value) -> bool:
    """``2x = 5``: one unknown, not alone on its side, so the other side is not its value
    (``m - n = 7``, ``f(2) = 5`` state an asked-for expression's value: they stand)."""
    if not (_is_equation(value) and isinstance(value, Relation)):
        return False
    left = value.terms[0]
    if not isinstance(left, Scalar) or left.number is not None:
        return False
    try:
        return len(scalar_sympy(left).free_symbols) == 1
    except Exception:  # noqa: BLE001 - unreadable: leave it to the general path
        return False


def _unassign(value: Value) -> Value:
    """``x = 3`` (or ``3 = x``) → ``3``; ``x = 2, y = 3`` → ``(2, 3)``; ``x = 1 or x = 2`` → ``{1, 2}``."""
    if isinstance(value, Relation) and value.ops and all(op == "=" for op in value.ops):
        if len(value.terms) == 2 and _is_name(value.terms[1]) and not _is_name(value.terms[0]):
            return value.terms[0]  # ``2 = x``, written the other way round
        return value.terms[-1]
    if isinstance(value, Relation) and value.ops == ("\\in",) and _is_name(value.terms[0]):
        return value.terms[1]
    if (
        isinstance(value, Items)
        and value.items
        and all(
            isinstance(v, Relation) and v.ops == ("=",) and _is_name(v.terms[0])
            for v in value.items
        )
    ):
        pairs = [(v.terms[0].text, v.terms[1]) for v in value.items]  # type: ignore[union-attr]
        names = [n for n, _ in pairs]
        bases = {re.sub(r"_\{?[0-9]+\}?$", "", n) for n in names}
        if len(set(names)) == 1 or (len(bases) == 1 and all("_" in n for n in names)):
            return Items(tuple(v for _, v in pairs))
        if len(set(names)) == len(names):
            return Items(tuple(v for _, v in sorted(pairs, key=lambda p: p[0])), "(", ")")
    return value


def _equal(gold: Value, answer: Value) -> tuple[bool, str]:
    if isinstance(gold, Scalar):
        if isinstance(answer, Scalar):
            return scalars_equal(gold, answer)
        if isinstance(answer, Items) and answer.items and answer.open not in ("(", "["):
            # {3}, or "5/2 or 2.5": every element the same value, which is the gold's.
            if all(_equal(gold, item)[0] for item in answer.items):
                return True, "every element equal"
            return False, "several values for one"
        return False, "scalar expected"
    if isinstance(gold, Text):
        if isinstance(answer, Text):
            return gold.words == answer.words, "text"
        if isinstance(answer, Scalar):
            return gold.words == re.sub(r"\s+", " ", answer.text.lower()).strip(), "text"
        return False, "text expected"
    if isinstance(gold, Choice):
        if isinstance(answer, Choice):
            return answer.letter == gold.letter, "choice"
        if gold.value is not None:
            return _equal(_unassign(read_value(gold.value, None)), answer)[0], "choice value"
        return False, "choice expected"
    if isinstance(gold, Empty):
        ok = isinstance(answer, Empty) or (
            isinstance(answer, Items) and answer.is_set and not answer.items
        )
        return ok, "empty set"
    if isinstance(gold, Matrix):
        return _matrix(gold, answer)
    if isinstance(gold, Items):
        if (
            gold.is_bare
            and gold.items
            and all(isinstance(v, Relation) and set(v.ops) <= _INEQUALITIES for v in gold.items)
        ):
            return _realsets(gold, answer)  # "x < 1 or x > 2"
        return _items(gold, answer)
    if isinstance(gold, (Interval, SetUnion, Relation)):
        return _realsets(gold, answer)
    return False, "unsupported"


def _items(gold: Items, answer: Value) -> tuple[bool, str]:
    if isinstance(answer, Matrix) and 1 in answer.shape:
        answer = Items(tuple(x for row in answer.rows for x in row), "(", ")")
    if gold.is_set or gold.is_bare:
        if not isinstance(answer, Items):
            return False, "list expected"
        # A bracketed answer is a list only where it cannot be a point or an interval.
        list_like = answer.is_set or answer.is_bare or (gold.is_bare and len(answer.items) >= 3)
        if not list_like:
            return False, "unordered list expected"
        return _unordered(gold.items, answer.items), "unordered"
    interval_like = len(gold.items) == 2 and gold.open in ("(", "[") and gold.close in (")", "]")
    # A tuple, or a pair that may be an interval; [1, 2] is one, so "1, 2" does not answer it.
    half_closed = interval_like and (gold.open, gold.close) != ("(", ")")
    if isinstance(answer, Items) and (
        (answer.is_bare and not half_closed)
        or (answer.open, answer.close) == (gold.open, gold.close)
        or (not interval_like and (answer.open, answer.close) in _TUPLE_BRACKETS)
    ):
        if len(answer.items) == len(gold.items):
            return _ordered(gold.items, answer.items), "ordered"
        return False, "length differs"
    if interval_like:
        return _realsets(gold, answer)
    return False, "tuple expected"


def _ordered(gold: tuple[Value, ...], answer: tuple[Value, ...]) -> bool:
    return len(gold) == len(answer) and all(_equal(g, a)[0] for g, a in zip(gold, answer))


def _unordered(gold: tuple[Value, ...], answer: tuple[Value, ...]) -> bool:
    gold_items = list(dict.fromkeys(gold))
    answer_items = list(dict.fromkeys(answer))
    if len(gold_items) != len(answer_items):
        return False
    unused = list(range(len(answer_items)))
    for g in gold_items:
        for pos, k in enumerate(unused):
            if _equal(g, answer_items[k])[0]:
                del unused[pos]
                break
        else:
            return False
    return True


def _matrix(gold: Matrix, answer: Value) -> tuple[bool, str]:
    if isinstance(answer, Matrix):
        if answer.shape != gold.shape:
            return False, "shape differs"
        return _ordered(
            tuple(x for r in gold.rows for x in r), tuple(x for r in answer.rows for x in r)
        ), "matrix"
    if (
        isinstance(answer, Items)
        and 1 in gold.shape
        and (answer.is_bare or (answer.open, answer.close) in _TUPLE_BRACKETS)
    ):
        # A vector as a tuple; ``(1, 2]`` is a half-open interval, not a vector.
        entries = tuple(x for r in gold.rows for x in r)
        return _ordered(entries, answer.items), "vector"
    return False, "matrix expected"


# --- sets of reals ------------------------------------------------------------------------


def _realsets(gold: Value, answer: Value) -> tuple[bool, str]:
    g = _as_realset(gold)
    a = _as_realset(answer)
    if g is None:
        if isinstance(gold, Relation) and isinstance(answer, Relation):
            return _relations(gold, answer)
        return False, "unsupported relation"
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


def _as_realset(value: Value) -> list[Interval] | None:
    if isinstance(value, Interval):
        return [_fix_infinite(value)]
    if isinstance(value, Empty):
        return []
    if isinstance(value, SetUnion):
        out: list[Interval] = []
        for part in value.parts:
            sub = _as_realset(part)
            if sub is None:
                return None
            out += sub
        return out
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
            return _as_realset(SetUnion(value.items))
        return None
    if isinstance(value, Relation):
        return _relation_realset(value)
    return None


def _variables(relations: tuple[Value, ...]) -> set[str]:
    """The names the one-variable relations among ``relations`` constrain."""
    return {
        t.text
        for rel in relations
        if isinstance(rel, Relation)
        for t in rel.terms
        if isinstance(t, Scalar) and _is_name(t) and not t.text.startswith("\\")
    }


def _fix_infinite(iv: Interval) -> Interval:
    lo_open = iv.lo_open or "\\infty" in iv.lo.text
    hi_open = iv.hi_open or "\\infty" in iv.hi.text
    return Interval(iv.lo, iv.hi, lo_open, hi_open)


_NEG_INF = Scalar("-\\infty")
_POS_INF = Scalar("\\infty")


def _relation_realset(rel: Relation) -> list[Interval] | None:
    terms, ops = rel.terms, rel.ops
    if ops == ("\\in",) and _is_name(terms[0]):
        return _as_realset(terms[1])
    if not all(isinstance(t, Scalar) for t in terms) or not set(ops) <= _INEQUALITIES | {
        "=",
        "\\ne",
    }:
        return None
    names = [k for k, t in enumerate(terms) if _is_name(t)]
    if len(names) != 1:
        return None
    k = names[0]
    lo, hi = _NEG_INF, _POS_INF
    lo_open = hi_open = True
    for j, op in enumerate(ops):
        left, right = terms[j], terms[j + 1]
        if op == "\\ne" and len(ops) == 1:
            c = terms[1 - k]
            return [Interval(_NEG_INF, c, True, True), Interval(c, _POS_INF, True, True)]  # type: ignore[arg-type]
        if op == "=" and len(ops) == 1:
            c = terms[1 - k]
            return [Interval(c, c, False, False)]  # type: ignore[arg-type]
        if op not in _INEQUALITIES:
            return None
        strict = op in ("<", ">")
        # Normalise to "left < right".
        if op in (">", "\\ge"):
            left, right = right, left
        if right is terms[k] and left is not terms[k]:
            lo, lo_open = left, strict  # c < x
        elif left is terms[k]:
            hi, hi_open = right, strict  # x < c
        else:
            return None
    return [_fix_infinite(Interval(lo, hi, lo_open, hi_open))]  # type: ignore[arg-type]


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
    try:
        value = scalar_sympy(bound)
        return float(value.evalf(20))
    except Exception:  # noqa: BLE001 - no numeric value: keep the written order
        return None


def _relations(gold: Relation, answer: Relation) -> tuple[bool, str]:
    """Relations we cannot read as sets of reals: same chain, or the mirrored chain."""
    flip = {"<": ">", ">": "<", "\\le": "\\ge", "\\ge": "\\le", "=": "=", "\\ne": "\\ne"}
    if gold.ops == answer.ops and _ordered(gold.terms, answer.terms):
        return True, "relation"
    mirrored = tuple(flip.get(op, op) for op in reversed(answer.ops))
    if gold.ops == mirrored and _ordered(gold.terms, tuple(reversed(answer.terms))):
        return True, "relation"
    return False, "relation"


def _equations(gold: Relation, answer: Relation) -> tuple[bool, str]:
    sides: list[Any] = []
    for term in (*gold.terms, *answer.terms):
        if not isinstance(term, Scalar):
            return False, "equation"
        sides.append(term)
    return equations_equivalent(*sides), "equation"
