"""Fault drills against a real server process under a steady load (shortened for CI).

``scripts/fault-drill`` runs the same drills at full length and prints their figures.
"""

from __future__ import annotations

import pytest

from tests.support import drills

pytestmark = pytest.mark.slow


def _check(result: drills.DrillResult) -> None:
    print("\n".join(result.lines()))
    assert result.problems == [], "\n".join(result.lines())


def test_kill_one_verifier_worker():
    _check(drills.worker_kill(duration_s=6))


def test_kill_the_server_and_restart_it():
    _check(drills.server_kill(before_s=3, after_s=3))


def test_sigterm_during_load_drops_nothing_in_flight():
    _check(drills.sigterm(before_s=3))


def test_twice_the_capacity():
    _check(drills.overload(duration_s=10))


@pytest.mark.docker
def test_kill_one_sandbox_container_mid_job():
    _check(drills.container_kill(duration_s=8))


@pytest.mark.docker
def test_sigterm_removes_the_sandbox_containers_and_exits_0():
    import uuid

    owner = f"drill-{uuid.uuid4().hex[:8]}"
    server = drills._code_server(owner, pool=2).start()
    try:
        assert len(drills._owned_containers(owner)) == 2
        assert server.terminate(timeout=120) == 0
        assert drills._owned_containers(owner) == []
    finally:
        server.stop()
