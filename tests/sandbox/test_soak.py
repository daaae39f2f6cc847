"""Many executions with abuse mixed in leave no container, process or file behind.

``test_soak_1000`` runs in every CI run; ``test_soak_10000`` is the issue's full bar
(marked slow; about a minute and a half on two cores).
"""

from __future__ import annotations

import asyncio
import os
import random
import textwrap
import uuid

import pytest

from sandbox.docker import UID_SPAN, DockerSandbox
from sandbox.types import Job, Limits, TestCase, Verdict
from tests.sandbox.conftest import owned_containers, pool_config

pytestmark = pytest.mark.docker

ABUSE = {
    "daemon": textwrap.dedent("""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                while True:
                    open("/tmp/daemon-was-here", "w").close()
                    time.sleep(0.01)
            os._exit(0)
        print("bye")
    """),
    "files": "import os\nfor i in range(50):\n    open(f'/tmp/f{i}', 'w').write('x' * 1000)\nopen('/dev/shm/s', 'w').write('x')\nprint('bye')",
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "memory": "b = []\nwhile True:\n    b.append(bytearray(5 * 10**7))",
    "flood": "while True:\n    print('x' * 4096)",
    "sleep": "import time\ntime.sleep(100)",
    "crash": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
}
ABUSE_VERDICT = {
    "daemon": Verdict.OK,
    "files": Verdict.OK,
    "fork_bomb": Verdict.TIME_LIMIT,
    "memory": Verdict.MEMORY_LIMIT,
    "flood": Verdict.OUTPUT_LIMIT,
    "sleep": Verdict.TIME_LIMIT,
    "crash": Verdict.RUNTIME_ERROR,
}
# Only the abuse whose verdict is a time limit runs under a short one; the rest need a
# fraction of a second of CPU and get ample time, so a busy host cannot turn a memory hog
# or a flood into a time limit (the verdict comes from the limit under test, not the load).
ABUSE_LIMITS = {
    kind: Limits(time_s=0.3 if verdict is Verdict.TIME_LIMIT else 5.0, output_bytes=2**16)
    for kind, verdict in ABUSE_VERDICT.items()
}
# Cheap abuse is common; the ones that run into a time limit are rarer.
ABUSE_WEIGHT = {
    "daemon": 6,
    "files": 6,
    "memory": 3,
    "flood": 3,
    "crash": 3,
    "fork_bomb": 1,
    "sleep": 1,
}


def sandbox_processes(uid_base: int) -> list[str]:
    """Host processes running as one of the pool's uids."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                uid_line = next(line for line in f if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if uid_base <= int(uid_line.split()[1]) < uid_base + UID_SPAN:
            found.append(pid)
    return found


def soak(loop, image: str, client, jobs: int, abuse_every: int = 10) -> None:
    owner = f"reward-server-soak-{uuid.uuid4().hex[:8]}"
    # A uid range of its own, so other pools on this engine cannot be mistaken for leftovers.
    uid_base = 1_000_000 + random.randrange(1000) * UID_SPAN
    config = pool_config(image, owner, max_jobs_per_container=400, uid_base=uid_base)
    backend = DockerSandbox(config, client=client)
    volumes_before = len(client.api.volumes().get("Volumes") or [])
    rng = random.Random(1234)
    plan = []
    for i in range(jobs):
        if i % abuse_every == abuse_every - 1:
            kind = rng.choices(list(ABUSE_WEIGHT), weights=list(ABUSE_WEIGHT.values()))[0]
            plan.append(
                (
                    kind,
                    Job("python", ABUSE[kind], [TestCase("")], limits=ABUSE_LIMITS[kind]),
                )
            )
        else:
            a, b = rng.randint(-(10**9), 10**9), rng.randint(-(10**9), 10**9)
            plan.append(
                (
                    f"{a + b}",
                    Job(
                        "python", "print(sum(map(int, input().split())))", [TestCase(f"{a} {b}\n")]
                    ),
                )
            )

    async def run_all():
        await backend.start()
        try:
            return await asyncio.gather(*(backend.run(job) for _, job in plan))
        finally:
            await backend.close()

    results = loop.run(run_all(), timeout=3600)
    errors = [r.error for r in results if r.error]
    assert errors == []
    for (expected, _), result in zip(plan, results):
        run = result.runs[0]
        if expected in ABUSE_VERDICT:
            assert run.verdict is ABUSE_VERDICT[expected], (expected, run)
        else:
            assert run.verdict is Verdict.OK and run.stdout.strip() == expected, run
    assert owned_containers(client, owner) == []
    assert sandbox_processes(config.uid_base) == []
    assert len(client.api.volumes().get("Volumes") or []) == volumes_before
    # Abuse was cleaned up in place, not by throwing containers away.
    assert backend.stats["recycled"] <= jobs // config.max_jobs_per_container + config.pool_size


def test_soak_1000(loop, sandbox_image, docker_client):
    soak(loop, sandbox_image, docker_client, 1000)


@pytest.mark.slow
def test_soak_10000(loop, sandbox_image, docker_client):
    soak(loop, sandbox_image, docker_client, 10_000)
