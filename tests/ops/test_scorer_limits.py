"""The scorer's sandbox side without Docker: an in-process backend whose jobs we script.

The backend is a real :class:`SandboxBackend` (start, run, close, ready); its ``run``
answers from a handler, so a test decides how long a job takes and what it prints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from reward_server.config import Settings
from reward_server.metrics import Metrics
from reward_server.sandbox_service import SandboxService
from reward_server.schemas import ScoreItem
from reward_server.scoring import Scorer
from reward_server.verifiers import default_verifiers
from reward_server.workers import WorkerPool
from sandbox.base import SandboxBackend
from sandbox.types import Job, Result, TestRun, Verdict


class ScriptedBackend(SandboxBackend):
    def __init__(self, handler: Callable[[Job], Awaitable[Result]]) -> None:
        self.handler = handler
        self.started = self.closed = False
        self.cancelled = 0
        self.stats = {"recycled": 3, "start_failures": 1, "engine_errors": 2}

    async def start(self) -> None:
        self.started = True

    async def run(self, job: Job) -> Result:
        try:
            return await self.handler(job)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise

    async def close(self) -> None:
        self.closed = True

    def ready(self) -> tuple[bool, str]:
        return True, "scripted"

    def containers(self) -> list[str]:
        return ["a", "b"]


def code_item(i: str, stdout: str = "3") -> ScoreItem:
    return ScoreItem.model_validate(
        {
            "id": i,
            "completion": f"<think>add</think>\n```python\nprint({stdout})\n```",
            "task": "code",
            "code": {"tests": [{"input": "1 2\n", "output": "3\n"}]},
        }
    )


def printed(job: Job) -> str:
    return job.source.split("print(")[1].split(")")[0] + "\n"


def make_scorer(backend: ScriptedBackend, **settings) -> tuple[Scorer, Metrics]:
    s = Settings(workers=1, sandbox={"pool_size": 1}, **settings)
    service = SandboxService(s.sandbox, backend=backend)
    metrics = Metrics()
    scorer = Scorer(s, WorkerPool(1, 2.0), default_verifiers(), service, metrics)
    return scorer, metrics


def test_an_item_past_its_sandbox_budget_is_stopped_and_timeout():
    async def handler(job: Job) -> Result:
        if "9" in job.source:
            await asyncio.sleep(3600)
        return Result(runs=[TestRun(Verdict.OK, stdout=printed(job))])

    async def main() -> None:
        backend = ScriptedBackend(handler)
        scorer, metrics = make_scorer(backend, item_budget_s=0.3)
        scorer.sandbox.start()
        fast, slow = await scorer.score([code_item("fast"), code_item("slow", "9")])
        assert (fast.status, fast.scores.accuracy) == ("ok", 1.0)
        assert slow.status == "timeout" and slow.reward is None
        assert slow.error.type == "item_budget_exceeded"
        assert backend.cancelled == 1  # the job itself was stopped
        text = metrics.render().decode()
        assert 'reward_cancelled_items_total{reason="budget"} 1.0' in text
        assert 'reward_code_verdicts_total{language="python",verdict="accepted"} 1.0' in text

    asyncio.run(main())


def test_sandbox_slots_are_shared_fairly_between_requests():
    order: list[str] = []

    async def handler(job: Job) -> Result:
        order.append(printed(job).strip())
        await asyncio.sleep(0.01)
        return Result(runs=[TestRun(Verdict.OK, stdout=printed(job))])

    async def main() -> None:
        scorer, _ = make_scorer(ScriptedBackend(handler))
        scorer.sandbox.start()
        big = asyncio.create_task(scorer.score([code_item(str(i), "1") for i in range(8)]))
        await asyncio.sleep(0.005)
        small = asyncio.create_task(scorer.score([code_item("s", "2")]))
        await asyncio.gather(big, small)

    asyncio.run(main())
    # One container: the small request's job runs after at most two of the large one's.
    assert order.index("2") <= 2, order


def test_sandbox_metrics_read_from_the_backend():
    from reward_server.metrics import sandbox_snapshot
    from reward_server.runtime import Runtime

    async def handler(job: Job) -> Result:
        return Result(runs=[TestRun(Verdict.OK, stdout=printed(job))])

    async def main() -> dict[str, int]:
        backend = ScriptedBackend(handler)
        scorer, metrics = make_scorer(backend)
        scorer.sandbox.start()
        await scorer.score([code_item("a")])
        runtime = Runtime(scorer.settings, scorer.pool, scorer.sandbox, scorer, None, metrics)  # type: ignore[arg-type]
        return sandbox_snapshot(runtime)

    snap = asyncio.run(main())
    assert snap == {
        "ready": 2,
        "busy": 0,
        "total": 2,
        "recycled": 3,
        "start_failures": 1,
        "engine_errors": 2,
        "killed": 0,
    }
