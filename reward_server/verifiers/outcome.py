"""What every verifier returns.

A verifier checks one aspect of one completion and answers with an :class:`Outcome`:
a score in [0, 1] when the score is the model's own doing (``status="ok"``), or no score
and a reason when the reference is unusable (``invalid``) or we failed (``error`` /
``timeout``).  Outcomes are plain dataclasses so they pickle cheaply between the worker
processes and the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "invalid", "timeout", "error"]

#: Order of severity when several components of one item disagree.
STATUS_SEVERITY: dict[str, int] = {"ok": 0, "invalid": 1, "error": 2, "timeout": 3}


@dataclass(frozen=True)
class Outcome:
    """The result of one verifier on one completion."""

    score: float | None
    status: Status = "ok"
    details: dict[str, Any] = field(default_factory=dict)
    error_type: str | None = None
    message: str | None = None
    retryable: bool = False

    @classmethod
    def ok(cls, score: float, **details: Any) -> Outcome:
        """A score the model earned (0.0 is a legitimate, model-caused score)."""
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"score {score!r} is outside [0, 1]")
        return cls(score=float(score), details=details)

    @classmethod
    def term(cls, score: float, **details: Any) -> Outcome:
        """A shaping term the model earned; its verifier declares its range (it may be
        negative, a penalty) and the scorer holds it to that range."""
        return cls(score=float(score), details=details)

    @classmethod
    def invalid(
        cls, message: str, error_type: str = "invalid_reference", **details: Any
    ) -> Outcome:
        """The reference (gold answer, tests) is unusable: no reward either way."""
        return cls(None, "invalid", details, error_type, message, False)

    @classmethod
    def error(
        cls,
        message: str,
        error_type: str = "verifier_error",
        retryable: bool = True,
        **details: Any,
    ) -> Outcome:
        """Our fault or the infrastructure's; never scored as a wrong answer."""
        return cls(None, "error", details, error_type, message, retryable)

    @classmethod
    def timeout(
        cls, message: str, error_type: str = "deadline_exceeded", **details: Any
    ) -> Outcome:
        """The verifier ran past its hard deadline and was killed."""
        return cls(None, "timeout", details, error_type, message, False)
