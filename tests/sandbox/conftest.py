"""Fixtures for the sandbox tests: the real Docker engine, the real image, a real pool.

Nothing here skips: if the engine is unreachable or the image cannot be built, every
test that needs them errors, which is the point (CI starts the engine first).

The pool lives on one event loop in a background thread for the whole session, because
starting containers per test would dominate the suite's time; tests hand coroutines to
it with :meth:`Loop.run`.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import docker
import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from reward_server.verifiers.outcome import Outcome
from sandbox.config import PoolConfig
from sandbox.docker import LABEL_INSTANCE, LABEL_OWNER, DockerSandbox
from sandbox.images.build import DEFAULT_TAG, ensure_image

T = TypeVar("T")


class Loop:
    """An event loop on its own thread, shared by the session's tests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="sandbox-tests", daemon=True
        )
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 300) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    client = docker.from_env()
    client.ping()  # raises: the engine must be reachable (never skip)
    return client


@pytest.fixture(scope="session")
def sandbox_image(docker_client: docker.DockerClient) -> str:
    ensure_image(DEFAULT_TAG, client=docker_client, log=print)
    return DEFAULT_TAG


@pytest.fixture(scope="session")
def loop() -> Iterator[Loop]:
    runner = Loop()
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def test_owner() -> str:
    # A per-session owner: concurrent test sessions on one engine never reap each other.
    return f"reward-server-test-{uuid.uuid4().hex[:8]}"


def pool_config(image: str, owner: str, **changes: Any) -> PoolConfig:
    base = PoolConfig(
        image=image,
        pool_size=2,
        owner=owner,
        container_memory_mb=1024,
        tmpfs_mb=128,
        reap_interval_s=5.0,
    )
    return base.with_changes(**changes)


@pytest.fixture(scope="session")
def sandbox(
    loop: Loop, sandbox_image: str, test_owner: str, docker_client: docker.DockerClient
) -> Iterator[DockerSandbox]:
    backend = DockerSandbox(pool_config(sandbox_image, test_owner), client=docker_client)
    loop.run(backend.start())
    yield backend
    loop.run(backend.close())
    left = docker_client.api.containers(
        all=True, filters={"label": f"{LABEL_INSTANCE}={backend.instance}"}
    )
    assert left == [], f"containers left behind: {left}"


def owned_containers(client: docker.DockerClient, owner: str) -> list[str]:
    """Ids of the containers labelled with ``owner`` (any state)."""
    found = client.api.containers(all=True, filters={"label": f"{LABEL_OWNER}={owner}"})
    return [info["Id"] for info in found]


class Judge:
    """check_code on the session's pool, synchronously."""

    def __init__(self, loop: Loop, backend: DockerSandbox) -> None:
        self.loop = loop
        self.backend = backend

    def __call__(self, completion: str, **spec: Any) -> Outcome:
        spec.setdefault("time_limit_s", 1.0)
        return self.loop.run(check_code(completion, CodeSpec(**spec), self.backend))


@pytest.fixture(scope="session")
def judge(loop: Loop, sandbox: DockerSandbox) -> Judge:
    return Judge(loop, sandbox)


def fenced(code: str, language: str = "python") -> str:
    """A completion whose answer is ``code`` in a fenced block."""
    return f"<think>\nreasoning\n</think>\nHere is the program:\n```{language}\n{code}\n```\n"


@pytest.fixture(scope="module")
def solo(
    request: pytest.FixtureRequest,
    loop: Loop,
    sandbox_image: str,
    test_owner: str,
    docker_client: docker.DockerClient,
) -> Iterator[DockerSandbox]:
    """A pool of one container, so consecutive jobs share it (one per test module)."""
    owner = f"{test_owner}-solo-{request.module.__name__.rsplit('.', 1)[-1]}"
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())
    yield backend
    loop.run(backend.close())


@pytest.fixture(scope="module")
def exec_judge(
    loop: Loop, sandbox_image: str, test_owner: str, docker_client: docker.DockerClient
) -> Iterator[Judge]:
    """A pool that runs each Python test in a fresh interpreter (python_mode exec)."""
    config = pool_config(sandbox_image, f"{test_owner}-exec", pool_size=1, python_mode="exec")
    backend = DockerSandbox(config, client=docker_client)
    loop.run(backend.start())
    yield Judge(loop, backend)
    loop.run(backend.close())
