"""OpenRLHF: a ``reward_func(queries, prompts, labels)`` for ``--remote_rm_url reward.py``.

OpenRLHF imports the file named by ``--remote_rm_url`` and calls its ``reward_func`` with
lists (recent versions: one sample per call, from a thread).  It expects a dict::

    {"rewards": tensor[n],        # used for the advantages
     "scores": tensor[n],         # 0..1, used by --dynamic_filtering
     "extra_logs": {name: tensor[n]}}   # logged per sample, averaged by OpenRLHF

Each query is the prompt followed by the completion; a label is a gold math answer or a
JSON object of ``/v1/score`` item fields (``{"task": "code", "code": {...}}``).

OpenRLHF has no "no reward": an item the server could not score gets ``failed_reward``
(0.0 by default) and ``extra_logs["unscored"] = 1`` so the fault shows in the logs.
``scores`` is the accuracy (the 0/1 the dynamic filter expects), or the reward for an
item without an accuracy component.  Every sample has the same ``extra_logs`` keys; a
component that was not computed reads 0.0.  Without torch installed, lists are returned.

Alternatively point ``--remote_rm_url`` at ``http://host:8000/v1/openrlhf`` and let the
server speak the protocol itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reward_server.schemas import ScoreResult, openrlhf_completion, openrlhf_label_fields

from .client import RewardClient
from .env import read_env, shared_client

LOG_KEYS = ("accuracy", "format", "language", "unscored")


def _as_tensor(values: list[float]) -> Any:
    try:
        import torch
    except ImportError:
        return values
    return torch.tensor(values, dtype=torch.float32)


class OpenRLHFReward:
    """The callable behind :func:`reward_func`; build one yourself to skip the environment."""

    def __init__(
        self,
        client: RewardClient,
        *,
        failed_reward: float = 0.0,
        preset: str | None = None,
        defaults: dict[str, Any] | None = None,
        as_tensors: bool = True,
    ) -> None:
        self.client = client
        self.failed_reward = failed_reward
        self.preset = preset
        self.defaults = dict(defaults or {})
        self.as_tensors = as_tensors

    def items(
        self, queries: Sequence[str], prompts: Sequence[str] | None, labels: Sequence[Any] | None
    ) -> list[dict[str, Any]]:
        items = []
        for i, query in enumerate(queries):
            prompt = prompts[i] if prompts and i < len(prompts) else None
            fields = {
                **self.defaults,
                **openrlhf_label_fields(
                    labels[i] if labels and i < len(labels) else None, strict=False
                ),
            }
            fields["completion"] = openrlhf_completion(query, prompt)
            items.append(fields)
        return items

    def pack(self, results: Sequence[ScoreResult]) -> dict[str, Any]:
        rewards: list[float] = []
        scores: list[float] = []
        logs: dict[str, list[float]] = {key: [] for key in LOG_KEYS}
        for r in results:
            ok = r.status == "ok" and r.reward is not None
            reward = float(r.reward) if ok else self.failed_reward
            rewards.append(reward)
            accuracy = r.scores.accuracy if ok else None
            scores.append(float(accuracy) if accuracy is not None else reward)
            for key in ("accuracy", "format", "language"):
                value = getattr(r.scores, key) if ok else None
                logs[key].append(0.0 if value is None else float(value))
            logs["unscored"].append(0.0 if ok else 1.0)
        convert = _as_tensor if self.as_tensors else list
        return {
            "rewards": convert(rewards),
            "scores": convert(scores),
            "extra_logs": {key: convert(values) for key, values in logs.items()},
        }

    def __call__(
        self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any
    ) -> dict[str, Any]:
        results = self.client.score(self.items(queries, prompts, labels), preset=self.preset)
        return self.pack(results)


def reward_func(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any
) -> dict[str, Any]:
    """OpenRLHF's entry point; the server and options come from ``REWARD_SERVER_*`` (see :mod:`.env`)."""
    config = read_env()
    defaults = {"target_lang": config.target_lang} if config.target_lang else {}
    reward = OpenRLHFReward(
        shared_client(config),
        failed_reward=config.failed_reward,
        preset=config.preset,
        defaults=defaults,
    )
    return reward(queries, prompts, labels, **kwargs)
