"""How ``score --engine ray`` cuts its input into shards and its cluster into actors. No Ray.

A *shard* is a run of consecutive records that one Ray Data read task reads: a byte range
of whole lines of a JSONL file (about ``shard_rows`` lines), a row group of a Parquet
file, or a whole gzipped file.  Shards follow the order of
:func:`reward_server.records.read_records`, and :func:`read_shard` gives exactly the
records it gives for the same positions, so the Ray engine and the local engine read the
same records in the same order.  Resuming after ``skip`` records drops every shard that
lies wholly before them: those are never read again.

An *actor* holds one scorer runtime (an :class:`~reward_server.engine.Engine`) with
``workers`` verifier processes.  :func:`plan_actors` leaves CPUs for the read tasks:
actors that held every CPU would wait for batches that no read task has a CPU to
produce (on 2 cores, one actor per core deadlocks the read).
"""

from __future__ import annotations

import gzip
import io
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ..records import (
    JSON_COLUMNS_KEY,
    InvalidRecord,
    detect_format,
    list_shards,
    parse_jsonl_lines,
)

ShardKind = Literal["jsonl", "jsonl.gz", "parquet"]
#: JSONL lines per shard.  Results reach the driver in input order a shard at a time, so
#: a shard is also the unit of progress, of memory held for ordering, and of what a
#: killed run loses; much smaller and the per-task cost shows (250 lines: ~35 % slower).
DEFAULT_SHARD_ROWS = 1_000
#: Bytes read at a time while looking for shard boundaries.
BLOCK_BYTES = 1 << 24


@dataclass(frozen=True)
class Shard:
    """Records ``first`` .. ``first + count - 1`` (input order), read by one task.

    ``start``/``end``: the byte range of a JSONL file, or (``start``) the row group of
    a Parquet file.  ``skip``: records at its start that a resumed run already has.
    """

    path: str
    kind: ShardKind
    first: int
    count: int
    start: int = 0
    end: int = 0
    skip: int = 0

    @property
    def rows(self) -> int:
        """Records this shard produces."""
        return self.count - self.skip


# -- planning ------------------------------------------------------------------------------


def plan_shards(path: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS, skip: int = 0) -> list[Shard]:
    """The shards of a file or folder of shards, in input order, after ``skip`` records."""
    if shard_rows < 1:
        raise ValueError("shard_rows must be at least 1")
    shards: list[Shard] = []
    first = 0
    for file in list_shards(path):
        for shard in _file_shards(file, first, shard_rows):
            shards.append(shard)
            first += shard.count
    return _after(shards, skip)


def _after(shards: list[Shard], skip: int) -> list[Shard]:
    kept: list[Shard] = []
    for shard in shards:
        end = shard.first + shard.count
        if end <= skip or shard.count == 0:
            continue
        kept.append(replace(shard, skip=max(0, skip - shard.first)))
    return kept


def _file_shards(file: Path, first: int, shard_rows: int) -> Iterator[Shard]:
    if detect_format(file) == "parquet":
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(file).metadata
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group).num_rows
            yield Shard(str(file), "parquet", first, rows, start=group)
            first += rows
    elif file.name.lower().endswith(".gz"):
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            count = sum(1 for _ in fh)
        yield Shard(str(file), "jsonl.gz", first, count)
    else:
        ranges, has_cr = _line_ranges(file, shard_rows)
        for start, end, lines in ranges:
            count = _count_lines(file, start, end) if has_cr else lines
            yield Shard(str(file), "jsonl", first, count, start=start, end=end)
            first += count


def _line_ranges(file: Path, shard_rows: int) -> tuple[list[tuple[int, int, int]], bool]:
    """Byte ranges of ``shard_rows`` newline-ended lines (the last may hold fewer, or end
    without a newline), with their line counts; and whether the file holds a ``\\r``.

    Python's text mode also ends a line at a lone ``\\r``; when the file has one, the
    caller counts each range's lines the way text mode reads them.
    """
    ranges: list[tuple[int, int, int]] = []
    start = pos = in_range = 0
    has_cr = False
    last = b"\n"
    with file.open("rb") as fh:
        while block := fh.read(BLOCK_BYTES):
            has_cr = has_cr or b"\r" in block
            last = block[-1:]
            i = 0
            while True:
                need = shard_rows - in_range
                found = block.count(b"\n", i)
                if found < need:
                    in_range += found
                    break
                for _ in range(need):
                    i = block.index(b"\n", i) + 1
                ranges.append((start, pos + i, shard_rows))
                start, in_range = pos + i, 0
            pos += len(block)
    if pos > start:  # the rest: whole lines, and maybe one last line without "\n"
        ranges.append((start, pos, in_range + (last != b"\n")))
    return ranges, has_cr


def _count_lines(file: Path, start: int, end: int) -> int:
    return sum(1 for _ in _text_lines(file, start, end))


def _text_lines(file: Path, start: int, end: int) -> Iterator[str]:
    """The lines of a byte range as text mode reads them (universal newlines)."""
    with file.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    yield from io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


# -- reading -------------------------------------------------------------------------------


def read_shard(shard: Shard) -> Iterator[dict[str, Any] | InvalidRecord]:
    """The shard's records after its ``skip``, as ``read_records`` gives them."""
    rows = _records(shard)
    for _ in range(shard.skip):
        next(rows)
    yield from rows


def _records(shard: Shard) -> Iterator[dict[str, Any] | InvalidRecord]:
    path = Path(shard.path)
    if shard.kind == "parquet":
        yield from _parquet_group(path, shard.start)
        return
    if shard.kind == "jsonl.gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from parse_jsonl_lines(fh, shard.first)
        return
    yield from parse_jsonl_lines(_text_lines(path, shard.start, shard.end), shard.first)


def _parquet_group(path: Path, group: int) -> Iterator[dict[str, Any]]:
    # As records._parquet_rows: columns the writer stored as JSON text come back as objects.
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    meta = pf.schema_arrow.metadata or {}
    decode = [
        c for c in json.loads(meta.get(JSON_COLUMNS_KEY, b"[]")) if c in pf.schema_arrow.names
    ]
    for row in pf.read_row_group(group).to_pylist():
        for col in decode:
            text = row.get(col)
            row[col] = None if text is None else json.loads(text)
        yield row


# -- actors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorPlan:
    actors: int
    cpus_per_actor: float
    workers_per_actor: int


def plan_actors(
    node_cpus: Sequence[float],
    workers: int,
    *,
    reserve_cpus: float = 1.0,
    actors: int | None = None,
    available_cpus: float | None = None,
) -> ActorPlan:
    """How many scorer actors, of how many CPUs, fit the nodes with ``reserve_cpus`` left.

    Each actor runs ``workers`` verifier processes and reserves as many CPUs, or what its
    node has after the reserve when that is less (one actor on a 2-core machine: 1 CPU
    reserved, 2 workers, 1 CPU left to the read tasks and the driver).  On a cluster
    that other jobs use (a trainer's), ``available_cpus`` (free now) caps the pool too.
    ``actors`` caps the count; at least one actor is always planned.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    nodes = [c for c in node_cpus if c > 0]
    if not nodes:
        raise ValueError("the cluster has no CPUs")
    total = sum(nodes)
    largest = max(nodes)
    cpus = float(min(workers, max(largest - reserve_cpus, min(largest, 0.5))))
    fit = sum(math.floor(c / cpus + 1e-9) for c in nodes)
    free = total if available_cpus is None else min(total, available_cpus)
    while fit > 1 and free - fit * cpus < reserve_cpus - 1e-9:
        fit -= 1
    count = max(1, fit if actors is None else min(actors, fit))
    return ActorPlan(actors=count, cpus_per_actor=cpus, workers_per_actor=workers)
