"""Offline scoring of JSONL or Parquet files: one output record per input record, resumable.

Each input record is an item of the /v1/score contract plus any other fields (a column
map reads item fields from columns of other names); the output record is the input with
the result fields (``reward``, ``status``, ``scores``, ``details``, ``error``) added.
A JSONL output is written in input order, a chunk at a time, flushed and fsynced, so a
run killed at any point (even SIGKILL) leaves only whole lines plus at most one partial
line; ``resume`` drops that partial line and continues after the last whole one, losing
and duplicating nothing.  A Parquet output is written whole (it cannot be resumed).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from .config import Settings
from .records import (
    ColumnMap,
    InvalidRecord,
    RecordsError,
    count_records,
    detect_format,
    open_writer,
    read_records,
)
from .runtime import open_runtime
from .schemas import ScoreItem, ScoreResult, validation_message
from .scoring import Scorer, error_result
from .verifiers import Registry

RESULT_FIELDS = ("reward", "status", "scores", "details", "error")
#: Parquet column kinds of the fields this module adds (``line``: an unusable input line).
RESULT_KINDS = {
    "reward": "float64",
    "status": "string",
    "scores": "json",
    "details": "json",
    "error": "json",
}


class BatchError(Exception):
    """The run cannot start (missing input, output in the way)."""


@dataclass
class BatchStats:
    total: int = 0
    skipped: int = 0
    scored: int = 0
    ok: int = 0
    failed: int = 0


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
    return error_result(None, error_type, message).model_dump(include=set(RESULT_FIELDS))


def validate(obj: dict[str, Any], columns: ColumnMap | None = None) -> ScoreItem | str:
    """The record's item, or why it is not a usable item."""
    try:
        return ScoreItem.model_validate(columns.view(obj) if columns else obj)
    except ValidationError as exc:
        return validation_message(exc)


def parse_line(line: str) -> tuple[dict[str, Any], ScoreItem | None, str | None]:
    """The line's object, its item (or None) and why it is unusable (or None)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": line.rstrip("\n")}, None, f"not JSON: {exc}"
    if not isinstance(obj, dict):
        return {"line": obj}, None, "a line must be a JSON object"
    item = validate(obj)
    return (obj, item, None) if isinstance(item, ScoreItem) else (obj, None, item)


def merge(obj: dict[str, Any], result: ScoreResult) -> dict[str, Any]:
    out = dict(obj)
    out.update(result.model_dump(include=set(RESULT_FIELDS)))
    return out


def _chunks(records: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_paths(
    input_path: Path, output_path: Path, resume: bool, overwrite: bool
) -> tuple[bool, int]:
    """Check the paths; return whether the output is Parquet and the records to skip."""
    if not input_path.exists():
        raise BatchError(f"input file {input_path} does not exist")
    try:
        detect_format(input_path)
        parquet_out = detect_format(output_path) == "parquet"
    except RecordsError as exc:
        raise BatchError(str(exc)) from exc
    if parquet_out and resume:
        raise BatchError("--resume needs a JSONL output (a Parquet file is written whole)")
    if output_path.exists() and output_path.stat().st_size and not (resume or overwrite):
        raise BatchError(
            f"{output_path} exists; pass --resume to continue it or --overwrite to replace it"
        )
    return parquet_out, completed_lines(output_path) if resume else 0


def plan_run(
    input_path: Path, output_path: Path, resume: bool, overwrite: bool
) -> tuple[BatchStats, dict[str, str] | None]:
    """Check the paths and count the input: the run's stats (total and skipped) and the
    Parquet column kinds of the output (None for JSONL).  Shared by the local and the Ray
    engines, so both refuse the same runs and report the same counts."""
    parquet_out, skipped = check_paths(input_path, output_path, resume, overwrite)
    try:
        stats = BatchStats(total=count_records(input_path), skipped=skipped)
    except RecordsError as exc:
        raise BatchError(str(exc)) from exc
    if stats.skipped > stats.total:
        raise BatchError(
            f"{output_path} has more lines ({stats.skipped}) than {input_path} ({stats.total})"
        )
    return stats, ({**RESULT_KINDS, "line": "json"} if parquet_out else None)


def progress_bar(stats: BatchStats, progress: bool) -> tqdm:
    """The run's bar on stderr, starting at the lines a resumed run skips."""
    return tqdm(
        total=stats.total, initial=stats.skipped, unit="item", file=sys.stderr, disable=not progress
    )


async def score_records(
    scorer: Scorer,
    chunk: list[dict[str, Any] | InvalidRecord],
    columns: ColumnMap | None,
    preset: str | None,
    stats: BatchStats,
) -> list[dict[str, Any]]:
    """The output records of one chunk, in input order; unusable records get an error."""
    parsed = [
        (r, "unusable line") if isinstance(r, InvalidRecord) else (r, validate(r, columns))
        for r in chunk
    ]
    items = [item for _, item in parsed if isinstance(item, ScoreItem)]
    scored = iter(await scorer.score(items, preset))
    out: list[dict[str, Any]] = []
    for record, item in parsed:
        if isinstance(record, InvalidRecord):
            out.append({"line": record.value, **_error_fields(record.reason)})
            stats.failed += 1
        elif not isinstance(item, ScoreItem):
            out.append({**record, **_error_fields(item)})
            stats.failed += 1
        else:
            result = next(scored)
            out.append(merge(record, result))
            stats.ok += result.status == "ok"
            stats.failed += result.status != "ok"
    return out


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
    columns: ColumnMap | None = None,
) -> BatchStats:
    """Score ``input_path`` (a file or a folder of shards) into ``output_path``.

    See the module docstring; ``columns`` maps item fields to the input's column names.
    """
    stats, kinds = plan_run(input_path, output_path, resume, overwrite)
    bar = progress_bar(stats, progress)
    async with open_runtime(settings, registry, start_sandbox=False) as runtime:
        records = read_records(input_path, skip=stats.skipped)
        try:
            with open_writer(output_path, append=resume, sync=True, kinds=kinds) as dst:
                for chunk in _chunks(records, chunk_size):
                    dst.write(await score_records(runtime.scorer, chunk, columns, preset, stats))
                    stats.scored += len(chunk)
                    bar.update(len(chunk))
        except RecordsError as exc:
            raise BatchError(str(exc)) from exc
    bar.close()
    return stats
