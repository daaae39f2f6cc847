"""filter: keeps exactly the records meeting every rule, in order, the same way every time."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reward_server.eval import FilterCriteria, FilterSummary, filter_file, filter_records
from reward_server.eval.filter import chain_of_thought
from reward_server.records import read_records
from tests.eval.scored import math_record

PROMPTS = ["What is 2+2?", "Name a prime.", [{"role": "user", "content": "Hi"}], None]


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Scored records with the properties the rules look at, and the CoT written down."""
    out = []
    for i in range(draw(st.integers(0, 30))):
        paragraphs = draw(st.lists(st.integers(1, 120), min_size=1, max_size=4))
        cot = "\n\n".join("w" * n for n in paragraphs)
        if draw(st.booleans()):
            cot += "\n```python\nprint(1)\n```\n"
        answer = draw(st.sampled_from([" \\boxed{4}", "\n```python\nprint(4)\n```"]))
        completion = draw(
            st.sampled_from([f"<think>{cot}</think>{answer}", f"{cot}</think>{answer}", None])
        )
        record: dict[str, Any] = {
            "id": f"q{i}",
            "prompt": draw(st.sampled_from(PROMPTS)),
            "completion": completion,
            "status": draw(st.sampled_from(["ok", "ok", "ok", "timeout", "error", "invalid"])),
            "reward": draw(st.sampled_from([None, 0.0, 1.5, 3.0])),
            "scores": {
                "accuracy": draw(st.sampled_from([None, 0.0, 0.5, 1.0, 1.0])),
                "format": draw(st.sampled_from([None, 0.0, 1.0, 1.0])),
                "language": draw(st.sampled_from([None, 0.3, 0.95, 1.0])),
            },
            "_cot": cot,
        }
        if draw(st.booleans()) and out:  # a duplicate of an earlier sample
            earlier = draw(st.sampled_from(out))
            record["prompt"], record["completion"] = earlier["prompt"], earlier["completion"]
            record["_cot"] = earlier["_cot"]
        out.append(record)
    return out


criteria_strategy = st.builds(
    FilterCriteria,
    require=st.frozensets(st.sampled_from(["correct", "format", "language"])),
    min_reward=st.sampled_from([None, 1.0, 3.0]),
    max_per_prompt=st.sampled_from([None, 1, 2]),
    no_code_blocks=st.booleans(),
    max_paragraph_chars=st.sampled_from([None, 60]),
    dedupe=st.booleans(),
    style=st.sampled_from(["chat", "pair"]),
)


def reference(rows: list[dict[str, Any]], c: FilterCriteria) -> list[int]:
    """The positions a correct filter keeps, written out rule by rule."""
    kept: list[int] = []
    seen: set[str] = set()
    per_prompt: Counter[str] = Counter()
    for i, r in enumerate(rows):
        s = r["scores"]
        rules = [
            r["status"] == "ok",
            "correct" not in c.require or (s["accuracy"] is not None and s["accuracy"] >= 1.0),
            "format" not in c.require or s["format"] == 1.0,
            "language" not in c.require or (s["language"] is not None and s["language"] >= 0.95),
            c.min_reward is None or (r["reward"] is not None and r["reward"] >= c.min_reward),
            r["prompt"] is not None,
            r["completion"] is not None,
            not c.no_code_blocks or "```" not in r["_cot"],
            c.max_paragraph_chars is None
            # a paragraph is the text between blank lines, without its surrounding whitespace
            or all(len(p.strip()) <= c.max_paragraph_chars for p in r["_cot"].split("\n\n")),
        ]
        if not all(rules):
            continue
        pair = json.dumps([r["prompt"], r["completion"]])
        if c.dedupe and pair in seen:
            continue
        group = json.dumps(r["prompt"])
        if c.max_per_prompt is not None and per_prompt[group] >= c.max_per_prompt:
            continue
        seen.add(pair)
        per_prompt[group] += 1
        kept.append(i)
    return kept


def sft(r: dict[str, Any], style: str) -> dict[str, Any]:
    if style == "pair":
        return {"prompt": r["prompt"], "response": r["completion"], "id": r["id"]}
    user = (
        r["prompt"] if isinstance(r["prompt"], list) else [{"role": "user", "content": r["prompt"]}]
    )
    return {"messages": [*user, {"role": "assistant", "content": r["completion"]}], "id": r["id"]}


@given(records(), criteria_strategy)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_keeps_exactly_the_records_meeting_every_rule(
    rows: list[dict[str, Any]], criteria: FilterCriteria
) -> None:
    summary = FilterSummary()
    got = list(filter_records(rows, criteria, summary))
    want = [sft(rows[i], criteria.style) for i in reference(rows, criteria)]
    assert got == want
    assert summary.read == len(rows) and summary.kept == len(want)
    assert sum(summary.dropped_for.values()) == summary.dropped
    assert all(summary.failed[reason] >= n for reason, n in summary.dropped_for.items())
    # Stable: the same input gives the same output.
    assert list(filter_records(rows, criteria, FilterSummary())) == got


def test_chain_of_thought() -> None:
    assert chain_of_thought("<think>a</think> b") == "a"
    assert chain_of_thought("a</think> b") == "a"  # the template prefilled <think>
    assert chain_of_thought("no block ```") == "no block ```"
    assert chain_of_thought("<think>a</think>b</think>c") == "a</think>b"


def test_a_paragraph_is_measured_without_its_surrounding_whitespace() -> None:
    """Found by the property test: 60 characters and a trailing newline is 60, not 61."""
    from reward_server.eval.filter import longest_paragraph

    cot = "w" * 37 + "\n```python\nprint(1)\n```\n"
    assert longest_paragraph(cot) == 60
    assert longest_paragraph("  ab \n \t\n" + "c" * 5 + "\n\n") == 5  # blank lines may hold spaces
    criteria = FilterCriteria(max_paragraph_chars=60)
    kept = math_record("q0", "4", correct=True, prompt="What is 2+2?")
    kept["completion"] = f"<think>{cot}</think> 4"
    too_long = kept | {"id": "q1", "completion": f"<think>w{cot}</think> 4"}
    got = list(filter_records([kept, too_long], criteria, FilterSummary()))
    assert [row["id"] for row in got] == ["q0"]


def test_rules_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown requirement"):
        FilterCriteria(require=frozenset({"corect"}))
    with pytest.raises(ValueError):
        FilterCriteria(max_per_prompt=0)


def _scored_rows() -> list[dict[str, Any]]:
    rows = []
    for p in range(6):
        for j in range(5):
            rows.append(
                math_record(
                    f"p{p}-{j}",
                    str(j % 3),
                    correct=j % 3 == 0,
                    prompt=f"Problem {p}",
                    language=0.5 if j == 3 else 1.0,
                )
            )
    return rows


def test_files_are_stable_and_formats_agree(tmp_path: Path) -> None:
    src = tmp_path / "scored.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _scored_rows()) + "oops\n")
    criteria = FilterCriteria(max_per_prompt=1)  # require: correct (the default)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    summary = filter_file(src, first, criteria)
    filter_file(src, second, criteria)
    assert first.read_bytes() == second.read_bytes()
    assert summary.as_dict()["kept"] == 6
    assert summary.dropped_for == {"not_correct": 18, "over_max_per_prompt": 6, "unreadable": 1}
    parquet = tmp_path / "a.parquet"
    filter_file(src, parquet, criteria)
    assert list(read_records(parquet)) == list(read_records(first))
    import pyarrow.parquet as pq

    assert str(pq.read_schema(parquet).field("messages").type).startswith("list<")


def test_cli_filter(tmp_path: Path) -> None:
    src = tmp_path / "scored.jsonl"
    rows = _scored_rows()
    for r in rows:  # dataset columns with other names
        r["response"] = r.pop("completion")
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out, summary = tmp_path / "sft.jsonl", tmp_path / "summary.json"
    cmd = [sys.executable, "-m", "reward_server.cli", "filter", str(src), "-o", str(out)]
    cmd += ["--require", "correct,format,language", "--map", "completion=response"]
    cmd += ["--max-per-prompt", "1", "--summary", str(summary), "--no-progress"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert [k["id"] for k in kept] == [f"p{p}-0" for p in range(6)]
    assert kept[0]["messages"][0] == {"role": "user", "content": "Problem 0"}
    assert kept[0]["messages"][1]["content"] == rows[0]["response"]
    report = json.loads(summary.read_text())
    assert report["read"] == 30 and report["kept"] == 6
    assert report["dropped_for"] == {"not_correct": 18, "language": 6}
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "--overwrite" in again.stderr
