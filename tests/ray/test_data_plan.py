"""Shards read exactly what ``read_records`` reads, from any position; actors leave CPUs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reward_server.ray.data_plan import plan_actors, plan_shards, read_shard
from reward_server.records import ParquetWriter, read_records

TRICKY = [
    '{"id": 1, "completion": "plain"}\n',
    "\n",
    "not json at all\n",
    "[1, 2, 3]\n",
    '{"id": 2, "completion": "crlf"}\r\n',
    'broken \r in the middle {"id": 3}\n',
    '"a string"\n',
    '{"id": 4, "completion": "ünïcødé ✓ 中文"}\n',
    "   \n",
    '{"id": 5, "nested": {"a": [1, {"b": null}]}}\n',
    '{"id": 6, "last": "no newline"}',
]


def _through_shards(path: Path, shard_rows: int, skip: int = 0) -> list:
    return [
        r
        for shard in plan_shards(path, shard_rows=shard_rows, skip=skip)
        for r in read_shard(shard)
    ]


@pytest.mark.parametrize("shard_rows", [1, 2, 3, 5, 1000])
def test_jsonl_shards_read_what_read_records_reads(tmp_path: Path, shard_rows: int) -> None:
    path = tmp_path / "tricky.jsonl"
    path.write_bytes("".join(TRICKY).encode())
    expected = list(read_records(path))
    assert len(expected) == 12  # the lone \r makes one more line, as text mode reads it
    for skip in range(len(expected) + 2):
        assert _through_shards(path, shard_rows, skip) == expected[skip:], (shard_rows, skip)


def test_shards_cover_the_file_once_and_skip_whole_shards(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text("".join(json.dumps({"i": i}) + "\n" for i in range(25)))
    shards = plan_shards(path, shard_rows=10)
    assert [(s.first, s.count) for s in shards] == [(0, 10), (10, 10), (20, 5)]
    assert [s.start for s in shards[1:]] == [s.end for s in shards[:-1]]
    resumed = plan_shards(path, shard_rows=10, skip=13)
    assert [(s.first, s.skip, s.rows) for s in resumed] == [(10, 3, 7), (20, 0, 5)]
    assert plan_shards(path, shard_rows=10, skip=25) == []


def test_gzip_parquet_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    with gzip.open(folder / "part-00000.jsonl.gz", "wt") as fh:
        fh.write("".join(TRICKY))
    (folder / "part-00001.jsonl").write_text("".join(TRICKY[:4]))
    (folder / "_SUCCESS").write_text("")
    expected = list(read_records(folder))
    for skip in (0, 5, 12, 14, 16):
        assert _through_shards(folder, 2, skip) == expected[skip:]

    parquet = tmp_path / "scored.parquet"
    rows = [
        {"id": i, "completion": f"c{i}", "details": {"k": [i, {"x": None}]}, "reward": i / 3}
        for i in range(23)
    ]
    writer = ParquetWriter(parquet, row_group_rows=5)
    for i in range(0, 23, 4):
        writer.write(rows[i : i + 4])
    writer.close()
    shards = plan_shards(parquet)
    assert len(shards) > 1  # one per row group
    for skip in (0, 1, 9, 22, 23):
        assert (
            _through_shards(parquet, 1, skip) == list(read_records(parquet))[skip:] == rows[skip:]
        )


LINE = st.lists(
    st.sampled_from(['{"a": 1}', "{", "[]", " ", "\r", "\r\n", '"x"', "é", '{"b": "\\n"}', "1"]),
    max_size=6,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(LINE, max_size=15), final_newline=st.booleans(), shard_rows=st.integers(1, 4))
def test_any_file_reads_the_same(
    tmp_path: Path, lines: list[str], final_newline: bool, shard_rows: int
) -> None:
    path = tmp_path / "any.jsonl"
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    path.write_bytes(text.encode())
    expected = list(read_records(path))
    got = _through_shards(path, shard_rows)
    assert got == expected
    if expected:
        skip = len(expected) // 2
        assert _through_shards(path, shard_rows, skip) == expected[skip:]


def test_actors_leave_cpus_for_the_read_tasks() -> None:
    two_cores = plan_actors([2.0], workers=2)
    assert (two_cores.actors, two_cores.cpus_per_actor, two_cores.workers_per_actor) == (1, 1.0, 2)
    assert plan_actors([2.0], workers=1).actors == 1  # not 2: the read needs a CPU
    four_nodes = plan_actors([16.0] * 4, workers=16)
    assert (four_nodes.actors, four_nodes.cpus_per_actor) == (4, 15.0)
    small = plan_actors([16.0] * 4, workers=4)
    assert small.actors == 15 and 64 - 15 * 4 >= 1
    assert plan_actors([16.0] * 4, workers=4, actors=3).actors == 3
    assert plan_actors([1.0], workers=4).actors == 1
    busy = plan_actors([16.0] * 4, workers=4, available_cpus=20.0)  # a trainer holds the rest
    assert busy.actors == 4 and 20 - 4 * 4 >= 1
    with pytest.raises(ValueError):
        plan_actors([], workers=1)
