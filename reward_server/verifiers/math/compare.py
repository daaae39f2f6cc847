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

from .parse import is_name as _is_name
from .parse import read_value
from .realsets import realsets_equal
from .symbolic import equations_equivalent, scalar_sympy, scalars_equal
from .values import (
    Choice,
    Empty,
    Interval,
    Items,
    Matrix,
    Ratio,
    Relation,
    Scalar,
    SetDifference,
    SetUnion,
    Text,
    Value,
)

_INEQUALITIES = {"<", ">", "\\le", "\\ge"}
_TUPLE_BRACKETS = {("(", ")"), ("\\langle", "\\rangle"), ("[", "]")}


def compare(gold: Value, answer: Value) -> tuple[bool, str]:
    """``(equal, method)`` for a gold and an answer value."""
    if isinstance(gold, Relation) and _is_equation(gold):
        if isinstance(answer, Relation) and answer.ops == ("=",):
            return _equations(gold, answer)
        return False, "equation expected"
    if (
        _is_equation(answer)
        and isinstance(gold, Relation)
        and isinstance(answer, Relation)
        and _is_curve_assignment(gold)
    ):
        return _equations(gold, answer)
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


def _is_equation(value: Value) -> bool:
    """A genuine equation (``x^2 + y^2 = 1``), not an assignment (``x = 3``), a named
    quantity's value (``|AB| = 1``, ``V_1 : V_2 = 11 : 21``, ``(p, q) = (3, 2)``) nor a
    computation (``\\binom{5}{2} = 10``, which stands for its last side)."""
    return (
        isinstance(value, Relation)
        and value.ops == ("=",)
        and not _is_name(value.terms[0])
        and not _is_name(value.terms[1])
        and not _is_named_quantity(value.terms[0])
        and not _is_computation(value)
    )


def _is_computation(value: Relation) -> bool:
    """Every side a constant: ``2 + 3 = 5``, ``\\sqrt{4} = 2``."""
    for term in value.terms:
        if not isinstance(term, Scalar):
            return False
        if term.number is not None:
            continue
        try:
            if scalar_sympy(term).free_symbols:
                return False
        except Exception:  # noqa: BLE001 - an unreadable side: not a computation
            return False
    return True


_UPPER = r"(?:[A-Z](?:_\{?[A-Za-z0-9]+\}?)?'*)"
_NAMEISH = r"(?:[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?'*)"
_NAMED_QUANTITY_RE = re.compile(
    rf"\|\s*{_UPPER}+\s*\||{_UPPER}{{2,}}|\\overline\s*\{{\s*{_UPPER}+\s*\}}"
    rf"|(?:m\s*)?\\angle\s*{_UPPER}+|\\frac\{{\s*{_NAMEISH}+\s*\}}\{{\s*{_NAMEISH}+\s*\}}"
    rf"|{_NAMEISH}+\s*/\s*{_NAMEISH}+"
)


def _is_named_quantity(value: Value) -> bool:
    """A quantity named by letters, whose value the right side of ``=`` gives: a segment
    ``AB`` or ``|AB|``, an angle, a quotient or ratio of names, a tuple of names."""
    if isinstance(value, Ratio):
        return all(p.number is None and _NAMEISH_RE.fullmatch(p.text) for p in value.parts)
    if isinstance(value, Items):
        return value.open == "(" and len(value.items) > 1 and all(_is_name(v) for v in value.items)
    return isinstance(value, Scalar) and bool(_NAMED_QUANTITY_RE.fullmatch(value.text.strip()))


_NAMEISH_RE = re.compile(rf"\s*{_NAMEISH}+\s*")


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
        left, right = value.terms[0], value.terms[-1]
        if len(value.terms) == 2 and isinstance(left, Items) and _is_named_quantity(left):
            return _named_values(left, right)  # (a, b) = (5, 1)
        if isinstance(left, Ratio) and isinstance(right, Ratio):
            return Ratio(right.parts)  # V_1 : V_2 = 11 : 21 is a ratio, never a time
        return right
    if isinstance(value, Relation) and value.ops == ("\\in",) and _is_name(value.terms[0]):
        return value.terms[1]
    if isinstance(value, Items) and value.items and all(_is_assignment(v) for v in value.items):
        pairs = [(_name_of(v), v.terms[1]) for v in value.items if isinstance(v, Relation)]
        names = [n for n, _ in pairs]
        if len(set(names)) == 1 or _numbered_roots(names):
            return Items(tuple(v for _, v in pairs))  # x = 1 or x = 2; x_1 = 1, x_2 = 2
        if len(set(names)) == len(names):
            # In the written order, names kept: "y = 4, b = 7" is (4, 7), and an answer that
            # names its values is matched name by name.
            return Items(tuple(v for _, v in pairs), "(", ")", tuple(names))
        width = len(set(names))
        if len(names) % width == 0 and all(
            sorted(names[k : k + width]) == sorted(names[:width])
            for k in range(0, len(names), width)
        ):  # "p = 5, q = 2 and p = 7, q = 2": two solutions (5, 2) and (7, 2)
            return Items(
                tuple(
                    _unassign(Items(value.items[k : k + width]))
                    for k in range(0, len(names), width)
                )
            )
    if (
        isinstance(value, Items)
        and value.is_bare
        and len(value.items) > 1
        and all(isinstance(v, Items) and _unassign(v) is not v for v in value.items)
    ):
        return Items(tuple(_unassign(v) for v in value.items))  # "p=5, q=2; p=7, q=2"
    return value


def _named_values(names: Items, values: Value) -> Value:
    """``(a, b) = (5, 1)``: the tuple ``(5, 1)`` with its names, and every tuple of a list
    (``(x, y) = (5, 8), (8, 5)``) likewise."""
    labels = tuple(v.text.replace(" ", "") for v in names.items if isinstance(v, Scalar))

    def named(v: Value) -> Value:
        if isinstance(v, Items) and v.open == "(" and len(v.items) == len(labels):
            return Items(v.items, v.open, v.close, labels)
        return v

    if isinstance(values, Items) and values.is_bare:
        return Items(tuple(named(v) for v in values.items))
    return named(values)


def _is_assignment(value: Value) -> bool:
    """``x = 3``, ``a_1 = 2``, ``AB = 4``: a name (or a named quantity) given a value."""
    return (
        isinstance(value, Relation)
        and value.ops == ("=",)
        and isinstance(value.terms[0], Scalar)
        and (_is_name(value.terms[0]) or _is_named_quantity(value.terms[0]))
    )


def _name_of(value: Relation) -> str:
    term = value.terms[0]
    assert isinstance(term, Scalar)
    return re.sub(r"_\{([^{}]*)\}", r"_\1", term.text.replace(" ", ""))


def _numbered_roots(names: list[str]) -> bool:
    """``x_1, x_2, x_3``: one letter numbered from 0 or 1 labels roots in no particular
    order; ``a_3, a_{37}`` name particular terms, matched by name."""
    parts = [re.fullmatch(r"([a-zA-Z])_([0-9]+)", n) for n in names]
    if not all(parts) or len({p.group(1) for p in parts if p}) != 1:
        return False
    numbers = sorted(int(p.group(2)) for p in parts if p)
    return numbers in (list(range(1, len(names) + 1)), list(range(len(names))))


def _equal(gold: Value, answer: Value) -> tuple[bool, str]:
    if isinstance(gold, Ratio) or isinstance(answer, Ratio):
        return _ratios(gold, answer)
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
    if isinstance(gold, (Interval, SetUnion, SetDifference, Relation)):
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
        if len(answer.items) != len(gold.items):
            return False, "length differs"
        items = _by_name(gold, answer)
        if items is None:
            return False, "different names"
        return _ordered(gold.items, items), "ordered"
    if interval_like:
        return _realsets(gold, answer)
    return False, "tuple expected"


def _ordered(gold: tuple[Value, ...], answer: tuple[Value, ...]) -> bool:
    return len(gold) == len(answer) and all(_equal(g, a)[0] for g, a in zip(gold, answer))


def _by_name(gold: Items, answer: Items) -> tuple[Value, ...] | None:
    """The answer's values in the gold's name order when both name them; ``None`` when the
    names differ (``x = 1, y = 2`` does not answer ``a = 1, b = 2``).  A named answer to an
    unnamed tuple is read in the names' alphabetical order (``y = 3, x = 2`` is ``(2, 3)``,
    the coordinates' order); an unnamed answer is read in the order written."""
    if answer.names is None:
        return answer.items
    if gold.names is None:
        return tuple(v for _, v in sorted(zip(answer.names, answer.items), key=lambda p: p[0]))
    if sorted(gold.names) != sorted(answer.names):
        return None
    position = {n: k for k, n in enumerate(answer.names)}
    return tuple(answer.items[position[n]] for n in gold.names)


# --- ratios and clock times ------------------------------------------------------------


def _ratios(gold: Value, answer: Value) -> tuple[bool, str]:
    """A time is a time (``18:05`` = ``18:05:00`` = ``6:05 p.m.``), a ratio a ratio
    (``1:2`` = ``2:4``, and = ``\\frac12``); a ratio with a zero term is undefined and equals
    nothing, so ``3:0`` is not ``5:0`` and ``12:00`` is no ratio at all."""
    if isinstance(gold, Ratio) and isinstance(answer, Ratio):
        if gold.clock is not None and answer.clock is not None:
            return gold.clock == answer.clock, "time"
        if gold.meridiem or answer.meridiem:
            return False, "time"
        return _proportional(gold.parts, answer.parts), "ratio"
    ratio, other = (gold, answer) if isinstance(gold, Ratio) else (answer, gold)
    assert isinstance(ratio, Ratio)
    if ratio.clock is not None or len(ratio.parts) != 2 or not isinstance(other, Scalar):
        return False, "ratio expected"  # 2:10 reads as a time: no number is a time
    if any(p.number == 0 for p in ratio.parts):
        return False, "undefined ratio"
    num, den = ratio.parts
    if num.number is not None and den.number is not None:
        quotient = Scalar(f"{num.text}/{den.text}", num.number / den.number)
    else:
        quotient = Scalar(f"\\frac{{{num.text}}}{{{den.text}}}")
    return scalars_equal(*((quotient, other) if ratio is gold else (other, quotient)))[0], "ratio"


def _proportional(gold: tuple[Scalar, ...], answer: tuple[Scalar, ...]) -> bool:
    if len(gold) != len(answer) or any(p.number == 0 for p in (*gold, *answer)):
        return False
    # g_k / g_0 == a_k / a_0 for every k, cross-multiplied
    return all(
        scalars_equal(_product(g, answer[0]), _product(a, gold[0]))[0]
        for g, a in zip(gold[1:], answer[1:])
    )


def _product(x: Scalar, y: Scalar) -> Scalar:
    text = f"({x.text})({y.text})"
    if x.number is not None and y.number is not None:
        return Scalar(text, x.number * y.number)
    return Scalar(text)


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


def _realsets(gold: Value, answer: Value) -> tuple[bool, str]:
    verdict = realsets_equal(gold, answer)
    if verdict is not None:
        return verdict
    if isinstance(gold, Relation) and isinstance(answer, Relation):
        return _relations(gold, answer)
    return False, "unsupported relation"


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
