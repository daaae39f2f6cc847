"""The Ray Serve application: the unchanged FastAPI app, one copy per replica.

Each replica builds ``create_app(Settings())`` from the ``REWARD_*`` variables of its
runtime environment (see :mod:`.options`), and runs the app's own lifespan, so it starts
its verifier workers and sandbox exactly as ``reward-server serve`` does, and every
route, status code and error body is the app's.  Serve only adds routing between
replicas and, when they are all full, its own refusal: 503 with ``Retry-After``.

Three ways to run it:

- ``reward-server ray serve`` (:func:`deploy` and :func:`run_until_interrupted`);
- ``serve run reward_server.ray:app`` (settings and ``REWARD_RAY_*`` from the shell);
- a Serve config file whose application has ``import_path: reward_server.ray:build_app``
  and ``args:`` with :class:`~reward_server.ray.options.ServeOptions` fields.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from fastapi import FastAPI
from ray import serve
from ray.serve import Application
from starlette.types import ASGIApp, Receive, Scope, Send

from ..app import create_app
from ..config import Settings
from ..middleware import UPSTREAM_ECHOES_REQUEST_ID
from .options import ServeOptions, deployment_options

log = logging.getLogger(__name__)

DEPLOYMENT_NAME = "RewardServer"


class _ServeProxyEchoesRequestId:
    """Tell the app that Serve's proxy returns ``X-Request-ID`` (so it adds no second one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[UPSTREAM_ECHOES_REQUEST_ID] = True
        await self.app(scope, receive, send)


def replica_app(settings: Settings) -> FastAPI:
    """The app one replica serves: ``create_app(settings)``, told that Serve is in front."""
    app = create_app(settings)
    app.add_middleware(_ServeProxyEchoesRequestId)
    return app


@serve.ingress()
class RewardServer:
    """One replica.  Its settings are ``Settings()`` read from its runtime environment."""

    def __init__(self) -> None:
        self.settings = Settings()

    def __serve_build_asgi_app__(self) -> FastAPI:
        return replica_app(self.settings)


def build_app(
    args: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    options: ServeOptions | None = None,
) -> Application:
    """The bound application; ``args`` are :class:`ServeOptions` fields (config files).

    ``settings`` default to ``Settings()`` of this process: the ``REWARD_*`` variables of
    the shell that runs ``serve run``, or of the config file's ``runtime_env``.
    """
    settings = settings or Settings()
    options = options or ServeOptions(**(args or {}))
    deployment = serve.deployment(name=DEPLOYMENT_NAME)(RewardServer)
    return deployment.options(**deployment_options(settings, options)).bind()


def http_url(host: str, port: int, route_prefix: str = "/") -> str:
    """The URL clients use; a wildcard bind address is reached through loopback here."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{route_prefix.rstrip('/')}"


def _proxy_address(host: str, port: int) -> tuple[str, int]:
    """Where Serve's proxies really listen: Serve keeps the options of its first start."""
    try:
        from ray.serve.context import _get_global_client

        client = _get_global_client()
        assert client is not None
        return str(client.http_config.host), int(client.http_config.port)
    except Exception:  # noqa: BLE001 - a private API; what we asked for is the best guess
        return host, port


def deploy(
    settings: Settings,
    options: ServeOptions,
    *,
    host: str,
    port: int,
) -> str:
    """Start Serve on the connected cluster (if needed), deploy, wait until it serves.

    Returns the URL.  Serve's HTTP options are the cluster's: when Serve already runs
    there with another host or port, the app is served where Serve listens, and the
    URL says so.
    """
    serve.start(http_options={"host": host, "port": port})
    bound_host, bound_port = _proxy_address(host, port)
    if (bound_host, bound_port) != (host, port):
        log.warning(
            "Serve already listens on %s:%d on this cluster; %s:%d was not applied",
            bound_host,
            bound_port,
            host,
            port,
        )
    serve.run(
        build_app(settings=settings, options=options),
        name=options.app_name,
        route_prefix=options.route_prefix,
    )
    return http_url(bound_host, bound_port, options.route_prefix)


def application_status(name: str) -> str:
    """Serve's status of the application (``RUNNING``, ``DEPLOY_FAILED``, ...)."""
    app = serve.status().applications.get(name)
    return str(getattr(app.status, "value", app.status)) if app is not None else "NOT_STARTED"


def run_until_interrupted(
    name: str,
    *,
    poll_s: float = 2.0,
    on_status: Callable[[str], None] | None = None,
) -> int:
    """Block until SIGINT/SIGTERM or until the application fails; then delete it.

    Returns 0 after an interrupt, 1 when Serve reports the application failed.
    """
    stop = False

    def _stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stop
        stop = True

    previous = signal.signal(signal.SIGTERM, _stop)
    last = ""
    code = 0
    try:
        while not stop:
            status = application_status(name)
            if status != last and on_status is not None:
                on_status(status)
            last = status
            if status == "DEPLOY_FAILED":
                code = 1
                break
            time.sleep(poll_s)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        serve.delete(name)
    return code
