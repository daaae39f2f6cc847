"""trainer_client: the reward server as a reward for TRL, OpenRLHF and verl.

Importing this package pulls in httpx and the wire models (``reward_server.schemas``),
never FastAPI, torch or trl; the trainer adapters import their framework lazily.
"""

from __future__ import annotations

from .client import (
    AsyncRewardClient,
    BadResponse,
    RequestRejected,
    RewardClient,
    RewardClientError,
    ServerUnavailable,
    to_rewards,
)
from .retry import RetryPolicy
from .trl import AsyncServerReward, ServerReward

__all__ = [
    "AsyncRewardClient",
    "AsyncServerReward",
    "BadResponse",
    "RequestRejected",
    "RetryPolicy",
    "RewardClient",
    "RewardClientError",
    "ServerReward",
    "ServerUnavailable",
    "to_rewards",
]
