"""OpenRLHF's remote reward protocol mapped onto /v1/score items.

OpenRLHF POSTs ``{"query": [...], "prompts": [...], "labels": [...]}`` where each query is
the prompt followed by the completion, and expects ``{"rewards", "scores", "extra_logs"}``.
Its protocol has no "no reward": an item we could not score gets ``failed_reward``
(a setting, 0.0 by default) and is counted in ``extra_logs`` so the fault stays visible.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError

from .schemas import (
    LabelError,
    OpenRLHFRequest,
    OpenRLHFResponse,
    ScoreItem,
    ScoreResult,
    openrlhf_completion,
    openrlhf_label_fields,
)

log = logging.getLogger(__name__)


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
            fields = openrlhf_label_fields(req.labels[i]) if req.labels else {}
            fields.update(completion=openrlhf_completion(query, prompt), prompt=prompt, id=str(i))
            items.append(ScoreItem.model_validate(fields))
        except (LabelError, ValidationError) as exc:
            items.append(f"sample {i}: {exc}")
    return items


def to_response(results: list[ScoreResult | str], failed_reward: float) -> OpenRLHFResponse:
    """Rewards, 0/1-style scores and per-sample numeric logs with the same keys every time.

    OpenRLHF turns ``extra_logs`` values into tensors and may batch samples from many
    requests, so every key is always present and every value is a list of floats aligned
    with the samples (failure texts go to the server log, not here). ``scores`` is the
    accuracy when there is one (its dynamic filter expects a 0-1 value), else the reward.
    """
    rewards: list[float] = []
    scores: list[float] = []
    logs: dict[str, list[float]] = {"accuracy": [], "format": [], "language": [], "scored": []}
    for r in results:
        if isinstance(r, str) or r.reward is None:
            message = r if isinstance(r, str) else (r.error.message if r.error else r.status)
            log.warning("openrlhf sample not scored: %s", message)
            rewards.append(failed_reward)
            scores.append(failed_reward)
            for name in ("accuracy", "format", "language"):
                logs[name].append(0.0)
            logs["scored"].append(0.0)
            continue
        rewards.append(r.reward)
        scores.append(r.scores.accuracy if r.scores.accuracy is not None else r.reward)
        for name in ("accuracy", "format", "language"):
            value = getattr(r.scores, name)
            logs[name].append(0.0 if value is None else float(value))
        logs["scored"].append(1.0)
    return OpenRLHFResponse(rewards=rewards, scores=scores, extra_logs=logs)
