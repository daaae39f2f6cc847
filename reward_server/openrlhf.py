"""OpenRLHF's remote reward protocol mapped onto /v1/score items.

OpenRLHF POSTs ``{"query": [...], "prompts": [...], "labels": [...]}`` where each query is
the prompt followed by the completion, and expects ``{"rewards", "scores", "extra_logs"}``.
Its protocol has no "no reward": an item we could not score gets ``failed_reward``
(a setting, 0.0 by default) and is counted in ``extra_logs`` so the fault stays visible.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from .schemas import OpenRLHFRequest, OpenRLHFResponse, ScoreItem, ScoreResult


class LabelError(ValueError):
    """A label that is neither a gold answer nor an object of item fields."""


def label_fields(label: Any) -> dict[str, Any]:
    """A gold math answer, or a JSON object (possibly as a string) of item fields."""
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
    if label is None:
        return {}
    raise LabelError(f"label of type {type(label).__name__} is neither an answer nor an object")


def completion_of(query: str, prompt: str | None) -> str:
    """The completion is the query without its prompt prefix."""
    if prompt and query.startswith(prompt):
        return query[len(prompt):]
    return query


def to_items(req: OpenRLHFRequest) -> list[ScoreItem | str]:
    """One item per query; a string in place of an item explains why it is unusable."""
    if req.prompts and len(req.prompts) != len(req.query):
        raise LabelError(f"{len(req.query)} queries but {len(req.prompts)} prompts")
    if req.labels and len(req.labels) != len(req.query):
        raise LabelError(f"{len(req.query)} queries but {len(req.labels)} labels")
    items: list[ScoreItem | str] = []
    for i, query in enumerate(req.query):
        prompt = req.prompts[i] if req.prompts else None
        try:
            fields = label_fields(req.labels[i]) if req.labels else {}
            fields.update(completion=completion_of(query, prompt), prompt=prompt, id=str(i))
            items.append(ScoreItem.model_validate(fields))
        except (LabelError, ValidationError) as exc:
            items.append(f"sample {i}: {exc}")
    return items


def to_response(results: list[ScoreResult | str], failed_reward: float) -> OpenRLHFResponse:
    rewards: list[float] = []
    failed = 0
    sums: dict[str, list[float]] = {"accuracy": [], "format": [], "language": []}
    for r in results:
        if isinstance(r, str) or r.reward is None:
            failed += 1
            rewards.append(failed_reward)
            continue
        rewards.append(r.reward)
        for name, values in sums.items():
            value = getattr(r.scores, name)
            if value is not None:
                values.append(value)
    logs: dict[str, Any] = {f"{k}_mean": sum(v) / len(v) for k, v in sums.items() if v}
    logs["reward_failed"] = failed
    errors = [r if isinstance(r, str) else r.error.message for r in results
              if isinstance(r, str) or (r.reward is None and r.error is not None)]
    if errors:
        logs["errors"] = errors[:5]
    return OpenRLHFResponse(rewards=rewards, scores=list(rewards), extra_logs=logs)
