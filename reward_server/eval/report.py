"""The evaluation report of a scored file, as the JSON other tools read.

``{"overall": S, "datasets": {name: S}, "meta": {...}}``, where each summary ``S`` has
``prompts``, ``samples``, ``pass@k`` and ``maj@k`` (objects keyed by k as a string),
``avg@n`` (with ``avg@n_stderr``), ``format_rate``, ``language_rate`` and ``statuses``,
plus the breakdowns described in docs/eval.md.  Every other format (terminal, Markdown,
HTML) is drawn from this object, so they cannot disagree with it.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records import ColumnMap, InvalidRecord, count_records, read_records
from .collect import Collection, PromptGroup, Tally, collect
from .equivalence import Clusterer
from .estimators import Cluster, maj_at_k, mean_and_stderr, pass_at_k
from .samples import SampleOptions
from .votes import Jobs, clustering_jobs, group_clusters

#: The dataset name of records without one, in ``datasets``.
NO_DATASET = "(none)"


@dataclass(frozen=True)
class ReportOptions:
    """What to compute; ``ks=None`` means 1, 2, 4, ... up to the largest group."""

    ks: tuple[int, ...] | None = None
    samples: SampleOptions = field(default_factory=SampleOptions)
    columns: ColumnMap = field(default_factory=ColumnMap)
    cluster: bool = True
    workers: int | None = None
    deadline_s: float | None = None
    worker_memory_mb: int | None = None
    progress: bool = False


@dataclass(frozen=True)
class GroupResult:
    """One prompt group's graded and correct samples, and its pass@k and maj@k per k."""

    dataset: str | None
    graded: int
    correct: int
    pass_k: dict[int, float]
    maj_k: dict[int, float]

    @classmethod
    def of(cls, group: PromptGroup, clusters: Sequence[Cluster], ks: Sequence[int]) -> GroupResult:
        n, c = group.graded, group.correct
        usable = [k for k in ks if k <= n]
        return cls(
            dataset=group.dataset,
            graded=n,
            correct=c,
            pass_k={k: pass_at_k(n, c, k) for k in usable},
            maj_k={k: maj_at_k(clusters, n, k) for k in usable},
        )


def default_ks(largest: int) -> tuple[int, ...]:
    ks = [1]
    while ks[-1] * 2 <= largest:
        ks.append(ks[-1] * 2)
    if largest > ks[-1]:
        ks.append(largest)
    return tuple(ks)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


def summarise(
    tally: Tally, groups: Sequence[GroupResult], prompts: int, ks: Sequence[int]
) -> dict[str, Any]:
    """The summary ``S`` of one dataset (or of all)."""
    graded = [g for g in groups if g.graded > 0]
    short = {str(k): sum(1 for g in graded if g.graded < k) for k in ks}
    pass_k: dict[str, float] = {}
    maj_k: dict[str, float] = {}
    if graded:
        for k in ks:
            if short[str(k)]:
                continue
            pass_k[str(k)] = math.fsum(g.pass_k[k] for g in graded) / len(graded)
            maj_k[str(k)] = math.fsum(g.maj_k[k] for g in graded) / len(graded)
    avg, stderr = mean_and_stderr([g.correct / g.graded for g in graded])
    return {
        "prompts": prompts,
        "samples": tally.samples,
        "graded_prompts": len(graded),
        "graded_samples": sum(g.graded for g in graded),
        "samples_per_prompt": {
            "min": min((g.graded for g in graded), default=0),
            "max": max((g.graded for g in graded), default=0),
        },
        "avg@n": avg,
        "avg@n_stderr": stderr,
        "pass@k": pass_k,
        "maj@k": maj_k,
        "short_of_k": short,
        "format_rate": _rate(tally.format_ok, tally.format_scored),
        "language_rate": _rate(tally.language_ok, tally.language_scored),
        "language_mean": _mean(tally.language_sum, tally.language_scored),
        "reward_mean": _mean(tally.reward_sum, tally.reward_count),
        "statuses": dict(sorted(tally.statuses.items())),
        "verdicts": dict(sorted(tally.verdicts.items())),
        "error_types": dict(sorted(tally.error_types.items())),
        "length": {
            side: {
                "samples": tally.length_count[side],
                "mean": _mean(tally.length_sum[side], tally.length_count[side]),
            }
            for side in ("correct", "wrong")
        },
        "histograms": {
            "reward": tally.reward_hist.bins(),
            "length_correct": tally.length_hist["correct"].bins(),
            "length_wrong": tally.length_hist["wrong"].bins(),
        },
    }


def _progress_bar(total: int | None, desc: str, enabled: bool, unit: str = "rec") -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, file=sys.stderr, disable=not enabled, leave=False
    )


def _with_bar(records: Iterable[Any], bar: Any) -> Iterator[Any]:
    for record in records:
        bar.update(1)
        yield record


def report_records(
    records: Iterable[dict[str, Any] | InvalidRecord],
    options: ReportOptions | None = None,
    *,
    total: int | None = None,
) -> dict[str, Any]:
    """The report of scored records (one pass over them, then clustering)."""
    options = options or ReportOptions()
    bar = _progress_bar(total, "reading", options.progress)
    with bar:
        found = collect(_with_bar(records, bar), options.samples, options.columns)
    largest = max((g.graded for g in found.groups.values()), default=1)
    ks = tuple(sorted(set(options.ks))) if options.ks else default_ks(max(largest, 1))
    results, cluster_stats = _score_groups(found, options, ks)
    overall_tally = Tally()
    for tally in found.datasets.values():
        overall_tally.merge(tally)
    buckets: dict[str | None, list[GroupResult]] = {name: [] for name in found.datasets}
    for group in results.values():
        buckets[group.dataset].append(group)
    datasets: dict[str, Any] = {}
    for name in sorted(buckets, key=lambda n: (n is None, n or "")):
        members = buckets[name]
        datasets[name if name is not None else NO_DATASET] = summarise(
            found.datasets[name], members, len(members), ks
        )
    return {
        "overall": summarise(overall_tally, list(results.values()), len(results), ks),
        "datasets": datasets,
        "meta": {
            "records": found.records,
            "unreadable_records": found.unreadable,
            "k": list(ks),
            "prompt_key": options.samples.prompt_key or "prompt, else id prefix",
            "dataset_key": options.samples.dataset_key or "dataset, else data_source",
            "correct_threshold": options.samples.correct_threshold,
            "language_threshold": options.samples.language_threshold,
            "failed_as_wrong": options.samples.failed_as_wrong,
            "clustering": cluster_stats,
        },
    }


def _score_groups(
    found: Collection, options: ReportOptions, ks: Sequence[int]
) -> tuple[dict[Hashable, GroupResult], dict[str, Any]]:
    """Cluster the answers where needed, then each group's pass@k and maj@k."""
    jobs = clustering_jobs(found.groups) if options.cluster else Jobs()
    labels: dict[Hashable, list[int]] = {}
    stats: dict[str, Any] = {
        "enabled": options.cluster,
        "method": "math verifier" if options.cluster else "exact strings",
    }
    if jobs.answers:
        from ..config import Settings

        settings = Settings()
        bar = _progress_bar(len(jobs.answers), "clustering", options.progress, "prompt")
        with bar:
            clusterer = Clusterer(
                options.workers or settings.workers,
                options.deadline_s or settings.item_deadline_s,
                memory_mb=options.worker_memory_mb or settings.worker_memory_mb,
                progress=bar.update,
            )
            labels = asyncio.run(clusterer.cluster(jobs.answers))
        stats.update(clusterer.stats.as_dict())
    stats["merged_as_numbers"] = sum(len(a) for a in jobs.alias.values())
    results: dict[Hashable, GroupResult] = {}
    for key in list(found.groups):
        group = found.groups.pop(key)  # the answers are not needed any more
        clusters = group_clusters(
            group,
            labels.get(key),
            jobs.answers.get(key, ()),
            merge=options.cluster,
            alias=jobs.alias.get(key),
        )
        results[key] = GroupResult.of(group, clusters, ks)
    return results, stats


def report_file(path: Path, options: ReportOptions | None = None) -> dict[str, Any]:
    """The report of a scored JSONL/Parquet file or folder of shards."""
    options = options or ReportOptions()
    total = count_records(path) if options.progress else None
    report = report_records(read_records(path), options, total=total)
    report["meta"]["input"] = str(path)
    return report
