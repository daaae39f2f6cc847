"""Everything the Docker backend can be told: the one declaration of the sandbox's settings.

:class:`PoolConfig` is the source: the server's ``SandboxSettings`` inherits its fields
(each is a ``REWARD_SANDBOX__<FIELD>`` variable, see ``docs/settings.md``) and adds only
what the server itself decides (whether the sandbox is on, how long it waits for the pool,
how many tests an item may have).  The per-test defaults take their default values from
:class:`~sandbox.types.Limits`, so a default is written once.
"""

from __future__ import annotations

import os
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from sandbox.types import Limits, PythonMode

_LIMITS = Limits()


def _default_pool_size() -> int:
    # One container more than the cores.  Jobs at once are bounded by the node's CPUs
    # (``max_busy_cpus``), so the extra one is a warm spare that hides a recycle; letting
    # it run a job too (max_busy_cpus = cores + 1) keeps the cores busy during round trips
    # (1-test jobs on 2 cores: 461/s with 2 at once, 503/s with 3, measured together) at
    # the price of jobs waiting for CPUs inside their containers.
    return (os.cpu_count() or 1) + 1


class PoolConfig(BaseModel):
    """The warm pool, its containers, and the limits every test starts from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # ---- the pool ------------------------------------------------------------------------
    image: str = Field("reward-server-sandbox:latest", description="Image the pool runs.")
    pool_size: int = Field(
        default_factory=_default_pool_size, ge=1, description="Warm containers (cores + 1)."
    )
    max_jobs_per_container: int = Field(
        500, ge=1, description="Recycle a container after this many jobs."
    )
    owner: str = Field(
        "reward-server", description="Owner label of the pool's containers (the reaper's scope)."
    )
    reap_interval_s: float = Field(
        60.0, gt=0, description="How often containers the pool does not track are removed."
    )
    reap_foreign_running: bool = Field(
        False, description="Start-up also removes other live servers' containers of the owner."
    )
    container_start_timeout_s: float = Field(
        30.0, gt=0, description="A new container must answer its first ping within this."
    )
    job_slack_s: float = Field(
        10.0, ge=0, description="Host-side deadline slack on top of a job's own limits."
    )
    python_mode: PythonMode = Field(
        "fork", description="fork: from a warm interpreter; exec: a fresh python3 per test."
    )
    docker_url: str | None = Field(
        None, description="Engine URL; default DOCKER_HOST or the local socket."
    )
    engine_retry_max_s: float = Field(
        30.0,
        gt=0,
        description="Longest wait between tries to reach the engine or start a container.",
    )

    # ---- load: verdicts that do not depend on how busy the node is --------------------------
    max_busy_cpus: float | None = Field(
        None,
        gt=0,
        description="CPUs the pool's jobs may keep busy at once (jobs at once = this / cpus, "
        "at most pool_size); unset: the engine's CPU count.",
    )
    max_wall_stretch: float = Field(
        5.0,
        ge=1.0,
        description="A test's wall deadline stretches by the time it waits for a CPU, up to "
        "this factor.",
    )
    starved_reruns: int = Field(
        2, ge=0, description="Reruns of a job starved of CPU by the node's load, then an error."
    )

    # ---- one container -------------------------------------------------------------------
    container_memory_mb: int = Field(
        2048, ge=64, description="Memory (= memory + swap) of one container."
    )
    cpus: float = Field(1.0, gt=0, description="CPU share of one container.")
    pids_limit: int = Field(256, ge=8, description="Processes and threads in one container.")
    tmpfs_mb: int = Field(256, ge=1, description="Size of the writable work directory (/tmp).")
    shm_mb: int = Field(16, ge=1, description="Size of /dev/shm.")
    uid_base: int = Field(
        61000, ge=1, description="First of the 4096 uids the containers run as, one each."
    )

    # ---- the limits of one test ------------------------------------------------------------
    max_time_s: float = Field(60.0, gt=0, description="Cap on a job's CPU time limit.")
    max_memory_mb: int = Field(4096, ge=16, description="Cap on a job's memory limit.")
    output_limit_bytes: int = Field(
        _LIMITS.output_bytes, ge=1024, description="stdout + stderr of one test."
    )
    stderr_limit_bytes: int = Field(
        _LIMITS.stderr_bytes, ge=256, description="stderr kept for details."
    )
    processes: int = Field(_LIMITS.processes, ge=1, description="RLIMIT_NPROC of a test.")
    file_size_mb: int = Field(_LIMITS.file_size_mb, ge=1, description="RLIMIT_FSIZE of a test.")
    open_files: int = Field(_LIMITS.open_files, ge=16, description="RLIMIT_NOFILE of a test.")
    compile_time_s: float = Field(
        _LIMITS.compile_time_s, gt=0, description="Time limit of the compile step."
    )
    compile_memory_mb: int = Field(
        _LIMITS.compile_memory_mb, ge=64, description="Memory limit of the compile step."
    )

    def test_limits(self) -> Limits:
        """The limits a test starts from; a job sets its own time and memory limits."""
        return Limits(
            output_bytes=self.output_limit_bytes,
            stderr_bytes=self.stderr_limit_bytes,
            processes=self.processes,
            file_size_mb=self.file_size_mb,
            open_files=self.open_files,
            compile_time_s=self.compile_time_s,
            compile_memory_mb=self.compile_memory_mb,
        )

    def with_changes(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, validated like the original."""
        return self.model_validate(self.model_dump() | changes)
