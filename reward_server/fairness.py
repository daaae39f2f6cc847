"""Fair shares of a pool: slots handed out round robin across requests.

A pool of N verifier processes (or N sandbox containers) serves many requests at once.
First come, first served lets a request of 1,024 items take every slot until its last
item is done while a request of one item waits behind all of them (head-of-line
blocking).  Here each request waits in its own *lane*, and a freed slot goes to the next
lane in turn, so a small request waits for at most one item of each request ahead of it,
whatever their sizes.  Items of one request are served in their order.

Work is only handed to the pool once it holds a slot, so the pool's own queue stays
empty and a cancelled item that never got a slot costs nothing.

The capacity may be a function, read at each grant: the sandbox's is known only once its
pool has started (how many jobs the node's CPUs allow), and may shrink then; a slot held
beyond a shrunken capacity is simply not handed on when it is released.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Lane:
    """One request's place in a :class:`FairQueue`; its waiters are served in order."""

    __slots__ = ("waiters",)

    def __init__(self) -> None:
        self.waiters: deque[asyncio.Future[None]] = deque()


class FairQueue:
    """``capacity`` slots (a number, or a function giving it), granted round robin over
    the lanes that wait for one."""

    def __init__(self, capacity: int | Callable[[], int]) -> None:
        if (capacity() if callable(capacity) else capacity) < 1:
            raise ValueError("capacity must be >= 1")
        self._capacity = capacity
        self._held = 0
        self._ring: deque[Lane] = deque()  # lanes with waiters, in turn order
        self.waiting = 0

    @property
    def capacity(self) -> int:
        """Slots that may be held at once, now (at least 1)."""
        value = self._capacity() if callable(self._capacity) else self._capacity
        return max(1, value)

    @property
    def _free(self) -> int:
        return self.capacity - self._held

    @property
    def busy(self) -> int:
        """Slots held now."""
        return self._held

    @asynccontextmanager
    async def slot(
        self, lane: Lane, on_grant: Callable[[], None] | None = None
    ) -> AsyncIterator[None]:
        """Hold one slot for the body of the ``async with``; ``on_grant`` runs when it is held."""
        await self.acquire(lane)
        try:
            if on_grant is not None:
                on_grant()
            yield
        finally:
            self.release()

    async def acquire(self, lane: Lane) -> None:
        if self._free > 0 and not self._ring:
            self._held += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lane.waiters.append(future)
        if len(lane.waiters) == 1:
            self._ring.append(lane)
        self.waiting += 1
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted as we were cancelled: pass the slot on
            elif future in lane.waiters:
                lane.waiters.remove(future)
                self.waiting -= 1
                if not lane.waiters and lane in self._ring:
                    self._ring.remove(lane)
            raise

    def release(self) -> None:
        """Give a slot back: to the next lane in turn, while the capacity allows."""
        self._held -= 1
        while self._ring and self._free > 0:
            lane = self._ring.popleft()
            future = lane.waiters.popleft()
            self.waiting -= 1
            if lane.waiters:
                self._ring.append(lane)
            if not future.done():
                future.set_result(None)
                self._held += 1
