"""OpenRLHF: a ``reward_func(queries, prompts, labels)`` for ``--remote_rm_url reward.py``.

OpenRLHF imports the file named by ``--remote_rm_url`` and calls its ``reward_func`` with
lists (recent versions: one sample per call, from a thread).  It expects a dict::

    {"rewards": tensor[n],        # used for the advantages
     "scores": tensor[n],         # 0..1, used by --dynamic_filtering
     "extra_logs": {name: tensor[n]}}   # logged per sample, averaged by OpenRLHF

Each query is the prompt followed by the completion; a label is a gold math answer or a
JSON object of ``/v1/score`` item fields (``{"task": "code", "code": {...}}``).

OpenRLHF has no "no reward": an item the server could not score gets ``failed_reward``
(0.0 by default) and ``extra_logs["scored"] = 0`` so the fault shows in the logs.
The conversion is :mod:`reward_server.protocols.openrlhf`, shared with the server's own
``/v1/openrlhf`` route.  Without torch installed, lists are returned.

Alternatively point ``--remote_rm_url`` at ``http://host:8000/v1/openrlhf`` and let the
server speak the protocol itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reward_server.protocols import openrlhf as protocol

from .client import RewardClient
from .env import read_env, shared_client


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
        """Item fields per sample; an unusable label scores as a label-less item."""
        fields = protocol.item_fields(
            queries, prompts or None, labels or None, strict=False, defaults=self.defaults
        )
        return [f for f in fields if isinstance(f, dict)]

    def __call__(
        self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any
    ) -> dict[str, Any]:
        results = self.client.score(self.items(queries, prompts, labels), preset=self.preset)
        out = protocol.payload(results, self.failed_reward)
        convert = _as_tensor if self.as_tensors else list
        return {
            "rewards": convert(out["rewards"]),
            "scores": convert(out["scores"]),
            "extra_logs": {key: convert(values) for key, values in out["extra_logs"].items()},
        }


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
