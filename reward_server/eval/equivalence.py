"""Which of a prompt's answers are the same answer, by the math verifier's equivalence.

Majority voting on raw strings splits ``0.5`` and ``\\frac{1}{2}`` into two answers.  Here
two answers are one when the math verifier says so: :func:`answers_equal` asks
``check_math`` (its public function only) whether the completion ``\\boxed{a}`` answers the
gold ``b``.  That is one direction, with ``b`` read as a gold (so ``(1, 2)`` is read as
whatever ``b`` is); the representative ``b`` of a cluster is its most frequent answer.

Sympy can hang on an adversarial answer, so comparisons never run in this process: they
run in the project's worker processes (:class:`~reward_server.workers.WorkerPool`) under
hard deadlines.  Several prompts go to a worker as one task; a task past its deadline is
split in two and retried, down to one comparison per task, and a comparison that still
times out counts as "not equal" (and is counted).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from ..workers import PRELOAD, WorkerCrashed, WorkerPool, WorkerTimeout

#: Comparisons of one task, at most (a prompt with more is a task of its own).
PAIRS_PER_TASK = 256
#: Comparisons one item deadline is assumed to cover in a batched task.
PAIRS_PER_DEADLINE = 64


def answers_equal(answer: str, representative: str) -> bool:
    """True when the verifier scores ``\\boxed{answer}`` 1.0 against ``representative``."""
    from ..verifiers.math import check_math

    outcome = check_math("\\boxed{" + answer + "}", representative)
    return outcome.status == "ok" and outcome.score == 1.0


Equal = Callable[[str, str], bool]


def cluster_answers(answers: Sequence[str], equal: Equal = answers_equal) -> list[int]:
    """For each answer (most frequent first), the index of its cluster's first answer."""
    labels: list[int] = []
    representatives: list[int] = []
    for i, answer in enumerate(answers):
        for r in representatives:
            if equal(answer, answers[r]):
                labels.append(r)
                break
        else:
            representatives.append(i)
            labels.append(i)
    return labels


@lru_cache(maxsize=1 << 16)
def _remembered(equal: Equal, answer: str, representative: str) -> bool:
    return equal(answer, representative)


def cluster_many(jobs: Sequence[Sequence[str]], equal: Equal = answers_equal) -> list[list[int]]:
    """:func:`cluster_answers` for several prompts: one worker task.  A worker remembers
    the comparisons it made (small answers such as ``2`` and ``3`` recur across prompts)."""
    return [cluster_answers(answers, partial(_remembered, equal)) for answers in jobs]


def worst_pairs(count: int) -> int:
    return count * (count - 1) // 2


@dataclass
class ClusterStats:
    """What clustering cost: prompts, comparison tasks, deadlines hit, merges found."""

    prompts: int = 0
    answers: int = 0
    tasks: int = 0
    timeouts: int = 0
    crashes: int = 0
    merged: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


class Clusterer:
    """Clusters the answers of many prompts in worker processes under hard deadlines.

    ``equal`` must be a module-level function (workers import it by name); tests pass
    one that misbehaves on purpose.
    """

    def __init__(
        self,
        workers: int,
        deadline_s: float,
        memory_mb: int = 2048,
        progress: Callable[[int], Any] | None = None,
        equal: Equal = answers_equal,
    ) -> None:
        from ..verifiers.math import warm_up

        self._pool = WorkerPool(
            workers,
            deadline_s,
            memory_mb=memory_mb,
            preload=(*PRELOAD, "reward_server.verifiers.math", __name__),
            warmups=(warm_up,),
        )
        self._deadline = deadline_s
        self._progress = progress
        self._equal = equal
        self._slots: asyncio.Semaphore | None = None
        self.stats = ClusterStats()

    async def cluster(self, jobs: dict[Hashable, list[str]]) -> dict[Hashable, list[int]]:
        """Labels for each job's answers (see :func:`cluster_answers`)."""
        self.stats.prompts += len(jobs)
        self.stats.answers += sum(len(a) for a in jobs.values())
        self._slots = asyncio.Semaphore(self._pool.workers * 2)
        self._pool.start()
        try:
            batches = list(_batches(jobs))
            parts = await asyncio.gather(*(self._run(batch) for batch in batches))
        finally:
            self._pool.close()
        labels: dict[Hashable, list[int]] = {}
        for part in parts:
            labels.update(part)
        self.stats.merged = sum(len(v) - len(set(v)) for v in labels.values())
        return labels

    async def _run(self, batch: dict[Hashable, list[str]]) -> dict[Hashable, list[int]]:
        pairs = sum(worst_pairs(len(a)) for a in batch.values())
        deadline = self._deadline * max(1.0, math.ceil(pairs / PAIRS_PER_DEADLINE))
        assert self._slots is not None
        async with self._slots:
            self.stats.tasks += 1
            try:
                result = await self._pool.run(
                    cluster_many, list(batch.values()), self._equal, deadline_s=deadline
                )
            except (WorkerTimeout, WorkerCrashed) as exc:
                failure: Exception | None = exc
            else:
                failure = None
        if failure is None:
            if self._progress:
                self._progress(len(batch))
            return dict(zip(batch, result))
        if isinstance(failure, WorkerTimeout):
            self.stats.timeouts += 1
        else:
            self.stats.crashes += 1
        if len(batch) > 1:
            keys = list(batch)
            half = len(keys) // 2
            left, right = await asyncio.gather(
                self._run({k: batch[k] for k in keys[:half]}),
                self._run({k: batch[k] for k in keys[half:]}),
            )
            return {**left, **right}
        ((key, answers),) = batch.items()
        labels = await self._one_by_one(answers)
        if self._progress:
            self._progress(1)
        return {key: labels}

    async def _one_by_one(self, answers: list[str]) -> list[int]:
        """One prompt, one comparison per task: a comparison past its deadline is "no"."""
        labels: list[int] = []
        representatives: list[int] = []
        for i, answer in enumerate(answers):
            for r in representatives:
                self.stats.tasks += 1
                try:
                    same = await self._pool.run(self._equal, answer, answers[r])
                except WorkerTimeout:
                    self.stats.timeouts += 1
                    same = False
                except WorkerCrashed:
                    self.stats.crashes += 1
                    same = False
                if same:
                    labels.append(r)
                    break
            else:
                representatives.append(i)
                labels.append(i)
        return labels


def _batches(jobs: dict[Hashable, list[str]]) -> list[dict[Hashable, list[str]]]:
    batches: list[dict[Hashable, list[str]]] = []
    current: dict[Hashable, list[str]] = {}
    pairs = 0
    for key, answers in jobs.items():
        cost = worst_pairs(len(answers))
        if current and pairs + cost > PAIRS_PER_TASK:
            batches.append(current)
            current, pairs = {}, 0
        current[key] = answers
        pairs += cost
    if current:
        batches.append(current)
    return batches
