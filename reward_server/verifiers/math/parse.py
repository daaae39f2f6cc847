"""Reading normalised answer text into a typed :mod:`.values` shape.

The structure around expressions is ours: top-level commas, brackets, ``\\cup``,
relation chains, ``\\pm``, matrices, word answers, multiple-choice letters.  Each leaf is a
:class:`~.values.Scalar` whose text the fast path (:mod:`.numbers`) or, later and only if
needed, the LaTeX parser reads.  Nothing here evaluates anything, so reading is cheap and
cannot hang.

An answer is read *in the light of the gold* (``like``): ``3,100,200`` is a list when the
gold is a three-element list and a number otherwise; a letter is a choice only when the
gold is one.
"""

from __future__ import annotations

import functools
import itertools
import re
from fractions import Fraction

from .guards import MAX_ANSWER_CHARS, check_nesting
from .normalise import has_words, is_prose, normalise, or_and_to_commas
from .numbers import read_literal
from .values import (
    Choice,
    Empty,
    GuardTripped,
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

_OPENERS = ("\\{", "\\langle", "(", "[", "{")
_CLOSERS = ("\\}", "\\rangle", ")", "]", "}")
_RELATIONS = ("\\le", "\\ge", "\\ne", "\\in", "<", ">", "=")
_RELATION_RE = re.compile(r"\\(?:le|ge|ne|in)(?![a-zA-Z])|[<>=]")
_APPROX_RE = re.compile(r"\\(?:approx|simeq|sim)(?![a-zA-Z])")
_THOUSANDS_RE = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_CHOICE_GOLD_RE = re.compile(r"\(?\s*([A-E])\s*\)?|\(\s*([A-J])\s*\)(?:\s+(\S.*))?")
# A letter alone, "(C)" / "C)" / "C." / "C:" possibly followed by the option's text, or
# "option C".  "A car …" is not a choice: a bare letter must end the text or be punctuated.
_CHOICE_ANSWER_RE = re.compile(
    r"(?:(?:option|choice)\s*)?(?:\(\s*([A-Ja-j])\s*\)|([A-Ja-j])(?:\s*[).:](?=\s|$))?)(?:\s.*)?",
    re.IGNORECASE | re.DOTALL,
)
_BARE_LETTER_RE = re.compile(r"(?:(?:option|choice)\s*)?[A-Ja-j](?:\s*[).:])?", re.IGNORECASE)
_SECOND_CHOICE_RE = re.compile(
    r"\(\s*[A-Ja-j]\s*\)|(?<![a-zA-Z])(?:or|and)(?![a-zA-Z])|(?<![a-zA-Z\\])[A-E](?![a-zA-Z])"
)
_SET_BUILDER_RE = re.compile(
    r"\s*[a-zA-Z]\s*(?:\\in\s*\\mathbb\{R\}\s*)?(?:\\mid|\\vert|\||:)\s*(?:[a-zA-Z]\s*\\in\s*\\mathbb\{R\}\s*,\s*)?(.+)",
    re.DOTALL,
)
_MATRIX_RE = re.compile(
    r"\\begin\{([pbBvV]?matrix|smallmatrix|array|cases)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}",
    re.DOTALL,
)
_VARIABLE_RE = re.compile(r"[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?")
_SETMINUS_RE = re.compile(r"\\(?:setminus|backslash)(?![a-zA-Z])")
_COMMA_RE = re.compile(",")
_COLON_RE = re.compile(r"(?<!\\):(?!=)")
_MIXED_SPACE_RE = re.compile(r"([+-]?)(\d+) (\d+)\s*/\s*(\d+)")
_NAME_TUPLE_RE = re.compile(
    r"\(\s*[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?(?:\s*,\s*[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?)+\s*\)"
)
_CHOICE_GOLD_OPTION_RE = re.compile(r"([A-E])[.)]\s+(\S.*)", re.DOTALL)
NAME_RE = re.compile(
    r"[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?'*|\\[a-zA-Z]+|[a-zA-Z](?:'+|\^\{?-1\}?)?\([a-zA-Z0-9]*\)"
)
_BAD_BASE_RE = re.compile(r"[0-9][0-9A-Za-z]*+_\s*+\{?\s*+\(?\d++\)?\s*+\}?")
_EMPTY_FORMS = {
    "\\emptyset",
    "\\{\\}",
    "\\{ \\}",
    "{}",
    "empty set",
    "the empty set",
    "no solution",
    "no solutions",
    "no real solution",
    "no real solutions",
    "there are no solutions",
}
_REALS_FORMS = {
    "\\mathbb{R}",
    "\\mathbb R",
    "\\R",
    "\\Reals",
    "R",
    "all real numbers",
    "all reals",
    "real numbers",
    "all real x",
    "x \\in \\mathbb{R}",
}


def is_name(value: Value) -> bool:
    """A variable's or function's name (``x``, ``a_1``, ``f(x)``, ``\\theta``), not a value."""
    return (
        isinstance(value, Scalar) and value.number is None and bool(NAME_RE.fullmatch(value.text))
    )


class Unreadable(ValueError):
    """The text has no answer in it (empty, or brackets that do not balance)."""


def _scan(text: str):
    """Yield ``(index, depth)`` at each bracket token and character, in one pass.

    Depth counts every bracket kind together (an interval ``[1, 2)`` mixes them).
    """
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            tok = next((t for t in ("\\{", "\\langle") if text.startswith(t, i)), None)
            if tok:
                yield i, depth
                depth += 1
                i += len(tok)
                continue
            tok = next((t for t in ("\\}", "\\rangle") if text.startswith(t, i)), None)
            if tok:
                depth -= 1
                yield i, depth
                i += len(tok)
                continue
            yield i, depth
            i += 2 if not text[i + 1].isalpha() else 1
            continue
        if c in "([{":
            yield i, depth
            depth += 1
        elif c in ")]}":
            depth -= 1
            yield i, depth
        else:
            yield i, depth
        i += 1


def split_top(text: str, pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """Split at matches of ``pattern`` that lie outside every bracket."""
    if pattern.search(text) is None:
        return [text], []
    depth = [0] * (len(text) + 1)
    last, prev = 0, 0
    for i, d in _scan(text):
        for k in range(last, i):
            depth[k] = prev
        depth[i] = d
        last, prev = i + 1, d
    parts, seps = [], []
    start = 0
    for m in pattern.finditer(text):
        if depth[m.start()] == 0 and m.start() >= start:
            parts.append(text[start : m.start()])
            seps.append(m.group().strip())
            start = m.end()
    parts.append(text[start:])
    return parts, seps


def _depth_at(text: str, index: int) -> int:
    for i, d in _scan(text):
        if i >= index:
            return d
    return 0


def _outer(text: str) -> tuple[str, str, str] | None:
    """``(open, close, inner)`` when one bracket pair encloses the whole text."""
    opener = next((t for t in _OPENERS if text.startswith(t)), None)
    closer = next((t for t in _CLOSERS if text.endswith(t)), None)
    if opener is None or closer is None or len(text) < len(opener) + len(closer):
        return None
    for i, depth in _scan(text):
        if depth == 0 and i > 0 and i < len(text) - len(closer):
            return None
    return opener, closer, text[len(opener) : len(text) - len(closer)].strip()


def read_gold(raw: str) -> Value:
    """The gold's value; cached because a GRPO group repeats its gold G times."""
    result = _read_gold_cached(raw)
    if isinstance(result, Exception):
        raise result
    return result


@functools.lru_cache(maxsize=1024)
def _read_gold_cached(raw: str) -> Value | Exception:
    try:
        return read_value(raw, None)
    except (Unreadable, GuardTripped) as exc:
        return exc


def read_value(raw: str, like: Value | None) -> Value:
    """Normalise ``raw`` and read its structure (``like``: the gold, for an answer)."""
    if len(raw) > 4 * MAX_ANSWER_CHARS:
        raise GuardTripped(f"longer than {4 * MAX_ANSWER_CHARS} characters")
    text = normalise(raw)
    if len(text) > MAX_ANSWER_CHARS:
        raise GuardTripped(f"longer than {MAX_ANSWER_CHARS} characters")
    check_nesting(text)
    if not text:
        raise Unreadable("empty")
    return _read(text, like)


def _read(text: str, like: Value | None) -> Value:
    text = text.strip()
    if not text:
        raise Unreadable("empty element")
    choice = _read_choice(text, like)
    if choice is not None:
        return choice
    lowered = text.lower().rstrip(".")
    if text in _EMPTY_FORMS or lowered in _EMPTY_FORMS:
        return Empty()
    if text in _REALS_FORMS or lowered in _REALS_FORMS:
        return Interval(Scalar("-\\infty"), Scalar("\\infty"), True, True)
    if (
        isinstance(like, Text)
        or (like is None and (is_prose(text) or has_words(text)))
        or (like is not None and is_prose(text) and not re.search(r"\d", text))
    ):
        return Text(_words(text))
    approx = _APPROX_RE.search(text)
    if approx and _depth_at(text, approx.start()) == 0:
        before, after = text[: approx.start()].strip(), text[approx.end() :].strip()
        # "x \\approx 11" states a value; "\\frac13 \\approx 0.333" an approximation of it
        text = after if _VARIABLE_RE.fullmatch(before) and after else before
        if not text:
            raise Unreadable("only an approximation")
    matrix = _MATRIX_RE.fullmatch(text)
    if matrix:
        return _read_matrix(matrix.group(1), matrix.group(2), like)
    text = or_and_to_commas(text)
    assignment = _read_assignment(text, like)
    if assignment is not None:
        return assignment
    parts, _ = split_top(text, _SETMINUS_RE)
    if len(parts) == 2:
        return SetDifference(_read(parts[0], None), _read(parts[1], None))
    parts, _ = split_top(text, re.compile(r"\\cup(?![a-zA-Z])"))
    if len(parts) > 1:
        return _union(tuple(_read(p, None) for p in parts))
    if _THOUSANDS_RE.fullmatch(text):
        n = text.count(",") + 1
        if not (isinstance(like, Items) and len(like.items) == n):
            return _scalar(text.replace(",", ""))
    groups, _ = split_top(text, re.compile(";"))
    if len(groups) > 1 and any(len(split_top(g, _COMMA_RE)[0]) > 1 for g in groups):
        # "p=5, q=2; p=7, q=2": groups separated by ";" are the elements
        item_like = like.items[0] if isinstance(like, Items) and like.items else None
        return Items(tuple(_read(g, item_like) for g in groups if g.strip()))
    parts, _ = split_top(text, re.compile(r"[,;]"))
    if len(parts) > 1:
        item_like = like.items[0] if isinstance(like, Items) and like.items else None
        return Items(_flatten_signs(tuple(_read(p, item_like) for p in parts if p.strip())))
    parts, ops = split_top(text, _RELATION_RE)
    if len(parts) > 1:
        if any(not p.strip() for p in parts):
            raise Unreadable("relation with a missing side")
        return Relation(tuple(_read(p, None) for p in parts), tuple(ops))
    parts, _ = split_top(text, _COLON_RE)
    if len(parts) > 1:
        return _read_colon(text, parts)
    outer = _outer(text)
    if outer is not None:
        return _read_bracketed(*outer, like=like)
    if "\\pm" in text or "\\mp" in text:
        return _read_plus_minus(text)
    return _scalar(text)


def _union(parts: tuple[Value, ...]) -> Value:
    """``\\{0\\} \\cup \\{5, 6\\}`` is the finite set ``\\{0, 5, 6\\}``; other unions stay unions."""
    if all(isinstance(p, Empty) or (isinstance(p, Items) and p.is_set) for p in parts):
        items = tuple(x for p in parts if isinstance(p, Items) for x in p.items)
        return Items(items, "\\{", "\\}") if items else Empty()
    return SetUnion(parts)


def _flatten_signs(items: tuple[Value, ...]) -> tuple[Value, ...]:
    """``\\pm 2, \\pm 3i`` lists four values: a ``±`` element is its two values."""
    out: list[Value] = []
    for item in items:
        if isinstance(item, Items) and item.is_bare and item.names is None:
            out.extend(item.items)
        else:
            out.append(item)
    return tuple(out)


_TIME_RE = re.compile(r"(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:\s*([ap])\.?\s*m\.?)?", re.IGNORECASE)


def _read_colon(text: str, parts: list[str]) -> Ratio:
    """``3:00``, ``18:05:00``, ``6:05 p.m.`` (clock times) and ``1:2``, ``V_1:V_2`` (ratios)."""
    m = _TIME_RE.fullmatch(text.strip())
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2))
        seconds = int(m.group(3) or 0)
        meridiem = (m.group(4) or "").lower()
        if meridiem and not 1 <= hours <= 12:
            raise Unreadable("not a clock time")
        if meridiem:
            hours = hours % 12 + (12 if meridiem == "p" else 0)
        if hours <= 24:
            clock = (hours % 24) * 3600 + minutes * 60 + seconds
            scalars = tuple(_scalar(p) for p in re.split(r":", text.split()[0]))
            return Ratio(scalars, clock, bool(meridiem))
    return Ratio(tuple(_scalar(p) for p in parts))


def _read_choice(text: str, like: Value | None) -> Choice | None:
    if like is None:
        m = _CHOICE_GOLD_RE.fullmatch(text)
        if m:
            return Choice((m.group(1) or m.group(2)).upper(), m.group(3))
        m = _CHOICE_GOLD_OPTION_RE.fullmatch(text)  # "C. x = 42": the letter and its option
        return Choice(m.group(1).upper(), m.group(2)) if m else None
    if isinstance(like, Choice):
        m = _CHOICE_ANSWER_RE.fullmatch(text)
        if m is None:
            return None
        letter_end = m.end(1) if m.group(1) else m.end(2)
        if (
            m.group(2)
            and not _BARE_LETTER_RE.fullmatch(text)
            and text[letter_end:].lstrip()[:1] not in ").:"
        ):
            return None  # "A car …", "a = 5": a word or a variable, not a choice
        if _SECOND_CHOICE_RE.search(text, letter_end + 1):
            return None  # "(A) or (B)" is a hedge, read as a list
        return Choice((m.group(1) or m.group(2)).upper())
    return None


def _words(text: str) -> str:
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return " ".join(text.split())


def _read_assignment(text: str, like: Value | None) -> Relation | None:
    """``x = 1, 2`` or ``x \\in [1, 2]``: one name on the left, any value on the right."""
    parts, ops = split_top(text, _RELATION_RE)
    if len(ops) != 1 or ops[0] not in ("=", "\\in"):
        return None
    name, rhs = parts[0].strip(), parts[1].strip()
    if _NAME_TUPLE_RE.fullmatch(name) and rhs:  # "(a, b) = (5, 1)", "(x, y) = (5, 8), (8, 5)"
        return Relation((_read(name, None), _read(rhs, like)), (ops[0],))
    if not NAME_RE.fullmatch(name) or not rhs:
        return None
    if "," not in rhs and ";" not in rhs and "\\cup" not in rhs and "\\pm" not in rhs:
        return None  # a plain relation; the general path reads it
    rhs_like = like.terms[-1] if isinstance(like, Relation) else like
    return Relation((_scalar(name), _read(rhs, rhs_like)), (ops[0],))


def _read_bracketed(opener: str, closer: str, inner: str, like: Value | None) -> Value:
    if opener == "{" and closer == "}":
        return _read(inner, like)
    if opener == "\\{" and closer == "\\}":
        if not inner:
            return Empty()
        builder = _SET_BUILDER_RE.fullmatch(inner)
        if builder:  # {x | x > 2}: the condition is the set
            return _read(builder.group(1), like)
        parts, _ = split_top(inner, re.compile(r"[,;]"))
        return Items(tuple(_read(p, None) for p in parts if p.strip()), "\\{", "\\}")
    parts, _ = split_top(inner, re.compile(r"[,;]"))
    parts = [p for p in parts if p.strip()]
    if not parts:
        raise Unreadable("empty brackets")
    if len(parts) == 1 and opener in ("(", "[") and closer in (")", "]"):
        if opener == "(" and closer == ")" or opener == "[" and closer == "]":
            return _read(parts[0], like)
        raise Unreadable("one-element interval")
    like_items = like.items if isinstance(like, Items) and len(like.items) == len(parts) else None
    items = tuple(_read(p, like_items[k] if like_items else None) for k, p in enumerate(parts))
    return Items(items, opener, closer)


def _read_plus_minus(text: str) -> Items:
    """``a \\pm b`` → the two values ``a + b`` and ``a - b`` (every sign combination)."""
    variants = [text]
    for _ in range(3):
        expanded = []
        for v in variants:
            m = re.search(r"\\(pm|mp)(?![a-zA-Z])", v)
            if m is None:
                expanded.append(v)
                continue
            first, second = ("+", "-") if m.group(1) == "pm" else ("-", "+")
            expanded += [
                v[: m.start()] + first + v[m.end() :],
                v[: m.start()] + second + v[m.end() :],
            ]
        variants = expanded
    return Items(tuple(_scalar(_tidy_sign(v)) for v in variants))


def _tidy_sign(text: str) -> str:
    text = text.strip()
    return text[1:].strip() if text.startswith("+") else text


def _read_matrix(kind: str, body: str, like: Value | None) -> Value:
    if kind == "cases":  # a system: its rows are the relations, in any order
        rows = [r.replace("&", " ") for r in re.split(r"\\\\(?:\[[^\]]*\])?", body) if r.strip()]
        return Items(tuple(_read(r, None) for r in rows))
    matrix = _matrix_rows(body)
    if kind == "vmatrix":  # |A|: the determinant, written out (Leibniz) for small sizes
        return _determinant(matrix)
    return matrix


def _determinant(matrix: Matrix) -> Scalar:
    n, m = matrix.shape
    if n != m or n > 4 or not all(isinstance(c, Scalar) for r in matrix.rows for c in r):
        raise Unreadable("not a small square determinant")
    terms = []
    for perm in itertools.permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        factors = "\\cdot ".join(f"({matrix.rows[i][perm[i]].text})" for i in range(n))  # type: ignore[union-attr]
        terms.append(("-" if inversions % 2 else "+") + factors)
    return _scalar("".join(terms).lstrip("+"))


def _matrix_rows(body: str) -> Matrix:
    rows = [
        r
        for r in re.split(r"\\\\(?:\[[^\]]*\])?", body)
        if r.strip() and not r.strip().startswith("\\hline")
    ]
    if not rows:
        raise Unreadable("empty matrix")
    cells = tuple(tuple(_scalar(c.strip()) for c in r.split("&")) for r in rows)
    if len({len(r) for r in cells}) != 1:
        raise Unreadable("ragged matrix")
    return Matrix(cells)


def _scalar(text: str) -> Scalar:
    text = text.strip()
    if not text:
        raise Unreadable("empty element")
    if text.count("{") != text.count("}"):
        raise Unreadable("unbalanced braces")
    mixed = _MIXED_SPACE_RE.fullmatch(text)
    if mixed:  # "4 1/2" is four and a half, never 41/2; "11 7/6", "4 4/0" are not numbers
        sign, whole, num, den = mixed.groups()
        if int(den) == 0 or int(num) >= int(den):
            raise Unreadable("not a mixed number")
        value = int(whole) + Fraction(int(num), int(den))
        return Scalar(text, -value if sign == "-" else value)
    literal = read_literal(text)
    if literal is None:
        if _BAD_BASE_RE.fullmatch(text):
            # ``39_7``, ``12_{40}``: digits invalid in their base, or no base at all; the
            # LaTeX reader would drop the subscript and read plain 39.
            raise Unreadable("not a number in that base")
        return Scalar(text)
    return Scalar(text, literal.value, literal.decimal, literal.base, literal.digits)


__all__ = ["Unreadable", "is_name", "read_gold", "read_value", "split_top"]
