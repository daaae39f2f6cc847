"""The scorer: run the verifiers each item asks for, weight them, sum them.

The verifiers come from a :class:`~reward_server.verifiers.Registry`; the scorer knows
each only by its placement: ``inline`` verifiers run here (cheap string work), ``worker``
verifiers of one item run together in a worker process under the item's hard deadline,
``sandbox`` verifiers drive the code sandbox concurrently with them, and ``group``
verifiers (shaping terms that need the other components or the whole rollout group) run
last, once per group.  Whatever happens to one item, the others are scored: a fault
becomes that item's ``status`` with ``reward: null``, never a 0.0 that would teach the
policy something false.

Worker and sandbox work is handed out through :class:`~reward_server.fairness.FairQueue`
slots, one lane per call of :meth:`Scorer.score_group` (one request), so a small request
is never stuck behind a large one.  A call may carry a deadline: items not done by then
are ``timeout`` (retryable) and their work is stopped.  One item's time in the sandbox is
capped by ``item_budget_s``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .advantages import group_advantages
from .config import Settings
from .fairness import FairQueue, Lane
from .presets import resolve_weights
from .sandbox_service import SandboxService, SandboxUnavailable, limits_from_settings
from .schemas import ErrorInfo, ScoreItem, ScoreResult, Scores
from .verifiers.outcome import STATUS_SEVERITY, Outcome
from .verifiers.registry import Registry, Verifier
from .workers import Step, WorkerPool

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger(__name__)

#: What group verifiers see in place of an item that was decided before scoring.
_STAND_IN = ScoreItem(completion="")


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


def deadline_result(item_id: str | None) -> ScoreResult:
    """An item the request's deadline cut off: not scored, and worth sending again."""
    return ScoreResult(
        id=item_id,
        reward=None,
        status="timeout",
        error=ErrorInfo(
            type="request_deadline",
            message="not verified before the request's deadline; its work was stopped",
            retryable=True,
        ),
    )


class _Progress:
    """One item's place in the gauges: waiting for its first slot, then running."""

    __slots__ = ("scorer", "started")

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.started = False
        scorer.items_waiting += 1

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.scorer.items_waiting -= 1
            self.scorer.items_running += 1

    def done(self) -> None:
        if self.started:
            self.scorer.items_running -= 1
        else:
            self.scorer.items_waiting -= 1


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
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.registry = registry
        self.sandbox = sandbox
        self.metrics = metrics
        self.default_weights = {**registry.default_weights(), **settings.weights.model_dump()}
        self.test_limits = limits_from_settings(settings.sandbox) if sandbox is not None else None
        self.worker_slots = FairQueue(pool.workers)
        self.sandbox_slots = FairQueue(sandbox.capacity) if sandbox is not None else None
        self.items_waiting = 0  # items that wait for their first worker or sandbox slot
        self.items_running = 0  # items holding a slot

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

    def check_items(
        self, items: Sequence[ScoreItem | ScoreResult], preset: str | None = None
    ) -> None:
        """Raise :class:`UnknownComponent` (a 422) for a task or weight nobody provides."""
        for i, item in enumerate(items):
            if not isinstance(item, ScoreItem):
                continue
            problem = self.item_problem(item)
            if problem:
                raise UnknownComponent(f"item {i}: {problem}")

    async def score(
        self,
        items: Sequence[ScoreItem | ScoreResult],
        preset: str | None = None,
        *,
        deadline: float | None = None,
    ) -> list[ScoreResult]:
        """One result per item, in order; never raises for a bad item."""
        results, _ = await self.score_group(items, None, preset, deadline=deadline)
        return results

    async def score_group(
        self,
        items: Sequence[ScoreItem | ScoreResult],
        group_size: int | None,
        preset: str | None = None,
        *,
        deadline: float | None = None,
    ) -> tuple[list[ScoreResult], list[float] | None]:
        """Results in order, and GRPO advantages per group when ``group_size`` is given.

        Group verifiers see consecutive groups of ``group_size`` items (each item alone
        without it).  An entry that is already a :class:`ScoreResult` (an item refused
        before scoring) is its own result and keeps its place.  ``deadline`` is a
        ``time.monotonic()`` instant: items not verified by then are ``timeout``."""
        lanes = (Lane(), Lane())
        weights = [
            self._weights(item, preset) if isinstance(item, ScoreItem) else {} for item in items
        ]
        outcomes = await asyncio.gather(
            *(
                self._verify_until(item, w, lanes, deadline)
                for item, w in zip(items, weights, strict=True)
            )
        )
        size = group_size or 1
        for start in range(0, len(items), size):
            end = start + size
            self._verify_group(items[start:end], outcomes[start:end], weights[start:end])
        results = [
            self._combine(item, found, w)
            for item, found, w in zip(items, outcomes, weights, strict=True)
        ]
        if self.metrics is not None:
            for found, result in zip(outcomes, results, strict=True):
                self.metrics.observe_item(result, found if isinstance(found, dict) else None)
        if group_size is None:
            return results, None
        return results, group_advantages([r.reward for r in results], group_size)

    async def _verify_until(
        self,
        item: ScoreItem | ScoreResult,
        weights: dict[str, float],
        lanes: tuple[Lane, Lane],
        deadline: float | None,
    ) -> dict[str, Outcome] | ScoreResult:
        if isinstance(item, ScoreResult):
            return item
        if deadline is None:
            return await self._verify(item, weights, lanes)
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                return await self._verify(item, weights, lanes)
        except TimeoutError:
            if self.metrics is not None:
                self.metrics.cancelled_items.labels("deadline").inc()
            return deadline_result(item.id)

    def _weights(self, item: ScoreItem, preset: str | None) -> dict[str, float]:
        try:
            return resolve_weights(
                item, self.default_weights, preset or self.settings.default_preset
            )
        except Exception:  # noqa: BLE001 - an unknown preset is refused before this
            return dict(self.default_weights)

    def _combine(
        self,
        item: ScoreItem | ScoreResult,
        outcomes: dict[str, Outcome] | ScoreResult,
        weights: dict[str, float],
    ) -> ScoreResult:
        if isinstance(outcomes, ScoreResult):
            return outcomes
        assert isinstance(item, ScoreItem)
        result = combine(item, outcomes, weights)
        if result.reward is not None and not math.isfinite(result.reward):
            return error_result(item.id, "reward_overflow", "the weighted sum is not finite")
        return result

    async def _verify(
        self, item: ScoreItem, weights: dict[str, float], lanes: tuple[Lane, Lane]
    ) -> dict[str, Outcome] | ScoreResult:
        """Every per-item component of ``item``; a ScoreResult when it cannot be scored."""
        progress = _Progress(self)
        timings: dict[str, float] = {}
        try:
            return await self._verify_item(item, weights, lanes, progress, timings)
        except Exception as exc:
            log.exception("scoring item %r failed", item.id)
            return error_result(
                item.id, "internal_error", f"{type(exc).__name__}: {exc}", retryable=True
            )
        finally:
            progress.done()
            if self.metrics is not None and timings:
                self.metrics.observe_verify(timings)

    async def _verify_item(
        self,
        item: ScoreItem,
        weights: dict[str, float],
        lanes: tuple[Lane, Lane],
        progress: _Progress,
        timings: dict[str, float],
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
                began = time.perf_counter()
                outcomes[verifier.component] = _run_inline(verifier, args, kwargs)
                timings[verifier.component] = time.perf_counter() - began
            elif verifier.placement == "worker":
                plan.append((verifier.component, verifier.func, args, kwargs))
            else:
                sandboxed.append((verifier, args, kwargs))
        jobs = [
            self._run_sandboxed(v, args, kwargs, lanes[1], progress, timings)
            for v, args, kwargs in sandboxed
        ]
        if plan:
            jobs.append(self._run_workers(plan, lanes[0], progress, timings))
        for part in await asyncio.gather(*jobs):
            outcomes.update(part)
        by_component = {v.component: v for v in self.registry.for_item(item, weights)}
        return {
            name: by_component[name].checked(o) if name in by_component else o
            for name, o in outcomes.items()
        }

    async def _run_workers(
        self, plan: list[Step], lane: Lane, progress: _Progress, timings: dict[str, float]
    ) -> dict[str, Outcome]:
        async with self.worker_slots.slot(lane, progress.start):
            return await self.pool.run_plan(plan, timings=timings)

    async def _run_sandboxed(
        self,
        verifier: Verifier,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        lane: Lane,
        progress: _Progress,
        timings: dict[str, float],
    ) -> dict[str, Outcome]:
        if self.sandbox is None or self.sandbox_slots is None:
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
        budget = self.settings.item_budget_s
        async with self.sandbox_slots.slot(lane, progress.start):
            began = time.perf_counter()
            try:
                async with asyncio.timeout(budget) as scope:
                    outcome = await verifier.func(
                        *args, backend=backend, limits=self.test_limits, **kwargs
                    )
            except TimeoutError:
                if not scope.expired():
                    raise
                if self.metrics is not None:
                    self.metrics.cancelled_items.labels("budget").inc()
                outcome = Outcome.timeout(
                    f"{verifier.name}: more than {budget:g} s in the sandbox "
                    "(REWARD_ITEM_BUDGET_S); its job was stopped",
                    error_type="item_budget_exceeded",
                )
            except Exception as exc:  # noqa: BLE001
                outcome = _raised(verifier, exc)
            timings[verifier.component] = time.perf_counter() - began
        return {verifier.component: outcome}

    def _verify_group(
        self,
        group: Sequence[ScoreItem | ScoreResult],
        outcomes: Sequence[dict[str, Outcome] | ScoreResult],
        weights: Sequence[dict[str, float]],
    ) -> None:
        """Run the group verifiers over one group, adding their outcomes in place."""
        items = [item if isinstance(item, ScoreItem) else _STAND_IN for item in group]
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


def _loop_time(deadline: float) -> float:
    """A ``time.monotonic()`` instant on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


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
