"""FairQueue: slots go round robin across lanes; cancelled waiters give their turn away."""

from __future__ import annotations

import asyncio

import pytest

from reward_server.fairness import FairQueue, Lane


async def _run(queue: FairQueue, lane: Lane, name: str, order: list[str], hold: asyncio.Event):
    async with queue.slot(lane):
        order.append(name)
        await hold.wait()


def test_a_small_lane_is_served_before_the_rest_of_a_big_one():
    async def main() -> list[str]:
        queue = FairQueue(1)
        big, small = Lane(), Lane()
        order: list[str] = []
        gate = asyncio.Event()
        tasks = [asyncio.create_task(_run(queue, big, f"big{i}", order, gate)) for i in range(5)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(_run(queue, small, "small", order, gate)))
        await asyncio.sleep(0)
        assert queue.busy == 1 and queue.waiting == 5
        gate.set()
        await asyncio.gather(*tasks)
        assert queue.busy == 0 and queue.waiting == 0
        return order

    order = asyncio.run(main())
    # The small lane waits for the item running and one more of the big lane, which was
    # waiting before it: not for the big lane's other three.
    assert order == ["big0", "big1", "small", "big2", "big3", "big4"]


def test_round_robin_over_three_lanes():
    async def main() -> list[str]:
        queue = FairQueue(1)
        lanes = {name: Lane() for name in "abc"}
        order: list[str] = []
        gate = asyncio.Event()
        tasks = [
            asyncio.create_task(_run(queue, lanes[name], name, order, gate)) for name in "aaaabbbcc"
        ]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(*tasks)
        return order

    assert "".join(asyncio.run(main())) == "aabcabcab"


def test_cancelled_waiters_leave_and_slots_are_never_lost():
    async def main() -> None:
        queue = FairQueue(2)
        lane, other = Lane(), Lane()
        gate = asyncio.Event()
        order: list[str] = []
        holders = [asyncio.create_task(_run(queue, lane, f"h{i}", order, gate)) for i in range(2)]
        waiters = [asyncio.create_task(_run(queue, lane, f"w{i}", order, gate)) for i in range(3)]
        late = asyncio.create_task(_run(queue, other, "late", order, gate))
        await asyncio.sleep(0)
        assert queue.busy == 2 and queue.waiting == 4
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
        assert queue.waiting == 1
        gate.set()
        await asyncio.gather(*holders, late)
        assert order == ["h0", "h1", "late"]
        assert queue.busy == 0 and queue.waiting == 0
        async with queue.slot(Lane()), queue.slot(Lane()):
            assert queue.busy == 2

    asyncio.run(main())


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        FairQueue(0)


def test_capacity_read_from_a_function_at_each_grant():
    # The sandbox's capacity is known once its pool started (the node's CPUs): the queue
    # follows it down and up.
    async def main() -> None:
        capacity = 3
        queue = FairQueue(lambda: capacity)
        lane = Lane()
        holds = [asyncio.Event() for _ in range(6)]
        held: list[int] = []

        async def hold(i: int) -> None:
            async with queue.slot(lane):
                held.append(i)
                await holds[i].wait()

        capacity = 1
        tasks = [asyncio.create_task(hold(i)) for i in range(6)]
        await asyncio.sleep(0.01)
        assert held == [0] and queue.busy == 1 and queue.waiting == 5
        capacity = 3  # grows: the next release hands out every free slot
        holds[0].set()
        await asyncio.sleep(0.01)
        assert held == [0, 1, 2, 3] and queue.busy == 3
        capacity = 1  # shrinks: held slots stay held, none is handed on until under it
        holds[1].set()
        holds[2].set()
        await asyncio.sleep(0.01)
        assert held == [0, 1, 2, 3] and queue.busy == 1
        for event in holds:
            event.set()
        await asyncio.gather(*tasks)
        assert held == list(range(6)) and queue.busy == 0 and queue.waiting == 0

    asyncio.run(main())
