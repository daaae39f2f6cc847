"""`reward-server score`: offline batch scoring, killed with SIGKILL and resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "reward_server.cli"]
ENV = {**os.environ, "REWARD_WORKERS": "2", "REWARD_SANDBOX__ENABLED": "false"}


def _write_input(path: Path, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        answer = str(i % 7)
        guess = str(i % 5)
        rows.append(
            {
                "id": f"r{i}",
                "completion": f"<think>Working on problem {i}, step by step.</think> So \\boxed{{{guess}}}",
                "task": "math",
                "answer": answer,
                "target_lang": "en",
                "source": {"row": i, "tags": ["keep", "me"]},
            }
        )
    with path.open("w") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        fh.write("this line is not json\n")
        fh.write(json.dumps({"id": "bad", "completion": 3}) + "\n")
    return rows


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_batch_scores_every_line_and_keeps_extra_fields(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = _write_input(src, 20)
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [*CLI, "score", str(src), "-o", str(out)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "it" in proc.stderr or "%" in proc.stderr  # a progress bar on stderr
    lines = _read(out)
    assert len(lines) == 22
    for row, line in zip(rows, lines):
        assert line["id"] == row["id"] and line["source"] == row["source"]
        assert line["status"] == "ok"
        expected = 1.0 if row["answer"] == str(int(row["id"][1:]) % 5) else 0.0
        assert line["scores"]["accuracy"] == expected
        assert line["reward"] == pytest.approx(expected + 1.0 + line["scores"]["language"])
    assert lines[20]["status"] == "error" and "JSON" in lines[20]["error"]["message"]
    assert lines[21]["status"] == "error" and lines[21]["id"] == "bad"
    # An existing output is not silently replaced.
    again = subprocess.run(
        [*CLI, "score", str(src), "-o", str(out)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "--resume" in again.stderr


def test_sigkill_then_resume_loses_and_duplicates_nothing(tmp_path):
    src = tmp_path / "in.jsonl"
    _write_input(src, 600)
    reference = tmp_path / "ref.jsonl"
    subprocess.run(
        [*CLI, "score", str(src), "-o", str(reference), "--no-progress"],
        env=ENV,
        check=True,
        timeout=600,
    )

    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [*CLI, "score", str(src), "-o", str(out), "--chunk-size", "8", "--no-progress"],
        env=ENV,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= 40:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = out.read_bytes().count(b"\n")
    assert 0 < done_before < 602, "the kill must land mid-run"
    # Simulate a kill in the middle of a write: a torn last line.
    with out.open("a") as fh:
        fh.write('{"id": "r99999", "torn')
    resumed = subprocess.run(
        [*CLI, "score", str(src), "-o", str(out), "--resume", "--no-progress"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr
    got, want = _read(out), _read(reference)
    assert len(got) == len(want) == 602
    assert [g["id"] if "id" in g else g.get("line") for g in got] == [
        w["id"] if "id" in w else w.get("line") for w in want
    ]
    for g, w in zip(got, want):
        assert (g["reward"], g["status"], g["scores"]) == (w["reward"], w["status"], w["scores"])
