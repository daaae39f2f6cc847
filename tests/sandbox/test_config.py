"""One declaration of the sandbox's settings: sandbox.config.PoolConfig, inherited by the
server's SandboxSettings (no Docker needed)."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from reward_server.config import SandboxSettings, Settings
from reward_server.sandbox_service import limits_from_settings, pool_config
from sandbox.config import PoolConfig
from sandbox.types import Limits


def test_the_server_settings_are_a_pool_config():
    settings = SandboxSettings()
    assert isinstance(settings, PoolConfig)
    assert pool_config(settings) is settings  # nothing copied
    assert set(PoolConfig.model_fields) < set(SandboxSettings.model_fields)
    server_only = set(SandboxSettings.model_fields) - set(PoolConfig.model_fields)
    assert server_only == {
        "enabled", "pool_start_timeout_s", "max_tests", "max_source_bytes",
        "fetch_max_files", "fetch_max_bytes",
    }  # fmt: skip


def test_per_test_defaults_come_from_limits():
    assert PoolConfig().test_limits() == Limits()
    assert limits_from_settings(SandboxSettings()) == Limits()


def test_every_pool_field_is_an_environment_variable(monkeypatch):
    values = {
        "image": ("img:1", "img:1"),
        "pool_size": ("3", 3),
        "uid_base": ("70000", 70000),
        "reap_foreign_running": ("true", True),
        "container_start_timeout_s": ("12.5", 12.5),
        "output_limit_bytes": ("4096", 4096),
        "compile_time_s": ("7", 7.0),
        "python_mode": ("exec", "exec"),
    }
    for name, (text, _) in values.items():
        monkeypatch.setenv(f"REWARD_SANDBOX__{name.upper()}", text)
    sandbox = Settings().sandbox
    assert {name: getattr(sandbox, name) for name in values} == {
        name: value for name, (_, value) in values.items()
    }
    limits = sandbox.test_limits()
    assert (limits.output_bytes, limits.compile_time_s) == (4096, 7.0)


def test_the_two_start_timeouts_are_two_settings(monkeypatch):
    defaults = SandboxSettings()
    assert (defaults.pool_start_timeout_s, defaults.container_start_timeout_s) == (120.0, 30.0)
    monkeypatch.setenv("REWARD_SANDBOX__START_TIMEOUT_S", "45")  # its former name still works
    assert Settings().sandbox.pool_start_timeout_s == 45.0
    monkeypatch.setenv("REWARD_SANDBOX__POOL_START_TIMEOUT_S", "50")  # the new name wins
    assert Settings().sandbox.pool_start_timeout_s == 50.0
    assert Settings().sandbox.container_start_timeout_s == 30.0


def test_unknown_sandbox_variables_are_ignored_like_every_other(monkeypatch):
    monkeypatch.setenv("REWARD_SANDBOX__NO_SUCH_SETTING", "1")
    assert Settings().sandbox.enabled is True


def test_settings_are_validated_and_frozen():
    with pytest.raises(ValidationError):
        PoolConfig(pool_size=0)
    with pytest.raises(ValidationError):
        PoolConfig(no_such_field=1)  # type: ignore[call-arg]
    config = PoolConfig(pool_size=2)
    with pytest.raises(ValidationError):
        config.pool_size = 3  # type: ignore[misc]
    changed = config.with_changes(pool_size=5, job_slack_s=0.0)
    assert (changed.pool_size, changed.job_slack_s, config.pool_size) == (5, 0.0, 2)
    with pytest.raises(ValidationError):
        config.with_changes(cpus=0)
    settings = SandboxSettings(pool_start_timeout_s=5).with_changes(pool_size=4)
    assert isinstance(settings, SandboxSettings) and settings.pool_start_timeout_s == 5


def test_pool_config_keeps_its_old_import_path():
    from sandbox.types import PoolConfig as Old

    assert Old is PoolConfig


def test_limits_are_still_a_dataclass_the_verifier_can_replace():
    assert dataclasses.replace(Limits(), time_s=3.0).time_s == 3.0
