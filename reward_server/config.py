"""Server settings, read from ``REWARD_``-prefixed environment variables.

Nested sections use ``__``: ``REWARD_WEIGHTS__FORMAT=0.5``, ``REWARD_SANDBOX__POOL_SIZE=4``.
Settings are built once by the caller (CLI or test) and passed into ``create_app``;
nothing reads the environment at import time.
"""

from __future__ import annotations

import os

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sandbox.config import PoolConfig


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class WeightSettings(BaseModel):
    """Server-wide default weight of each component."""

    accuracy: float = 1.0
    format: float = 1.0
    language: float = 1.0


class SandboxSettings(PoolConfig):
    """The code sandbox (Docker): the pool's own settings, declared once in
    ``sandbox.config.PoolConfig`` and inherited here, plus what the server decides.
    See docs/sandbox.md for what each limit guards against."""

    # As every section, unknown variables are ignored; a field is also set by its own name.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    enabled: bool = True
    pool_start_timeout_s: float = Field(
        default=120.0,
        gt=0,
        # REWARD_SANDBOX__START_TIMEOUT_S, its name before the container's own start check
        # got one (container_start_timeout_s), is still read.
        validation_alias=AliasChoices("pool_start_timeout_s", "start_timeout_s"),
        description="How long code items wait for the whole pool to start.",
    )
    max_tests: int = Field(256, ge=1, description="Tests per item.")
    max_source_bytes: int = Field(256 * 1024, ge=1, description="Program size for /v1/run.")


class Settings(BaseSettings):
    """Every limit the server enforces is one of these."""

    model_config = SettingsConfigDict(
        env_prefix="REWARD_", env_nested_delimiter="__", extra="ignore"
    )

    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str | None = Field(
        None, description="If set, requests need `Authorization: Bearer <key>`."
    )

    max_body_bytes: int = Field(32 * 1024 * 1024, ge=1024)
    max_items: int = Field(1024, ge=1, description="Items per /v1/score request.")
    max_completion_chars: int = Field(200_000, ge=1)
    max_answer_chars: int = Field(20_000, ge=1)

    workers: int = Field(
        default_factory=_default_workers, ge=1, description="CPU verifier processes."
    )
    item_deadline_s: float = Field(
        2.0, gt=0, description="Hard deadline of one item's CPU verification."
    )
    worker_memory_mb: int = Field(
        2048, ge=256, description="Address-space cap of a worker process."
    )
    worker_max_tasks: int = Field(
        10_000, ge=0, description="Recycle a worker after this many items (0: never)."
    )

    weights: WeightSettings = Field(default_factory=WeightSettings)
    default_preset: str | None = None
    openrlhf_failed_reward: float = Field(
        0.0,
        description="Reward sent to OpenRLHF (which has no null) for an item we could not score.",
    )
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
