"""reward_server.records: JSONL and Parquet round trips, shards, column maps."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from reward_server.records import (
    ColumnMap,
    InvalidRecord,
    ParquetWriter,
    RecordsError,
    count_records,
    detect_format,
    get_path,
    open_writer,
    read_records,
)

ROWS = [
    {
        "id": 1,
        "prompt": "What is 1+1?",
        "reward": 2.5,
        "status": "ok",
        "scores": {"accuracy": 1.0, "format": 1.0, "language": None},
        "details": {"accuracy": {"extracted": "2", "tests": [{"verdict": "accepted"}]}},
        "error": None,
        "tags": ["a", "b"],
        "flag": True,
    },
    {
        "id": 2,
        "prompt": "Say hi",
        "reward": None,
        "status": "timeout",
        "scores": {"accuracy": None},
        "details": {"code": {"verdicts": [1, "x"]}},
        "error": {"type": "deadline_exceeded", "message": "slow", "retryable": False},
        "tags": [],
        "flag": False,
    },
]


def test_parquet_round_trip_gives_the_records_back(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    with open_writer(path) as writer:
        writer.write(ROWS)
    assert detect_format(path) == "parquet"
    assert count_records(path) == 2
    assert list(read_records(path)) == ROWS
    schema = pq.read_schema(path)
    assert str(schema.field("status").type) == "string"  # plain columns stay typed
    assert str(schema.field("reward").type) == "double"


def test_parquet_reads_only_the_columns_asked(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    with open_writer(path) as writer:
        writer.write(ROWS)
    got = list(read_records(path, columns=["id", "scores", "missing"]))
    assert got == [{"id": r["id"], "scores": r["scores"]} for r in ROWS]


def test_parquet_writer_refuses_a_late_new_column(tmp_path: Path) -> None:
    writer = ParquetWriter(tmp_path / "x.parquet", row_group_rows=1)
    writer.write([{"a": 1}])
    with pytest.raises(RecordsError, match="'b'"):
        writer.write([{"a": 2, "b": 3}])
    writer.close()
    assert list(read_records(tmp_path / "x.parquet")) == [{"a": 1}]


def test_parquet_writer_accepts_declared_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    with open_writer(path, kinds={"line": "json"}) as writer:
        writer.write([{"a": 1}])
        writer.write([{"a": 2, "line": [1, 2]}])
    assert list(read_records(path)) == [{"a": 1, "line": None}, {"a": 2, "line": [1, 2]}]


def test_jsonl_bad_lines_come_as_invalid_records(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\nnot json\n[1, 2]\n{"a": 2}')
    got = list(read_records(path))
    assert got[0] == {"a": 1} and got[3] == {"a": 2}
    assert isinstance(got[1], InvalidRecord) and got[1].line == 2 and got[1].value == "not json"
    assert isinstance(got[2], InvalidRecord) and got[2].value == [1, 2]
    assert count_records(path) == 4  # the last line has no newline
    assert list(read_records(path, skip=3)) == [{"a": 2}]


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl.gz"
    with open_writer(path) as writer:
        writer.write(ROWS)
    with gzip.open(path, "rt") as fh:
        assert json.loads(fh.readline())["id"] == 1
    assert list(read_records(path)) == ROWS and count_records(path) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_folder_of_shards_reads_in_name_order(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "out"
    rows = [{"i": i, "s": str(i)} for i in range(25)]
    with open_writer(folder, fmt=fmt, shard_rows=10) as writer:  # type: ignore[arg-type]
        writer.write(rows[:7])
        writer.write(rows[7:])
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"part-0000{i}.{fmt}" for i in range(3)]
    (folder / "_SUCCESS").write_text("")  # markers written by Spark/Ray are ignored
    assert list(read_records(folder)) == rows
    assert count_records(folder) == 25 and detect_format(folder) == fmt


def test_a_folder_mixing_formats_is_refused(tmp_path: Path) -> None:
    with open_writer(tmp_path / "a.jsonl") as w:
        w.write([{"a": 1}])
    with open_writer(tmp_path / "b.parquet") as w:
        w.write([{"a": 1}])
    with pytest.raises(RecordsError, match="mixes"):
        detect_format(tmp_path)


def test_column_map() -> None:
    columns = ColumnMap.parse(["completion=response", "answer=reward_model.ground_truth"])
    record = {"response": "r", "reward_model": {"ground_truth": "42"}, "other": 1}
    view = columns.view(record)
    assert view["completion"] == "r" and view["answer"] == "42" and view["other"] == 1
    assert "completion" not in record  # the record itself is untouched
    assert columns.source("answer") == "reward_model.ground_truth"
    assert get_path({"a.b": 1}, "a.b") == 1 and get_path({"a": 3}, "a.b") is None
    with pytest.raises(RecordsError):
        ColumnMap.parse(["completion"])
