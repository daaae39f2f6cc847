"""Code scoring comes back by itself when the Docker engine does.

The shared engine is never restarted here.  Instead the pool talks to the engine through
a unix-socket forwarder the test controls: "down" is no listener (connection refused),
"cut" also drops every open connection, including the containers' attach streams, as an
engine restart does, and the test removes the pool's containers with the real engine, so
none survives the "restart"; "up" is the forwarder listening again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator

import docker
import pytest

from reward_server.config import SandboxSettings, Settings
from reward_server.metrics import Metrics
from reward_server.sandbox_service import SandboxService, SandboxUnavailable
from reward_server.schemas import CodeSpec, ScoreItem
from reward_server.scoring import Scorer
from reward_server.verifiers import default_verifiers
from reward_server.verifiers.code import check_code
from reward_server.workers import WorkerPool
from sandbox.base import SandboxError
from sandbox.docker import DockerSandbox
from sandbox.fake import FakeSandbox, stdio
from sandbox.types import Job, Limits, TestCase, Verdict
from tests.sandbox.conftest import Loop, fenced, owned_containers, pool_config

ENGINE_SOCKET = "/var/run/docker.sock"
PRINT = Job("python", "print('hi')", [TestCase("")])
SUM = fenced("a, b = map(int, input().split())\nprint(a + b)")
SUM_SPEC = CodeSpec(language="python", tests=[{"input": "2 3\n", "output": "5\n"}])


class Forwarder:
    """A unix socket that forwards each connection to the engine's, while it is up."""

    def __init__(self, path: str, target: str = ENGINE_SOCKET) -> None:
        self.path = path
        self.target = target
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def up(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and drop every connection (as an engine that goes away)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                engine.connect(self.target)
            except OSError:
                client.close()
                continue
            pair = (client, engine)
            with self._lock:
                self._pairs.add(pair)
            for source, sink in ((client, engine), (engine, client)):
                threading.Thread(target=self._pump, args=(source, sink, pair), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair: tuple) -> None:
        try:
            while data := source.recv(1 << 16):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)  # pass the half-close on
        except OSError:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def forwarder() -> Iterator[Forwarder]:
    with tempfile.TemporaryDirectory(prefix="engine-") as folder:
        fwd = Forwarder(os.path.join(folder, "docker.sock"))
        yield fwd
        fwd.cut()


def wait_for(predicate, timeout: float = 90.0, step: float = 0.1) -> float | None:
    """Seconds until ``predicate()`` held, or None if it never did within ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if predicate():
            return time.monotonic() - began
        time.sleep(step)
    return None


def fresh_owner() -> str:
    return f"reward-server-test-{uuid.uuid4().hex[:8]}"


def code_item(i: str) -> ScoreItem:
    return ScoreItem.model_validate(
        {
            "id": i,
            "completion": SUM,
            "task": "code",
            "code": {"tests": [{"input": "2 3\n", "output": "5\n"}]},
        }
    )


# ---- the server's handle, with the fake backend (no Docker) ------------------------------------
def test_a_failed_start_is_retried_in_the_background_until_the_backend_runs():
    async def main() -> None:
        fake = FakeSandbox(
            stdio(lambda s: str(sum(map(int, s.split())))),
            start_error=SandboxError("Docker engine unreachable"),
        )
        settings = Settings(workers=1, sandbox={"pool_size": 2, "engine_retry_max_s": 0.2})
        service = SandboxService(settings.sandbox, backend=fake)
        scorer = Scorer(settings, WorkerPool(1, 2.0), default_verifiers(), service, Metrics())
        service.start()
        (down,) = await scorer.score([code_item("a")])
        assert down.status == "error" and down.reward is None
        assert down.error.type == "sandbox_unavailable" and down.error.retryable
        assert "Docker engine unreachable" in down.error.message
        ok, why = service.ready()
        assert not ok and "Docker engine unreachable" in why and "tried 1 times" in why
        assert service.backend is fake and service.capacity() == 2
        await asyncio.sleep(1.0)  # tries at about 1 s after the first, then every 0.2 s
        assert service._attempts >= 2 and not fake.started
        fake.start_error = None  # the engine is back
        for _ in range(100):
            if service.ready()[0]:
                break
            await asyncio.sleep(0.05)
        assert service.ready() == (True, "fake sandbox")
        assert service.backend is fake  # the same backend, started again
        (up,) = await scorer.score([code_item("b")])
        assert (up.status, up.scores.accuracy) == ("ok", 1.0)
        await service.close()
        assert fake.closed

    asyncio.run(main())


def test_code_items_wait_for_the_first_attempt_only():
    async def main() -> None:
        gate = asyncio.Event()

        class SlowStart(FakeSandbox):
            async def start(self) -> None:
                await gate.wait()
                await super().start()

        fake = SlowStart(stdio(lambda s: "5"))
        service = SandboxService(SandboxSettings(pool_start_timeout_s=30), backend=fake)
        service.start()
        waiting = asyncio.ensure_future(service.get())
        await asyncio.sleep(0.1)
        assert not waiting.done() and service.ready() == (False, "sandbox starting")
        gate.set()
        assert await asyncio.wait_for(waiting, 5) is fake
        await service.close()

    asyncio.run(main())


def test_a_start_that_hangs_is_given_up_and_tried_again():
    async def main() -> None:
        calls = 0

        class HangsOnce(FakeSandbox):
            async def start(self) -> None:
                nonlocal calls
                calls += 1
                if calls == 1:
                    await asyncio.sleep(3600)
                await super().start()

        fake = HangsOnce(stdio(lambda s: "5"))
        settings = SandboxSettings(pool_start_timeout_s=0.2, engine_retry_max_s=0.2)
        service = SandboxService(settings, backend=fake)
        service.start()
        with pytest.raises(SandboxUnavailable, match="TimeoutError"):
            await service.get()
        assert fake.closed  # what the hung attempt left was closed before the next
        for _ in range(100):
            if service.ready()[0]:
                break
            await asyncio.sleep(0.05)
        assert service.ready()[0] and calls == 2
        await service.close()

    asyncio.run(main())


def test_the_scheduler_is_sized_from_the_running_pools_capacity():
    class OneAtATime(FakeSandbox):
        def capacity(self) -> int:
            return 1

    async def main() -> None:
        settings = Settings(workers=1, sandbox={"pool_size": 4})
        service = SandboxService(settings.sandbox, backend=OneAtATime(stdio(lambda s: "5")))
        scorer = Scorer(settings, WorkerPool(1, 2.0), default_verifiers(), service, Metrics())
        assert scorer.sandbox_slots is not None
        assert service.capacity() == 4 == scorer.sandbox_slots.capacity  # not started yet
        service.start()
        await service.get()
        assert service.capacity() == 1 == scorer.sandbox_slots.capacity
        await service.close()

    asyncio.run(main())


def test_a_disabled_sandbox_is_never_started():
    async def main() -> None:
        fake = FakeSandbox(stdio(lambda s: "5"))
        service = SandboxService(SandboxSettings(enabled=False), backend=fake)
        service.start()
        with pytest.raises(SandboxUnavailable, match="disabled"):
            await service.get()
        assert not fake.started and service.ready()[0] is False

    asyncio.run(main())


# ---- the real pool behind a forwarder (Docker) ---------------------------------------------------
@pytest.mark.docker
def test_code_scoring_starts_when_the_engine_comes_up_after_the_server(
    loop: Loop, sandbox_image: str, docker_client: docker.DockerClient, forwarder: Forwarder
):
    owner = fresh_owner()
    settings = SandboxSettings(
        image=sandbox_image,
        pool_size=1,
        owner=owner,
        docker_url=forwarder.url,
        engine_retry_max_s=1.0,
        container_memory_mb=512,
        tmpfs_mb=64,
    )
    service = SandboxService(settings)

    async def start_and_ask():
        service.start()
        try:
            await service.get()
        except SandboxUnavailable as exc:
            return str(exc)
        return None

    try:
        message = loop.run(start_and_ask())
        assert message is not None and "Docker engine unreachable" in message
        ok, why = service.ready()
        assert not ok and "Docker engine unreachable" in why
        time.sleep(2.5)  # a few more tries while it is down
        assert not service.ready()[0]
        forwarder.up()
        recovered = wait_for(lambda: service.ready()[0], 60)
        assert recovered is not None, service.ready()
        print(f"ready {recovered:.1f} s after the engine came up")
        backend = loop.run(service.get())
        outcome = loop.run(check_code(SUM, SUM_SPEC, backend))
        assert (outcome.status, outcome.score) == ("ok", 1.0)
    finally:
        loop.run(service.close())
    assert owned_containers(docker_client, owner) == []


@pytest.mark.docker
def test_the_pool_comes_back_after_an_engine_restart(
    loop: Loop, sandbox_image: str, docker_client: docker.DockerClient, forwarder: Forwarder
):
    owner = fresh_owner()
    config = pool_config(
        sandbox_image, owner, pool_size=2, docker_url=forwarder.url, engine_retry_max_s=1.0
    )
    forwarder.up()
    backend = DockerSandbox(config)
    loop.run(backend.start())
    try:
        assert loop.run(backend.run(PRINT)).runs[0].stdout == "hi\n"
        capacity = backend.capacity()
        slow = Job(
            "python", "import time\ntime.sleep(2)\nprint(1)", [TestCase("")], limits=Limits()
        )

        async def restart_under_load():
            # More jobs than the pool runs at once: some run, the rest wait for a container.
            jobs = [asyncio.ensure_future(backend.run(slow)) for _ in range(capacity + 3)]
            await asyncio.sleep(0.5)
            assert backend.pool_state()["busy"] == capacity and backend._waiters
            forwarder.cut()  # the engine goes away with every container on it
            for cid in owned_containers(docker_client, owner):
                docker_client.api.remove_container(cid, force=True)
            # Every job ends, promptly: the running ones lost their container, the waiting
            # ones learn there is none to get; none waits for the engine.
            return await asyncio.wait_for(asyncio.gather(*jobs), 60)

        results = loop.run(restart_under_load())
        assert all(r.error for r in results), results  # ours: retryable, never a verdict
        assert wait_for(lambda: not backend.ready()[0], 30) is not None
        assert loop.run(backend.run(PRINT)).error  # at once, while the engine is away
        assert backend.stats["start_failures"] >= 1 and backend.stats["engine_errors"] >= 1
        assert backend.pool_state() == {"ready": 0, "busy": 0, "total": 0}

        forwarder.up()
        recovered = wait_for(lambda: backend.pool_state()["total"] == 2, 60)
        assert recovered is not None, (backend.ready(), backend.stats)
        print(f"pool refilled {recovered:.1f} s after the engine came back")
        assert backend.ready()[0]
        result = loop.run(backend.run(PRINT))
        assert result.runs[0].verdict is Verdict.OK and result.runs[0].stdout == "hi\n"
        assert len(owned_containers(docker_client, owner)) == 2  # the new ones only
    finally:
        loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


@pytest.mark.docker
def test_idle_containers_that_died_are_replaced_not_handed_out(
    loop: Loop, sandbox_image: str, docker_client: docker.DockerClient
):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=2), client=docker_client)
    loop.run(backend.start())
    try:
        for cid in backend.containers():
            docker_client.api.kill(cid)  # idle: no job notices
        assert wait_for(lambda: owned_containers(docker_client, owner) == [], 30) is not None
        # The next job is not lost to a dead container: it waits for a fresh one.
        result = loop.run(backend.run(PRINT))
        assert result.error is None and result.runs[0].stdout == "hi\n"
        assert backend.stats["recycled"] >= 1
    finally:
        loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []
