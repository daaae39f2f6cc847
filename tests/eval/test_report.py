"""The report: its JSON contract, every format agreeing with it, streaming, inputs."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reward_server.eval import (
    ReportOptions,
    SampleOptions,
    print_terminal,
    report_file,
    report_records,
    to_html,
    to_json,
    to_markdown,
)
from reward_server.eval.collect import collect
from reward_server.eval.votes import clustering_jobs
from reward_server.records import ColumnMap, open_writer
from tests.eval.scored import code_record, failed_record, math_record

KS = (1, 2, 4)


def mixed_records() -> list[dict[str, Any]]:
    rows = []
    for j, (ans, ok) in enumerate([("2", True), ("2", True), ("3", False), ("2", True)]):
        rows.append(math_record(f"p0-{j}", ans, ok))
    for j, (ans, ok) in enumerate([("5", False), ("6", True), ("6", True), (None, False)]):
        rows.append(math_record(f"p1-{j}", ans, ok, language=0.5 if j == 0 else 1.0))
    for j, ans in enumerate(["7", "8", "7", "7"]):
        rows.append(math_record(f"p2-{j}", ans, False, fmt=0.0 if j == 1 else 1.0))
    rows.append(failed_record("p2-4", "timeout", "deadline_exceeded"))
    rows.append(failed_record("p3-0", "invalid", "invalid_reference"))
    rows.append(failed_record("p3-1", "invalid", "invalid_reference"))
    rows.append(code_record("c0-0", ["accepted", "accepted"]))
    rows.append(code_record("c0-1", ["accepted", "wrong_answer"]))
    rows.append(code_record("c0-2", None, reason="compile_error"))
    rows.append(code_record("c0-3", ["time_limit", "accepted"]))
    rows.append(code_record("c1-0", None, reason="no_code_block"))
    rows.append(code_record("c1-1", ["accepted", "accepted"]))
    rows.append(code_record("c1-2", ["accepted", "accepted"]))
    rows.append(failed_record("c1-3", "error", "sandbox_error", dataset="code", task="code"))
    rows.append(code_record("c1-4", ["wrong_answer", "accepted"]))
    rows.append(math_record("z0-0", "1", True, dataset=None))
    rows.append(math_record("z0-1", "2", False, dataset=None))
    return rows


@pytest.fixture(scope="module")
def scored_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "scored.jsonl"
    with path.open("w") as fh:
        for row in mixed_records():
            fh.write(json.dumps(row) + "\n")
        fh.write("{not json\n")
    return path


@pytest.fixture(scope="module")
def report(scored_file: Path) -> dict[str, Any]:
    return report_file(scored_file, ReportOptions(ks=KS, workers=1))


def test_json_contract(report: dict[str, Any]) -> None:
    assert set(report) == {"overall", "datasets", "meta"}
    assert set(report["datasets"]) == {"math", "code", "(none)"}
    for summary in [report["overall"], *report["datasets"].values()]:
        for key in ("prompts", "samples", "avg@n", "format_rate", "language_rate", "statuses"):
            assert key in summary
        for key in ("pass@k", "maj@k"):
            assert all(isinstance(k, str) for k in summary[key])
    overall = report["overall"]
    assert overall["samples"] == 26 and report["meta"]["unreadable_records"] == 1
    assert overall["prompts"] == 7  # p0 p1 p2 p3 c0 c1 z0
    assert overall["statuses"] == {"error": 1, "invalid": 2, "ok": 22, "timeout": 1}
    # Round-trips through JSON text unchanged.
    assert json.loads(to_json(report)) == report


def test_counts_and_rates(report: dict[str, Any]) -> None:
    m = report["datasets"]["math"]
    assert m["prompts"] == 4 and m["graded_prompts"] == 3 and m["samples"] == 15
    # p0: 3/4, p1: 2/4, p2: 0/4 (the timeout is left out, not counted wrong).
    assert m["avg@n"] == pytest.approx((0.75 + 0.5 + 0.0) / 3)
    assert m["pass@k"]["4"] == pytest.approx((1 + 1 + 0) / 3)
    assert m["pass@k"]["2"] == pytest.approx((1 - 0 / 6 + 1 - 1 / 6 + 0) / 3)
    assert m["maj@k"]["4"] == pytest.approx((1 + 1 + 0) / 3)  # p1: 6 beats 5; None abstains
    assert m["verdicts"] == {"correct": 5, "wrong": 6, "no_answer": 1}
    assert m["error_types"] == {"deadline_exceeded": 1, "invalid_reference": 2}
    assert m["format_rate"] == pytest.approx(14 / 15)  # every record has a format score
    assert m["language_rate"] == pytest.approx(11 / 12)  # 0.5 is below 0.95
    c = report["datasets"]["code"]
    assert c["verdicts"] == {
        "accepted": 3,
        "compile_error": 1,
        "no_code_block": 1,
        "time_limit": 1,
        "wrong_answer": 2,
    }
    assert c["samples_per_prompt"] == {"min": 4, "max": 4}
    assert c["statuses"] == {"error": 1, "ok": 8}
    assert c["length"]["correct"]["samples"] == 3 and c["length"]["wrong"]["samples"] == 5


def test_pass_at_k_only_where_every_prompt_has_k(report: dict[str, Any]) -> None:
    none = report["datasets"]["(none)"]
    assert none["short_of_k"] == {"1": 0, "2": 0, "4": 1}
    assert "4" not in none["pass@k"] and "4" not in none["maj@k"]
    assert none["pass@k"]["2"] == 1.0
    overall = report["overall"]
    assert overall["short_of_k"]["4"] == 1 and "4" not in overall["pass@k"]


def test_failed_as_wrong_counts_timeouts_as_wrong(scored_file: Path) -> None:
    options = ReportOptions(ks=(1,), samples=SampleOptions(failed_as_wrong=True), workers=1)
    m = report_file(scored_file, options)["datasets"]["math"]
    assert m["samples_per_prompt"] == {"min": 4, "max": 5}
    assert m["avg@n"] == pytest.approx((0.75 + 0.5 + 0.0) / 3)
    assert m["verdicts"]["timeout"] == 1


# -- every format agrees with the JSON ----------------------------------------------------


def expected_cell(report: dict[str, Any], column: str, dataset: str) -> Any:
    """What a table cell must show, read from the JSON independently of the renderers."""
    s = report["overall"] if dataset == "overall" else report["datasets"][dataset]
    if column in ("prompts", "samples"):
        return s[column]
    if column == "avg@n ± se":
        return (s["avg@n"], s["avg@n_stderr"])
    if m := re.fullmatch(r"(pass|maj)@(\d+)", column):
        return s[f"{m.group(1)}@k"].get(m.group(2))
    simple = {
        "format": "format_rate",
        "language": "language_rate",
        "mean reward": "reward_mean",
        "language mean": "language_mean",
    }
    if column in simple:
        return s[simple[column]]
    if column == "not ok":
        return sum(v for k, v in s["statuses"].items() if k != "ok")
    if m := re.fullmatch(r"(status|verdict|error) (.+)", column):
        field = {"status": "statuses", "verdict": "verdicts", "error": "error_types"}
        return s[field[m.group(1)]].get(m.group(2), 0)
    if m := re.fullmatch(r"(correct|wrong) (samples|mean chars)", column):
        return s["length"][m.group(1)]["samples" if m.group(2) == "samples" else "mean"]
    raise AssertionError(f"unknown column {column!r}")


def check_cell(text: str, want: Any) -> None:
    text = text.strip()
    if isinstance(want, tuple):
        parts = text.split("±")
        check_cell(parts[0], want[0])
        if want[1] is not None:
            check_cell(parts[1], want[1])
        return
    if want is None:
        assert text == "—"
    elif isinstance(want, int) and not isinstance(want, bool):
        assert int(text.replace(",", "")) == want
    else:
        assert float(text.replace(",", "")) == pytest.approx(want, abs=0.051)
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert abs(float(text.replace(",", "")) - want) <= 0.5 * 10**-decimals + 1e-12


def check_tables(report: dict[str, Any], tables: list[list[list[str]]], transposed: bool) -> int:
    """Each table is rows of cells, headers first; returns how many cells were checked."""
    checked = 0
    for table in tables:
        if transposed:
            table = [list(col) for col in zip(*table)]
        headers = [h.strip() for h in table[0]]
        for row in table[1:]:
            dataset = row[0].strip()
            for column, cell in zip(headers[1:], row[1:]):
                check_cell(cell, expected_cell(report, column, dataset))
                checked += 1
    return checked


def markdown_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(set(c.strip()) <= set("-:") for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def terminal_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith(("┃", "│")):
            current.append(line.strip("┃│").replace("┃", "│").split("│"))
        elif line.startswith("└") and current:
            tables.append(current)
            current = []
    return tables


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self.json_text = ""
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "script" and ("type", "application/json") in attrs:
            self._in_json = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_json:
            self.json_text += data


def test_markdown_agrees_with_json(report: dict[str, Any]) -> None:
    tables = markdown_tables(to_markdown(report))
    assert len(tables) == 3
    assert check_tables(report, tables, transposed=False) > 60


def test_terminal_agrees_with_json(report: dict[str, Any]) -> None:
    out = io.StringIO()
    print_terminal(report, file=out, width=240)
    tables = terminal_tables(out.getvalue())
    assert len(tables) == 3
    # The summary and the breakdown are printed a metric per row.
    n = check_tables(report, tables[:2], transposed=True)
    n += check_tables(report, tables[2:], transposed=False)
    assert n > 60
    assert "pass@4 and maj@4 not reported" in out.getvalue()


def test_html_agrees_with_json_and_is_self_contained(report: dict[str, Any]) -> None:
    page = to_html(report)
    parser = _Tables()
    parser.feed(page)
    assert len(parser.tables) == 3
    assert check_tables(report, parser.tables, transposed=False) > 60
    assert json.loads(parser.json_text) == json.loads(to_json(report))
    # Offline: nothing to fetch.
    lowered = page.lower()
    for needle in (
        "http:",
        "https:",
        "src=",
        "href=",
        "url(",
        "@import",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "xlink",
    ):
        assert needle not in lowered, needle
    assert "<script" not in lowered.replace('<script type="application/json" id="report-data">', "")
    # pass@k plot, then a reward and a length histogram per section.
    assert page.count("<svg") == 1 + 2 * (1 + len(report["datasets"]))
    assert "<polyline" in page and "<rect" in page


# -- inputs ---------------------------------------------------------------------------------


def test_parquet_input_gives_the_same_report(tmp_path: Path, report: dict[str, Any]) -> None:
    path = tmp_path / "scored.parquet"
    with open_writer(path) as writer:
        writer.write(mixed_records())
    got = report_file(path, ReportOptions(ks=KS, workers=1))
    assert got["overall"] == report["overall"] and got["datasets"] == report["datasets"]
    assert got["meta"]["records"] == report["meta"]["records"] - 1  # no unreadable line


def test_column_map_reads_renamed_columns(tmp_path: Path, report: dict[str, Any]) -> None:
    path = tmp_path / "renamed.jsonl"
    with path.open("w") as fh:
        for row in mixed_records():
            row["response"] = row.pop("completion")
            row["source"] = row.pop("dataset", None)
            row["uid"] = row.pop("id")
            fh.write(json.dumps(row) + "\n")
    options = ReportOptions(
        ks=KS,
        samples=SampleOptions(dataset_key="source"),
        columns=ColumnMap.parse(["completion=response", "id=uid"]),
        workers=1,
    )
    got = report_file(path, options)
    assert got["datasets"] == report["datasets"]
    assert got["overall"]["histograms"] == report["overall"]["histograms"]


def test_prompt_groups_by_prompt_column_or_id_prefix() -> None:
    rows = [math_record(f"gsm8k/12#{j}", "1", j == 0) for j in range(3)]
    rows += [math_record(f"x{j}", "1", True, prompt="same prompt") for j in range(3)]
    rows += [math_record("loner", "1", True)]
    r = report_records(rows, ReportOptions(ks=(1,), cluster=False))
    assert r["overall"]["prompts"] == 3
    assert r["overall"]["samples_per_prompt"] == {"min": 1, "max": 3}
    by_dataset = report_records(
        rows, ReportOptions(ks=(1,), cluster=False, samples=SampleOptions(prompt_key="task"))
    )
    assert by_dataset["overall"]["prompts"] == 1


def _stream(records: int, prompts: int) -> Iterator[dict[str, Any]]:
    for i in range(records):
        p = i % prompts
        yield math_record(f"q{p}-{i}", str(i % 5), i % 5 == 0, completion="x" * 2000)


def test_report_memory_is_bounded_by_prompts_not_records() -> None:
    def peak(records: int) -> int:
        tracemalloc.start()
        collect(_stream(records, 100), SampleOptions())
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(30_000)
    # 15 times the records (60 MB of completions) within 1.5 times the memory.
    assert large < 1.5 * small, (small, large)


def test_cli_report_writes_every_format(
    tmp_path: Path, scored_file: Path, report: dict[str, Any]
) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "reward_server.cli",
            "report",
            str(scored_file),
            "--k",
            "1,2,4",
            "--workers",
            "1",
            "--json",
            "-",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    got = json.loads(out.stdout)
    assert got["overall"] == json.loads(to_json(report))["overall"]
    files = [tmp_path / "r.json", tmp_path / "r.md", tmp_path / "r.html"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reward_server.cli",
            "report",
            str(scored_file),
            "--k",
            "1,2,4",
            "--no-cluster",
            "--json",
            str(files[0]),
            "--markdown",
            str(files[1]),
            "--html",
            str(files[2]),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Summary" in proc.stdout and all(f.stat().st_size > 0 for f in files)
    written = json.loads(files[0].read_text())
    assert check_tables(written, markdown_tables(files[1].read_text()), transposed=False) > 60


def test_cut_and_hedged_answers_vote_but_are_never_compared() -> None:
    long = "x" * 200 + "…"
    rows = [math_record(f"q-{j}", long, False) for j in range(2)]
    rows += [math_record("q-2", "y" * 200 + "…", False), math_record("q-3", "1", True)]
    hedge = math_record("q-4", None, False)
    hedge["details"]["accuracy"]["extracted"] = ["3", "4"]
    rows.append(hedge)
    found = collect(rows, SampleOptions())
    (group,) = found.groups.values()
    assert group.answers[long][:2] == [2, 0] and group.answers[long][3] == 0
    assert group.answers["hedge: 3 | 4"][3] == 0
    assert clustering_jobs(found.groups).answers == {}  # nothing left to compare
    r = report_records(rows, ReportOptions(ks=(5,)))
    assert r["overall"]["maj@k"]["5"] == 0.0  # the cut answer has the most votes
