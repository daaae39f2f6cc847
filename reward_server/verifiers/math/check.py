"""``check_math``: the accuracy reward for math, extraction → reading → typed comparison.

Runs inside a worker process whose hard deadline is the pool's; this function makes that
deadline a rare event: every input is size-checked before it is parsed, and every parsed
tree is magnitude-checked before it is evaluated (:mod:`.guards`).

What scores what (the full policy is in ``docs/math.md``):

- 1.0: the final answer equals the gold mathematically (every boxed answer, if several);
- 0.0, ``status="ok"``: no answer (truncated, unclosed box, no anchor), a different value,
  a hedge, or an answer we cannot read;
- ``status="timeout"``: an answer a guard refused as too costly to evaluate (an exponent
  tower, a huge factorial, deep nesting, 100 kB), decided before any evaluation; the
  pool's hard deadline covers whatever the guards miss;
- ``status="invalid"``: the gold cannot be read or is itself beyond the guards;
- ``status="error"``: a bug of ours (an unexpected exception), never scored as 0.
"""

from __future__ import annotations

import re
from typing import Any

from ..outcome import Outcome
from .compare import compare
from .extract import extract_answer, find_boxes
from .normalise import has_words, normalise, unit_of
from .parse import Unreadable, read_gold, read_value, split_top
from .symbolic import Unparseable, to_sympy
from .values import (
    GuardTripped,
    Interval,
    Items,
    Matrix,
    Relation,
    Scalar,
    SetUnion,
    Text,
    Value,
    kind_of,
)

DETAIL_CHARS = 200


def _cap(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS] + "…"


def _gold_text(gold: str) -> str:
    """A gold may come boxed (a copied solution line): the answer is its boxes, all of them
    (``\\boxed{1}`` and ``\\boxed{2}`` is the list ``1, 2``)."""
    if "\\boxed" in gold or "\\fbox" in gold:
        boxes, unclosed = find_boxes(gold)
        if boxes and not unclosed:
            return join_boxes(boxes)
    return gold


def join_boxes(boxes: list[str] | tuple[str, ...]) -> str:
    """Several boxes read as one list: their distinct contents joined by commas, or by
    semicolons when a box is itself a group of assignments (``x = 1, y = 2``)."""
    distinct = list(dict.fromkeys(" ".join(b.split()) for b in boxes))
    if len(distinct) == 1:
        return distinct[0]
    grouped = any(
        len(split_top(b, _COMMA)[0]) > 1 and len(split_top(b, _EQUALS)[0]) > 1 for b in distinct
    )
    return ("; " if grouped else ", ").join(distinct)


_COMMA = re.compile(",")
_EQUALS = re.compile("=")


def _is_collection(value: Value) -> bool:
    """A gold of several elements (a list, a set, a named tuple), which several boxes may
    enumerate together."""
    return isinstance(value, Items) and len(value.items) > 1 and value.open in ("", "\\{", "(")


def _scalars(value: Value) -> list[Scalar]:
    if isinstance(value, Scalar):
        return [value]
    if isinstance(value, Items):
        return [s for v in value.items for s in _scalars(v)]
    if isinstance(value, Relation):
        return [s for v in value.terms for s in _scalars(v)]
    if isinstance(value, SetUnion):
        return [s for v in value.parts for s in _scalars(v)]
    if isinstance(value, Interval):
        return [value.lo, value.hi]
    if isinstance(value, Matrix):
        return [s for row in value.rows for v in row for s in _scalars(v)]
    return []


def _validate_gold(value: Value) -> None:
    """Every expression in the gold must parse (and pass the guards); cached by text."""
    for scalar in _scalars(value):
        if scalar.number is None:
            to_sympy(scalar.text)


def check_math(completion: str, gold: str, *, prefilled: bool = False) -> Outcome:
    """Score a completion's final answer against a gold answer (1.0 or 0.0, or no score).

    ``prefilled``: the chat template already opened ``<think>``.
    """
    try:
        return _check(completion, gold, prefilled)
    except RecursionError:
        return _too_costly("input nested too deeply", {"extracted": None, "gold_normalised": None})
    except Exception as exc:  # noqa: BLE001 - a bug of ours: say so, never score it as 0
        return Outcome.error(
            f"math verifier failed: {type(exc).__name__}", "verifier_exception", retryable=False
        )


def _check(completion: str, gold: str, prefilled: bool) -> Outcome:
    gold_value, details = _read_gold_value(gold)
    if isinstance(gold_value, Outcome):
        return gold_value
    extraction = extract_answer(completion, prefilled=prefilled)
    if not extraction.answers:
        return Outcome.ok(
            0.0,
            extracted=None,
            comparison="none",
            reason=extraction.reason,
            extraction=extraction.method,
            **details,
        )
    details["extraction"] = extraction.method
    details["extracted"] = (
        _cap(extraction.answers[-1])
        if len(extraction.answers) == 1
        else [_cap(a) for a in extraction.answers[:8]]
    )
    return _score(extraction.answers, gold_value, details, unit_of(_gold_text(_as_text(gold))))


def _as_text(gold: Any) -> str:
    return gold if isinstance(gold, str) else str(gold)


def _read_gold_value(gold: str) -> tuple[Value | Outcome, dict[str, Any]]:
    """The gold's value and the details describing it, or the ``invalid`` outcome."""
    gold_source = _gold_text(_as_text(gold))
    gold_norm = _cap(normalise(gold_source[:20000]))
    try:
        gold_value = read_gold(gold_source)
        _validate_gold(gold_value)
    except GuardTripped as exc:
        return Outcome.invalid(
            f"gold answer refused by a guard: {exc.reason}",
            "gold_too_complex",
            gold_normalised=gold_norm,
        ), {}
    except (Unreadable, Unparseable) as exc:
        if gold_norm and has_words(gold_norm):  # "\\text{June 20}": a text answer with digits
            gold_value = Text(" ".join(re.sub(r"[^\w\s']", " ", gold_norm.lower()).split()))
        else:
            return Outcome.invalid(
                f"gold answer cannot be parsed: {exc}",
                "invalid_reference",
                gold_normalised=gold_norm,
            ), {}
    return gold_value, {"gold_normalised": gold_norm, "gold_kind": kind_of(gold_value)}


def _score(
    answers: tuple[str, ...], gold_value: Value, details: dict[str, Any], gold_unit: str | None
) -> Outcome:
    """1.0 when the answer equals the gold.

    Several different boxes: when the gold has several elements (a list, a set, a tuple),
    the boxes together are the answer (``\\boxed{(2,2)}`` and ``\\boxed{(6,2)}`` answer
    ``(2,2), (6,2)``; one wrong element scores 0); otherwise they are alternatives, a hedge,
    and score 1 only if each of them equals the gold."""
    if len(answers) > 1 and _is_collection(gold_value):
        each = _score_each(answers, gold_value, dict(details), gold_unit)
        if each.score == 1.0 or each.status != "ok":
            return each  # the same answer boxed twice (or refused by a guard)
        outcome = _score((join_boxes(answers),), gold_value, details, gold_unit)
        if outcome.score == 1.0:
            outcome.details["reason"] = "the boxes together equal the gold"
        return outcome
    return _score_each(answers, gold_value, details, gold_unit)


def _score_each(
    answers: tuple[str, ...], gold_value: Value, details: dict[str, Any], gold_unit: str | None
) -> Outcome:
    """1.0 when every answer equals the gold: one answer, or equivalent boxes.  Units are
    dropped, but a known unit that differs from the gold's is a different answer."""
    hedged = len(answers) > 1
    method = "none"
    for answer in answers:
        answer_unit = unit_of(answer) if gold_unit else None
        if answer_unit and answer_unit != gold_unit:
            reason = f"a different unit ({answer_unit}, not {gold_unit})"
            return Outcome.ok(0.0, comparison="unit", reason=reason, **details)
        try:
            value = read_value(answer, gold_value)
            equal, method = compare(gold_value, value)
        except GuardTripped as exc:
            return _too_costly(exc.reason, details)
        except (Unreadable, Unparseable) as exc:
            return Outcome.ok(0.0, comparison="none", reason=f"answer unreadable: {exc}", **details)
        details["answer_kind"] = kind_of(value)
        if not equal:
            reason = "hedge: several different boxed answers" if hedged else "not equal to the gold"
            return Outcome.ok(0.0, comparison=method, reason=reason, **details)
    reason = "equal to the gold" if not hedged else "every boxed answer equals the gold"
    return Outcome.ok(1.0, comparison=method, reason=reason, **details)


def check_answer(answer: str, gold: str) -> Outcome:
    """Score a bare answer (already extracted: no think block, box or anchor is looked for)
    against a gold answer, by the same policy as :func:`check_math`."""
    try:
        gold_value, details = _read_gold_value(gold)
        if isinstance(gold_value, Outcome):
            return gold_value
        text = answer if isinstance(answer, str) else str(answer)
        details["extraction"] = "given"
        details["extracted"] = _cap(text)
        if not text.strip():
            return Outcome.ok(0.0, comparison="none", reason="empty answer", **details)
        return _score((text,), gold_value, details, unit_of(_gold_text(_as_text(gold))))
    except RecursionError:
        return _too_costly("input nested too deeply", {"extracted": None, "gold_normalised": None})
    except Exception as exc:  # noqa: BLE001 - a bug of ours: say so, never score it as 0
        return Outcome.error(
            f"math verifier failed: {type(exc).__name__}", "verifier_exception", retryable=False
        )


def answers_equal(first: str, second: str) -> bool:
    """Whether two bare answers (``"\\frac12"``, ``"x = 0.5"``) are mathematically equal
    by the verifier's policy, ``first`` read as the reference.  ``False`` whenever either
    cannot be read, is refused by a guard, or they differ."""
    return check_answer(second, first).score == 1.0


def _too_costly(reason: str, details: dict[str, Any]) -> Outcome:
    """An answer a guard refused: no reward either way, reported as a timeout at once.

    The issue's contract: a pathological input (``9^{9^9}``, ``2^{10^9}``, ``10!!!!!!``,
    100 kB) answers ``status: "timeout"``; the guards let us say so in milliseconds instead
    of spending the worker's deadline first.
    """
    return Outcome.timeout(
        f"answer too costly to evaluate ({reason}); refused before the deadline",
        "too_complex",
        comparison="guard",
        reason=f"guard: {reason}",
        **details,
    )


def warm_up() -> None:
    """Load sympy and the LaTeX parser, and warm the parser's caches, in a new worker."""
    for completion, gold in (
        ("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\frac{\\sqrt3}{2}"),
        ("\\boxed{x^2+2x+1}", "(x+1)^2"),
        ("\\boxed{(-\\infty, 3]}", "x \\le 3"),
        ("\\boxed{2\\cos(\\pi/3)}", "1"),
    ):
        check_math(completion, gold)
