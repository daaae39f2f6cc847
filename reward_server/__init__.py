"""reward-server: rule-based rewards for GRPO training, served over HTTP or in-process.

In-process, like math-verify (same results as ``POST /v1/score``, same deadlines)::

    from reward_server import score, check_math
    score([{"completion": "<think>…</think> \\\\boxed{4}", "task": "math", "answer": "4"}])
    check_math("The answer is $\\\\boxed{\\\\frac12}$", "0.5").score   # 1.0

As a service: build an app with :func:`create_app` from :class:`Settings`, or speak the
wire models in :mod:`reward_server.schemas`.  Everything here is imported lazily, so
``import reward_server.schemas`` on a trainer host pulls in neither FastAPI nor sympy.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("reward-server")
except PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
    __version__ = "0+unknown"

__all__ = [
    "Engine",
    "InvalidItems",
    "Outcome",
    "ScoreItem",
    "ScoreRequest",
    "ScoreResponse",
    "ScoreResult",
    "Settings",
    "__version__",
    "check_format",
    "check_language",
    "check_math",
    "create_app",
    "score",
]

if TYPE_CHECKING:
    from .app import create_app
    from .config import Settings
    from .engine import Engine, InvalidItems, check_format, check_language, check_math, score
    from .schemas import ScoreItem, ScoreRequest, ScoreResponse, ScoreResult
    from .verifiers.outcome import Outcome

_LAZY = {
    "Settings": "config",
    "create_app": "app",
    "ScoreItem": "schemas",
    "ScoreRequest": "schemas",
    "ScoreResponse": "schemas",
    "ScoreResult": "schemas",
    "Engine": "engine",
    "InvalidItems": "engine",
    "score": "engine",
    "check_math": "engine",
    "check_format": "engine",
    "check_language": "engine",
    "Outcome": "verifiers.outcome",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
