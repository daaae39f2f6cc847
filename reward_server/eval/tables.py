"""The report's tables as rows of text, drawn from the JSON report.

The terminal table, the Markdown file and the HTML page all print these rows, so they
show the same numbers as the JSON, rounded the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

DASH = "—"


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def rate(value: float | None) -> str:
    """A rate or score with three decimals."""
    return DASH if value is None else f"{value:.3f}"


def mean_pm(value: float | None, stderr: float | None) -> str:
    if value is None:
        return DASH
    return f"{value:.3f}" if stderr is None else f"{value:.3f} ± {stderr:.3f}"


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{value:,.{digits}f}"


def sections(report: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``("overall", S)`` and then each dataset's ``(name, S)``."""
    yield "overall", report["overall"]
    yield from report["datasets"].items()


def summary_table(report: dict[str, Any]) -> Table:
    ks = [str(k) for k in report["meta"]["k"]]
    headers = ["dataset", "prompts", "samples", "avg@n ± se"]
    headers += [f"pass@{k}" for k in ks] + [f"maj@{k}" for k in ks]
    headers += ["format", "language", "not ok"]
    rows, notes = [], []
    hint = "" if report["meta"]["failed_as_wrong"] else " (timeouts/errors left out)"
    for name, s in sections(report):
        row = [
            name,
            number(s["prompts"]),
            number(s["samples"]),
            mean_pm(s["avg@n"], s["avg@n_stderr"]),
        ]
        row += [rate(s["pass@k"].get(k)) for k in ks]
        row += [rate(s["maj@k"].get(k)) for k in ks]
        not_ok = sum(v for status, v in s["statuses"].items() if status != "ok")
        row += [rate(s["format_rate"]), rate(s["language_rate"]), number(not_ok)]
        rows.append(row)
        for k in ks:
            short = s["short_of_k"].get(k, 0)
            if short:
                notes.append(
                    f"{name}: pass@{k} and maj@{k} not reported, "
                    f"{short} prompts have fewer than {k} graded samples{hint}"
                )
    return Table("Summary", headers, rows, notes)


def breakdown_table(report: dict[str, Any]) -> Table:
    statuses = sorted({k for _, s in sections(report) for k in s["statuses"]})
    verdicts = sorted({k for _, s in sections(report) for k in s["verdicts"]})
    errors = sorted({k for _, s in sections(report) for k in s["error_types"]})
    headers = ["dataset"] + [f"status {x}" for x in statuses]
    headers += [f"verdict {x}" for x in verdicts] + [f"error {x}" for x in errors]
    rows = []
    for name, s in sections(report):
        row = [name] + [number(s["statuses"].get(x, 0)) for x in statuses]
        row += [number(s["verdicts"].get(x, 0)) for x in verdicts]
        row += [number(s["error_types"].get(x, 0)) for x in errors]
        rows.append(row)
    return Table("Statuses, verdicts and errors (samples)", headers, rows)


def length_table(report: dict[str, Any]) -> Table:
    headers = [
        "dataset",
        "correct samples",
        "correct mean chars",
        "wrong samples",
        "wrong mean chars",
        "mean reward",
        "language mean",
    ]
    rows = []
    for name, s in sections(report):
        c, w = s["length"]["correct"], s["length"]["wrong"]
        rows.append(
            [
                name,
                number(c["samples"]),
                number(c["mean"], 1),
                number(w["samples"]),
                number(w["mean"], 1),
                rate(s["reward_mean"]),
                rate(s["language_mean"]),
            ]
        )
    return Table("Completion length and reward", headers, rows)


def transpose(table: Table) -> Table:
    """Metrics as rows and datasets as columns (what fits a terminal)."""
    headers = ["metric"] + [row[0] for row in table.rows]
    rows = [
        [header] + [row[i] for row in table.rows] for i, header in enumerate(table.headers[1:], 1)
    ]
    return Table(table.title, headers, rows, table.notes)


def all_tables(report: dict[str, Any]) -> list[Table]:
    return [summary_table(report), breakdown_table(report), length_table(report)]


def meta_lines(report: dict[str, Any]) -> list[str]:
    meta = report["meta"]
    clustering = meta.get("clustering", {})
    lines = [
        f"records: {meta['records']:,} ({meta['unreadable_records']:,} unreadable)",
        f"prompt groups by: {meta['prompt_key']}; datasets by: {meta['dataset_key']}",
        f"correct: accuracy >= {meta['correct_threshold']}; "
        f"language ok: score >= {meta['language_threshold']}; "
        f"timeouts/errors count as wrong: {'yes' if meta['failed_as_wrong'] else 'no'}",
        f"maj@k answers clustered by: {clustering.get('method', 'exact strings')}",
    ]
    if clustering.get("enabled"):
        lines[-1] += (
            f" ({clustering.get('merged_as_numbers', 0):,} answers merged as equal numbers; "
            f"{clustering.get('prompts', 0):,} prompts compared, "
            f"{clustering.get('merged', 0):,} answers merged, "
            f"{clustering.get('timeouts', 0):,} deadlines hit)"
        )
    return lines
