"""The shaping terms as registered components: overlong, cosine, length, repetition.

The formulas are :mod:`.shaping`'s; this module declares each as a :class:`Verifier` and
resolves its options (an item's ``shaping`` over the server's ``REWARD_SHAPING__*``).
They are weighted 0 by default and computed only when weighted (a preset such as
``r1+length`` or an item's ``weights``):

- ``overlong`` (worker, [-1, 0]): DAPO's soft overlong penalty;
- ``repetition`` (worker, [-1, 0]): open-r1's n-gram repetition penalty;
- ``cosine`` (group, [-1, 1]): Kimi 1.5 / open-r1's cosine-scaled correctness and length,
  from the item's own accuracy;
- ``length`` (group, [-0.5, 0.5]): Kimi 1.5's group-relative length reward, over the
  rollout group (``group_size``).

"Correct" is an accuracy of 1.0 (every test passed, for code).  A term that needs the
accuracy of an item without one (``task: none``) is ``invalid``; an item whose accuracy
failed already carries that failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .outcome import Outcome
from .registry import Arguments, Verifier
from .shaping import (
    ShapingOptionError,
    cosine_scaled_reward,
    group_length_penalty,
    repetition_penalty,
    soft_overlong_penalty,
)

if TYPE_CHECKING:
    from reward_server.config import Settings
    from reward_server.schemas import ScoreItem


def option(item: ScoreItem, settings: Settings, name: str) -> Any:
    """The item's value of shaping option ``name``, else the server's."""
    value = getattr(item.shaping, name)
    return value if value is not None else getattr(settings.shaping, name)


def check_overlong(
    completion: str,
    *,
    max_len: int,
    buffer: int,
    completion_tokens: int | None,
    tokenizer: str | None,
) -> Outcome:
    try:
        shaped = soft_overlong_penalty(
            completion,
            max_len=max_len,
            buffer=buffer,
            completion_tokens=completion_tokens,
            tokenizer=tokenizer,
        )
    except ShapingOptionError as exc:
        return Outcome.invalid(str(exc), "invalid_shaping_options")
    return Outcome.term(shaped.value, **shaped.details)


def check_repetition(
    completion: str, *, n: int, max_penalty: float, scope: Any, prefilled: bool
) -> Outcome:
    try:
        shaped = repetition_penalty(
            completion, n=n, max_penalty=max_penalty, scope=scope, prefilled=prefilled
        )
    except ShapingOptionError as exc:
        return Outcome.invalid(str(exc), "invalid_shaping_options")
    return Outcome.term(shaped.value, **shaped.details)


def _overlong_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    return (item.completion,), {
        "max_len": option(item, settings, "max_tokens"),
        "buffer": option(item, settings, "overlong_buffer"),
        "completion_tokens": item.completion_tokens,
        "tokenizer": settings.shaping.tokenizer,
    }


def _repetition_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    return (item.completion,), {
        "n": option(item, settings, "repetition_ngram"),
        "max_penalty": option(item, settings, "repetition_max_penalty"),
        "scope": option(item, settings, "repetition_scope"),
        "prefilled": item.format.prefilled,
    }


def _correct(outcomes: dict[str, Outcome]) -> bool | Outcome | None:
    """The item's correctness; an outcome to report instead; None when it already failed."""
    accuracy = outcomes.get("accuracy")
    if accuracy is None:
        return Outcome.invalid(
            "this shaping term needs an accuracy component (task math, code or instructions)",
            "needs_accuracy",
        )
    if accuracy.status != "ok" or accuracy.score is None:
        return None
    return accuracy.score >= 1.0


def cosine_group(
    items: Sequence[ScoreItem], outcomes: Sequence[dict[str, Outcome]], settings: Settings
) -> list[Outcome | None]:
    """The cosine-scaled reward of each item, from its own accuracy and length."""
    out: list[Outcome | None] = []
    for item, found in zip(items, outcomes, strict=True):
        correct = _correct(found)
        if not isinstance(correct, bool):
            out.append(correct)
            continue
        try:
            shaped = cosine_scaled_reward(
                item.completion,
                correct,
                max_len=option(item, settings, "cosine_max_len"),
                min_value_wrong=option(item, settings, "cosine_min_value_wrong"),
                max_value_wrong=option(item, settings, "cosine_max_value_wrong"),
                min_value_correct=option(item, settings, "cosine_min_value_correct"),
                max_value_correct=option(item, settings, "cosine_max_value_correct"),
                completion_tokens=item.completion_tokens,
                tokenizer=settings.shaping.tokenizer,
            )
        except ShapingOptionError as exc:
            out.append(Outcome.invalid(str(exc), "invalid_shaping_options"))
            continue
        out.append(Outcome.term(shaped.value, **shaped.details))
    return out


def length_group(
    items: Sequence[ScoreItem], outcomes: Sequence[dict[str, Outcome]], settings: Settings
) -> list[Outcome | None]:
    """Kimi 1.5's length reward over the group's scored members.

    A member whose accuracy failed (a timeout, our error) already carries that failure and
    is left out of the group's shortest and longest, as a null reward is left out of the
    advantages: one fault neither zeroes nor biases its group.
    """
    verdicts = [_correct(found) for found in outcomes]
    out: list[Outcome | None] = [v if isinstance(v, Outcome) else None for v in verdicts]
    members = [i for i, v in enumerate(verdicts) if isinstance(v, bool)]
    if len(items) < 2:
        need = Outcome.invalid(
            "the group length reward needs rollout groups: send group_size (>= 2)", "needs_group"
        )
        return [need if i in members else o for i, o in enumerate(out)]
    shaped = group_length_penalty(
        [items[i].completion for i in members],
        [bool(verdicts[i]) for i in members],
        completion_tokens=[items[i].completion_tokens for i in members],
        tokenizer=settings.shaping.tokenizer,
    )
    for i, s in zip(members, shaped, strict=True):
        out[i] = Outcome.term(s.value, **s.details)
    return out


def shaping_verifiers() -> list[Verifier]:
    """The four shaping terms, each weighted 0 unless a preset or item weights it."""
    return [
        Verifier(
            name="overlong",
            component="overlong",
            placement="worker",
            func=check_overlong,
            arguments=_overlong_arguments,
            reads=(
                "completion",
                "completion_tokens",
                "shaping.max_tokens",
                "shaping.overlong_buffer",
            ),
            score_range=(-1.0, 0.0),
            always=False,
            description="DAPO's soft overlong penalty (0 up to max_tokens - buffer, -1 past max_tokens)",
        ),
        Verifier(
            name="repetition",
            component="repetition",
            placement="worker",
            func=check_repetition,
            arguments=_repetition_arguments,
            reads=(
                "completion",
                "shaping.repetition_ngram",
                "shaping.repetition_max_penalty",
                "shaping.repetition_scope",
            ),
            score_range=(-1.0, 0.0),
            always=False,
            description="open-r1's n-gram repetition penalty: (1 - distinct/total n-grams) * max_penalty",
        ),
        Verifier(
            name="cosine",
            component="cosine",
            placement="group",
            func=cosine_group,
            reads=("completion", "completion_tokens", "accuracy", "shaping.cosine_*"),
            score_range=(-1.0, 1.0),
            always=False,
            description="Kimi 1.5 / open-r1 cosine-scaled reward of correctness and length",
        ),
        Verifier(
            name="length",
            component="length",
            placement="group",
            func=length_group,
            reads=("completion", "completion_tokens", "accuracy", "group_size"),
            score_range=(-0.5, 0.5),
            always=False,
            description="Kimi 1.5's group-relative length reward (needs group_size)",
        ),
    ]
