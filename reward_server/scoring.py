"""The scorer: run the verifiers each item asks for, weight them, sum them.

The verifiers come from a :class:`~reward_server.verifiers.Registry`; the scorer knows
each only by its placement: ``inline`` verifiers run here (cheap string work), ``worker``
verifiers of one item run together in a worker process under the item's hard deadline,
``sandbox`` verifiers drive the code sandbox concurrently with them, and ``group``
verifiers (shaping terms that need the other components or the whole rollout group) run
last, once per group.  Whatever happens to one item, the others are scored: a fault
becomes that item's ``status`` with ``reward: null``, never a 0.0 that would teach the
policy something false.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from typing import Any

from .advantages import group_advantages
from .config import Settings
from .presets import resolve_weights
from .sandbox_service import SandboxService, SandboxUnavailable, limits_from_settings
from .schemas import ErrorInfo, ScoreItem, ScoreResult, Scores
from .verifiers.outcome import STATUS_SEVERITY, Outcome
from .verifiers.registry import Registry, Verifier
from .workers import Step, WorkerPool

log = logging.getLogger(__name__)


class UnknownComponent(ValueError):
    """An item weighted a component, or asked for a task, that no verifier provides."""


def error_result(
    item_id: str | None, error_type: str, message: str, retryable: bool = False
) -> ScoreResult:
    """A result with no reward: the item could not be scored, and why."""
    return ScoreResult(
        id=item_id,
        reward=None,
        status="error",
        error=ErrorInfo(type=error_type, message=message, retryable=retryable),
    )


def combine(
    item: ScoreItem, outcomes: dict[str, Outcome], weights: dict[str, float]
) -> ScoreResult:
    """Fold component outcomes into one result; only an all-ok item carries a reward."""
    scores = Scores(**{name: o.score for name, o in outcomes.items()})
    details: dict[str, object] = {name: o.details for name, o in outcomes.items()}
    worst = max(outcomes.values(), key=lambda o: STATUS_SEVERITY[o.status], default=None)
    if worst is not None and worst.status != "ok":
        details["failed"] = [n for n, o in outcomes.items() if o.status != "ok"]
        return ScoreResult(
            id=item.id,
            reward=None,
            status=worst.status,
            scores=scores,
            details=details,
            error=ErrorInfo(
                type=worst.error_type or worst.status,
                message=worst.message or worst.status,
                retryable=worst.retryable,
            ),
        )
    reward = math.fsum(weights[n] * o.score for n, o in outcomes.items() if o.score is not None)
    details["weights"] = {n: weights[n] for n in outcomes}
    return ScoreResult(id=item.id, reward=reward, status="ok", scores=scores, details=details)


class Scorer:
    """Scores batches of items; shared by the HTTP routes, the batch CLI and the engine."""

    def __init__(
        self,
        settings: Settings,
        pool: WorkerPool,
        registry: Registry,
        sandbox: SandboxService | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.registry = registry
        self.sandbox = sandbox
        self.default_weights = {**registry.default_weights(), **settings.weights.model_dump()}
        self.test_limits = limits_from_settings(settings.sandbox) if sandbox is not None else None

    def item_problem(self, item: ScoreItem) -> str | None:
        """Why no verifier can score ``item`` as asked (an unknown task or component)."""
        tasks = self.registry.tasks()
        if item.task not in tasks:
            return f"unknown task {item.task!r}; known: {', '.join(tasks)}"
        components = set(self.registry.components())
        named = set(item.weights.model_dump(exclude_none=True)) if item.weights else set()
        unknown = named - components
        if unknown:
            return (
                f"no verifier scores {', '.join(sorted(unknown))}; "
                f"components: {', '.join(sorted(components))}"
            )
        return None

    def check_items(self, items: Sequence[ScoreItem], preset: str | None = None) -> None:
        """Raise :class:`UnknownComponent` (a 422) for a task or weight nobody provides."""
        for i, item in enumerate(items):
            problem = self.item_problem(item)
            if problem:
                raise UnknownComponent(f"item {i}: {problem}")

    async def score(
        self, items: Sequence[ScoreItem], preset: str | None = None
    ) -> list[ScoreResult]:
        """One result per item, in order; never raises for a bad item."""
        results, _ = await self.score_group(items, None, preset)
        return results

    async def score_group(
        self, items: Sequence[ScoreItem], group_size: int | None, preset: str | None = None
    ) -> tuple[list[ScoreResult], list[float] | None]:
        """Results in order, and GRPO advantages per group when ``group_size`` is given.

        Group verifiers see consecutive groups of ``group_size`` items (each item alone
        without it)."""
        weights = [self._weights(item, preset) for item in items]
        outcomes = await asyncio.gather(
            *(self._verify(item, w) for item, w in zip(items, weights, strict=True))
        )
        size = group_size or 1
        for start in range(0, len(items), size):
            end = start + size
            self._verify_group(items[start:end], outcomes[start:end], weights[start:end])
        results = [
            self._combine(item, found, w)
            for item, found, w in zip(items, outcomes, weights, strict=True)
        ]
        if group_size is None:
            return results, None
        return results, group_advantages([r.reward for r in results], group_size)

    def _weights(self, item: ScoreItem, preset: str | None) -> dict[str, float]:
        try:
            return resolve_weights(
                item, self.default_weights, preset or self.settings.default_preset
            )
        except Exception:  # noqa: BLE001 - an unknown preset is refused before this
            return dict(self.default_weights)

    def _combine(
        self, item: ScoreItem, outcomes: dict[str, Outcome] | ScoreResult, weights: dict[str, float]
    ) -> ScoreResult:
        if isinstance(outcomes, ScoreResult):
            return outcomes
        result = combine(item, outcomes, weights)
        if result.reward is not None and not math.isfinite(result.reward):
            return error_result(item.id, "reward_overflow", "the weighted sum is not finite")
        return result

    async def _verify(
        self, item: ScoreItem, weights: dict[str, float]
    ) -> dict[str, Outcome] | ScoreResult:
        """Every per-item component of ``item``; a ScoreResult when it cannot be scored."""
        try:
            return await self._verify_item(item, weights)
        except Exception as exc:
            log.exception("scoring item %r failed", item.id)
            return error_result(
                item.id, "internal_error", f"{type(exc).__name__}: {exc}", retryable=True
            )

    async def _verify_item(
        self, item: ScoreItem, weights: dict[str, float]
    ) -> dict[str, Outcome] | ScoreResult:
        s = self.settings
        problem = self.item_problem(item)
        if problem:  # the routes refuse these first (422); a file's line fails alone
            return error_result(item.id, "invalid_item", problem)
        if len(item.completion) > s.max_completion_chars:
            return error_result(
                item.id,
                "completion_too_long",
                f"completion has {len(item.completion)} characters; the limit is "
                f"{s.max_completion_chars} (REWARD_MAX_COMPLETION_CHARS)",
            )
        outcomes: dict[str, Outcome] = {}
        plan: list[Step] = []
        sandboxed: list[tuple[Verifier, tuple[Any, ...], dict[str, Any]]] = []
        for verifier in self.registry.for_item(item, weights):
            if verifier.placement == "group":
                continue
            try:
                prepared = verifier.arguments(item, s)
            except Exception as exc:  # noqa: BLE001 - a verifier's bug is its component's error
                outcomes[verifier.component] = _raised(verifier, exc)
                continue
            if isinstance(prepared, Outcome):
                outcomes[verifier.component] = verifier.checked(prepared)
                continue
            args, kwargs = prepared
            if verifier.placement == "inline":
                outcomes[verifier.component] = _run_inline(verifier, args, kwargs)
            elif verifier.placement == "worker":
                plan.append((verifier.component, verifier.func, args, kwargs))
            else:
                sandboxed.append((verifier, args, kwargs))
        jobs = [self._run_sandboxed(v, args, kwargs) for v, args, kwargs in sandboxed]
        if plan:
            jobs.append(self.pool.run_plan(plan))
        for part in await asyncio.gather(*jobs):
            outcomes.update(part)
        by_component = {v.component: v for v in self.registry.for_item(item, weights)}
        return {
            name: by_component[name].checked(o) if name in by_component else o
            for name, o in outcomes.items()
        }

    async def _run_sandboxed(
        self, verifier: Verifier, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> dict[str, Outcome]:
        if self.sandbox is None:
            return {
                verifier.component: Outcome.error(
                    "this server has no code sandbox", "sandbox_unavailable", retryable=False
                )
            }
        try:
            backend = await self.sandbox.get()
        except SandboxUnavailable as exc:
            return {
                verifier.component: Outcome.error(str(exc), "sandbox_unavailable", retryable=True)
            }
        try:
            outcome = await verifier.func(*args, backend=backend, limits=self.test_limits, **kwargs)
        except Exception as exc:  # noqa: BLE001
            outcome = _raised(verifier, exc)
        return {verifier.component: outcome}

    def _verify_group(
        self,
        items: Sequence[ScoreItem],
        outcomes: Sequence[dict[str, Outcome] | ScoreResult],
        weights: Sequence[dict[str, float]],
    ) -> None:
        """Run the group verifiers over one group, adding their outcomes in place."""
        for verifier in self.registry:
            if verifier.placement != "group":
                continue
            asked = [
                isinstance(found, dict) and verifier in self.registry.for_item(item, w)
                for item, found, w in zip(items, outcomes, weights, strict=True)
            ]
            if not any(asked):
                continue
            known = [found if isinstance(found, dict) else {} for found in outcomes]
            try:
                produced = list(verifier.func(items, known, self.settings))
                if len(produced) != len(items):
                    raise ValueError(f"{len(produced)} outcomes for {len(items)} items")
            except Exception as exc:  # noqa: BLE001
                produced = [_raised(verifier, exc)] * len(items)
            for found, wanted, outcome in zip(outcomes, asked, produced, strict=True):
                if wanted and outcome is not None and isinstance(found, dict):
                    found[verifier.component] = verifier.checked(outcome)


def _run_inline(verifier: Verifier, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
    try:
        return verifier.checked(verifier.func(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001
        return _raised(verifier, exc)


def _raised(verifier: Verifier, exc: Exception) -> Outcome:
    return Outcome.error(
        f"{verifier.name} verifier raised {type(exc).__name__}: {str(exc)[:300]}",
        "verifier_exception",
        retryable=False,
    )
