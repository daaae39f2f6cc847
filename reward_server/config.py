"""Server settings, read from ``REWARD_``-prefixed environment variables.

Nested sections use ``__``: ``REWARD_WEIGHTS__FORMAT=0.5``, ``REWARD_SANDBOX__POOL_SIZE=4``.
Settings are built once by the caller (CLI or test) and passed into ``create_app``;
nothing reads the environment at import time.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sandbox.config import PoolConfig

#: A weight from the environment (text, so not strict), finite and bounded like the wire's.
Weight = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]


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
    fetch_max_files: int = Field(
        16, ge=0, description="Files one /run_code may ask back (SandboxFusion's fetch_files)."
    )
    fetch_max_bytes: int = Field(
        8 * 2**20, ge=0, description="Bytes of the files one /run_code returns, together."
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
        2.0, gt=0, allow_inf_nan=False, description="Hard deadline of one item's CPU verification."
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
    openrlhf_failed_reward: float | None = Field(
        None,
        ge=-1e6,
        le=1e6,
        allow_inf_nan=False,
        description=(
            "Opt-in reward sent to OpenRLHF (which has no null) for an item we could not "
            "score; unset, such a request is answered 503 (retryable) or 422 instead."
        ),
    )

    # ---- operating under load (docs/operations.md) ----------------------------------------
    max_pending_items: int | None = Field(
        None,
        ge=1,
        description=(
            "Items in flight and queued together; past it a request gets 429. Default: "
            "64 per worker and sandbox container, and never under max_items."
        ),
    )
    item_budget_s: float = Field(
        60.0,
        gt=0,
        allow_inf_nan=False,
        description="Cap on the wall time one item may hold the sandbox (all its tests).",
    )
    default_deadline_s: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="Deadline of a request that names none (unset: none).",
    )
    max_deadline_s: float = Field(
        3600.0, gt=0, allow_inf_nan=False, description="Largest deadline a request may ask for."
    )
    drain_timeout_s: float = Field(
        30.0,
        ge=0,
        allow_inf_nan=False,
        description="On SIGTERM, how long requests in flight may take to finish.",
    )
    header_timeout_s: float = Field(
        10.0, gt=0, allow_inf_nan=False, description="Time to send a request's headers."
    )
    body_timeout_s: float = Field(
        60.0, gt=0, allow_inf_nan=False, description="Time to send a request's body."
    )
    keep_alive_timeout_s: float = Field(
        5.0, gt=0, allow_inf_nan=False, description="Idle keep-alive connections close after it."
    )
    max_connections: int = Field(
        1000, ge=1, description="Open connections; more are closed at once (503)."
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="json: one JSON object per line."
    )
    log_level: str = Field("info", description="debug, info, warning or error.")
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Serve /metrics on this port (no API key) instead of the main port.",
    )

    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)

    def pending_items_limit(self) -> int:
        """The admission bound: the setting, or sized from the worker and sandbox pools."""
        if self.max_pending_items is not None:
            return max(self.max_pending_items, 1)
        slots = self.workers + (self.sandbox.pool_size if self.sandbox.enabled else 0)
        return max(self.max_items, 64 * slots)
