"""Plain values as JSON: what crosses between the candidate's process and the judge.

The candidate's objects never reach the process that decides a verdict: a value is
rebuilt there from plain data (numbers, strings, bytes, lists, tuples, dicts, sets,
complex, Decimal, Fraction, deque, range, and the built-in types themselves by name,
so ``isinstance(x, int)`` with an ``int`` passed in works on either side), so an object whose ``__eq__`` is always true
arrives as what it is made of, or not at all.  A subclass of a plain type (a namedtuple,
an ``IntEnum``, a ``Counter``) travels as its base type's data, read through the base
type's own methods, so none of its overrides runs on the way.

Anything else is either refused (:class:`NotPlain`, function-call results) or, when the
caller passes ``keep``, sent as a reference the other side can only call or ask
questions of (``{"$": "ref", ...}``; see ``remote``).

JSON shapes: ``None``, booleans, integers, strings and lists are themselves; a finite
float is a JSON number; everything else is ``{"$": tag, "v": data}``.  The host decodes
function-call results with :func:`decode` (no references), so this module is standard
library only and imports nothing else of the runner.
"""

from __future__ import annotations

import base64
import math

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: Deepest nesting a value may have (lists in lists ...).
MAX_DEPTH = 200


#: The module name the program runs as: instances of its subclasses of plain types
#: (``class Stack(list)``, a namedtuple) travel as references when references may travel.
PROGRAM = "solution"


class NotPlain(TypeError):
    """A value that cannot be rebuilt from plain data."""


def encode(value: Any, keep: Callable[[Any], Any] | None = None, depth: int = 0) -> Any:
    """The JSON form of ``value``; ``keep(obj)`` returns the form of a non-plain object
    (a reference), or None means refusing it with :class:`NotPlain`."""
    if depth > MAX_DEPTH:
        raise NotPlain(f"nested deeper than {MAX_DEPTH}")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if kind is list:
        return [encode(v, keep, depth + 1) for v in value]
    if kind is tuple:
        return {"$": "tuple", "v": [encode(v, keep, depth + 1) for v in value]}
    if kind is dict:
        return {"$": "dict", "v": _pairs(dict.items(value), keep, depth)}
    if kind is set or kind is frozenset:
        return _set_form(value, keep, depth)
    if kind is bytes or kind is bytearray:
        return {"$": kind.__name__, "v": base64.b64encode(bytes(value)).decode("ascii")}
    if kind is complex:
        return {"$": "complex", "v": [_float(value.real), _float(value.imag)]}
    if kind is range:
        return {"$": "range", "v": [value.start, value.stop, value.step]}
    if kind is type and _builtin_type(value.__name__) is value:
        return {"$": "type", "v": value.__name__}  # int, str, ValueError: by name
    special = _SPECIAL_ENCODERS.get((kind.__module__, kind.__qualname__))
    if special is not None:
        return special(value, keep, depth)
    base = _plain_base(kind)
    if base is not None and keep is not None and getattr(kind, "__module__", "") == PROGRAM:
        kept = keep(value)  # the program's own list/str/tuple... subclass: its methods count
        if kept is not None:
            return dict(kept, b=base.__name__)
    if base is not None:
        return _encode_as_base(value, base, keep, depth)
    if keep is not None:
        kept = keep(value)
        if kept is not None:
            return kept
    raise NotPlain(f"a {_type_name(kind)} is not plain data")


def decode(data: Any, ref: Callable[..., Any] | None = None, depth: int = 0) -> Any:
    """The value of a JSON form; ``ref(tag, data)`` rebuilds references (None: refused)."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH}")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, ref, depth + 1) for v in data]
    if kind is not dict or "$" not in data:
        raise ValueError(f"not a value form: {type(data).__name__}")
    tag, body = data["$"], data.get("v")
    if tag in ("ref", "own"):
        if ref is None:
            raise ValueError("a reference where only plain data is accepted")
        base = data.get("b")
        return ref(tag, body, base) if type(base) is str else ref(tag, body)
    builder = _DECODERS.get(tag)
    if builder is None:
        raise ValueError(f"unknown value tag {tag!r}")
    if data.get("m") == 1 and tag in ("set", "frozenset"):  # the order of a set literal
        merged = _merged(_seq(body, ref, depth))
        return merged if tag == "set" else frozenset(merged)
    return builder(body, ref, depth)


# ---- encoding helpers ------------------------------------------------------------------
def base_form(value: Any, keep: Callable[[Any], Any] | None) -> Any:
    """The JSON form of ``value``'s plain base type's data (a ``Stack(list)`` as its list,
    read with the base type's methods): what a reference to it is compared by."""
    base = _plain_base(type(value))
    if base is None:
        raise NotPlain(f"a {_type_name(type(value))} has no plain base type")
    return _encode_as_base(value, base, keep, 0)


def _float(x: float) -> Any:
    return x if math.isfinite(x) else {"$": "float", "v": repr(x)}


def _pairs(items: Any, keep: Any, depth: int) -> list[list[Any]]:
    return [[encode(k, keep, depth + 1), encode(v, keep, depth + 1)] for k, v in items]


_PLAIN_BASES = (bool, int, float, str, bytes, bytearray, list, tuple, dict, set, frozenset, complex)


def _plain_base(kind: type) -> type | None:
    for base in kind.__mro__[1:]:
        if base in _PLAIN_BASES:
            return base
    return None


def _encode_as_base(value: Any, base: type, keep: Any, depth: int) -> Any:
    """A subclass instance as its base type's data, read with the base type's methods."""
    if base is int or base is bool:
        return int.__int__(value)
    if base is float:
        return _float(float.__float__(value))
    if base is str:
        return str.__str__(value)
    if base is complex:
        return {
            "$": "complex",
            "v": [
                _float(complex.__getattribute__(value, "real")),
                _float(complex.__getattribute__(value, "imag")),
            ],
        }
    if base is bytes or base is bytearray:
        raw = bytes(memoryview(value))
        return {"$": base.__name__, "v": base64.b64encode(raw).decode("ascii")}
    if base is dict:
        return {"$": "dict", "v": _pairs(dict.items(value), keep, depth)}
    if base is list:
        return [encode(v, keep, depth + 1) for v in list.__iter__(value)]
    if base is tuple:
        return {"$": "tuple", "v": [encode(v, keep, depth + 1) for v in tuple.__iter__(value)]}
    iterate = set.__iter__ if base is set else frozenset.__iter__
    return {"$": base.__name__, "v": [encode(v, keep, depth + 1) for v in iterate(value)]}


def _encode_decimal(value: Any, keep: Any, depth: int) -> Any:
    import decimal

    return {"$": "decimal", "v": decimal.Decimal.__str__(value)}


def _encode_fraction(value: Any, keep: Any, depth: int) -> Any:
    import fractions

    numerator, denominator = fractions.Fraction.as_integer_ratio(value)
    return {"$": "fraction", "v": [int.__int__(numerator), int.__int__(denominator)]}


def _encode_deque(value: Any, keep: Any, depth: int) -> Any:
    import collections

    items = collections.deque.__iter__(value)
    return {"$": "deque", "v": [encode(v, keep, depth + 1) for v in items]}


_SPECIAL_ENCODERS: dict[tuple[str, str], Any] = {
    ("decimal", "Decimal"): _encode_decimal,
    ("fractions", "Fraction"): _encode_fraction,
    ("collections", "deque"): _encode_deque,
}


#: Sets up to this size carry how to rebuild them in the same iteration order.
ORDER_HINT_MAX = 10_000
_HASHED_AS_DATA = (int, bool, float, str, bytes, complex, type(None))


def _set_form(value: Any, keep: Callable[[Any], Any] | None, depth: int) -> Any:
    """A set's form; ``"m": 1`` when it iterates as one rebuilt by merging (what a set
    literal is: ``SET_UPDATE`` from a constant) rather than by adding elements one by
    one (``set(list)``).  The two give different table sizes, so a set of small ints
    such as ``{12, 13, 14, 15, 16}`` iterates differently; a program that turns its
    argument into a tuple must see the order the test code's own set had."""
    elements = list(value)
    form: dict[str, Any] = {
        "$": type(value).__name__,
        "v": [encode(v, keep, depth + 1) for v in elements],
    }
    plain = len(elements) <= ORDER_HINT_MAX and all(_hashed_as_data(e, 0) for e in elements)
    if plain and list(set(elements)) != elements and list(_merged(elements)) == elements:
        form["m"] = 1
    return form


def _hashed_as_data(value: Any, depth: int) -> bool:
    """Whether hashing ``value`` runs no code but the interpreter's (plain data only)."""
    kind = type(value)
    if kind in _HASHED_AS_DATA:
        return True
    if (kind is tuple or kind is frozenset) and depth < 4:
        return all(_hashed_as_data(v, depth + 1) for v in value)
    return False


def _merged(elements: list[Any]) -> set[Any]:
    rebuilt: set[Any] = set()
    rebuilt.update(frozenset(elements))
    return rebuilt


def _type_name(kind: type) -> str:
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "") or getattr(kind, "__name__", "object")
    return name if module in ("builtins", "") else f"{module}.{name}"


# ---- decoding helpers ------------------------------------------------------------------
def _items(body: Any) -> list[Any]:
    if type(body) is not list:
        raise ValueError("malformed value")
    return body


def _seq(body: Any, ref: Any, depth: int) -> list[Any]:
    return [decode(v, ref, depth + 1) for v in _items(body)]


def _dec_float(body: Any, ref: Any, depth: int) -> float:
    if body not in ("nan", "inf", "-inf"):
        raise ValueError("malformed float")
    return float(body)


def _dec_dict(body: Any, ref: Any, depth: int) -> dict[Any, Any]:
    out = {}
    for pair in _items(body):
        if type(pair) is not list or len(pair) != 2:
            raise ValueError("malformed dict")
        out[decode(pair[0], ref, depth + 1)] = decode(pair[1], ref, depth + 1)
    return out


def _dec_bytes(body: Any, ref: Any, depth: int) -> bytes:
    if type(body) is not str:
        raise ValueError("malformed bytes")
    return base64.b64decode(body.encode("ascii"), validate=True)


def _dec_complex(body: Any, ref: Any, depth: int) -> complex:
    parts = _seq(body, None, depth)
    if len(parts) != 2 or not all(type(p) in (int, float) for p in parts):
        raise ValueError("malformed complex")
    return complex(parts[0], parts[1])


def _dec_range(body: Any, ref: Any, depth: int) -> range:
    parts = _items(body)
    if len(parts) != 3 or not all(type(p) is int for p in parts) or parts[2] == 0:
        raise ValueError("malformed range")
    return range(*parts)


def _dec_decimal(body: Any, ref: Any, depth: int) -> Any:
    import decimal

    if type(body) is not str or len(body) > 10_000:
        raise ValueError("malformed decimal")
    return decimal.Decimal(body)


def _dec_fraction(body: Any, ref: Any, depth: int) -> Any:
    import fractions

    parts = _items(body)
    if len(parts) != 2 or not all(type(p) is int for p in parts) or parts[1] == 0:
        raise ValueError("malformed fraction")
    return fractions.Fraction(parts[0], parts[1])


def _builtin_type(name: Any) -> Any:
    """The built-in type called ``name`` (``int``, ``dict``, ``ValueError``), else None."""
    import builtins

    found = getattr(builtins, name, None) if type(name) is str else None
    return found if type(found) is type else None


def _dec_type(body: Any, ref: Any, depth: int) -> Any:
    found = _builtin_type(body)
    if found is None:
        raise ValueError(f"not a built-in type: {body!r}"[:200])
    return found


def _dec_deque(body: Any, ref: Any, depth: int) -> Any:
    import collections

    return collections.deque(_seq(body, ref, depth))


_DECODERS: dict[str, Any] = {
    "float": _dec_float,
    "tuple": lambda body, ref, depth: tuple(_seq(body, ref, depth)),
    "dict": _dec_dict,
    "set": lambda body, ref, depth: set(_seq(body, ref, depth)),
    "frozenset": lambda body, ref, depth: frozenset(_seq(body, ref, depth)),
    "bytes": _dec_bytes,
    "bytearray": lambda body, ref, depth: bytearray(_dec_bytes(body, ref, depth)),
    "complex": _dec_complex,
    "range": _dec_range,
    "decimal": _dec_decimal,
    "fraction": _dec_fraction,
    "deque": _dec_deque,
    "type": _dec_type,
}
