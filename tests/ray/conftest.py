"""A real local Ray cluster per test module, sized like a small machine, shut down after.

Token authentication is off (``RAY_AUTH_MODE=disabled``): the cluster listens on loopback
and lives only as long as the module.  It advertises the ``docker`` resource, as a node
with a Docker engine started with ``ray start --resources='{"docker": 1}'`` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.ray_cluster import RAY_ENV, local_cluster


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """The GCS address of a fresh 2-CPU cluster this process is connected to."""
    saved = {k: os.environ.get(k) for k in RAY_ENV}
    os.environ.update(RAY_ENV)
    try:
        with local_cluster(num_cpus=2) as address:
            yield address
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
