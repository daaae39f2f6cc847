"""Admission control: a bound on the items in flight and queued together.

Without a bound, a server offered more work than it can do queues all of it: latency
grows until every client times out, and the work of the clients that gave up is still
done.  With one, a request that would pass the bound is refused at once with 429 and a
``Retry-After`` (the trainer's client waits that long and sends it again), so the work
that is admitted is done in bounded time and nothing is lost.

``Retry-After`` is the time the server needs, at the rate it completed items lately, to
make room for the request, with jitter so refused clients do not all come back at once.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import Overloaded, PayloadTooLarge

#: Seconds of completions the service rate is measured over.
RATE_WINDOW_S = 30.0
RETRY_AFTER_MIN_S = 1
RETRY_AFTER_MAX_S = 30


class Admission:
    """Counts pending items; :meth:`admit` refuses what would pass ``limit``."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.pending = 0
        self.refused_requests = 0
        self._clock = clock
        self._started = clock()
        self._done: deque[tuple[float, int]] = deque()
        self._done_items = 0
        self._rng = random.Random()

    @contextmanager
    def admit(self, n: int) -> Iterator[None]:
        """Hold ``n`` items of the bound for the body of the ``with``.

        Raises :class:`PayloadTooLarge` when ``n`` alone passes the bound (the request can
        never be admitted: split it), :class:`Overloaded` when it passes it now."""
        if n > self.limit:
            raise PayloadTooLarge(
                f"{n} items in one request; this server admits at most {self.limit} at once "
                "(REWARD_MAX_PENDING_ITEMS): send smaller requests"
            )
        if n and self.pending and self.pending + n > self.limit:
            self.refused_requests += 1
            wait = self.retry_after(n)
            raise Overloaded(
                f"server at capacity: {self.pending} items in flight or queued, {n} more "
                f"would pass the bound of {self.limit} (REWARD_MAX_PENDING_ITEMS); "
                f"retry in {wait} s",
                retry_after=wait,
            )
        self.pending += n
        try:
            yield
        finally:
            self.pending -= n
            self._record(n)

    def rate(self) -> float:
        """Items completed per second over the last :data:`RATE_WINDOW_S`."""
        now = self._clock()
        self._forget(now)
        window = min(RATE_WINDOW_S, max(now - self._started, 1.0))
        return self._done_items / window

    def retry_after(self, n: int) -> int:
        """Whole seconds until ``n`` more items are likely to fit, jittered, in [1, 30]."""
        excess = self.pending + n - self.limit
        rate = self.rate()
        wait = excess / rate if rate > 0 else float(RETRY_AFTER_MAX_S) / 6
        wait *= self._rng.uniform(1.0, 1.5)
        return int(min(max(math.ceil(wait), RETRY_AFTER_MIN_S), RETRY_AFTER_MAX_S))

    def _record(self, n: int) -> None:
        if n:
            now = self._clock()
            self._done.append((now, n))
            self._done_items += n
            self._forget(now)

    def _forget(self, now: float) -> None:
        while self._done and self._done[0][0] < now - RATE_WINDOW_S:
            self._done_items -= self._done.popleft()[1]
