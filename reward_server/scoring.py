"""The scorer: run the verifiers each item asks for, weight them, sum them.

Format is checked in-process (cheap string work).  Language and math run in a worker
process under the item's hard deadline; code runs in the sandbox concurrently.  Whatever
happens to one item, the others are scored: a fault becomes that item's ``status`` with
``reward: null``, never a 0.0 that would teach the policy something false.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from .advantages import group_advantages
from .config import Settings
from .presets import resolve_weights
from .sandbox_service import SandboxService, SandboxUnavailable, limits_from_settings
from .schemas import COMPONENTS, ErrorInfo, ScoreItem, ScoreResult, Scores
from .verifiers import VerifierSet
from .verifiers.outcome import STATUS_SEVERITY, Outcome
from .workers import Step, WorkerPool

log = logging.getLogger(__name__)


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
    scores = Scores(**{name: o.score for name, o in outcomes.items() if name in COMPONENTS})
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
    reward = sum(weights[n] * o.score for n, o in outcomes.items() if o.score is not None)
    details["weights"] = {n: weights[n] for n in outcomes}
    return ScoreResult(id=item.id, reward=reward, status="ok", scores=scores, details=details)


class Scorer:
    """Scores batches of items; shared by the HTTP routes and the offline batch CLI."""

    def __init__(
        self,
        settings: Settings,
        pool: WorkerPool,
        verifiers: VerifierSet,
        sandbox: SandboxService | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.verifiers = verifiers
        self.sandbox = sandbox
        self._defaults = settings.weights.model_dump()
        self.test_limits = limits_from_settings(settings.sandbox) if sandbox is not None else None

    async def score(
        self, items: Sequence[ScoreItem], preset: str | None = None
    ) -> list[ScoreResult]:
        """One result per item, in order; never raises for a bad item."""
        return list(await asyncio.gather(*(self.score_item(it, preset) for it in items)))

    async def score_group(
        self, items: Sequence[ScoreItem], group_size: int | None, preset: str | None = None
    ) -> tuple[list[ScoreResult], list[float] | None]:
        results = await self.score(items, preset)
        if group_size is None:
            return results, None
        return results, group_advantages([r.reward for r in results], group_size)

    async def score_item(self, item: ScoreItem, preset: str | None = None) -> ScoreResult:
        try:
            return await self._score_item(item, preset)
        except Exception as exc:
            log.exception("scoring item %r failed", item.id)
            return error_result(
                item.id, "internal_error", f"{type(exc).__name__}: {exc}", retryable=True
            )

    async def _score_item(self, item: ScoreItem, preset: str | None) -> ScoreResult:
        s = self.settings
        if len(item.completion) > s.max_completion_chars:
            return error_result(
                item.id,
                "completion_too_long",
                f"completion has {len(item.completion)} characters; the limit is "
                f"{s.max_completion_chars} (REWARD_MAX_COMPLETION_CHARS)",
            )
        weights = resolve_weights(item, self._defaults, preset or s.default_preset)
        prefilled = item.format.prefilled
        outcomes: dict[str, Outcome] = {}
        try:
            outcomes["format"] = self.verifiers.format(
                item.completion, prefilled=prefilled, answer_tags=item.format.answer_tags
            )
        except Exception as exc:  # noqa: BLE001
            outcomes["format"] = Outcome.error(
                f"format verifier raised {type(exc).__name__}: {exc}"
            )

        plan: list[Step] = []
        if item.target_lang is not None:
            plan.append(
                (
                    "language",
                    self.verifiers.language,
                    (item.completion, item.target_lang),
                    {"prefilled": prefilled},
                )
            )
        code_job = None
        if item.task == "math":
            if item.answer is None or not item.answer.strip():
                outcomes["accuracy"] = Outcome.invalid(
                    "task 'math' needs a non-empty `answer`", "missing_answer"
                )
            elif len(item.answer) > s.max_answer_chars:
                outcomes["accuracy"] = Outcome.invalid(
                    f"gold answer longer than {s.max_answer_chars} characters", "answer_too_long"
                )
            else:
                plan.append(
                    (
                        "accuracy",
                        self.verifiers.math,
                        (item.completion, item.answer),
                        {"prefilled": prefilled},
                    )
                )
        elif item.task == "code":
            if item.code is None:
                outcomes["accuracy"] = Outcome.invalid(
                    "task 'code' needs a `code` object with tests", "missing_tests"
                )
            else:
                code_job = self._score_code(item)

        cpu = self.pool.run_plan(plan) if plan else None
        done = await asyncio.gather(*(x for x in (cpu, code_job) if x is not None))
        for part in done:
            outcomes.update(part)
        return combine(item, outcomes, weights)

    async def _score_code(self, item: ScoreItem) -> dict[str, Outcome]:
        assert item.code is not None
        if self.sandbox is None:
            return {
                "accuracy": Outcome.error(
                    "this server has no code sandbox", "sandbox_unavailable", retryable=False
                )
            }
        limits = self.settings.sandbox
        tests = len(item.code.tests)
        if tests > limits.max_tests:
            return {
                "accuracy": Outcome.invalid(
                    f"{tests} tests; the limit is {limits.max_tests}", "too_many_tests"
                )
            }
        try:
            backend = await self.sandbox.get()
        except SandboxUnavailable as exc:
            return {"accuracy": Outcome.error(str(exc), "sandbox_unavailable", retryable=True)}
        outcome = await self.verifiers.code(
            item.completion,
            item.code,
            backend,
            prefilled=item.format.prefilled,
            limits=self.test_limits,
        )
        return {"accuracy": outcome}
