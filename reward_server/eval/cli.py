"""``reward-server report`` and ``reward-server filter`` (registered by reward_server.cli)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..records import ColumnMap, RecordsError


def _ks(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        ks = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"--k takes integers separated by commas, not {text!r}") from exc
    if not ks or min(ks) < 1:
        raise typer.BadParameter("every k must be at least 1")
    return ks


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def report_command(
    scored: Path = typer.Argument(..., help="Scored JSONL/Parquet file or folder of shards."),
    by: str | None = typer.Option(
        None, "--by", help="Dataset column (default: `dataset`, else `data_source`)."
    ),
    k: str | None = typer.Option(
        None, "--k", help="ks for pass@k and maj@k, e.g. 1,4,16,64 (default 1, 2, 4, ... n)."
    ),
    prompt_key: str | None = typer.Option(
        None, "--prompt-key", help="Column that names a prompt (default `prompt`, else id prefix)."
    ),
    json_out: Path | None = typer.Option(
        None, "--json", help="Write the JSON report ('-': stdout)."
    ),
    markdown: Path | None = typer.Option(None, "--markdown", help="Write a Markdown report."),
    html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML page."),
    column_map: list[str] | None = typer.Option(
        None, "--map", help="FIELD=COLUMN: read a field from another column (repeat)."
    ),
    correct_threshold: float = typer.Option(
        1.0, help="A sample is correct when its accuracy is at least this."
    ),
    language_threshold: float = typer.Option(
        0.95, help="The language rate counts samples whose language score is at least this."
    ),
    failed_as_wrong: bool = typer.Option(
        False, help="Count timeout/error samples as wrong answers instead of leaving them out."
    ),
    cluster: bool = typer.Option(
        True, help="Cluster math answers by the verifier for maj@k (--no-cluster: exact strings)."
    ),
    workers: int | None = typer.Option(None, help="Comparison processes (REWARD_WORKERS)."),
    progress: bool = typer.Option(True, help="Show progress bars on stderr."),
) -> None:
    """Evaluate a scored file: pass@k, maj@k, avg@n, rates and breakdowns per dataset."""
    from .html import to_html
    from .render import print_terminal, to_json, to_markdown, write_text
    from .report import ReportOptions, report_file
    from .samples import SampleOptions

    try:
        options = ReportOptions(
            ks=_ks(k),
            samples=SampleOptions(
                prompt_key=prompt_key,
                dataset_key=by,
                correct_threshold=correct_threshold,
                language_threshold=language_threshold,
                failed_as_wrong=failed_as_wrong,
            ),
            columns=ColumnMap.parse(column_map),
            cluster=cluster,
            workers=workers,
            progress=progress,
        )
        result = report_file(scored, options)
    except RecordsError as exc:
        raise _fail(str(exc)) from exc
    if json_out is not None and str(json_out) == "-":
        sys.stdout.write(to_json(result))
    else:
        print_terminal(result)
        if json_out is not None:
            write_text(json_out, to_json(result))
    if markdown is not None:
        write_text(markdown, to_markdown(result))
    if html is not None:
        write_text(html, to_html(result))


def filter_command(
    scored: Path = typer.Argument(..., help="Scored JSONL/Parquet file or folder of shards."),
    output: Path = typer.Option(..., "-o", "--output", help="SFT file to write (JSONL/Parquet)."),
    require: str = typer.Option(
        "correct", help="Rules to meet, comma-separated: correct, format, language ('' for none)."
    ),
    min_reward: float | None = typer.Option(None, help="Keep rewards at least this."),
    max_per_prompt: int | None = typer.Option(
        None, min=1, help="Keep at most this many samples per prompt (the first ones)."
    ),
    no_code_blocks: bool = typer.Option(
        False, "--no-code-blocks", help="Drop chains of thought with fenced code blocks."
    ),
    max_paragraph_chars: int | None = typer.Option(
        None, min=1, help="Drop chains of thought with a longer paragraph."
    ),
    dedupe: bool = typer.Option(False, "--dedupe", help="Keep one of identical prompt+response."),
    style: str = typer.Option("chat", help="chat: {messages}; pair: {prompt, response}."),
    prompt_key: str | None = typer.Option(
        None, "--prompt-key", help="Column that names a prompt (default `prompt`, else id prefix)."
    ),
    column_map: list[str] | None = typer.Option(
        None, "--map", help="FIELD=COLUMN: read a field from another column (repeat)."
    ),
    correct_threshold: float = typer.Option(1.0, help="Correct: accuracy at least this."),
    language_threshold: float = typer.Option(0.95, help="Language: score at least this."),
    summary: Path | None = typer.Option(None, help="Also write the summary as JSON here."),
    overwrite: bool = typer.Option(False, help="Replace an existing output file."),
    progress: bool = typer.Option(True, help="Show a progress bar on stderr."),
) -> None:
    """Rejection sampling (R1 stage 3): keep samples meeting every rule, as chat data."""
    from .filter import FilterCriteria, filter_file

    if output.exists() and not overwrite:
        raise _fail(f"{output} exists; pass --overwrite to replace it")
    if style not in ("chat", "pair"):
        raise _fail(f"--style is chat or pair, not {style!r}")
    try:
        criteria = FilterCriteria(
            require=frozenset(r.strip() for r in require.split(",") if r.strip()),
            min_reward=min_reward,
            max_per_prompt=max_per_prompt,
            no_code_blocks=no_code_blocks,
            max_paragraph_chars=max_paragraph_chars,
            dedupe=dedupe,
            correct_threshold=correct_threshold,
            language_threshold=language_threshold,
            prompt_key=prompt_key,
            style="chat" if style == "chat" else "pair",
        )
        result = filter_file(
            scored, output, criteria, columns=ColumnMap.parse(column_map), progress=progress
        )
    except (ValueError, RecordsError) as exc:
        raise _fail(str(exc)) from exc
    text = json.dumps(result.as_dict(), indent=2)
    if summary is not None:
        summary.write_text(text + "\n", encoding="utf-8")
    typer.echo(text, err=True)
