"""Length and repetition shaping: DAPO's overlong penalty, Kimi 1.5's length rewards, open-r1's
n-gram repetition penalty.

These are not verifiers (they judge no correctness and their values go below zero), but
terms a trainer adds to the reward with a weight.  Each comes as a pure formula on numbers
(``overlong_penalty``, ``cosine_scaled``, ``group_length_rewards``, ``ngram_repetition``),
checked against the published formulas in the tests, and as a function on completions that
measures the length and returns a :class:`Shaped` value with its details.  docs/shaping.md
writes every formula out with its source.

Lengths are in tokens: the trainer's own count (``completion_tokens``) when given, else a
tokenizer named by the caller's setting when ``tokenizers``/``transformers`` can load it,
else an approximation, ``ceil(UTF-8 bytes / 4)``; ``details["length_source"]`` says which.

Ranges (with the default options):

==========================  =====================================================
``overlong_penalty``        ``[-factor, 0]``                     (``[-1, 0]``)
``cosine_scaled``           between the four ``*_value_*`` options (``[-1, 1]``)
``group_length_rewards``    ``[-0.5, 0.5]``
``ngram_repetition``        ``[max_penalty, 0]``                 (``[-1, 0]``)
==========================  =====================================================

Options out of their domain raise :class:`ShapingOptionError`; no completion text does.
Pure string and arithmetic work, cheap enough to run in-process.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .completion import split_think, strip_special_tokens

__all__ = [
    "APPROXIMATION",
    "Length",
    "Shaped",
    "ShapingOptionError",
    "completion_length",
    "cosine_scaled",
    "cosine_scaled_reward",
    "group_length_penalty",
    "group_length_rewards",
    "ngram_repetition",
    "overlong_penalty",
    "repetition_penalty",
    "soft_overlong_penalty",
]

#: How a length is estimated when neither a count nor a tokenizer is available.
APPROXIMATION = "ceil(utf8_bytes / 4)"
_BYTES_PER_TOKEN = 4


class ShapingOptionError(ValueError):
    """An option is outside its domain (e.g. a buffer longer than the maximum length)."""


@dataclass(frozen=True)
class Shaped:
    """A shaping value (see each function for its range) and how it was obtained."""

    value: float
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Length:
    """A completion's length in tokens and where the number comes from."""

    tokens: int
    source: Literal["given", "tokenizer", "approx"]
    note: str | None = None  # the tokenizer's name, or why the approximation was used

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"length": self.tokens, "length_source": self.source}
        if self.source == "tokenizer":
            out["tokenizer"] = self.note
        elif self.source == "approx":
            out["approximation"] = APPROXIMATION
            if self.note:
                out["tokenizer_error"] = self.note
        return out


# --- lengths -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_tokenizer(name: str) -> tuple[Any, str | None]:
    """(tokenizer, None), or (None, why not): a ``tokenizer.json`` file or a model name/dir."""
    try:
        if name.endswith(".json") and Path(name).is_file():
            from tokenizers import Tokenizer

            return Tokenizer.from_file(name), None
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(name), None
    except ImportError as exc:
        return None, f"tokenizers/transformers not installed ({exc.name})"
    except Exception as exc:  # noqa: BLE001 - any loading failure falls back, and says so
        return None, f"cannot load tokenizer {name!r}: {type(exc).__name__}: {exc}"[:300]


def _count_with(tokenizer: Any, text: str) -> int:
    encoded = tokenizer.encode(text, add_special_tokens=False)
    return len(getattr(encoded, "ids", encoded))  # tokenizers: an Encoding; transformers: ids


def completion_length(
    completion: str, *, completion_tokens: int | None = None, tokenizer: str | None = None
) -> Length:
    """The length of ``completion`` in tokens: given, counted, or approximated."""
    if completion_tokens is not None:
        if isinstance(completion_tokens, bool) or not isinstance(completion_tokens, int):
            raise ShapingOptionError(f"completion_tokens must be an int, got {completion_tokens!r}")
        if completion_tokens < 0:
            raise ShapingOptionError(f"completion_tokens must be >= 0, got {completion_tokens}")
        return Length(completion_tokens, "given")
    note = None
    if tokenizer:
        loaded, note = _load_tokenizer(tokenizer)
        if loaded is not None:
            try:
                return Length(_count_with(loaded, completion), "tokenizer", tokenizer)
            except Exception as exc:  # noqa: BLE001
                note = f"tokenizer {tokenizer!r} failed: {type(exc).__name__}: {exc}"[:300]
    size = len(completion.encode("utf-8", errors="surrogatepass"))
    return Length(-(-size // _BYTES_PER_TOKEN), "approx", note)


# --- DAPO: soft overlong punishment --------------------------------------------------------


def _positive(name: str, value: float) -> None:
    if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ShapingOptionError(f"{name} must be a finite number > 0, got {value!r}")


def overlong_penalty(length: int, *, max_len: int, buffer: int, factor: float = 1.0) -> float:
    """DAPO's soft overlong punishment (Yu et al. 2025, Eq. 13), times ``factor``.

    0 up to ``max_len - buffer`` tokens, then falling linearly to ``-factor`` at
    ``max_len``, and ``-factor`` beyond.  Range ``[-factor, 0]``.
    """
    _positive("max_len", max_len)
    _positive("buffer", buffer)
    _positive("factor", factor)
    if buffer > max_len:
        raise ShapingOptionError(f"buffer ({buffer}) must not exceed max_len ({max_len})")
    expected = max_len - buffer
    if length <= expected:
        return 0.0
    if length <= max_len:
        return factor * ((expected - length) / buffer)  # the ratio is in [-1, 0)
    return -factor


def soft_overlong_penalty(
    completion: str,
    *,
    max_len: int,
    buffer: int,
    factor: float = 1.0,
    completion_tokens: int | None = None,
    tokenizer: str | None = None,
) -> Shaped:
    """:func:`overlong_penalty` of ``completion``'s length in tokens."""
    length = completion_length(completion, completion_tokens=completion_tokens, tokenizer=tokenizer)
    value = overlong_penalty(length.tokens, max_len=max_len, buffer=buffer, factor=factor)
    return Shaped(value, {**length.details(), "max_len": max_len, "buffer": buffer})


# --- Kimi 1.5 / open-r1: cosine-scaled correctness and length -----------------------------


def cosine_scaled(
    length: int,
    correct: bool,
    *,
    max_len: int = 1000,
    min_value_wrong: float = -1.0,
    max_value_wrong: float = -0.5,
    min_value_correct: float = 0.5,
    max_value_correct: float = 1.0,
) -> float:
    """open-r1's ``get_cosine_scaled_reward`` for one completion of ``length`` tokens.

    ``r = lo + (hi - lo) * (1 + cos(pi * L / max_len)) / 2`` with ``(lo, hi)`` =
    ``(min_value_correct, max_value_correct)`` when correct, ``(max_value_wrong,
    min_value_wrong)`` when wrong: short correct answers earn the most, short wrong ones
    lose the most.  ``L`` is clamped to ``max_len`` (open-r1 lets the cosine wrap around
    past it, so a correct answer twice too long would earn the top reward again).
    """
    _positive("max_len", max_len)
    for name, value in (
        ("min_value_wrong", min_value_wrong),
        ("max_value_wrong", max_value_wrong),
        ("min_value_correct", min_value_correct),
        ("max_value_correct", max_value_correct),
    ):
        if isinstance(value, bool) or not math.isfinite(value):
            raise ShapingOptionError(f"{name} must be a finite number, got {value!r}")
    progress = min(max(length, 0), max_len) / max_len
    cosine = math.cos(progress * math.pi)
    low, high = (
        (min_value_correct, max_value_correct) if correct else (max_value_wrong, min_value_wrong)
    )
    value = low + 0.5 * (high - low) * (1.0 + cosine)
    return min(max(value, min(low, high)), max(low, high))  # no rounding past the ends


def cosine_scaled_reward(
    completion: str,
    correct: bool,
    *,
    max_len: int = 1000,
    min_value_wrong: float = -1.0,
    max_value_wrong: float = -0.5,
    min_value_correct: float = 0.5,
    max_value_correct: float = 1.0,
    completion_tokens: int | None = None,
    tokenizer: str | None = None,
) -> Shaped:
    """:func:`cosine_scaled` of ``completion``'s length; ``correct`` comes from the accuracy check."""
    length = completion_length(completion, completion_tokens=completion_tokens, tokenizer=tokenizer)
    value = cosine_scaled(
        length.tokens,
        correct,
        max_len=max_len,
        min_value_wrong=min_value_wrong,
        max_value_wrong=max_value_wrong,
        min_value_correct=min_value_correct,
        max_value_correct=max_value_correct,
    )
    return Shaped(value, {**length.details(), "correct": bool(correct), "max_len": max_len})


# --- Kimi 1.5: group-relative length reward ------------------------------------------------


def group_length_rewards(lengths: Sequence[int], correct: Sequence[bool]) -> list[float]:
    """Kimi 1.5's length reward over one rollout group (Kimi Team 2025, §2.3.3).

    ``lambda_i = 0.5 - (len_i - min_len) / (max_len - min_len)`` over the group; a correct
    answer gets ``lambda_i``, a wrong one ``min(0, lambda_i)``.  All 0 when every length is
    the same (open-r1's ``len_reward``).  Range ``[-0.5, 0.5]``.
    """
    if len(lengths) != len(correct):
        raise ShapingOptionError(f"{len(lengths)} lengths but {len(correct)} correctness flags")
    if not lengths:
        return []
    shortest, longest = min(lengths), max(lengths)
    if shortest == longest:
        return [0.0] * len(lengths)
    out = []
    for length, ok in zip(lengths, correct):
        lam = 0.5 - (length - shortest) / (longest - shortest)
        out.append(lam if ok else min(0.0, lam))
    return out


def group_length_penalty(
    completions: Sequence[str],
    correct: Sequence[bool],
    *,
    completion_tokens: Sequence[int | None] | None = None,
    tokenizer: str | None = None,
) -> list[Shaped]:
    """:func:`group_length_rewards` of a group's completions, in their order."""
    if completion_tokens is not None and len(completion_tokens) != len(completions):
        raise ShapingOptionError(
            f"{len(completions)} completions but {len(completion_tokens)} token counts"
        )
    given = completion_tokens or [None] * len(completions)
    lengths = [
        completion_length(text, completion_tokens=count, tokenizer=tokenizer)
        for text, count in zip(completions, given)
    ]
    values = group_length_rewards([length.tokens for length in lengths], correct)
    group = {"group_size": len(completions)}
    if lengths:
        group.update(
            group_min=min(x.tokens for x in lengths), group_max=max(x.tokens for x in lengths)
        )
    return [
        Shaped(value, {**length.details(), **group, "correct": bool(ok)})
        for value, length, ok in zip(values, lengths, correct)
    ]


# --- open-r1: n-gram repetition penalty ----------------------------------------------------


def ngram_repetition(text: str, *, n: int = 3, max_penalty: float = -1.0) -> float:
    """open-r1's ``get_repetition_penalty_reward`` (after Yeo et al. 2025, App. C.2).

    Words are ``text.lower().split()``; with ``T`` word n-grams of which ``U`` are distinct,
    the value is ``(1 - U / T) * max_penalty``, and 0 for a text of fewer than ``n`` words.
    Range ``[max_penalty, 0]``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ShapingOptionError(f"n must be an int >= 1, got {n!r}")
    if isinstance(max_penalty, bool) or not math.isfinite(max_penalty) or max_penalty > 0:
        raise ShapingOptionError(f"max_penalty must be a finite number <= 0, got {max_penalty!r}")
    words = text.lower().split()
    if len(words) < n:
        return 0.0
    grams = list(zip(*(words[i:] for i in range(n))))
    scaling = 1 - len(set(grams)) / len(grams)
    return scaling * max_penalty + 0.0  # + 0.0: no -0.0


def repetition_penalty(
    completion: str,
    *,
    n: int = 3,
    max_penalty: float = -1.0,
    scope: Literal["completion", "answer"] = "completion",
    prefilled: bool = False,
) -> Shaped:
    """:func:`ngram_repetition` over the whole completion or over its answer only.

    ``scope="answer"`` reads the text after the last ``</think>``; a completion with no
    answer (an unclosed think block) then scores 0 with ``reason: no_answer``, so use
    ``"completion"`` (the default, as open-r1 does) to catch a model looping until it is
    cut off.  Trailing chat special tokens are not words and are dropped.
    """
    if scope == "completion":
        text: str | None = strip_special_tokens(completion)
    elif scope == "answer":
        text = split_think(completion, prefilled=prefilled).answer
    else:
        raise ShapingOptionError(f"scope must be 'completion' or 'answer', got {scope!r}")
    details: dict[str, Any] = {"n": n, "scope": scope}
    if text is None:
        ngram_repetition("", n=n, max_penalty=max_penalty)  # the options are still checked
        return Shaped(0.0, {**details, "reason": "no_answer"})
    details["words"] = len(text.split())
    return Shaped(ngram_repetition(text, n=n, max_penalty=max_penalty), details)
