"""Joining a Ray cluster, or starting a local one for a single machine.

A trainer on Ray (verl, OpenRLHF) already has a cluster: ``address`` joins it (``auto``
finds the one ``ray start`` left on this node; ``ray://host:10001`` goes through Ray
Client).  Without an address a local cluster is started for this process and stops with
it; it advertises the Docker resource when a Docker engine answers here, as a node
started with ``ray start --resources='{"docker": 1}'`` would.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

log = logging.getLogger(__name__)

#: How much of the Docker resource a node with a Docker engine advertises.
DOCKER_CAPACITY = 1.0


class RayMissing(RuntimeError):
    """Ray is not installed here."""


def require_ray() -> None:
    """Raise :class:`RayMissing`, saying how to install it, when Ray cannot be imported."""
    if importlib.util.find_spec("ray") is None:
        raise RayMissing("Ray is not installed: pip install 'reward-server[ray]'")


def docker_available(url: str | None = None) -> bool:
    """Whether a Docker engine answers (at ``url``, else ``DOCKER_HOST`` or the socket)."""
    import docker
    from docker.errors import DockerException

    try:
        client = docker.DockerClient(base_url=url, timeout=5) if url else docker.from_env(timeout=5)
    except DockerException:
        return False
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means "no engine here"
        return False
    finally:
        client.close()


def connect(
    address: str | None,
    *,
    num_cpus: float | None = None,
    docker_resource: str | None = "docker",
    docker_url: str | None = None,
    log_to_driver: bool = True,
) -> bool:
    """Join ``address``, or start a local cluster; True when this call started one.

    Does nothing when this process is already connected (a test's cluster, a driver
    that called ``ray.init`` itself).  ``num_cpus`` sizes a local cluster (default:
    this machine's cores); ``docker_resource`` is the resource a local cluster
    advertises when Docker answers; ``log_to_driver`` copies the actors' logs here.
    """
    import ray

    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=log_to_driver)
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": log_to_driver}
    if num_cpus is not None:
        kwargs["num_cpus"] = num_cpus
    if docker_resource and docker_available(docker_url):
        kwargs["resources"] = {docker_resource: DOCKER_CAPACITY}
    ray.init(**kwargs)
    log.info("started a local Ray cluster: %s", ray.cluster_resources())
    return True


def cluster_cpus() -> float:
    """CPUs of the connected cluster (all nodes together)."""
    import ray

    return float(ray.cluster_resources().get("CPU", 0.0))


def shutdown(started: bool) -> None:
    """Disconnect; a cluster this process started stops with it."""
    import ray

    if started and ray.is_initialized():
        ray.shutdown()
