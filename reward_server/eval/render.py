"""The report for people: a terminal table (rich), Markdown and JSON files."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO, Any

from .tables import Table, all_tables, meta_lines, transpose


def _clean(value: Any) -> Any:
    # JSON has no NaN or infinity; a mean over nothing is already None.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(_clean(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def print_terminal(
    report: dict[str, Any], file: IO[str] | None = None, width: int | None = None
) -> None:
    """The tables with rich (colour when the output is a terminal); the summary and the
    breakdown are transposed (a row per metric, a column per dataset) to fit a terminal."""
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(file=file, width=width, soft_wrap=False)
    summary, breakdown, lengths = all_tables(report)
    for table in (transpose(summary), transpose(breakdown), lengths):
        rich_table = RichTable(title=table.title, title_justify="left")
        for i, header in enumerate(table.headers):
            rich_table.add_column(
                header,
                justify="left" if i == 0 else "right",
                overflow="fold",
                style="bold" if header == "overall" else None,
            )
        for row in table.rows:
            rich_table.add_row(*row, style="bold" if row[0] == "overall" else None)
        console.print(rich_table)
        for note in table.notes:
            console.print(f"  note: {note}", style="yellow", markup=False)
    for line in meta_lines(report):
        console.print(line, style="dim", markup=False, highlight=False)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(table: Table) -> str:
    lines = [f"### {table.title}", ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(table.headers) - 1)) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    if table.notes:
        lines.append("")
        lines += [f"- {note}" for note in table.notes]
    return "\n".join(lines) + "\n"


def to_markdown(report: dict[str, Any], title: str = "Evaluation") -> str:
    parts = [f"## {title}", ""]
    parts += [markdown_table(t) for t in all_tables(report)]
    parts.append("\n".join(f"- {line}" for line in meta_lines(report)) + "\n")
    return "\n".join(parts)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
