"""How a Serve replica is sized and configured, from the server's settings. No Ray import.

A replica is one copy of the HTTP service: its own verifier worker processes and, when
code scoring is on, its own warm sandbox containers.  So it asks Ray for as many CPUs as
it starts verifier workers, and for a custom resource (``docker`` by default) that only
nodes with a Docker engine advertise, so a replica that must run code never lands on a
node that cannot.  Its settings travel as ``REWARD_*`` variables in the replica's runtime
environment: the replica builds ``Settings()`` from them exactly as ``reward-server serve``
does from the shell, so both serve the same limits, weights and deadlines.

The Ray-side knobs (replicas, queue limits) are settings of their own, read from
``REWARD_RAY_*`` variables, a Serve config file's ``args:`` or the command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..config import Settings

#: The prefix of every variable :func:`settings_env` writes.
ENV_PREFIX = "REWARD_"
#: Each replica keeps at least this many requests in flight (Serve's default is 5).
MIN_ONGOING_REQUESTS = 16
#: Requests in flight per verifier worker or sandbox container of a replica.
ONGOING_PER_SLOT = 4


class RayOptions(BaseSettings):
    """What Serve replicas and Ray Data actors share (``REWARD_RAY_*``)."""

    model_config = SettingsConfigDict(env_prefix="REWARD_RAY_", extra="forbid")

    docker_resource: str | None = Field(
        "docker",
        description="Custom resource of nodes with a Docker engine; replicas and actors that "
        "run code ask for it. Empty: no such constraint.",
    )
    docker_per_replica: float = Field(
        0.01, gt=0, le=1, description="How much of that resource one replica or actor takes."
    )


class ServeOptions(RayOptions):
    """The Serve deployment around the app (``REWARD_RAY_*``; ``args:`` in a config file)."""

    app_name: str = Field("reward-server", min_length=1, description="Serve application name.")
    route_prefix: str = Field("/", pattern=r"^/", description="Where the app's routes start.")
    replicas: int = Field(1, ge=1, description="Fixed number of replicas (without autoscaling).")
    min_replicas: int | None = Field(None, ge=0, description="Autoscaling lower bound.")
    max_replicas: int | None = Field(None, ge=1, description="Autoscaling upper bound.")
    target_ongoing_requests: float = Field(
        2.0, gt=0, description="Autoscaling: requests in flight per replica to aim for."
    )
    max_ongoing_requests: int | None = Field(
        None,
        ge=1,
        description="Requests one replica works on at once; default from its workers and "
        "sandbox containers (see replica_capacity).",
    )
    max_queued_requests: int = Field(
        512, ge=1, description="Requests a proxy holds for busy replicas before refusing (503)."
    )
    retry_after_s: float = Field(1.0, ge=0, description="Retry-After of a refused request.")
    graceful_shutdown_timeout_s: float = Field(
        30.0, gt=0, description="How long a stopping replica may finish its requests."
    )

    @model_validator(mode="after")
    def _autoscale_bounds(self) -> ServeOptions:
        if (self.min_replicas is None) != (self.max_replicas is None):
            raise ValueError("autoscaling needs both min_replicas and max_replicas")
        low, high = self.min_replicas, self.max_replicas
        if low is not None and high is not None and low > high:
            raise ValueError("min_replicas is above max_replicas")
        return self

    @property
    def autoscaling(self) -> bool:
        return self.max_replicas is not None


def parse_autoscale(spec: str) -> tuple[int, int]:
    """``MIN:MAX`` (``--autoscale 1:4``) as two integers; ValueError when malformed."""
    low, sep, high = spec.partition(":")
    if not sep:
        raise ValueError(f"--autoscale is MIN:MAX, not {spec!r}")
    try:
        bounds = int(low), int(high)
    except ValueError:
        raise ValueError(f"--autoscale is MIN:MAX with integers, not {spec!r}") from None
    if bounds[0] < 0 or bounds[1] < 1 or bounds[0] > bounds[1]:
        raise ValueError(f"--autoscale needs 0 <= MIN <= MAX and MAX >= 1, not {spec!r}")
    return bounds


# -- settings across processes ----------------------------------------------------------


def settings_env(settings: Settings) -> dict[str, str]:
    """``REWARD_*`` variables from which ``Settings()`` rebuilds ``settings`` elsewhere.

    Every field is written, defaults included: a default computed from the machine
    (``workers`` = its cores) must not be computed again on a replica's node, where it
    would differ from the CPUs Ray reserved.  Nested sections become ``__`` paths;
    strings go as they are, other values as JSON; ``None`` (unset) is left out.
    """
    env: dict[str, str] = {}
    _flatten(ENV_PREFIX, settings.model_dump(mode="json"), env)
    return env


def _flatten(prefix: str, values: Mapping[str, Any], out: dict[str, str]) -> None:
    for name, value in values.items():
        key = f"{prefix}{name.upper()}"
        if isinstance(value, Mapping) and value:
            _flatten(f"{key}__", value, out)
        elif value is None:
            continue
        elif isinstance(value, str):
            out[key] = value
        else:
            out[key] = json.dumps(value)


# -- replica sizing ------------------------------------------------------------------------


def replica_capacity(settings: Settings) -> int:
    """Default ``max_ongoing_requests``: a few requests per worker and container.

    A replica is concurrent inside: one group's items run on all its verifier workers
    at once, and code items wait on sandbox containers while other groups use the CPU.
    Serve's default of 5 requests would leave workers idle behind groups that wait on
    the sandbox; far more only moves the queue from the proxy into the replica.
    """
    slots = settings.workers + (settings.sandbox.pool_size if settings.sandbox.enabled else 0)
    return max(MIN_ONGOING_REQUESTS, ONGOING_PER_SLOT * slots)


def actor_options(settings: Settings, options: ServeOptions) -> dict[str, Any]:
    """``ray_actor_options`` of a replica: CPUs, the Docker resource, its ``REWARD_*``."""
    actor: dict[str, Any] = {
        "num_cpus": settings.workers,
        "runtime_env": {"env_vars": settings_env(settings)},
    }
    if settings.sandbox.enabled and options.docker_resource:
        actor["resources"] = {options.docker_resource: options.docker_per_replica}
    return actor


def deployment_options(settings: Settings, options: ServeOptions) -> dict[str, Any]:
    """Keyword arguments of ``Deployment.options`` for the reward server's ingress."""
    ongoing = options.max_ongoing_requests or replica_capacity(settings)
    result: dict[str, Any] = {
        "ray_actor_options": actor_options(settings, options),
        "max_ongoing_requests": ongoing,
        "max_queued_requests": options.max_queued_requests,
        "backpressure_config": {"status_code": 503, "retry_after_s": options.retry_after_s},
        "graceful_shutdown_timeout_s": options.graceful_shutdown_timeout_s,
    }
    if options.autoscaling:
        result["autoscaling_config"] = {
            "min_replicas": options.min_replicas,
            "max_replicas": options.max_replicas,
            "target_ongoing_requests": min(options.target_ongoing_requests, ongoing),
        }
    else:
        result["num_replicas"] = options.replicas
    return result
