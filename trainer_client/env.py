"""Configuration from the environment, for trainers that load a reward *function* by path.

OpenRLHF (``--remote_rm_url reward.py``) and verl (``custom_reward_function.path``) import
a file and call a function; there is no constructor to pass a URL to, so these adapters
read ``REWARD_SERVER_*`` variables when first called (never at import):

=============================  ==========================================================
``REWARD_SERVER_URL``          base URL(s), comma-separated (round-robin + failover)
``REWARD_SERVER_API_KEY``      bearer token, if the server has ``REWARD_API_KEY``
``REWARD_SERVER_PRESET``       weight preset, e.g. ``r1-zero`` or ``r1``
``REWARD_SERVER_TARGET_LANG``  ISO 639-1 code; enables the language reward
``REWARD_SERVER_FAILED_REWARD`` reward for an item that could not be scored (default 0.0)
``REWARD_SERVER_TIMEOUT_S``    per-request timeout (default 120)
``REWARD_SERVER_RETRIES``      retries after the first attempt (default 3)
=============================  ==========================================================
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .client import AsyncRewardClient, RewardClient
from .retry import RetryPolicy, normalise_urls

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class EnvConfig:
    urls: tuple[str, ...]
    api_key: str | None
    preset: str | None
    target_lang: str | None
    failed_reward: float
    timeout_s: float
    retries: int

    def client_options(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "timeout_s": self.timeout_s,
            "retry": RetryPolicy(retries=self.retries),
        }


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def read_env(env: Mapping[str, str] | None = None) -> EnvConfig:
    env = os.environ if env is None else env
    return EnvConfig(
        urls=tuple(normalise_urls(_get(env, "REWARD_SERVER_URL") or DEFAULT_URL)),
        api_key=_get(env, "REWARD_SERVER_API_KEY"),
        preset=_get(env, "REWARD_SERVER_PRESET"),
        target_lang=_get(env, "REWARD_SERVER_TARGET_LANG"),
        failed_reward=float(_get(env, "REWARD_SERVER_FAILED_REWARD") or 0.0),
        timeout_s=float(_get(env, "REWARD_SERVER_TIMEOUT_S") or 120.0),
        retries=int(_get(env, "REWARD_SERVER_RETRIES") or 3),
    )


_lock = threading.Lock()
_sync_clients: dict[EnvConfig, RewardClient] = {}
_async_clients: dict[EnvConfig, AsyncRewardClient] = {}


def shared_client(config: EnvConfig) -> RewardClient:
    """One pooled client per configuration per process, so connections are reused."""
    with _lock:
        client = _sync_clients.get(config)
        if client is None:
            client = _sync_clients[config] = RewardClient(
                list(config.urls), **config.client_options()
            )
        return client


def shared_async_client(config: EnvConfig) -> AsyncRewardClient:
    with _lock:
        client = _async_clients.get(config)
        if client is None:
            client = _async_clients[config] = AsyncRewardClient(
                list(config.urls), **config.client_options()
            )
        return client
