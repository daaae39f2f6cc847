"""OpenRLHF's remote reward protocol, for the server route and the trainer-side adapter.

OpenRLHF POSTs ``{"query": [...], "prompts": [...], "labels": [...]}`` (or calls a
``reward_func(queries, prompts, labels)`` file) where each query is the prompt followed by
the completion, and expects ``{"rewards", "scores", "extra_logs"}``:

- ``rewards``: what the advantages are computed from;
- ``scores``: a 0-1 value for ``--dynamic_filtering``: the accuracy when the item has one,
  else the reward;
- ``extra_logs``: per-sample floats, the same keys for every sample (:data:`LOG_KEYS`),
  because OpenRLHF turns them into tensors and batches samples from many requests.

A label is a gold math answer (a string or a number), or an object of ``/v1/score`` item
fields, as a dict or a JSON string (``{"task": "code", "code": {...}}``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reward_server.schemas import ScoreResult

from .flat import FLAT_KEYS, flatten

#: The keys of ``extra_logs``: each component and whether the sample was scored.
LOG_KEYS: tuple[str, ...] = tuple(key for key in FLAT_KEYS if key != "reward")


class LabelError(ValueError):
    """A label that is neither a gold answer nor an object of item fields."""


def label_fields(label: Any, *, strict: bool = True) -> dict[str, Any]:
    """Item fields from a label: a gold math answer, or an object of fields.

    A string is a gold answer unless it is a JSON object; numbers are answers too.
    Anything else raises :class:`LabelError` (or gives ``{}`` when not ``strict``).
    """
    if isinstance(label, dict):
        return dict(label)
    if isinstance(label, str):
        text = label.strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict):
                return parsed
        return {"task": "math", "answer": label}
    if isinstance(label, int | float) and not isinstance(label, bool):
        return {"task": "math", "answer": str(label)}
    if label is None or not strict:
        return {}
    raise LabelError(f"label of type {type(label).__name__} is neither an answer nor an object")


def completion_of(query: str, prompt: str | None) -> str:
    """The completion inside ``query``: OpenRLHF sends the prompt followed by it."""
    if prompt and query.startswith(prompt):
        return query[len(prompt) :]
    return query


def item_fields(
    queries: Sequence[str],
    prompts: Sequence[str] | None,
    labels: Sequence[Any] | None,
    *,
    strict: bool = True,
    defaults: dict[str, Any] | None = None,
) -> list[dict[str, Any] | LabelError]:
    """The item fields of each sample; a :class:`LabelError` in place of an unusable one.

    Mismatched list lengths are the request's fault and raise :class:`LabelError`; when
    not ``strict`` (inside a trainer, which must not crash), a missing entry is None.
    """
    if strict and prompts and len(prompts) != len(queries):
        raise LabelError(f"{len(queries)} queries but {len(prompts)} prompts")
    if strict and labels and len(labels) != len(queries):
        raise LabelError(f"{len(queries)} queries but {len(labels)} labels")
    out: list[dict[str, Any] | LabelError] = []
    for i, query in enumerate(queries):
        prompt = prompts[i] if prompts and i < len(prompts) else None
        label = labels[i] if labels and i < len(labels) else None
        try:
            fields = {**(defaults or {}), **label_fields(label, strict=strict)}
        except LabelError as exc:
            out.append(LabelError(f"sample {i}: {exc}"))
            continue
        fields.update(completion=completion_of(query, prompt), prompt=prompt, id=str(i))
        out.append(fields)
    return out


def payload(results: Sequence[ScoreResult], failed_reward: float) -> dict[str, Any]:
    """``{"rewards": [...], "scores": [...], "extra_logs": {key: [...]}}`` as plain lists.

    An item we could not score gets ``failed_reward`` and ``scored = 0.0``.
    """
    rewards: list[float] = []
    scores: list[float] = []
    logs: dict[str, list[float]] = {key: [] for key in LOG_KEYS}
    for result in results:
        flat = flatten(result, failed_reward)
        rewards.append(flat["reward"])
        has_accuracy = flat["scored"] and result.scores.accuracy is not None
        scores.append(flat["accuracy"] if has_accuracy else flat["reward"])
        for key in LOG_KEYS:
            logs[key].append(flat[key])
    return {"rewards": rewards, "scores": scores, "extra_logs": logs}
