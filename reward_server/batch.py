"""Offline scoring of JSONL files: one output line per input line, resumable.

Each input line is an item of the /v1/score contract plus any other fields; the output
line is the input with the result fields (``reward``, ``status``, ``scores``, ``details``,
``error``) added.  Output is written in input order, a chunk at a time, flushed and
fsynced, so a run killed at any point (even SIGKILL) leaves only whole lines plus at most
one partial line; ``resume`` drops that partial line and continues after the last whole
one, losing and duplicating nothing.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from tqdm import tqdm

from .config import Settings
from .runtime import open_runtime
from .schemas import ScoreItem, ScoreResult
from .verifiers import Registry

RESULT_FIELDS = ("reward", "status", "scores", "details", "error")


class BatchError(Exception):
    """The run cannot start (missing input, output in the way)."""


@dataclass
class BatchStats:
    total: int = 0
    skipped: int = 0
    scored: int = 0
    ok: int = 0
    failed: int = 0


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def completed_lines(path: Path) -> int:
    """Whole lines already in ``path``; a trailing partial line is cut off."""
    if not path.exists():
        return 0
    with path.open("rb+") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            fh.truncate(end)
        return data.count(b"\n", 0, end)


def _error_fields(message: str, error_type: str = "invalid_line") -> dict[str, Any]:
    return {
        "reward": None,
        "status": "error",
        "scores": {"accuracy": None, "format": None, "language": None},
        "details": {},
        "error": {"type": error_type, "message": message, "retryable": False},
    }


def parse_line(line: str) -> tuple[dict[str, Any], ScoreItem | None, str | None]:
    """The line's object, its item (or None) and why it is unusable (or None)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": line.rstrip("\n")}, None, f"not JSON: {exc}"
    if not isinstance(obj, dict):
        return {"line": obj}, None, "a line must be a JSON object"
    try:
        return obj, ScoreItem.model_validate(obj), None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        return obj, None, f"{loc}: {first.get('msg')}" if loc else str(first.get("msg"))


def merge(obj: dict[str, Any], result: ScoreResult) -> dict[str, Any]:
    out = dict(obj)
    out.update(result.model_dump(include=set(RESULT_FIELDS)))
    return out


def _chunks(fh: TextIO, size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in fh:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def score_file(
    input_path: Path,
    output_path: Path,
    settings: Settings,
    *,
    resume: bool = False,
    overwrite: bool = False,
    chunk_size: int = 64,
    preset: str | None = None,
    progress: bool = True,
    registry: Registry | None = None,
) -> BatchStats:
    """Score ``input_path`` into ``output_path``; see the module docstring."""
    if not input_path.is_file():
        raise BatchError(f"input file {input_path} does not exist")
    if output_path.exists() and output_path.stat().st_size and not (resume or overwrite):
        raise BatchError(
            f"{output_path} exists; pass --resume to continue it or --overwrite to replace it"
        )
    stats = BatchStats(total=_count_lines(input_path))
    stats.skipped = completed_lines(output_path) if resume else 0
    if stats.skipped > stats.total:
        raise BatchError(
            f"{output_path} has more lines ({stats.skipped}) than {input_path} ({stats.total})"
        )
    mode = "a" if resume else "w"
    bar = tqdm(
        total=stats.total, initial=stats.skipped, unit="item", file=sys.stderr, disable=not progress
    )
    async with open_runtime(settings, registry, start_sandbox=False) as runtime:
        with (
            input_path.open(encoding="utf-8") as src,
            output_path.open(mode, encoding="utf-8") as dst,
        ):
            for _ in range(stats.skipped):
                next(src)
            for chunk in _chunks(src, chunk_size):
                parsed = [parse_line(line) for line in chunk]
                items = [item for _, item, _ in parsed if item is not None]
                scored = iter(await runtime.scorer.score(items, preset))
                lines = []
                for obj, item, problem in parsed:
                    if item is None:
                        out = dict(obj)
                        out.update(_error_fields(problem or "unusable line"))
                        stats.failed += 1
                    else:
                        result = next(scored)
                        out = merge(obj, result)
                        stats.ok += result.status == "ok"
                        stats.failed += result.status != "ok"
                    lines.append(json.dumps(out, ensure_ascii=False) + "\n")
                dst.write("".join(lines))
                dst.flush()
                os.fsync(dst.fileno())
                stats.scored += len(chunk)
                bar.update(len(chunk))
    bar.close()
    return stats
