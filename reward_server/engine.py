"""Scoring in-process, without HTTP: the server's scorer behind a synchronous API.

``from reward_server import score`` gives what ``POST /v1/score`` gives, computed the same
way: the same :class:`~reward_server.scoring.Scorer`, the same worker processes with the
same hard deadlines, the same sandbox for code.  An :class:`Engine` owns that runtime on
a private event loop in a background thread, so its methods can be called from any thread
(a notebook, a data pipeline, a trainer's reward function) and never block on a hung
verifier longer than its deadline.

The module-level functions share one default engine, started on first use (its workers
take about a second to warm up) and closed at interpreter exit; build an :class:`Engine`
yourself for other settings or an explicit lifetime::

    with Engine(Settings(workers=4)) as engine:
        results = engine.score([{"completion": c, "task": "math", "answer": "4"}])
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextlib import AsyncExitStack
from typing import Any, Self, TypeVar

from pydantic import ValidationError

from .config import Settings
from .presets import UnknownPreset, check_preset
from .runtime import Runtime, open_runtime
from .schemas import ScoreItem, ScoreResult, validation_message
from .scoring import UnknownComponent
from .verifiers import Registry
from .verifiers.outcome import Outcome

T = TypeVar("T")
ItemLike = ScoreItem | Mapping[str, Any]


class InvalidItems(ValueError):
    """Items the server would refuse with a 422: nothing was scored."""


class Engine:
    """A scorer runtime (worker pool, sandbox) on its own event loop thread."""

    def __init__(self, settings: Settings | None = None, registry: Registry | None = None):
        self.settings = settings or Settings()
        self._registry = registry
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stack: AsyncExitStack | None = None
        self._runtime: Runtime | None = None

    # ---- lifetime ------------------------------------------------------------------------
    def start(self) -> Self:
        """Start the workers (idempotent); the sandbox starts on the first code item."""
        with self._lock:
            if self._runtime is not None:
                return self
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="reward-engine", daemon=True)
            thread.start()
            self._loop, self._thread = loop, thread
            try:
                self._runtime = self._run(self._open())
            except BaseException:
                self._stop_loop()
                raise
        return self

    async def _open(self) -> Runtime:
        stack = AsyncExitStack()
        runtime = await stack.enter_async_context(
            open_runtime(self.settings, self._registry, start_sandbox=False)
        )
        self._stack = stack
        return runtime

    def close(self) -> None:
        """Stop the workers and the sandbox containers; the engine can be started again."""
        with self._lock:
            if self._runtime is None:
                return
            stack, self._stack, self._runtime = self._stack, None, None
            try:
                if stack is not None:
                    self._run(stack.aclose())
            finally:
                self._stop_loop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=30)
        if loop is not None and not loop.is_running():
            loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def _started(self) -> Runtime:
        if self._runtime is None:
            self.start()
        assert self._runtime is not None
        return self._runtime

    # ---- scoring -------------------------------------------------------------------------
    def score(
        self,
        items: Sequence[ItemLike],
        *,
        preset: str | None = None,
        group_size: int | None = None,
    ) -> list[ScoreResult]:
        """One result per item, in order, as ``POST /v1/score`` answers them.

        ``group_size``: consecutive items form rollout groups (for group-relative shaping;
        :func:`reward_server.advantages.group_advantages` gives GRPO's advantages).
        Raises :class:`InvalidItems` where the server answers 422 (an item that is not an
        item, an unknown preset or task, items that are no whole groups); an item that
        cannot be scored is that item's result.
        """
        parsed = parse_items(items, preset)
        if group_size is not None and (group_size < 1 or len(parsed) % group_size):
            raise InvalidItems(f"{len(parsed)} items do not form whole groups of {group_size}")
        runtime = self._started()
        try:
            runtime.scorer.check_items(parsed)
        except UnknownComponent as exc:
            raise InvalidItems(str(exc)) from None
        results, _ = self._run(runtime.scorer.score_group(parsed, group_size, preset))
        return results

    def run(self, work: Callable[[Runtime], Coroutine[Any, Any, T]]) -> T:
        """``work(runtime)`` on the engine's loop, for callers that drive the scorer
        themselves (a Ray Data actor scores records as the batch engine does)."""
        return self._run(work(self._started()))

    def check(self, component: str, func: Any, *args: Any, **kwargs: Any) -> Outcome:
        """Run one verifier in a worker under the item deadline (a hang is a ``timeout``)."""
        runtime = self._started()
        outcomes = self._run(runtime.pool.run_plan([(component, func, args, kwargs)]))
        return outcomes[component]


def parse_items(items: Sequence[ItemLike], preset: str | None = None) -> list[ScoreItem]:
    """Validate items as the server does; :class:`InvalidItems` says what is wrong where."""
    if isinstance(items, str | bytes | Mapping):
        raise InvalidItems("items must be a list of items, not a single item")
    parsed: list[ScoreItem] = []
    problems: list[str] = []
    for i, item in enumerate(items):
        try:
            parsed.append(item if isinstance(item, ScoreItem) else ScoreItem.model_validate(item))
            check_preset(parsed[-1].preset)
        except ValidationError as exc:
            problems.append(f"item {i}: {validation_message(exc)}")
        except UnknownPreset as exc:
            problems.append(f"item {i}: {exc}")
    try:
        check_preset(preset)
    except UnknownPreset as exc:
        problems.append(str(exc))
    if problems:
        raise InvalidItems("; ".join(problems))
    return parsed


_DEFAULT: Engine | None = None
_DEFAULT_LOCK = threading.Lock()


def default_engine() -> Engine:
    """The engine the module-level functions share (settings from ``REWARD_*``)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Engine()
            atexit.register(_DEFAULT.close)
        return _DEFAULT


def score(
    items: Sequence[ItemLike], *, preset: str | None = None, group_size: int | None = None
) -> list[ScoreResult]:
    """Score ``items`` in-process: the results ``POST /v1/score`` would give."""
    return default_engine().score(items, preset=preset, group_size=group_size)


def check_math(completion: str, gold: str, *, prefilled: bool = False) -> Outcome:
    """The math accuracy of one completion, in a worker under the item deadline."""
    from .verifiers.math import check_math as verify

    return default_engine().check("accuracy", verify, completion, gold, prefilled=prefilled)


def check_language(completion: str, target_lang: str, *, prefilled: bool = False) -> Outcome:
    """The language-consistency score of one completion, in a worker under the deadline."""
    from .verifiers.language import check_language as verify

    return default_engine().check("language", verify, completion, target_lang, prefilled=prefilled)


def check_format(completion: str, *, prefilled: bool = False, answer_tags: bool = False) -> Outcome:
    """The R1 format score of one completion (cheap string work: in this thread)."""
    from .verifiers.format import check_format as verify

    return verify(completion, prefilled=prefilled, answer_tags=answer_tags)
