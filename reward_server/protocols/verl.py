"""verl's reward protocol: a sample as a ``/v1/score`` item, a result as verl's dict.

verl calls ``compute_score(data_source, solution_str, ground_truth, extra_info)`` per
sample (or a batch form with lists).  A dict result must hold ``score``; verl takes the
*first* sample's keys as the schema of the whole batch and averages every value in
validation, so every sample gets the same keys, all floats (:data:`KEYS`):

``score``     the reward (what verl trains on)
``acc``       the accuracy component (verl's name for it)
``format``, ``language``   the other components (0.0 when not computed)
``scored``    1.0 when the server scored the item, 0.0 when it could not

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

from .flat import FLAT_KEYS, flatten

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
#: verl's names for the flat keys (``reward`` is its ``score``, ``accuracy`` its ``acc``).
_VERL_NAMES = {"reward": "score", "accuracy": "acc"}
KEYS: tuple[str, ...] = tuple(_VERL_NAMES.get(key, key) for key in FLAT_KEYS)
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
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``/v1/score`` item for one verl sample; ``defaults`` are item fields (a
    ``target_lang``, a ``preset``) that the sample's own may replace."""
    info = extra_info if isinstance(extra_info, Mapping) else {}
    item: dict[str, Any] = {k: v for k, v in (defaults or {}).items() if v is not None}
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
    """The same float keys (:data:`KEYS`) for every sample, whatever happened."""
    return {_VERL_NAMES.get(k, k): v for k, v in flatten(result, failed_reward).items()}
