"""`score` reads and writes Parquet too, and reads item fields through a column map."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reward_server.batch import BatchError, score_file
from reward_server.config import Settings
from reward_server.records import ColumnMap, open_writer, read_records

SETTINGS = Settings(workers=1, sandbox={"enabled": False})


def _rows(n: int) -> list[dict]:
    return [
        {
            "uid": f"r{i}",
            "response": f"<think>Step {i}.</think> So \\boxed{{{i % 3}}}",
            "solution": str(i % 2),
            "task": "math",
            "meta": {"source": "x", "tags": ["a"]},
        }
        for i in range(12)
    ]


def test_parquet_in_parquet_out_with_a_column_map(tmp_path: Path) -> None:
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    with open_writer(src) as writer:
        writer.write(_rows(12))
    columns = ColumnMap.parse(["completion=response", "answer=solution", "id=uid"])
    stats = asyncio.run(score_file(src, out, SETTINGS, progress=False, columns=columns))
    assert stats.total == stats.scored == stats.ok == 12
    got = list(read_records(out))
    assert len(got) == 12
    for i, row in enumerate(got):
        assert row["uid"] == f"r{i}" and row["meta"] == {"source": "x", "tags": ["a"]}
        assert "completion" not in row  # the input's own columns are written back as they were
        assert row["status"] == "ok"
        assert row["scores"]["accuracy"] == (1.0 if i % 3 == i % 2 else 0.0)
        assert row["details"]["accuracy"]["extracted"] == str(i % 3)


def test_jsonl_and_parquet_outputs_hold_the_same_records(tmp_path: Path) -> None:
    """The API writes JSONL, the command Parquet, from the same renamed columns."""
    src = tmp_path / "in.jsonl"
    rows = _rows(12)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    columns = ColumnMap.parse(["completion=response", "answer=solution"])
    a, b = tmp_path / "a.jsonl", tmp_path / "b.parquet"
    asyncio.run(score_file(src, a, SETTINGS, progress=False, columns=columns))
    cli = [sys.executable, "-m", "reward_server.cli", "score", str(src), "-o", str(b)]
    cli += ["--map", "completion=response", "--map", "answer=solution", "--workers", "1"]
    proc = subprocess.run(
        cli,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "REWARD_SANDBOX__ENABLED": "false"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "12 ok, 1 not ok" in proc.stderr

    # Parquet has one schema, so a column a record lacks reads back as None.
    def present(path: Path) -> list[dict]:
        return [{k: v for k, v in r.items() if v is not None} for r in read_records(path)]

    assert present(a) == present(b)
    assert len(present(b)) == 13 and present(b)[-1]["line"] == "not json"


def test_parquet_output_cannot_be_resumed(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_rows(1)[0]) + "\n")
    with pytest.raises(BatchError, match="JSONL"):
        asyncio.run(score_file(src, tmp_path / "o.parquet", SETTINGS, resume=True))
