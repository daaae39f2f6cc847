"""Scored records in the shape ``reward-server score`` writes (see reward_server/batch.py).

Built by hand so a test can hold every status and code verdict without a Docker engine;
the shapes follow the scorer's output (``details`` per component, ``accuracy`` details of
the math verifier and of the code judge).
"""

from __future__ import annotations

from typing import Any


def _base(
    ident: str, dataset: str | None, completion: str, task: str, **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {"id": ident, "task": task, "completion": completion, **extra}
    if dataset is not None:
        record["dataset"] = dataset
    return record


def math_record(
    ident: str,
    answer: str | None,
    correct: bool,
    *,
    dataset: str | None = "math",
    fmt: float = 1.0,
    language: float | None = 1.0,
    completion: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    completion = completion or f"<think>Thinking about {ident}.</think> \\boxed{{{answer}}}"
    accuracy = 1.0 if correct else 0.0
    details = {
        "format": {"reason": "ok" if fmt == 1.0 else "no_think_block"},
        "accuracy": {
            "extracted": answer,
            "extraction": "boxed" if answer is not None else None,
            "comparison": "exact",
        },
        "weights": {"accuracy": 1.0, "format": 1.0, "language": 1.0},
    }
    return {
        **_base(ident, dataset, completion, "math", **extra),
        "reward": accuracy + fmt + (language or 0.0),
        "status": "ok",
        "scores": {"accuracy": accuracy, "format": fmt, "language": language},
        "details": details,
        "error": None,
    }


def code_record(
    ident: str, verdicts: list[str] | None, *, reason: str | None = None, dataset: str = "code"
) -> dict[str, Any]:
    """A code sample; ``verdicts`` per test, or ``reason`` (compile_error, no_code_block)."""
    accuracy_details: dict[str, Any] = {"language": "python", "mode": "stdio", "total": 2}
    if reason == "compile_error":
        accuracy_details |= {
            "compile": {"verdict": "compile_error", "time_s": 0.1},
            "tests": [{"verdict": "compile_error"}] * 2,
            "passed": 0,
            "reason": reason,
        }
        score = 0.0
    elif reason is not None:
        accuracy_details |= {"passed": 0, "reason": reason}
        score = 0.0
    else:
        assert verdicts is not None
        accuracy_details["tests"] = [{"verdict": v, "time_s": 0.01} for v in verdicts]
        accuracy_details["passed"] = verdicts.count("accepted")
        score = verdicts.count("accepted") / len(verdicts)
    completion = f"<think>Plan for {ident}.</think>\n```python\nprint(1)\n```"
    return {
        **_base(ident, dataset, completion, "code"),
        "reward": score + 1.0,
        "status": "ok",
        "scores": {"accuracy": score, "format": 1.0, "language": None},
        "details": {"format": {"reason": "ok"}, "accuracy": accuracy_details},
        "error": None,
    }


def failed_record(
    ident: str, status: str, error_type: str, *, dataset: str | None = "math", task: str = "math"
) -> dict[str, Any]:
    return {
        **_base(ident, dataset, f"<think>Hmm {ident}.</think> \\boxed{{9^{{9^{{9}}}}}}", task),
        "reward": None,
        "status": status,
        "scores": {"accuracy": None, "format": 1.0, "language": None},
        "details": {"failed": ["accuracy"], "format": {"reason": "ok"}, "accuracy": {}},
        "error": {"type": error_type, "message": "it failed", "retryable": False},
    }
