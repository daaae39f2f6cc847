"""Request bodies at the boundary: JSON decoded with limits, numbers finite, text valid.

Three failure classes live here, each answered before any scoring:

- **size**: a body of a million tiny items must be refused after reading about
  ``max_items`` of them, not after decoding and validating all of them.  The top-level
  object is walked by hand and its item list decoded one element at a time (each element
  by the C decoder), so the count is known, and checked, as it grows;
- **numbers**: JSON has no NaN or infinity, but Python's decoder accepts ``NaN``,
  ``Infinity`` and turns ``1e400`` into ``inf``; any of them makes the body a 422;
- **text**: a JSON string may hold a lone surrogate (``"\\ud800"``), which is no text and
  cannot be written back out as UTF-8.  In the completion (the model's own text) it is
  replaced by U+FFFD; anywhere else in an item it makes that item ``invalid``.

Decoding is plain Python around short C calls, so run in a thread it leaves the event
loop free (see :func:`decode_off_loop`).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from starlette.responses import JSONResponse

#: Bodies larger than this are decoded in a thread, so the event loop keeps answering.
OFF_LOOP_BYTES = 256 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")
_WS = re.compile(r"[ \t\n\r]*")
#: Item fields that hold the model's own text: a lone surrogate there is replaced.
MODEL_TEXT_FIELDS: frozenset[str] = frozenset({"completion", "prompt"})


class BodyError(ValueError):
    """The body cannot be used; ``status`` is 422 (malformed) or 413 (too many items)."""

    status_code = 422
    error_type = "validation_error"


class TooManyItems(BodyError):
    status_code = 413
    error_type = "payload_too_large"


def _not_finite(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows; numbers must be finite")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} does not fit a 64-bit float; numbers must be finite")
    return value


_DECODER = json.JSONDecoder(parse_constant=_not_finite, parse_float=_finite)


def _skip(text: str, idx: int) -> int:
    match = _WS.match(text, idx)
    return match.end() if match else idx


def _expect(text: str, idx: int, chars: str, what: str) -> str:
    if idx >= len(text) or text[idx] not in chars:
        found = repr(text[idx]) if idx < len(text) else "the end of the body"
        raise BodyError(f"invalid JSON: expected {what} at character {idx}, found {found}")
    return text[idx]


def _value(text: str, idx: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, idx)
    except json.JSONDecodeError as exc:
        raise BodyError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise BodyError("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # a non-finite number, an integer of too many digits
        raise BodyError(f"invalid JSON: {exc}") from None


def _list(text: str, idx: int, max_len: int, key: str) -> tuple[list[Any], int]:
    out: list[Any] = []
    idx = _skip(text, idx + 1)
    if text.startswith("]", idx):
        return out, idx + 1
    while True:
        if len(out) >= max_len:
            raise TooManyItems(
                f"more than {max_len} {key}; the limit is {max_len} per request "
                "(REWARD_MAX_ITEMS): send smaller requests"
            )
        value, idx = _value(text, idx)
        out.append(value)
        idx = _skip(text, idx)
        if _expect(text, idx, ",]", "',' or ']'") == "]":
            return out, idx + 1
        idx = _skip(text, idx + 1)


def decode_object(raw: bytes, list_keys: tuple[str, ...] = (), max_len: int = 0) -> dict[str, Any]:
    """Decode a JSON object; each list under ``list_keys`` may hold at most ``max_len`` values.

    Raises :class:`BodyError` (422) for anything that is not a JSON object of finite
    numbers, :class:`TooManyItems` (413) as soon as a counted list passes ``max_len``.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(f"the body is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    text = text.removeprefix("\ufeff")
    idx = _skip(text, 0)
    if not text.startswith("{", idx):
        if idx >= len(text):
            raise BodyError("the body is empty; a JSON object is expected")
        raise BodyError("the body must be a JSON object")
    obj: dict[str, Any] = {}
    idx = _skip(text, idx + 1)
    if not text.startswith("}", idx):
        while True:
            _expect(text, idx, '"', "a quoted key")
            key, idx = _value(text, idx)
            idx = _skip(text, idx)
            _expect(text, idx, ":", "':'")
            idx = _skip(text, idx + 1)
            if key in list_keys and text.startswith("[", idx):
                obj[key], idx = _list(text, idx, max_len, key)
            else:
                obj[key], idx = _value(text, idx)
            idx = _skip(text, idx)
            if _expect(text, idx, ",}", "',' or '}'") == "}":
                break
            idx = _skip(text, idx + 1)
    idx = _skip(text, idx + 1)
    if idx != len(text):
        raise BodyError(f"invalid JSON: extra data after the object at character {idx}")
    return obj


async def decode_off_loop(
    raw: bytes, list_keys: tuple[str, ...] = (), max_len: int = 0
) -> dict[str, Any]:
    """:func:`decode_object`, in a thread when the body is large."""
    if len(raw) <= OFF_LOOP_BYTES:
        return decode_object(raw, list_keys, max_len)
    return await asyncio.to_thread(decode_object, raw, list_keys, max_len)


# ---- text ------------------------------------------------------------------------------------
def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _strings(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield path, str(key)
            yield from _strings(sub, (*path, str(key)))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _strings(sub, (*path, i))


def bad_text(value: Any) -> str | None:
    """Where ``value`` holds a lone surrogate (``"answer"``, ``"code.tests.0.output"``)."""
    for path, text in _strings(value, ()):
        match = _SURROGATE.search(text)
        if match:
            where = scrub(".".join(str(p) for p in path)) or "value"
            return f"{where} (U+{ord(match.group()):04X})"
    return None


def clean_item(raw: Any) -> tuple[Any, str | None]:
    """An item with its model text scrubbed, and where else it holds no valid text (or None).

    The completion and prompt are the model's (or the dataset's) own text: a lone
    surrogate there is an invalid character the model produced, scored as U+FFFD.
    Anywhere else (id, gold answer, tests) it makes the reference unusable."""
    if not isinstance(raw, dict):
        return raw, None
    item = dict(raw)
    for name in MODEL_TEXT_FIELDS:
        if isinstance(item.get(name), str):
            item[name] = scrub(item[name])
    return item, bad_text(item)


def scrub_any(value: Any) -> Any:
    """A copy of a JSON value whose strings hold no lone surrogate (for answers and logs)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): scrub_any(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_any(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class SafeJSONResponse(JSONResponse):
    """A JSON answer that cannot fail to encode: lone surrogates become U+FFFD and
    non-finite numbers null (only if the plain rendering fails, so it costs nothing)."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except (UnicodeEncodeError, ValueError):
            return super().render(scrub_any(content))
