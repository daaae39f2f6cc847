"""The instruction-following reward: the share of an item's constraints the answer meets.

The answer is the text after the last ``</think>`` (:func:`~reward_server.verifiers.completion.split_think`),
stripped of surrounding whitespace as Tulu 3's verifier strips it; a think block that is
never closed leaves no answer, which meets no constraint.  An empty answer meets none
either (IFEval: ``response.strip() and check(response)``).

Strict mode checks the answer as it is.  Loose mode is IFEval's upper bound: a constraint
is met if any of eight variants meets it — the answer, the answer without its first line,
without its last line, without both, and each of those four with every ``*`` removed.
"""

from __future__ import annotations

from typing import Any

from ..completion import split_think
from ..outcome import Outcome
from .labels import Constraint, LabelError, parse_constraints


def loose_variants(response: str) -> tuple[str, ...]:
    """IFEval's eight loose variants of ``response``, duplicates dropped, order kept."""
    lines = response.split("\n")
    without_first = "\n".join(lines[1:]).strip()
    without_last = "\n".join(lines[:-1]).strip()
    without_both = "\n".join(lines[1:-1]).strip()
    variants = (
        response,
        response.replace("*", ""),
        without_first,
        without_last,
        without_both,
        without_first.replace("*", ""),
        without_last.replace("*", ""),
        without_both.replace("*", ""),
    )
    return tuple(dict.fromkeys(variants))


def is_followed(constraint: Constraint, response: str, *, strict: bool = True) -> bool:
    """Whether ``response`` meets ``constraint`` (IFEval's strict or loose test)."""
    candidates = (response,) if strict else loose_variants(response)
    return any(
        text.strip() and constraint.instruction.check(text, constraint.args) for text in candidates
    )


def check_instructions(
    completion: str,
    constraints: Any,
    *,
    prompt: str | None = None,
    prefilled: bool = False,
    strict: bool = True,
    all_or_nothing: bool = False,
) -> Outcome:
    """Score ``completion`` against IFEval-style ``constraints``; never raises.

    ``constraints``: ``{"instruction_id": [...], "kwargs": [...]}``, a dict or its JSON
    string (see :mod:`.labels`).  ``prompt``: the user prompt, used by
    ``combination:repeat_prompt`` when its ``prompt_to_repeat`` is not given.
    ``prefilled``: the chat template already emitted ``<think>``.  ``strict``: IFEval's
    strict test (else loose).  ``all_or_nothing``: 1.0 only when every constraint is met
    (IFEval's prompt-level accuracy) instead of the fraction met (instruction level).

    ``ok`` with the score and, per constraint, whether it was met; ``invalid`` when the
    label cannot be read (unknown id, bad kwargs), with the reason.
    """
    try:
        parsed = parse_constraints(constraints, prompt=prompt)
    except LabelError as exc:
        return Outcome.invalid(str(exc), error_type="invalid_constraints")
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not take the batch down
        return Outcome.error(f"reading the constraints failed: {exc!r}", retryable=False)
    if not isinstance(completion, str):
        return Outcome.invalid(
            f"completion must be a string, not {type(completion).__name__}",
            error_type="invalid_completion",
        )
    try:
        return _score(completion, parsed, prefilled, strict, all_or_nothing)
    except Exception as exc:  # noqa: BLE001
        return Outcome.error(f"instructions verifier failed: {exc!r}", retryable=False)


def _score(
    completion: str,
    constraints: tuple[Constraint, ...],
    prefilled: bool,
    strict: bool,
    all_or_nothing: bool,
) -> Outcome:
    ids = [c.id for c in constraints]
    mode = "strict" if strict else "loose"
    answer = split_think(completion, prefilled=prefilled).answer
    if answer is None or not answer.strip():
        reason = "no_answer" if answer is None else "empty_answer"
        return Outcome.ok(
            0.0, reason=reason, mode=mode, instruction_ids=ids, followed=[False] * len(ids)
        )
    response = answer.strip()
    followed = [is_followed(c, response, strict=strict) for c in constraints]
    met = sum(followed)
    score = float(met == len(followed)) if all_or_nothing else met / len(followed)
    return Outcome.ok(
        score,
        mode=mode,
        all_or_nothing=all_or_nothing,
        instruction_ids=ids,
        followed=followed,
        met=met,
        total=len(followed),
    )
