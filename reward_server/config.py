"""Server settings, read from ``REWARD_``-prefixed environment variables.

Nested sections use ``__``: ``REWARD_WEIGHTS__FORMAT=0.5``, ``REWARD_SANDBOX__POOL_SIZE=4``.
Settings are built once by the caller (CLI or test) and passed into ``create_app``;
nothing reads the environment at import time.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .schemas import Weight


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class WeightSettings(BaseModel):
    """Server-wide default weight of each component (``REWARD_WEIGHTS__<COMPONENT>``);
    components not named here take their verifier's default (0 for shaping terms)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Weight]

    accuracy: Weight = 1.0
    format: Weight = 1.0
    language: Weight = 1.0


class ShapingSettings(BaseModel):
    """Server defaults of the shaping components' options (an item's ``shaping`` wins)."""

    tokenizer: str | None = Field(
        None,
        description="Tokenizer that counts completion tokens when an item gives no "
        "`completion_tokens`: a tokenizer.json path or a local transformers model; "
        "without one, ceil(UTF-8 bytes / 4).",
    )
    max_tokens: int = Field(20480, ge=1, description="DAPO: maximum length L_max (tokens).")
    overlong_buffer: int = Field(4096, ge=1, description="DAPO: soft overlong buffer L_cache.")
    cosine_max_len: int = Field(1000, ge=1, description="Cosine-scaled reward: full-cycle length.")
    cosine_min_value_wrong: float = Field(-1.0, ge=-1, le=1)
    cosine_max_value_wrong: float = Field(-0.5, ge=-1, le=1)
    cosine_min_value_correct: float = Field(0.5, ge=-1, le=1)
    cosine_max_value_correct: float = Field(1.0, ge=-1, le=1)
    repetition_ngram: int = Field(3, ge=1, le=64)
    repetition_max_penalty: float = Field(-1.0, ge=-1, le=0)
    repetition_scope: Literal["completion", "answer"] = "completion"


class SandboxSettings(BaseModel):
    """The code sandbox (Docker). See docs/sandbox.md for what each limit guards against."""

    enabled: bool = True
    image: str = "reward-server-sandbox:latest"
    pool_size: int = Field(
        default_factory=lambda: _default_workers() + 1,
        ge=1,
        description="Warm containers (cores + 1).",
    )
    max_jobs_per_container: int = Field(
        500, ge=1, description="Recycle a container after this many jobs."
    )
    container_memory_mb: int = Field(
        2048, ge=64, description="Memory (= memory + swap) of one container."
    )
    cpus: float = Field(1.0, gt=0, description="CPU share of one container.")
    pids_limit: int = Field(256, ge=8, description="Processes and threads in one container.")
    tmpfs_mb: int = Field(256, ge=1, description="Size of the writable work directory (/tmp).")
    shm_mb: int = Field(16, ge=1)
    max_time_s: float = Field(60.0, gt=0, description="Cap on an item's time_limit_s.")
    max_memory_mb: int = Field(4096, ge=16, description="Cap on an item's memory_limit_mb.")
    output_limit_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="stdout+stderr of one test."
    )
    stderr_limit_bytes: int = Field(64 * 1024, ge=256, description="stderr kept for details.")
    processes: int = Field(64, ge=1, description="RLIMIT_NPROC of a test.")
    file_size_mb: int = Field(64, ge=1, description="RLIMIT_FSIZE of a test.")
    open_files: int = Field(256, ge=16)
    compile_time_s: float = Field(30.0, gt=0)
    compile_memory_mb: int = Field(1024, ge=64)
    max_tests: int = Field(256, ge=1, description="Tests per item.")
    max_source_bytes: int = Field(256 * 1024, ge=1, description="Program size for /v1/run.")
    job_slack_s: float = Field(
        10.0, gt=0, description="Server-side deadline slack on top of a job's limits."
    )
    python_mode: Literal["fork", "exec"] = Field(
        "fork", description="fork: from a warm interpreter; exec: fresh python3."
    )
    reap_interval_s: float = Field(
        60.0, gt=0, description="How often stray containers are removed."
    )
    start_timeout_s: float = Field(120.0, gt=0)
    owner: str = Field(
        "reward-server", description="Owner label of the pool's containers (the reaper's scope)."
    )
    docker_url: str | None = Field(
        None, description="Engine URL; default DOCKER_HOST or the local socket."
    )


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
    shaping: ShapingSettings = Field(default_factory=ShapingSettings)
    plugins: bool = Field(
        True, description="Load verifier plugins (entry points in `reward_server.verifiers`)."
    )
    default_preset: str | None = None
    openrlhf_failed_reward: float = Field(
        0.0,
        description="Reward sent to OpenRLHF (which has no null) for an item we could not score.",
    )
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
