"""Replica sizing and settings transport, without a cluster; the package imports no Ray."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from reward_server.config import Settings
from reward_server.ray.options import (
    MIN_ONGOING_REQUESTS,
    ServeOptions,
    deployment_options,
    parse_autoscale,
    replica_capacity,
    settings_env,
)

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_package_imports_no_ray():
    code = (
        "import sys\n"
        "import reward_server.ray, reward_server.ray.options, reward_server.ray.cluster\n"
        "import reward_server.ray.data_plan\n"
        "import reward_server.cli\n"
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


def _rebuilt(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key in [k for k in __import__("os").environ if k.startswith("REWARD_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_settings_travel_through_environment_variables(monkeypatch):
    settings = Settings(
        workers=3,
        api_key="s3cret with spaces",
        max_items=7,
        item_deadline_s=1.5,
        default_preset="r1-zero",
        weights={"format": 0.25, "accuracy": 2, "shaping_len": 0.5},
        sandbox={"pool_size": 2, "python_mode": "exec", "docker_url": "unix:///x.sock"},
    )
    env = settings_env(settings)
    assert env["REWARD_WORKERS"] == "3"
    assert env["REWARD_SANDBOX__POOL_SIZE"] == "2"
    assert env["REWARD_API_KEY"] == "s3cret with spaces"
    assert _rebuilt(env, monkeypatch) == settings


def test_defaults_from_the_machine_are_fixed_by_the_deploying_process(monkeypatch):
    settings = Settings()
    env = settings_env(settings)
    assert env["REWARD_WORKERS"] == str(settings.workers)
    assert "REWARD_API_KEY" not in env  # unset stays unset
    assert _rebuilt(env, monkeypatch) == settings


def test_replica_asks_for_a_cpu_per_worker_and_docker_only_for_code():
    options = deployment_options(Settings(workers=3), ServeOptions(replicas=2))
    actor = options["ray_actor_options"]
    assert actor["num_cpus"] == 3
    assert actor["resources"] == {"docker": 0.01}
    assert actor["runtime_env"]["env_vars"]["REWARD_WORKERS"] == "3"
    assert options["num_replicas"] == 2 and "autoscaling_config" not in options
    assert options["backpressure_config"] == {"status_code": 503, "retry_after_s": 1.0}

    no_code = deployment_options(
        Settings(workers=1, sandbox={"enabled": False}), ServeOptions(docker_resource="gpu-free")
    )
    assert "resources" not in no_code["ray_actor_options"]
    unconstrained = deployment_options(Settings(workers=1), ServeOptions(docker_resource=""))
    assert "resources" not in unconstrained["ray_actor_options"]


def test_replica_capacity_is_well_above_serves_default():
    small = Settings(workers=1, sandbox={"enabled": False})
    assert replica_capacity(small) == MIN_ONGOING_REQUESTS
    big = Settings(workers=32, sandbox={"pool_size": 33})
    assert replica_capacity(big) == 4 * 65
    given = deployment_options(big, ServeOptions(max_ongoing_requests=9))
    assert given["max_ongoing_requests"] == 9


def test_autoscaling_options():
    options = deployment_options(Settings(workers=1), ServeOptions(min_replicas=1, max_replicas=4))
    assert "num_replicas" not in options
    assert options["autoscaling_config"]["min_replicas"] == 1
    assert options["autoscaling_config"]["max_replicas"] == 4
    assert parse_autoscale("0:3") == (0, 3)
    for bad in ("3", "a:b", "3:1", "-1:2", "0:0"):
        with pytest.raises(ValueError):
            parse_autoscale(bad)
    with pytest.raises(ValidationError):
        ServeOptions(min_replicas=1)
    with pytest.raises(ValidationError):
        ServeOptions(min_replicas=3, max_replicas=2)


def test_options_come_from_reward_ray_variables(monkeypatch):
    monkeypatch.setenv("REWARD_RAY_MAX_QUEUED_REQUESTS", "9")
    monkeypatch.setenv("REWARD_RAY_DOCKER_RESOURCE", "sandbox-node")
    options = ServeOptions()
    assert options.max_queued_requests == 9 and options.docker_resource == "sandbox-node"
    with pytest.raises(ValidationError):
        ServeOptions(replica=2)  # type: ignore[call-arg]  # a typo in a config file's args


def test_ray_serve_refuses_contradictory_options_before_touching_ray():
    from typer.testing import CliRunner

    from reward_server.cli import app

    runner = CliRunner()
    both = runner.invoke(app, ["ray", "serve", "--replicas", "2", "--autoscale", "1:3"])
    assert both.exit_code == 2 and "not both" in both.output
    bad = runner.invoke(app, ["ray", "serve", "--autoscale", "3:1"])
    assert bad.exit_code == 2 and "MIN <= MAX" in bad.output
