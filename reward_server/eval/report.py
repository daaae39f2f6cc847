"""The evaluation report of a scored file, as the JSON other tools read.

``{"overall": S, "datasets": {name: S}, "meta": {...}}``, where each summary ``S`` has
``prompts``, ``samples``, ``pass@k`` and ``maj@k`` (objects keyed by k as a string),
``avg@n`` (with ``avg@n_stderr``), ``format_rate``, ``language_rate`` and ``statuses``,
plus the breakdowns described in docs/eval.md.  Every other format (terminal, Markdown,
HTML) is drawn from this object, so they cannot disagree with it.
"""

from __future__ import annotations

import asyncio
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
    """One prompt group's graded samples, correct ones, and answer clusters."""

    dataset: str | None
    graded: int
    correct: int
    clusters: tuple[Cluster, ...]


def default_ks(largest: int) -> tuple[int, ...]:
    ks = [1]
    while ks[-1] * 2 <= largest:
        ks.append(ks[-1] * 2)
    if largest > ks[-1]:
        ks.append(largest)
    return tuple(ks)


def _is_correct(tally: list[int]) -> bool:
    # An answer is judged by most of its samples (identical answers get identical verdicts,
    # except through a hedge or a truncation the answer text does not show).
    return tally[1] * 2 > tally[0]


def clustering_jobs(
    groups: dict[tuple[str | None, bytes], PromptGroup],
) -> dict[Hashable, list[str]]:
    """The prompts whose wrong answers need comparing: two or more distinct comparable ones.

    Correct answers need no comparison: each equals the gold, so they form one cluster.
    """
    jobs: dict[Hashable, list[str]] = {}
    for key, group in groups.items():
        wrong = [(a, t) for a, t in group.answers.items() if t[3] and not _is_correct(t)]
        if len(wrong) > 1:
            wrong.sort(key=lambda item: (-item[1][0], item[1][2]))
            jobs[key] = [a for a, _ in wrong]
    return jobs


def group_clusters(
    group: PromptGroup,
    labels: Sequence[int] | None = None,
    answers: Sequence[str] = (),
    *,
    merge: bool = True,
) -> tuple[Cluster, ...]:
    """The answer clusters of one group.

    With ``merge``, correct answers form one cluster and wrong ones are joined as
    ``labels`` (from :func:`~.equivalence.cluster_answers` over ``answers``) say; without
    it every distinct answer string is a cluster of its own (a vote on strings).
    """
    if not merge:
        return tuple(Cluster(t[0], t[2], _is_correct(t)) for t in group.answers.values())
    right_size, right_first = 0, None
    by_label: dict[str | int, list[int]] = {}
    label_of = dict(zip(answers, labels)) if labels is not None else {}
    for answer, tally in group.answers.items():
        if _is_correct(tally):
            right_size += tally[0]
            right_first = tally[2] if right_first is None else min(right_first, tally[2])
            continue
        label: str | int = label_of.get(answer, answer)
        current = by_label.get(label)
        if current is None:
            by_label[label] = [tally[0], tally[2]]
        else:
            current[0] += tally[0]
            current[1] = min(current[1], tally[2])
    clusters = [Cluster(size, first, False) for size, first in by_label.values()]
    if right_first is not None:
        clusters.append(Cluster(right_size, right_first, True))
    return tuple(clusters)


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
            pass_k[str(k)] = sum(pass_at_k(g.graded, g.correct, k) for g in graded) / len(graded)
            maj_k[str(k)] = sum(maj_at_k(g.clusters, g.graded, k) for g in graded) / len(graded)
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
    results, cluster_stats = _cluster(found, options)
    largest = max((g.graded for g in results.values()), default=1)
    ks = tuple(sorted(set(options.ks))) if options.ks else default_ks(max(largest, 1))
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


def _cluster(
    found: Collection, options: ReportOptions
) -> tuple[dict[Hashable, GroupResult], dict[str, Any]]:
    jobs = clustering_jobs(found.groups) if options.cluster else {}
    labels: dict[Hashable, list[int]] = {}
    stats: dict[str, Any] = {
        "enabled": options.cluster,
        "method": "math verifier" if options.cluster else "exact strings",
    }
    if jobs:
        from ..config import Settings

        settings = Settings()
        bar = _progress_bar(len(jobs), "clustering", options.progress, "prompt")
        with bar:
            clusterer = Clusterer(
                options.workers or settings.workers,
                options.deadline_s or settings.item_deadline_s,
                memory_mb=options.worker_memory_mb or settings.worker_memory_mb,
                progress=bar.update,
            )
            labels = asyncio.run(clusterer.cluster(jobs))
        stats.update(clusterer.stats.as_dict())
    results: dict[Hashable, GroupResult] = {}
    for key, group in found.groups.items():
        results[key] = GroupResult(
            dataset=group.dataset,
            graded=group.graded,
            correct=group.correct,
            clusters=group_clusters(
                group, labels.get(key), jobs.get(key, ()), merge=options.cluster
            ),
        )
    found.groups.clear()
    return results, stats


def report_file(path: Path, options: ReportOptions | None = None) -> dict[str, Any]:
    """The report of a scored JSONL/Parquet file or folder of shards."""
    options = options or ReportOptions()
    total = count_records(path) if options.progress else None
    report = report_records(read_records(path), options, total=total)
    report["meta"]["input"] = str(path)
    return report
