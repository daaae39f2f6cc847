"""verl: ``compute_score`` functions for ``custom_reward_function.path``.

verl calls ``compute_score(data_source, solution_str, ground_truth, extra_info)`` per
sample (the naive and reward-loop managers; the latter awaits a coroutine function and
adds keyword arguments of its own), or ``compute_score(data_sources, solution_strs,
ground_truths, extra_infos)`` once per batch (the batch manager: use
:func:`compute_score_batch`).  A dict result must hold ``score``; verl takes the *first*
sample's keys as the schema of the whole batch and averages every value in validation,
so every sample here returns the same keys, all floats:

``score``     the reward (what verl trains on)
``acc``       the accuracy component (0.0 when not computed)
``format``    the format component
``language``  the language component (0.0 when not computed)
``scored``    1.0 when the server scored the item, 0.0 when it could not

verl has no "no reward" either: an item the server could not score gets
``REWARD_SERVER_FAILED_REWARD`` (0.0) with ``scored = 0.0``; watch that mean.

Routing by ``data_source``: names that contain a code marker (``code``, ``apps``,
``codecontests``, ``humaneval``, ``mbpp``, ...) are code items whose tests come from
``ground_truth`` (``{"inputs": [...], "outputs": [...]}``, ``{"tests": [...]}`` or
assert-style ``test_code``, as a dict or a JSON string) and ``extra_info``; everything
else is math with ``ground_truth`` as the gold answer.  ``extra_info["reward_item"]``
(a dict of item fields) overrides the routing entirely.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from reward_server.schemas import ScoreResult

from .env import EnvConfig, read_env, shared_async_client, shared_client

CODE_SOURCE_MARKERS = (
    "code",
    "apps",
    "codecontests",
    "humaneval",
    "mbpp",
    "taco",
    "leetcode",
    "livecodebench",
    "codeforces",
    "primeintellect",
    "kodcode",
)
KEYS = ("score", "acc", "format", "language", "scored")
_CODE_OPTIONS = (
    "language",
    "time_limit_s",
    "memory_limit_mb",
    "checker",
    "float_tolerance",
    "all_or_nothing",
    "entry_point",
)


def is_code_source(data_source: str | None) -> bool:
    name = (data_source or "").lower()
    return any(marker in name for marker in CODE_SOURCE_MARKERS)


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None


def code_spec(ground_truth: Any, extra_info: Mapping[str, Any] | None) -> dict[str, Any]:
    """A ``CodeSpec`` dict from the usual shapes of code ground truth."""
    info = dict(extra_info or {})
    spec: dict[str, Any] = {}
    truth = _as_mapping(ground_truth)
    if truth is not None:
        if "inputs" in truth and "outputs" in truth:
            spec["tests"] = [
                {"input": str(i), "output": str(o)}
                for i, o in zip(truth["inputs"], truth["outputs"], strict=False)
            ]
        elif "tests" in truth:
            spec["tests"] = list(truth["tests"])
        for key in ("test_code", "test"):
            if truth.get(key):
                spec["test_code"] = truth[key]
                break
        spec.update({k: truth[k] for k in _CODE_OPTIONS if k in truth})
    elif isinstance(ground_truth, str) and ground_truth.strip():
        spec["test_code"] = ground_truth
    for key in ("test_code", "test"):
        if not spec.get("test_code") and isinstance(info.get(key), str):
            spec["test_code"] = info[key]
    spec.update({k: info[k] for k in _CODE_OPTIONS if k in info})
    return spec


def to_item(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None,
    config: EnvConfig,
) -> dict[str, Any]:
    """The ``/v1/score`` item for one verl sample."""
    info = extra_info if isinstance(extra_info, Mapping) else {}
    item: dict[str, Any] = {}
    if config.target_lang:
        item["target_lang"] = config.target_lang
    if config.preset:
        item["preset"] = config.preset
    override = info.get("reward_item")
    if isinstance(override, Mapping):
        item.update(override)
    elif is_code_source(data_source):
        item.update(task="code", code=code_spec(ground_truth, info))
    else:
        answer = ground_truth.tolist() if hasattr(ground_truth, "tolist") else ground_truth
        if isinstance(answer, Sequence) and not isinstance(answer, str) and answer:
            answer = answer[0]
        item.update(task="math", answer=None if answer is None else str(answer))
    if isinstance(info.get("target_lang"), str):
        item["target_lang"] = info["target_lang"]
    item["completion"] = solution_str
    return item


def to_verl(result: ScoreResult, failed_reward: float) -> dict[str, float]:
    """The same float keys for every sample, whatever happened."""
    ok = result.status == "ok" and result.reward is not None
    if not ok:
        return {
            "score": float(failed_reward),
            "acc": 0.0,
            "format": 0.0,
            "language": 0.0,
            "scored": 0.0,
        }
    s = result.scores
    return {
        "score": float(result.reward),
        "acc": float(s.accuracy or 0.0),
        "format": float(s.format or 0.0),
        "language": float(s.language or 0.0),
        "scored": 1.0,
    }


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
