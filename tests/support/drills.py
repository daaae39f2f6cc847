"""Fault drills against a real server process under a steady load of groups.

Each drill starts a server (``ServerProcess``), scores the load's templates once on it
while quiet, runs the load, injects one fault, and returns a :class:`DrillResult`: the
facts (counts, recovery times) and the problems found.  The same functions run shortened
in CI (``tests/ops/test_fault_drills.py``) and at full length for operators
(``scripts/fault-drill``).  What every drill demands: no answer other than the ones the
fault explains, the affected items ``error``/``timeout`` with ``retryable: true``, every
other item exactly its quiet reward (no silent 0.0).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from trainer_client import RewardClient
from trainer_client.retry import RetryPolicy

from .load import SteadyLoad, baseline, judge, percentile, scrape, templates
from .server_process import ServerProcess, pids_in_group


@dataclass
class DrillResult:
    name: str
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def lines(self) -> list[str]:
        status = "PASS" if not self.problems else "FAIL"
        out = [f"[{status}] {self.name}"]
        out += [f"    {k}: {v}" for k, v in self.facts.items()]
        out += [f"    problem: {p}" for p in self.problems]
        return out


def wait_until(predicate, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until ``predicate()`` held, or None if it did not within ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if predicate():
            return time.monotonic() - began
        time.sleep(step)
    return None


def _load_facts(result: DrillResult, records, expected) -> None:
    verdict = judge(records, expected)
    codes = Counter(r.code if r.code is not None else r.failure for r in records)
    result.facts.update(
        requests=len(records),
        answers=dict(codes),
        items_ok=verdict.ok,
        items_affected=dict(verdict.retryable + verdict.not_retryable),
    )
    result.expect(verdict.wrong == 0, f"{verdict.wrong} ok items with a reward off the baseline")
    result.expect(
        not verdict.not_retryable, f"non-retryable failures: {dict(verdict.not_retryable)}"
    )


def worker_kill(duration_s: float = 6.0, workers: int = 2, clients: int = 3) -> DrillResult:
    """kill -9 one verifier worker under load: at most its item fails, retryably."""
    result = DrillResult("kill -9 one verifier worker")
    with ServerProcess(workers=workers) as server:
        groups = templates()
        expected = baseline(server.url, groups)
        load = SteadyLoad(server.url, groups, clients).start()
        time.sleep(duration_s / 3)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        recovered = wait_until(
            lambda: victim not in (pids := server.worker_pids()) and len(pids) == workers, 120
        )
        time.sleep(duration_s * 2 / 3)
        records = load.stop()
        ready = httpx.get(f"{server.url}/readyz", timeout=10).status_code
    _load_facts(result, records, expected)
    verdict = judge(records, expected)
    result.facts["worker_replaced_s"] = None if recovered is None else round(recovered, 2)
    result.expect(recovered is not None, "the killed worker was not replaced")
    result.expect(all(r.code == 200 for r in records), "an answer other than 200")
    result.expect(verdict.affected <= 1, f"{verdict.affected} items affected, at most 1 expected")
    result.expect(
        set(verdict.retryable) <= {"error:worker_crashed"}, f"failures: {dict(verdict.retryable)}"
    )
    result.expect(ready == 200, f"/readyz {ready} after the drill")
    return result


def _trainer(url: str, groups, expected, stop: threading.Event, out: dict[str, Any]) -> None:
    """A trainer thread: RewardClient with patient retries; counts what it lost."""
    policy = RetryPolicy(retries=200, backoff_max_s=1.0, retry_after_max_s=5.0)
    k = 0
    with RewardClient(url, retry=policy, timeout_s=120) as client:
        while not stop.is_set():
            template = k % len(groups)
            k += 1
            began = time.monotonic()
            results = client.score(groups[template])
            out.setdefault("latency", []).append(time.monotonic() - began)
            for res, reward in zip(results, expected[template], strict=True):
                if res.status != "ok":
                    out["lost"] = out.get("lost", 0) + 1
                elif res.reward != reward:
                    out["wrong"] = out.get("wrong", 0) + 1
                else:
                    out["ok"] = out.get("ok", 0) + 1


def server_kill(before_s: float = 3.0, after_s: float = 3.0, clients: int = 2) -> DrillResult:
    """kill -9 the server process under load, start it again on the same port."""
    result = DrillResult("kill -9 the server, restart it")
    server = ServerProcess(workers=2)
    try:
        server.start()
        groups = templates()
        expected = baseline(server.url, groups)
        stop = threading.Event()
        trainers = [dict[str, Any]() for _ in range(clients)]
        threads = [
            threading.Thread(target=_trainer, args=(server.url, groups, expected, stop, t))
            for t in trainers
        ]
        for thread in threads:
            thread.start()
        time.sleep(before_s)
        group = server.pgid
        assert group is not None
        server.kill_server_only()
        left = wait_until(lambda: not pids_in_group(group), 15)
        result.facts["old_processes_gone_s"] = None if left is None else round(left, 2)
        result.expect(left is not None, f"processes left behind: {pids_in_group(group)}")
        began = time.monotonic()
        server.start()
        result.facts["ready_again_s"] = round(time.monotonic() - began, 2)
        time.sleep(after_s)
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.stop()
    lost = sum(t.get("lost", 0) for t in trainers)
    wrong = sum(t.get("wrong", 0) for t in trainers)
    result.facts.update(items_ok=sum(t.get("ok", 0) for t in trainers), items_lost=lost)
    result.expect(lost == 0, f"{lost} items lost by the trainers after their retries")
    result.expect(wrong == 0, f"{wrong} items with a reward off the baseline")
    return result


def sigterm(before_s: float = 3.0, clients: int = 3, drain_timeout_s: float = 60) -> DrillResult:
    """SIGTERM under load: requests in flight finish, new ones get 503, exit code 0."""
    result = DrillResult("SIGTERM during load")
    env = {"REWARD_DRAIN_TIMEOUT_S": str(drain_timeout_s)}
    with ServerProcess(workers=2, extra_env=env) as server:
        groups = templates()
        expected = baseline(server.url, groups)
        load = SteadyLoad(server.url, groups, clients).start()
        time.sleep(before_s)
        group = server.pgid
        assert group is not None
        term_at = time.monotonic()
        code = server.terminate(timeout=drain_timeout_s + 60)
        result.facts["drain_and_exit_s"] = round(time.monotonic() - term_at, 2)
        records = load.stop()
        left = wait_until(lambda: not pids_in_group(group), 15)
    in_flight = [r for r in records if r.sent_at < term_at]
    later = [r for r in records if r.sent_at >= term_at]
    dropped = [r for r in in_flight if r.code != 200]
    result.facts.update(
        exit_code=code,
        in_flight_at_sigterm=sum(1 for r in in_flight if r.done_at > term_at),
        dropped=len(dropped),
        after_sigterm=dict(Counter(r.code or r.failure for r in later)),
    )
    _load_facts(result, records, expected)
    result.expect(code == 0, f"exit code {code}")
    result.expect(
        not dropped,
        f"requests in flight not answered 200: {[r.code or r.failure for r in dropped]}",
    )
    # After the signal: 503 (draining), refused connections once it stopped listening,
    # or a 200 for a request that arrived before the drain began (it is checked every 0.1 s).
    bad_later = [r for r in later if r.code not in (200, 503, None)]
    result.expect(not bad_later, f"answers after SIGTERM: {Counter(r.code for r in bad_later)}")
    result.expect(left is not None, f"processes left behind: {pids_in_group(group)}")
    return result


def _process_figures(pid: int) -> tuple[float, int]:
    import psutil

    proc = psutil.Process(pid)
    return proc.memory_info().rss / 2**20, proc.num_fds()


def overload(duration_s: float = 10.0, clients: int = 8, bound: int = 64) -> DrillResult:
    """Twice the capacity: only 200s and 429s, nothing lost after retries, RSS and fds flat."""
    result = DrillResult(f"twice the capacity for {duration_s:g} s")
    env = {"REWARD_MAX_PENDING_ITEMS": str(bound)}
    with ServerProcess(workers=2, extra_env=env) as server:
        groups = templates()
        expected = baseline(server.url, groups)
        rss0, fds0 = _process_figures(server.pid)
        stop = threading.Event()
        trainers = [dict[str, Any]() for _ in range(clients)]
        threads = [
            threading.Thread(target=_trainer, args=(server.url, groups, expected, stop, t))
            for t in trainers
        ]
        for thread in threads:
            thread.start()
        time.sleep(duration_s)
        stop.set()
        for thread in threads:
            thread.join(timeout=600)
        time.sleep(6)  # keep-alive connections close (REWARD_KEEP_ALIVE_TIMEOUT_S)
        rss1, fds1 = _process_figures(server.pid)
        metrics = scrape(server.url)
    codes = {
        name.split('code="')[1].split('"')[0]: int(value)
        for name, value in metrics.items()
        if name.startswith("reward_requests_total{") and 'route="/v1/score"' in name
    }
    latency = [x for t in trainers for x in t.get("latency", [])]
    lost = sum(t.get("lost", 0) for t in trainers)
    wrong = sum(t.get("wrong", 0) for t in trainers)
    result.facts.update(
        groups_scored=len(latency),
        answers=codes,
        group_p50_s=round(percentile(latency, 0.5), 2),
        group_p99_s=round(percentile(latency, 0.99), 2),
        rss_mb=f"{rss0:.0f} -> {rss1:.0f}",
        fds=f"{fds0} -> {fds1}",
    )
    result.expect(set(codes) <= {"200", "429"}, f"answers other than 200 and 429: {codes}")
    result.expect(codes.get("429", 0) > 0, "never at capacity: the drill did not overload")
    result.expect(lost == 0, f"{lost} items lost after the client's retries")
    result.expect(wrong == 0, f"{wrong} items with a reward off the baseline")
    result.expect(rss1 - rss0 < 150, f"RSS grew by {rss1 - rss0:.0f} MB")
    result.expect(fds1 - fds0 <= 8, f"file descriptors grew from {fds0} to {fds1}")
    return result


def _code_server(owner: str, pool: int = 2) -> ServerProcess:
    env = {
        "REWARD_SANDBOX__ENABLED": "true",
        "REWARD_SANDBOX__OWNER": owner,
        "REWARD_SANDBOX__POOL_SIZE": str(pool),
    }
    return ServerProcess(workers=1, extra_env=env)


def _owned_containers(owner: str) -> list[Any]:
    import docker

    from sandbox.docker import LABEL_OWNER

    client = docker.from_env()
    # sparse: no inspect per container, which races with AutoRemove (NotFound mid-list)
    return client.containers.list(
        all=True, sparse=True, filters={"label": f"{LABEL_OWNER}={owner}"}
    )


def container_kill(duration_s: float = 8.0, clients: int = 2, pool: int = 2) -> DrillResult:
    """kill -9 one sandbox container mid-job: at most its item fails, retryably; the pool refills."""
    import uuid

    result = DrillResult("kill -9 one sandbox container mid-job")
    owner = f"drill-{uuid.uuid4().hex[:8]}"
    with _code_server(owner, pool) as server:
        groups = [slow_code_group(), *templates(n=2)]
        expected = baseline(server.url, groups)
        load = SteadyLoad(server.url, groups, clients).start()
        time.sleep(duration_s / 3)
        victim = _owned_containers(owner)[0]
        victim.kill(signal="SIGKILL")
        refilled = wait_until(
            lambda: (
                victim.id not in {c.id for c in _owned_containers(owner)}
                and len(_owned_containers(owner)) == pool
            ),
            60,
            step=0.5,
        )
        time.sleep(duration_s * 2 / 3)
        records = load.stop()
        metrics = scrape(server.url)
    _load_facts(result, records, expected)
    verdict = judge(records, expected)
    result.facts["container_replaced_s"] = None if refilled is None else round(refilled, 2)
    result.facts["recycled"] = metrics.get("reward_sandbox_recycled_total")
    result.expect(refilled is not None, "the pool did not replace the killed container")
    result.expect(all(r.code == 200 for r in records), "an answer other than 200")
    result.expect(verdict.affected <= 1, f"{verdict.affected} items affected, at most 1 expected")
    result.expect(
        set(verdict.retryable) <= {"error:sandbox_error"}, f"failures: {dict(verdict.retryable)}"
    )
    return result


def slow_code_group() -> list[dict[str, Any]]:
    """Code items whose program takes half a second of wall time: containers are busy."""
    program = (
        "```python\nimport time\ntime.sleep(0.5)\n"
        "a, b = map(int, input().split())\nprint(a + b)\n```"
    )
    tests = [{"input": "2 3\n", "output": "5\n"}]
    return [
        {
            "id": f"slow-{i}",
            "completion": f"<think>Add.</think>\n{program}",
            "task": "code",
            "code": {"language": "python", "tests": tests},
        }
        for i in range(4)
    ]


def docker_restart(restart: str = "systemctl restart docker", after_s: float = 30.0) -> DrillResult:
    """Restart the Docker engine under code load (every container on it is lost).

    Code items caught by the restart must be retryable errors, never 0.0; the time until
    code scoring works again is measured.  Run only where restarting the engine is yours
    to do (``scripts/fault-drill --docker-restart``)."""
    import shlex
    import subprocess
    import uuid

    result = DrillResult("restart the Docker engine under load")
    owner = f"drill-{uuid.uuid4().hex[:8]}"
    with _code_server(owner) as server:
        groups = [templates(code=True)[-1], *templates(n=2)]
        expected = baseline(server.url, groups)
        load = SteadyLoad(server.url, groups, 2).start()
        time.sleep(5)
        began = time.monotonic()
        subprocess.run(shlex.split(restart), check=True)
        back = wait_until(
            lambda: httpx.get(f"{server.url}/readyz", timeout=10).status_code == 200, 300, 1.0
        )
        result.facts["ready_again_s"] = None if back is None else round(time.monotonic() - began, 1)
        time.sleep(after_s)
        records = load.stop()
        probe = httpx.post(
            f"{server.url}/v1/score", json={"items": groups[0][:2]}, timeout=120
        ).json()["results"]
    _load_facts(result, records, expected)
    result.expect(back is not None, "code scoring did not come back after the engine restart")
    result.expect(all(r["status"] == "ok" for r in probe), f"after the restart: {probe[0]}")
    return result


DRILLS = {
    "worker": worker_kill,
    "server": server_kill,
    "sigterm": sigterm,
    "overload": overload,
}
