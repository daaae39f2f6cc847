"""The service on a Ray cluster: Ray Serve replicas and Ray Data batch scoring.

- :mod:`.options`  replica sizing and the settings a replica needs (no Ray import)
- :mod:`.cluster`  connect to a running cluster, or start a local one
- :mod:`.serve`    the Ray Serve application: the unchanged FastAPI app behind
                   ``@serve.ingress``; ``serve run reward_server.ray:app``
- :mod:`.data_plan` shards of the input and the size of the actor pool (no Ray import)
- :mod:`.data`     ``reward-server score --engine ray``: an actor pool over Ray Data

Ray is an optional extra (``pip install 'reward-server[ray]'``): importing this package
imports nothing from Ray; ``app`` and :func:`build_app` import it when they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ray.serve import Application

__all__ = ["app", "build_app"]


def build_app(args: dict[str, Any] | None = None) -> Application:
    """The Serve application (an application builder: ``serve run reward_server.ray:build_app``).

    ``args`` (a Serve config file's ``args:``) take the fields of
    :class:`~reward_server.ray.options.ServeOptions`; settings come from ``REWARD_*``.
    """
    from .serve import build_app as build

    return build(args)


def __getattr__(name: str) -> Any:
    # ``serve run reward_server.ray:app`` reads this attribute; build it only then.
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
