"""verl: ``compute_score`` functions for ``custom_reward_function.path``.

verl calls ``compute_score(data_source, solution_str, ground_truth, extra_info)`` per
sample (the naive and reward-loop managers; the latter awaits a coroutine function and
adds keyword arguments of its own), or ``compute_score(data_sources, solution_strs,
ground_truths, extra_infos)`` once per batch (the batch manager: use
:func:`compute_score_batch`).  The conversions (routing by ``data_source``, the same float
keys for every sample) are :mod:`reward_server.protocols.verl`; see its docstring for the
keys and the routing rules.

verl has no "no reward" either: an item the server could not score gets
``REWARD_SERVER_FAILED_REWARD`` (0.0) with ``scored = 0.0``; watch that mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reward_server.protocols.verl import KEYS, code_spec, is_code_source, to_verl
from reward_server.protocols.verl import to_item as protocol_item

from .env import EnvConfig, read_env, shared_async_client, shared_client

__all__ = [
    "KEYS",
    "code_spec",
    "compute_score",
    "compute_score_async",
    "compute_score_batch",
    "is_code_source",
    "to_item",
    "to_verl",
]


def to_item(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None,
    config: EnvConfig,
) -> dict[str, Any]:
    """The ``/v1/score`` item for one verl sample, with the environment's defaults."""
    defaults = {"target_lang": config.target_lang, "preset": config.preset}
    return protocol_item(data_source, solution_str, ground_truth, extra_info, defaults)


def compute_score(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one sample (blocking); see the module docstring for the keys."""
    config = read_env()
    item = to_item(data_source, solution_str, ground_truth, extra_info, config)
    (result,) = shared_client(config).score([item])
    return to_verl(result, config.failed_reward)


async def compute_score_async(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one sample without blocking the event loop (verl's reward loop awaits it)."""
    config = read_env()
    item = to_item(data_source, solution_str, ground_truth, extra_info, config)
    (result,) = await shared_async_client(config).score([item])
    return to_verl(result, config.failed_reward)


def compute_score_batch(
    data_sources: Sequence[str | None],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[Mapping[str, Any] | None] | None = None,
    batch_size: int = 64,
    **kwargs: Any,
) -> list[dict[str, float]]:
    """Score a whole batch (verl's batch reward manager); requests of ``batch_size`` go out concurrently."""
    config = read_env()
    n = len(solution_strs)
    infos = list(extra_infos) if extra_infos is not None else [None] * n
    items = [
        to_item(data_sources[i], solution_strs[i], ground_truths[i], infos[i], config)
        for i in range(n)
    ]
    chunks = [items[i : i + batch_size] for i in range(0, n, max(1, batch_size))]
    results = [r for chunk in shared_client(config).score_groups(chunks) for r in chunk]
    return [to_verl(r, config.failed_reward) for r in results]
