"""reward-server: rule-based rewards for GRPO training, served over HTTP.

The public surface is small: build an app with :func:`create_app` from :class:`Settings`,
or speak the wire models in :mod:`reward_server.schemas`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ScoreItem",
    "ScoreRequest",
    "ScoreResponse",
    "ScoreResult",
    "Settings",
    "__version__",
    "create_app",
]

if TYPE_CHECKING:
    from .app import create_app
    from .config import Settings
    from .schemas import ScoreItem, ScoreRequest, ScoreResponse, ScoreResult

_LAZY = {
    "Settings": "config",
    "create_app": "app",
    "ScoreItem": "schemas",
    "ScoreRequest": "schemas",
    "ScoreResponse": "schemas",
    "ScoreResult": "schemas",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import reward_server.schemas` on a trainer host does not pull in FastAPI.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
