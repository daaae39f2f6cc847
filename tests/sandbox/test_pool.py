"""The pool's life: hardening as configured, server-side kills, recycling, reaping, and
nothing left behind when it stops, even when the server dies by SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import docker.errors
import pytest

from sandbox.docker import LABEL_INSTANCE, LABEL_OWNER, DockerSandbox
from sandbox.protocol import job_deadline
from sandbox.runner.bundle import bundle, module_sources
from sandbox.types import Job, Limits, TestCase, Verdict
from tests.sandbox.conftest import owned_containers, pool_config

pytestmark = pytest.mark.docker

PRINT = Job("python", "print('hi')", [TestCase("")])


def fresh_owner() -> str:
    return f"reward-server-test-{uuid.uuid4().hex[:8]}"


def wait_until(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_containers_are_hardened(sandbox, docker_client):
    for cid in sandbox.containers():
        info = docker_client.api.inspect_container(cid)
        host, config = info["HostConfig"], info["Config"]
        assert host["NetworkMode"] == "none"
        assert host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"]
        assert "no-new-privileges" in host["SecurityOpt"]
        assert host["PidsLimit"] == sandbox.config.pids_limit
        assert host["Memory"] == host["MemorySwap"] == sandbox.config.container_memory_mb * 2**20
        assert host["NanoCpus"] == int(sandbox.config.cpus * 1e9)
        assert host["LogConfig"]["Type"] == "none"
        assert host["AutoRemove"] is True
        assert f"size={sandbox.config.tmpfs_mb}m" in host["Tmpfs"]["/tmp"]
        assert host["Privileged"] is False
        uid = int(config["User"].split(":")[0])
        assert uid >= sandbox.config.uid_base
        assert config["StdinOnce"] is True
        assert sorted(e.split("=")[0] for e in config["Env"]) == ["LANG", "PATH"]
        assert info["State"]["Pid"] > 0


def test_each_container_runs_the_bundled_runner(sandbox, docker_client, loop):
    for cid in sandbox.containers():
        command = docker_client.api.inspect_container(cid)["Config"]["Cmd"]
        assert command == ["python3", "-I", "-c", bundle(), "--workdir", "/tmp"]
    # ... and that runner is what answers: its modules are the bundle's.
    probe = "import sys\nprint(sorted(n for n in sys.modules if n.startswith('sandbox_runner')))"
    result = loop.run(sandbox.run(Job("python", probe, [TestCase("")])))
    assert result.runs[0].stdout.strip() == str(sorted(module_sources()))


def test_job_runs_as_an_oom_target_without_privileges(loop, sandbox):
    probe = textwrap.dedent("""
        import os
        print(os.getuid() != 0, open('/proc/self/oom_score_adj').read().strip())
        print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])
    """)
    result = loop.run(sandbox.run(Job("python", probe, [TestCase("")])))
    assert result.runs[0].stdout.split() == ["True", "1000", "0000000000000000"]


def test_ready_reflects_the_pool(loop, sandbox_image, docker_client):
    backend = DockerSandbox(
        pool_config(sandbox_image, fresh_owner(), pool_size=1), client=docker_client
    )
    assert backend.ready()[0] is False
    loop.run(backend.start())
    assert backend.ready()[0] is True
    loop.run(backend.close())
    assert backend.ready()[0] is False
    result = loop.run(backend.run(PRINT))
    assert result.error  # a closed pool answers with an error, not a hang


def test_close_leaves_no_container(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=2), client=docker_client)
    loop.run(backend.start())
    assert len(owned_containers(docker_client, owner)) == 2
    loop.run(backend.run(PRINT))
    loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


def test_close_while_jobs_run_leaves_no_container(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())

    async def busy_then_close():
        sleeper = Job(
            "python", "import time\ntime.sleep(30)", [TestCase("")], limits=Limits(time_s=20)
        )
        task = asyncio.ensure_future(backend.run(sleeper))
        await asyncio.sleep(0.5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await backend.close()

    loop.run(busy_then_close())
    assert wait_until(lambda: owned_containers(docker_client, owner) == [])


def test_server_killed_by_sigkill_leaves_no_container(sandbox_image, docker_client):
    owner = fresh_owner()
    script = textwrap.dedent(f"""
        import asyncio, sys
        from sandbox.docker import DockerSandbox
        from sandbox.config import PoolConfig
        async def main():
            backend = DockerSandbox(PoolConfig(image={sandbox_image!r}, pool_size=2, owner={owner!r}))
            await backend.start()
            print("ready", flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=root)
    try:
        assert server.stdout.readline().strip() == b"ready"
        assert len(owned_containers(docker_client, owner)) == 2
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        # No one calls close(): the runners read EOF when the attach stream drops and exit,
        # and Docker removes their containers.
        assert wait_until(lambda: owned_containers(docker_client, owner) == [])
    finally:
        server.kill()
        server.wait()
        for cid in owned_containers(docker_client, owner):
            docker_client.api.remove_container(cid, force=True)


def test_unresponsive_container_is_killed_by_the_server(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    config = pool_config(sandbox_image, owner, pool_size=1, job_slack_s=0.0)
    backend = DockerSandbox(config, client=docker_client)
    loop.run(backend.start())
    try:
        (frozen,) = backend.containers()
        docker_client.api.pause(frozen)  # the runner can no longer answer
        job = Job(
            "python", "print(1)", [TestCase("")], limits=Limits(time_s=0.2, compile_time_s=0.1)
        )
        began = time.monotonic()
        result = loop.run(backend.run(job))
        assert result.error and "did not answer" in result.error
        # The server gave up at the job's deadline (a few seconds), not never; a margin
        # for a busy host.
        assert time.monotonic() - began < job_deadline(job, job.limits, 0.0) + 30
        assert wait_until(lambda: frozen not in owned_containers(docker_client, owner))
        assert wait_until(lambda: len(backend.containers()) == 1)
        assert loop.run(backend.run(PRINT)).runs[0].stdout == "hi\n"  # a fresh container took over
    finally:
        loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


def test_containers_are_recycled_after_n_jobs(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(
        pool_config(sandbox_image, owner, pool_size=1, max_jobs_per_container=3),
        client=docker_client,
    )
    loop.run(backend.start())
    try:
        seen = set()
        for _ in range(7):
            seen.update(backend.containers())
            assert loop.run(backend.run(PRINT)).runs[0].verdict is Verdict.OK
            assert wait_until(lambda: len(backend.containers()) == 1)
        assert len(seen) >= 3
        assert backend.stats["recycled"] >= 2
    finally:
        loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


def test_reaper_removes_untracked_containers(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(
        pool_config(sandbox_image, owner, pool_size=1, reap_interval_s=0.3), client=docker_client
    )
    loop.run(backend.start())
    strays = []
    try:

        def stray(instance: str, command: list[str]) -> str:
            container = docker_client.containers.create(
                sandbox_image,
                command,
                labels={LABEL_OWNER: owner, LABEL_INSTANCE: instance},
                network_mode="none",
            )
            strays.append(container)
            container.start()
            return container.id

        ours = stray(backend.instance, ["sleep", "600"])
        dead_foreign = stray("another-server", ["true"])  # exited
        live_foreign = stray("another-server", ["sleep", "600"])
        ids = lambda: set(owned_containers(docker_client, owner))
        assert wait_until(lambda: ours not in ids() and dead_foreign not in ids())
        assert live_foreign in ids()  # probably a live server's: left alone
        assert loop.run(backend.run(PRINT)).runs[0].verdict is Verdict.OK
    finally:
        loop.run(backend.close())
        for container in strays:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)


def test_start_fails_loudly_without_the_image(loop, docker_client):
    from sandbox.base import SandboxError

    backend = DockerSandbox(
        pool_config("reward-server-sandbox:does-not-exist", fresh_owner()), client=docker_client
    )
    with pytest.raises(SandboxError, match="sandbox build"):
        loop.run(backend.start())


def test_counters_and_pool_state(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=2), client=docker_client)
    loop.run(backend.start())
    try:
        for key in ("recycled", "killed", "start_failures", "engine_errors"):
            assert backend.stats[key] == 0, key
        assert backend.pool_state() == {"ready": 2, "busy": 0, "total": 2}
        sleeper = Job("python", "import time\ntime.sleep(1)", [TestCase("")])

        async def during():
            task = asyncio.ensure_future(backend.run(sleeper))
            await asyncio.sleep(0.3)
            state = backend.pool_state()
            await task
            return state

        assert loop.run(during()) == {"ready": 1, "busy": 1, "total": 2}
        assert backend.pool_state() == {"ready": 2, "busy": 0, "total": 2}
    finally:
        loop.run(backend.close())


def test_a_cancelled_job_retires_its_container(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())
    try:
        (first,) = backend.containers()
        sleeper = Job(
            "python", "import time\ntime.sleep(30)", [TestCase("")], limits=Limits(time_s=20)
        )

        async def cancel_mid_job():
            task = asyncio.ensure_future(backend.run(sleeper))
            await asyncio.sleep(0.5)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        loop.run(cancel_mid_job())
        assert backend.stats["recycled"] == 1
        assert backend.pool_state()["busy"] == 0
        assert wait_until(lambda: first not in owned_containers(docker_client, owner))
        assert loop.run(backend.run(PRINT)).runs[0].stdout == "hi\n"  # a fresh container
        assert backend.containers() != [first]
    finally:
        loop.run(backend.close())


def test_waiting_jobs_hold_no_timers_and_all_get_served(loop, sandbox_image, docker_client):
    # Jobs waiting for a container wait on a future each, woken when one is handed to
    # them: no per-job polling (with 10,000 queued jobs that was 40 % of a core).
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())
    try:
        blocker = Job("python", "import time\ntime.sleep(1.5)", [TestCase("")])

        async def queue_many():
            timers_before = len(asyncio.get_running_loop()._scheduled)  # type: ignore[attr-defined]
            first = asyncio.ensure_future(backend.run(blocker))
            await asyncio.sleep(0.2)
            queued = [asyncio.ensure_future(backend.run(PRINT)) for _ in range(300)]
            await asyncio.sleep(0.5)
            waiting = len(backend._waiters)
            timers = len(asyncio.get_running_loop()._scheduled) - timers_before  # type: ignore[attr-defined]
            results = await asyncio.gather(first, *queued)
            return waiting, timers, results

        waiting, timers, results = loop.run(queue_many())
        assert waiting == 300
        assert timers < 10  # the job's own I/O wait, nothing per waiting job
        assert all(r.error is None and r.runs[0].stdout == "hi\n" for r in results[1:])
    finally:
        loop.run(backend.close())


def test_closing_the_pool_answers_waiting_jobs_at_once(loop, sandbox_image, docker_client):
    owner = fresh_owner()
    backend = DockerSandbox(pool_config(sandbox_image, owner, pool_size=1), client=docker_client)
    loop.run(backend.start())
    sleeper = Job("python", "import time\ntime.sleep(30)", [TestCase("")], limits=Limits(time_s=20))

    async def close_while_waiting():
        running = asyncio.ensure_future(backend.run(sleeper))
        await asyncio.sleep(0.3)
        waiting = [asyncio.ensure_future(backend.run(PRINT)) for _ in range(3)]
        await asyncio.sleep(0.1)
        closing = asyncio.ensure_future(backend.close())
        answers = await asyncio.wait_for(asyncio.gather(*waiting), 5)
        await closing
        # The running job's thread wakes up too (its stream is shut down), not at the
        # job's deadline minutes later.
        return answers, await asyncio.wait_for(running, 10)

    answers, ran = loop.run(close_while_waiting())
    assert [a.error for a in answers] == ["no sandbox container is running: pool closed"] * 3
    assert ran.error and ran.runs == []  # ours, retryable: never a verdict
    assert wait_until(lambda: owned_containers(docker_client, owner) == [])
