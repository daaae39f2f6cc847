"""What one scored record says about one sample: its prompt group, verdict and answer.

A scored record is what ``reward-server score`` writes: the input item plus ``reward``,
``status``, ``scores``, ``details`` and ``error``.  This module reads only those fields
(and the prompt, dataset and completion columns), so it works on any file in that shape.

A **prompt group** is the samples of one prompt in one dataset: records whose prompt
column (``--prompt-key``; by default ``prompt``, else the ``id`` without its trailing
sample number) and dataset column have the same values.  Groups need not be contiguous.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..records import get_path

#: Columns tried in order for the dataset when ``--by`` is not given.
DATASET_COLUMNS = ("dataset", "data_source")
#: ``q17-3``, ``q17_3``, ``q17:3``, ``q17#3``, ``q17/3``, ``q17.3`` -> ``q17``.
_SAMPLE_SUFFIX = re.compile(r"^(.+?)[-_:#/.]\d+$")
_SPACE = re.compile(r"\s+")
_DECIMAL = re.compile(r"([-+]?)(\d{1,100})(?:\.(\d{1,100}))?")
#: Code-task reasons that mean the model gave no program (it abstains from a vote).
_NO_PROGRAM = {"unfinished_think", "no_code_block"}


@dataclass(frozen=True)
class SampleOptions:
    """How records are read as samples (see docs/eval.md for the defaults' reasons)."""

    prompt_key: str | None = None
    dataset_key: str | None = None
    correct_threshold: float = 1.0
    language_threshold: float = 0.95
    failed_as_wrong: bool = False


@dataclass(frozen=True, slots=True)
class Sample:
    """One record, reduced to what the report counts."""

    group: bytes
    dataset: str | None
    status: str
    graded: bool
    correct: bool
    answer: str | None
    comparable: bool
    reward: float | None
    format_ok: bool | None
    language: float | None
    length: int | None
    verdict: str | None
    error_type: str | None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def group_key(record: Mapping[str, Any], prompt_key: str | None, index: int = 0) -> bytes:
    """A 16-byte digest of the record's prompt (so a group costs the same for any prompt)."""
    if prompt_key is not None:
        value = get_path(record, prompt_key)
    else:
        value = record.get("prompt")
        if value is None and record.get("id") is not None:
            ident = str(record["id"])
            match = _SAMPLE_SUFFIX.match(ident)
            value = "id:" + (match.group(1) if match else ident)
    if value is None:
        # Neither a prompt nor an id: the record is a group of its own.
        value = ["record", index]
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def dataset_name(record: Mapping[str, Any], dataset_key: str | None) -> str | None:
    if dataset_key is not None:
        value = get_path(record, dataset_key)
        return None if value is None else (value if isinstance(value, str) else json.dumps(value))
    for column in DATASET_COLUMNS:
        value = record.get(column)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def normalise_answer(text: str) -> str:
    """Whitespace collapsed and outer ``$`` removed: answers that differ in nothing else
    are one answer even in a vote on strings."""
    text = _SPACE.sub(" ", text).strip()
    while len(text) > 1 and text.startswith("$") and text.endswith("$"):
        text = text[1:-1].strip()
    return text


def canonical_number(text: str) -> str | None:
    """A plain decimal number written one way (``7.0``, ``07`` -> ``7``; ``2.50`` ->
    ``2.5``), else None.  Two such numbers are equal exactly when their canonical forms
    are, which is the math verifier's own rule for them, so they need no comparison."""
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return None
    sign, whole, frac = match.groups()
    whole = whole.lstrip("0") or "0"
    frac = (frac or "").rstrip("0")
    number = whole + ("." + frac if frac else "")
    return "-" + number if sign == "-" and number != "0" else number


def _math_answer(details: Mapping[str, Any]) -> tuple[str | None, bool]:
    extracted = details.get("extracted")
    if isinstance(extracted, str) and extracted.strip():
        # The verifier cuts long answers in its details (and marks the cut with "…"):
        # a cut answer votes as its text and is never compared.
        return normalise_answer(extracted), not extracted.endswith("…")
    if isinstance(extracted, list) and extracted:
        # Several different boxes: a hedge; it votes as itself and is never compared.
        parts = sorted({normalise_answer(str(p)) for p in extracted})
        return "hedge: " + " | ".join(parts), False
    return None, False


def _code_answer(details: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The program's behaviour on the tests (its vote) and its verdict."""
    reason = details.get("reason")
    if reason in _NO_PROGRAM:
        return None, str(reason)
    if reason == "compile_error":
        return "compile_error", "compile_error"
    tests = details.get("tests")
    if not isinstance(tests, list) or not tests:
        return None, str(reason) if reason else None
    parts = []
    verdict = "accepted"
    for test in tests:
        test = test if isinstance(test, Mapping) else {}
        v = str(test.get("verdict", "unknown"))
        if v != "accepted" and verdict == "accepted":
            verdict = v
        out = test.get("stdout")
        parts.append(v if out is None else f"{v}={' '.join(str(out).split())}")
    return "tests: " + " | ".join(parts), verdict


def _task(record: Mapping[str, Any], accuracy: Mapping[str, Any]) -> str | None:
    task = record.get("task")
    if task in ("math", "code"):
        return str(task)
    if "tests" in accuracy or "mode" in accuracy:
        return "code"
    if "extracted" in accuracy:
        return "math"
    return None


def read_sample(record: Mapping[str, Any], options: SampleOptions, index: int = 0) -> Sample:
    """The sample a scored record describes (the record as the column map shows it).

    ``index`` (the record's position) makes a record with neither prompt nor id a group
    of its own.
    """
    status = record.get("status")
    status = status if isinstance(status, str) else "unscored"
    scores = record.get("scores")
    scores = scores if isinstance(scores, Mapping) else {}
    details = record.get("details")
    details = details if isinstance(details, Mapping) else {}
    accuracy_details = details.get("accuracy")
    accuracy_details = accuracy_details if isinstance(accuracy_details, Mapping) else {}
    accuracy = _number(scores.get("accuracy"))
    task = _task(record, accuracy_details)

    answer: str | None = None
    comparable = False
    verdict: str | None = None
    graded = status == "ok" and accuracy is not None
    correct = graded and accuracy is not None and accuracy >= options.correct_threshold
    if graded and task == "code":
        answer, verdict = _code_answer(accuracy_details)
        if correct:
            verdict = "accepted"
    elif graded:
        if task == "math":
            answer, comparable = _math_answer(accuracy_details)
        verdict = "correct" if correct else ("wrong" if answer is not None else "no_answer")
    elif status in ("timeout", "error") and options.failed_as_wrong and task is not None:
        graded, verdict = True, status

    error = record.get("error")
    error_type = error.get("type") if isinstance(error, Mapping) else None
    fmt = _number(scores.get("format"))
    completion = record.get("completion")
    return Sample(
        group=group_key(record, options.prompt_key, index),
        dataset=dataset_name(record, options.dataset_key),
        status=status,
        graded=graded,
        correct=correct,
        answer=answer,
        comparable=comparable,
        reward=_number(record.get("reward")),
        format_ok=None if fmt is None else fmt >= 1.0,
        language=_number(scores.get("language")),
        length=len(completion) if isinstance(completion, str) else None,
        verdict=verdict,
        error_type=str(error_type) if error_type is not None else None,
    )
