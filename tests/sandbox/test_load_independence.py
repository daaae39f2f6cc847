"""Verdicts that do not depend on how busy the node is.

Busy loops in containers of "other tenants" keep every CPU of the engine's node busy
(twice as many loops as CPUs; each container labelled, self-terminating, and removed
when the module ends).  Under that load, correct programs that use most of their CPU
limit still score 1.0, an infinite loop is still a CPU time limit, and a program that
sleeps or blocks is still stopped at its wall deadline as a wall time limit.  A program
starved until its stretched deadline is ours: rerun, then a retryable error.

Without load-independent deadlines the near-limit programs here come back as
``time_limit``/``wall`` (10 of 12 did, measured with this load before the change).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Iterator

import docker
import docker.errors
import pytest

from reward_server.schemas import CodeSpec
from reward_server.verifiers.code import check_code
from sandbox.docker import DockerSandbox
from sandbox.runner.processes import RunQueueWaits
from sandbox.runner.verdicts import compile_verdict, verdict
from tests.sandbox.conftest import Loop, fenced, owned_containers, pool_config
from tests.sandbox.test_humaneval import PROBLEMS, canonical, spec_for

HOG_LABEL = "reward-server.test-hog"
#: A hog ends by itself after this long, should the module's clean-up never run.
HOG_LIFETIME_S = 300
#: Busy loops per CPU of the engine's node.
HOGS_PER_CPU = 2

#: 80 % of a 1 s CPU limit, in CPU time: the same on a quiet and on a busy node.
NEAR_LIMIT_PY = """
import time
a, b = map(int, input().split())
while time.process_time() < 0.8:
    pass
print(a + b)
"""
NEAR_LIMIT_CPP = """
#include <cstdio>
#include <ctime>
int main() {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    volatile unsigned long spin = 0;
    while (clock() < (clock_t)(0.8 * CLOCKS_PER_SEC)) spin++;
    printf("%lld\\n", a + b);
    return 0;
}
"""


def add_tests(n: int = 2) -> list[dict[str, str]]:
    return [{"input": f"{i} {i + 1}\n", "output": f"{2 * i + 1}\n"} for i in range(n)]


# ---- the load ---------------------------------------------------------------------------------
def start_hogs(client: docker.DockerClient, image: str, label: str, count: int) -> list[str]:
    code = f"import time\nend = time.time() + {HOG_LIFETIME_S}\nwhile time.time() < end: pass\n"
    ids = []
    for _ in range(count):
        container = client.containers.run(
            image,
            ["python3", "-c", code],
            detach=True,
            auto_remove=True,
            network_mode="none",
            mem_limit="64m",
            labels={HOG_LABEL: label},
        )
        ids.append(container.id)
    return ids


def remove_hogs(client: docker.DockerClient, label: str) -> None:
    for info in client.api.containers(all=True, filters={"label": f"{HOG_LABEL}={label}"}):
        try:
            client.api.remove_container(info["Id"], force=True)
        except docker.errors.NotFound:
            pass


@pytest.fixture(scope="module")
def cpu_hogs(docker_client: docker.DockerClient, sandbox_image: str) -> Iterator[int]:
    """Busy loops on every CPU of the node, for the module's tests; their number."""
    label = uuid.uuid4().hex[:12]
    cpus = int(docker_client.info().get("NCPU") or os.cpu_count() or 1)
    count = HOGS_PER_CPU * cpus
    try:
        ids = start_hogs(docker_client, sandbox_image, label, count)
        for cid in ids:
            assert docker_client.api.inspect_container(cid)["State"]["Running"], cid
        time.sleep(0.5)
        yield count
    finally:
        remove_hogs(docker_client, label)
    assert docker_client.api.containers(all=True, filters={"label": f"{HOG_LABEL}={label}"}) == []


@pytest.fixture(scope="module")
def busy_pool(
    loop: Loop, sandbox_image: str, docker_client: docker.DockerClient, cpu_hogs: int
) -> Iterator[DockerSandbox]:
    """A pool with the default load settings, started while the node is busy."""
    owner = f"reward-server-test-{uuid.uuid4().hex[:8]}"
    backend = DockerSandbox(pool_config(sandbox_image, owner), client=docker_client)
    loop.run(backend.start())
    yield backend
    loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


def judge_all(loop: Loop, backend: DockerSandbox, items: list[tuple[str, CodeSpec]]) -> list:
    async def run_all():
        return await asyncio.gather(*(check_code(c, spec, backend) for c, spec in items))

    return loop.run(run_all(), timeout=900)


# ---- under load (Docker) ----------------------------------------------------------------------
@pytest.mark.docker
def test_near_limit_programs_score_one_on_a_busy_node(loop, busy_pool, cpu_hogs):
    items = [
        (fenced(NEAR_LIMIT_PY), CodeSpec(language="python", tests=add_tests(), time_limit_s=1.0))
        for _ in range(5)
    ] + [
        (
            fenced(NEAR_LIMIT_CPP, "cpp"),
            CodeSpec(language="cpp", tests=add_tests(), time_limit_s=1.0),
        )
        for _ in range(1)
    ]
    outcomes = judge_all(loop, busy_pool, items)
    scores = [(o.status, o.score, o.message) for o in outcomes]
    assert scores == [("ok", 1.0, None)] * len(items)
    runs = [t for o in outcomes for t in o.details["tests"]]
    assert all(0.75 <= t["cpu_s"] < 1.0 for t in runs), runs
    # The load was real: each run got well under a whole CPU (wall over CPU time > 2).
    assert statistics.mean(t["time_s"] / t["cpu_s"] for t in runs) > 2.0, runs


@pytest.mark.docker
def test_infinite_loops_are_cpu_time_limits_on_a_busy_node(loop, busy_pool, cpu_hogs):
    loop_cpp = "int main() { volatile unsigned long x = 0; for (;;) x++; }"
    # Its processes all wait for a CPU, yet together they are over the limit: no stretch.
    fork_bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    )
    items = [
        (fenced("while True:\n    pass"), CodeSpec(language="python", tests=add_tests(1))),
        (fenced(loop_cpp, "cpp"), CodeSpec(language="cpp", tests=add_tests(1))),
        (fenced(fork_bomb), CodeSpec(language="python", tests=add_tests(1))),
    ]
    items = [(c, spec.model_copy(update={"time_limit_s": 1.0})) for c, spec in items]
    for outcome in judge_all(loop, busy_pool, items):
        assert (outcome.status, outcome.score) == ("ok", 0.0), outcome
        (test,) = outcome.details["tests"]
        assert (test["verdict"], test["reason"]) == ("time_limit", "cpu"), test


@pytest.mark.docker
def test_blocking_programs_are_wall_time_limits_on_a_busy_node(loop, busy_pool, cpu_hogs):
    sleeper = "import time\ntime.sleep(600)"
    reader = "import os\nr, w = os.pipe()\nos.read(r, 1)"  # its own write end: never EOF
    mixed = "import time\nwhile time.process_time() < 0.3:\n    pass\ntime.sleep(600)"
    items = [
        (fenced(code), CodeSpec(language="python", tests=add_tests(1), time_limit_s=1.0))
        for code in (sleeper, reader, mixed)
    ]
    for outcome in judge_all(loop, busy_pool, items):
        assert (outcome.status, outcome.score) == ("ok", 0.0), outcome
        (test,) = outcome.details["tests"]
        # Its own fault: stopped at the wall deadline (2 * 1 + 1 s of its own time), not
        # mistaken for a starved run, not left to run for the whole stretch.
        assert (test["verdict"], test["reason"]) == ("time_limit", "wall"), test
        assert test["time_s"] < 3.0 * busy_pool.config.max_wall_stretch, test
    assert busy_pool.stats["starved"] == 0


@pytest.mark.docker
def test_humaneval_canonical_solutions_score_one_on_a_busy_node(loop, busy_pool, cpu_hogs):
    items = [(canonical(p), spec_for(p)) for p in PROBLEMS.values()]
    outcomes = dict(zip(PROBLEMS, judge_all(loop, busy_pool, items)))
    failed = {
        task: (o.status, o.details.get("tests"), o.message)
        for task, o in outcomes.items()
        if o.status != "ok" or o.score != 1.0
    }
    assert failed == {}


@pytest.mark.docker
def test_a_starved_program_is_rerun_then_ours_never_a_zero(loop, sandbox_image, docker_client):
    # Starvation made certain: a container CPU quota of 5 % keeps a program that needs
    # 0.6 s of CPU waiting for a CPU (throttled) far past its stretched deadline.
    owner = f"reward-server-test-{uuid.uuid4().hex[:8]}"
    config = pool_config(
        sandbox_image,
        owner,
        pool_size=1,
        cpus=0.05,
        max_wall_stretch=1.5,
        starved_reruns=1,
        container_memory_mb=512,
        tmpfs_mb=64,
    )
    backend = DockerSandbox(config, client=docker_client)
    loop.run(backend.start())
    try:
        program = fenced("import time\nwhile time.process_time() < 0.6:\n    pass\nprint(1)")
        spec = CodeSpec(language="python", tests=[{"input": "", "output": "1\n"}], time_limit_s=1.0)
        outcome = loop.run(check_code(program, spec, backend))
        assert outcome.status == "error" and outcome.retryable and outcome.score is None, outcome
        assert outcome.error_type == "sandbox_error"
        assert "starved of CPU 2 times" in outcome.message
        assert backend.stats["starved"] == 2  # the first run and its one rerun
        assert backend.stats["recycled"] == 0  # the container was fine: kept
        # A sleeping program in the same starved container is still its own fault.
        sleeper = fenced("import time\ntime.sleep(600)")
        outcome = loop.run(check_code(sleeper, spec, backend))
        assert (outcome.status, outcome.score) == ("ok", 0.0)
        assert outcome.details["tests"][0]["reason"] == "wall"
    finally:
        loop.run(backend.close())
    assert owned_containers(docker_client, owner) == []


@pytest.mark.docker
def test_the_pool_runs_no_more_jobs_than_the_cpus_allow(loop, sandbox_image, docker_client):
    owner = f"reward-server-test-{uuid.uuid4().hex[:8]}"
    unset = DockerSandbox(pool_config(sandbox_image, owner, pool_size=64), client=docker_client)
    assert unset.capacity() == 64  # before start the engine's CPUs are not known: pool_size
    config = pool_config(sandbox_image, owner, pool_size=3, max_busy_cpus=1.0)
    backend = DockerSandbox(config, client=docker_client)
    loop.run(backend.start())
    try:
        assert backend.capacity() == 1
        assert backend.pool_state() == {"ready": 3, "busy": 0, "total": 3}
        seen: list[int] = []

        async def watch_and_run():
            from sandbox.types import Job, Limits, TestCase

            job = Job(
                "python", "import time\ntime.sleep(0.3)", [TestCase("")], limits=Limits(time_s=2)
            )
            runs = [asyncio.ensure_future(backend.run(job)) for _ in range(4)]
            while not all(r.done() for r in runs):
                seen.append(backend.pool_state()["busy"])
                await asyncio.sleep(0.02)
            return [await r for r in runs]

        results = loop.run(watch_and_run())
        assert all(r.error is None for r in results)
        assert max(seen) == 1
        engine_cpus = docker_client.info()["NCPU"]
        unset._engine_cpus = engine_cpus  # what start() reads from the engine
        assert unset.capacity() == engine_cpus  # (with the default cpus=1)
    finally:
        loop.run(backend.close())


# ---- the rules, without a container -------------------------------------------------------------
LIMITS = {"time_s": 1.0, "memory_mb": 256}


@pytest.mark.parametrize(
    ("killed", "sig", "cpu", "expected"),
    [
        ("starved", "SIGKILL", 0.4, ("sandbox_error", "starved")),  # ours: rerun
        ("starved", "SIGKILL", 1.2, ("time_limit", "cpu")),  # over its CPU limit anyway
        ("starved", "SIGXCPU", 1.0, ("time_limit", "cpu")),
        ("wall", "SIGKILL", 0.4, ("time_limit", "wall")),  # slept or blocked: its own
    ],
)
def test_starved_and_wall_kills(killed, sig, cpu, expected):
    assert verdict(killed, None, sig, cpu, 10, False, "", LIMITS) == expected


def test_a_starved_compiler_is_ours():
    assert compile_verdict("starved", None, "SIGKILL", 3.0, 30.0)[0] == "sandbox_error"
    assert compile_verdict("starved", None, "SIGKILL", 31.0, 30.0)[0] == "compile_error"
    assert compile_verdict("wall", None, "SIGKILL", 3.0, 30.0)[0] == "compile_error"


def write_task(proc, pid: int, tid: int, run_delay_ns: int) -> None:
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True, exist_ok=True)
    (task / "schedstat").write_text(f"123456 {run_delay_ns} 7\n")


def test_run_queue_waits_sum_every_task_but_the_runner(tmp_path):
    write_task(tmp_path, 1, 1, 9_000_000_000)  # the runner: never counted
    write_task(tmp_path, 20, 20, 1_500_000_000)
    write_task(tmp_path, 20, 21, 500_000_000)  # a thread of the test
    (tmp_path / "self").mkdir()
    waits = RunQueueWaits(1, str(tmp_path))
    assert waits.sample() == pytest.approx(2.0)
    # Task 21 ended (its last reading is kept); 22 started; 20 waited more.
    (tmp_path / "20" / "task" / "21" / "schedstat").unlink()
    write_task(tmp_path, 22, 22, 250_000_000)
    write_task(tmp_path, 20, 20, 2_000_000_000)
    assert waits.sample() == pytest.approx(2.75)
    # A new task took id 20: its small count is added to what 20 had.
    write_task(tmp_path, 20, 20, 100_000_000)
    assert waits.sample() == pytest.approx(2.85)


def test_run_queue_waits_without_schedstat_read_as_none(tmp_path):
    (tmp_path / "30" / "task" / "30").mkdir(parents=True)  # no schedstat file
    assert RunQueueWaits(1, str(tmp_path)).sample() == 0.0
    assert RunQueueWaits(1, str(tmp_path / "missing")).sample() == 0.0
