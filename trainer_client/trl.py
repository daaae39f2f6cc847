"""Reward functions for TRL's ``GRPOTrainer`` backed by the reward server.

``GRPOTrainer(reward_funcs=[ServerReward("http://rm:8000", task="math")])``

TRL calls a reward function with keyword arguments: ``prompts``, ``completions`` (plain
strings, or lists of chat messages), ``completion_ids``, ``trainer_state``,
``log_metric``, ``log_extra`` and every dataset column as a list, one entry per
completion.  It turns a ``None`` reward into NaN and leaves it out of the group
statistics (``nanmean``/``nanstd``), so an item the server could not score is ``None``
here, never 0.0.  A synchronous function runs in the training loop; one whose
``__call__`` is a coroutine runs on TRL's background event loop together with the other
async reward functions: that is :class:`AsyncServerReward`.

This module imports neither torch nor trl: the adapter is plain Python.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reward_server.schemas import COMPONENTS, ScoreResult

from .client import AsyncRewardClient, RewardClient, to_rewards
from .retry import normalise_urls

#: dataset column -> item field.  ``column_map`` entries are added to (or replace) these.
DEFAULT_COLUMN_MAP: dict[str, str] = {
    "answer": "answer",
    "task": "task",
    "code": "code",
    "target_lang": "target_lang",
    "format": "format",
    "weights": "weights",
    "preset": "preset",
}

_JSON_FIELDS = ("code", "format", "weights")


def message_text(content: Any) -> str:
    """The text of a chat message's content: a string, or a list of typed parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            part.get("text", "") if isinstance(part, Mapping) else str(part) for part in content
        )
    return str(content)


def completion_text(completion: Any) -> str:
    """A plain completion as is; a conversational one as the text of its assistant turns."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return message_text(completion.get("content"))
    if isinstance(completion, Sequence):
        turns = [m for m in completion if isinstance(m, Mapping)]
        assistant = [m for m in turns if m.get("role", "assistant") == "assistant"]
        return "".join(message_text(m.get("content")) for m in assistant)
    return str(completion)


def prompt_text(prompt: Any) -> str | None:
    """A plain prompt as is; a conversational one as its last user turn."""
    if prompt is None or isinstance(prompt, str):
        return prompt
    if isinstance(prompt, Sequence):
        users = [m for m in prompt if isinstance(m, Mapping) and m.get("role") == "user"]
        if users:
            return message_text(users[-1].get("content"))
    return None


def _prompt_key(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    return json.dumps(prompt, sort_keys=True, default=str)


def rollout_groups(
    prompts: Sequence[Any], num_generations: int | None = None
) -> list[tuple[int, int]]:
    """Slices ``[a, b)`` of consecutive completions of one prompt, at most ``num_generations`` long.

    TRL repeats each prompt ``num_generations`` times in a row; a process may receive only
    part of a group, or groups of different prompts, so the runs of equal prompts decide.
    """
    n = len(prompts)
    if n == 0:
        return []
    cap = num_generations if num_generations and num_generations > 0 else n
    keys = [_prompt_key(p) for p in prompts]
    groups: list[tuple[int, int]] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or keys[i] != keys[start] or i - start == cap:
            groups.append((start, i))
            start = i
    return groups


def _column_value(field: str, value: Any) -> Any:
    if field in _JSON_FIELDS and isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return value
    if field == "answer" and not isinstance(value, str):
        return str(value)
    return value


def component_means(results: Sequence[ScoreResult]) -> dict[str, float]:
    """Mean of each component over the results that carry it (scored items only)."""
    means: dict[str, float] = {}
    for name in COMPONENTS:
        values = [getattr(r.scores, name) for r in results if r.status == "ok"]
        values = [v for v in values if v is not None]
        if values:
            means[name] = sum(values) / len(values)
    return means


class _ServerRewardBase:
    """Shared by the sync and async reward functions: items, groups, logging."""

    def __init__(
        self,
        base_url: str | Sequence[str] | None = None,
        *,
        client: Any = None,
        name: str = "server_reward",
        num_generations: int | None = None,
        column_map: Mapping[str, str] | None = None,
        task: str | None = None,
        target_lang: str | None = None,
        format: Mapping[str, Any] | None = None,
        weights: Mapping[str, float] | None = None,
        preset: str | None = None,
        defaults: Mapping[str, Any] | None = None,
        send_prompt: bool = False,
        log_details: bool = True,
        **client_options: Any,
    ) -> None:
        if client is None and base_url is None:
            raise ValueError("give the reward server's base_url (or a client)")
        self.__name__ = name
        self.num_generations = num_generations
        self.column_map = {**DEFAULT_COLUMN_MAP, **(column_map or {})}
        self.defaults: dict[str, Any] = dict(defaults or {})
        for key, value in (
            ("task", task),
            ("target_lang", target_lang),
            ("format", format),
            ("weights", weights),
        ):
            if value is not None:
                self.defaults[key] = dict(value) if isinstance(value, Mapping) else value
        self.preset = preset
        self.send_prompt = send_prompt
        self.log_details = log_details
        self._urls = normalise_urls(base_url) if base_url is not None else list(client.base_urls)
        self._client_options = client_options
        self._client = client

    # A trainer may pickle or deep-copy its reward functions; the HTTP pool stays behind.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_client"] = None
        return state

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.__name__!r}, urls={self._urls!r})"

    def build_items(
        self, prompts: Sequence[Any], completions: Sequence[Any], columns: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """One ``/v1/score`` item per completion from the defaults and the mapped columns."""
        n = len(completions)
        per_sample = {
            col: values
            for col, values in columns.items()
            if col in self.column_map
            and isinstance(values, Sequence)
            and not isinstance(values, str)
            and len(values) == n
        }
        items: list[dict[str, Any]] = []
        for i in range(n):
            item: dict[str, Any] = {
                k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.defaults.items()
            }
            for col, values in per_sample.items():
                if values[i] is not None:
                    field = self.column_map[col]
                    item[field] = _column_value(field, values[i])
            if "task" not in item:
                item["task"] = (
                    "code"
                    if item.get("code")
                    else "math"
                    if item.get("answer") is not None
                    else "none"
                )
            if self.preset and "preset" not in item:
                item["preset"] = self.preset
            item["completion"] = completion_text(completions[i])
            if self.send_prompt and i < len(prompts):
                item["prompt"] = prompt_text(prompts[i])
            items.append(item)
        return items

    def _groups(self, prompts: Sequence[Any], n: int) -> list[tuple[int, int]]:
        if len(prompts) != n:
            return [
                (i, min(n, i + (self.num_generations or n)))
                for i in range(0, n, self.num_generations or n or 1)
            ]
        return rollout_groups(prompts, self.num_generations)

    def _finish(
        self,
        results: list[ScoreResult],
        log_metric: Callable[[str, float], None] | None,
        log_extra: Callable[[str, list[Any]], None] | None,
    ) -> list[float | None]:
        rewards = to_rewards(results)
        prefix = f"rewards/{self.__name__}"
        if log_metric is not None and results:
            for component, mean in component_means(results).items():
                log_metric(f"{prefix}/{component}", mean)
            log_metric(f"{prefix}/scored", sum(r is not None for r in rewards) / len(rewards))
        if log_extra is not None and self.log_details and results:
            log_extra(f"{self.__name__}_status", [r.status for r in results])
            for component in COMPONENTS:
                values = [getattr(r.scores, component) for r in results]
                if any(v is not None for v in values):
                    log_extra(
                        f"{self.__name__}_{component}",
                        [math.nan if v is None else v for v in values],
                    )
        return rewards


class ServerReward(_ServerRewardBase):
    """A synchronous TRL reward function; rollout groups are scored concurrently on threads.

    Args:
        base_url: one URL, a comma-separated string, or a list (round-robin + failover).
        name: the name TRL logs under (``rewards/<name>/mean``).
        num_generations: the trainer's group size; groups are also found from repeated prompts.
        column_map: dataset column -> item field, e.g. ``{"solution": "answer"}``.
        task, target_lang, format, weights, preset, defaults: item defaults; columns win.
        send_prompt: also send the prompt text (the verifiers do not need it).
        log_details: add per-sample status and components to TRL's completions table.
        **client_options: passed to :class:`~trainer_client.client.RewardClient`
            (``api_key``, ``timeout_s``, ``retry``, ``max_concurrency``, ...).
    """

    @property
    def client(self) -> RewardClient:
        if self._client is None:
            self._client = RewardClient(self._urls, **self._client_options)
        return self._client

    def __call__(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        completion_ids: Any = None,
        trainer_state: Any = None,
        log_metric: Callable[[str, float], None] | None = None,
        log_extra: Callable[[str, list[Any]], None] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        items = self.build_items(prompts, completions, columns)
        groups = self._groups(prompts, len(items))
        scored = self.client.score_groups([items[a:b] for a, b in groups])
        return self._finish([r for group in scored for r in group], log_metric, log_extra)


class AsyncServerReward(_ServerRewardBase):
    """The same reward function with a coroutine ``__call__``, for TRL's async reward path."""

    @property
    def client(self) -> AsyncRewardClient:
        if self._client is None:
            self._client = AsyncRewardClient(self._urls, **self._client_options)
        return self._client

    async def __call__(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        completion_ids: Any = None,
        trainer_state: Any = None,
        log_metric: Callable[[str, float], None] | None = None,
        log_extra: Callable[[str, list[Any]], None] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        items = self.build_items(prompts, completions, columns)
        groups = self._groups(prompts, len(items))
        scored = await self.client.score_groups([items[a:b] for a, b in groups])
        return self._finish([r for group in scored for r in group], log_metric, log_extra)
