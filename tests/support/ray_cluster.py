"""A local Ray cluster for tests and benchmarks: small, quiet, stopped on exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

#: Environment of a throwaway loopback cluster: no token auth, no usage reporting, and
#: Serve's proxy checks patient enough for a busy 2-core machine (by default Serve kills a
#: proxy that is not ready in 5 s, and on a loaded machine its process had not yet started).
RAY_ENV = {
    "RAY_AUTH_MODE": "disabled",
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_SERVE_PROXY_READY_CHECK_TIMEOUT_S": "60",
    "RAY_SERVE_PROXY_HEALTH_CHECK_TIMEOUT_S": "60",
}


@contextmanager
def local_cluster(num_cpus: int = 2, docker: bool = True) -> Iterator[str]:
    """Start Ray in this process (``RAY_ENV`` must be set); yield its GCS address."""
    import ray

    resources = {"docker": 1.0} if docker else {}
    ray.init(
        num_cpus=num_cpus,
        resources=resources,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=512 * 1024 * 1024,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        try:
            from ray import serve

            serve.shutdown()
        finally:
            ray.shutdown()
