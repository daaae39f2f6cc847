"""The typed shapes an answer can take once read: what the comparison dispatches on.

Plain frozen dataclasses holding text and exact numbers, never sympy objects: a value is
cheap to hash, to cache and to describe in ``details``.  The sympy form of a scalar is
computed on demand (and cached by its text) in :mod:`.symbolic`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


class GuardTripped(Exception):
    """An input too large or too deep to evaluate safely; ``reason`` says which limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Scalar:
    """One number or expression.

    ``number`` is the exact value when the fast path could read it (integers, decimals,
    fractions, mixed numbers, scientific notation, repeating decimals, base-n literals);
    otherwise ``None`` and the text goes to the LaTeX parser.
    """

    text: str
    number: Fraction | None = None
    decimal: bool = False
    base: int | None = None
    digits: str | None = None
    #: A sympy value computed by us (a bound of a solved inequality), used instead of the
    #: text; never part of equality or hashing.
    expr: Any = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Text:
    """A word answer ("yes", "Monday"), compared case- and space-insensitively."""

    words: str


@dataclass(frozen=True)
class Choice:
    """A multiple-choice letter; ``value`` is the option's text when the gold gives it
    (``(A) 12``), so that answering the option's value is also right."""

    letter: str
    value: str | None = None


@dataclass(frozen=True)
class Items:
    """Several values between brackets (``open``/``close``; both empty for a bare list).

    ``(1, 2)`` may be a point or an open interval: it stays ``Items`` and the comparison
    reads it in the light of the gold.
    """

    items: tuple[Value, ...]
    open: str = ""
    close: str = ""
    #: The variable names of ``x = 2, y = 3`` (in the written order), so that a named
    #: answer is matched name by name and a bare one in the written order.
    names: tuple[str, ...] | None = None

    @property
    def is_set(self) -> bool:
        return self.open == "\\{"

    @property
    def is_bare(self) -> bool:
        return self.open == ""


@dataclass(frozen=True)
class Interval:
    """A real interval; infinite endpoints are always open."""

    lo: Scalar
    hi: Scalar
    lo_open: bool
    hi_open: bool


@dataclass(frozen=True)
class SetUnion:
    """``A \\cup B \\cup …``."""

    parts: tuple[Value, ...]


@dataclass(frozen=True)
class Relation:
    """A chain ``t0 op0 t1 op1 t2 …`` with ops among ``= < > \\le \\ge \\ne \\in``."""

    terms: tuple[Value, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Ratio:
    """``a : b`` (or ``a : b : c``): a ratio, or a clock time when it reads as one.

    ``clock`` is the time of day in seconds when the text is ``H:MM`` or ``H:MM:SS``
    (minutes and seconds two digits below 60), with ``a.m.``/``p.m.`` applied; ``meridiem``
    says whether one was written (then the text is a time, never a ratio)."""

    parts: tuple[Scalar, ...]
    clock: int | None = None
    meridiem: bool = False


@dataclass(frozen=True)
class Matrix:
    """Rows of scalars (``pmatrix``, ``bmatrix`` …)."""

    rows: tuple[tuple[Value, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.rows[0]) if self.rows else 0)


@dataclass(frozen=True)
class Empty:
    """The empty set."""


@dataclass(frozen=True)
class SetDifference:
    """``A \\setminus B``: a set of reals with some points (or intervals) removed."""

    base: Value
    removed: Value


Value = (
    Scalar
    | Text
    | Choice
    | Items
    | Interval
    | SetUnion
    | SetDifference
    | Relation
    | Ratio
    | Matrix
    | Empty
)


def kind_of(value: Value) -> str:
    """A short name for ``details``."""
    if isinstance(value, Items):
        if value.is_set:
            return "set"
        return "list" if value.is_bare else "tuple"
    return type(value).__name__.lower()
