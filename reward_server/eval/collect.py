"""One streaming pass over a scored file: counters per dataset and a tally per prompt group.

Nothing here keeps a record.  A prompt group keeps its sample and correct counts and, for
each distinct answer, how many samples gave it, how many of those were correct and where
the first one was; a dataset keeps counters and fixed-width histograms.  Memory therefore
grows with the number of prompts (and their distinct answers), not with the number of
samples: a million samples of one prompt cost what its distinct answers do.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..records import ColumnMap, InvalidRecord
from .samples import Sample, SampleOptions, read_sample

REWARD_BIN = 0.05
LENGTH_BINS_PER_OCTAVE = 4


class Histogram:
    """Counts in fixed bins: ``width`` wide (linear) or ``1/per_octave`` of a doubling (log)."""

    __slots__ = ("counts", "log", "width")

    def __init__(self, *, width: float = REWARD_BIN, log: bool = False) -> None:
        self.width = width
        self.log = log
        self.counts: Counter[int] = Counter()

    def add(self, value: float) -> None:
        if self.log:
            self.counts[math.floor(math.log2(max(value, 0.0) + 1.0) / self.width)] += 1
        else:
            self.counts[math.floor(value / self.width + 1e-9)] += 1

    def merge(self, other: Histogram) -> None:
        self.counts.update(other.counts)

    def edge(self, index: int) -> float:
        if self.log:
            return round(2.0 ** (index * self.width) - 1.0, 6)
        return round(index * self.width, 6)

    def bins(self) -> list[list[float]]:
        """``[low, high, count]`` for each bin with samples, in order."""
        return [[self.edge(i), self.edge(i + 1), c] for i, c in sorted(self.counts.items())]


def _length_histogram() -> Histogram:
    return Histogram(width=1 / LENGTH_BINS_PER_OCTAVE, log=True)


@dataclass
class Tally:
    """The counters of one dataset (or of all of them)."""

    samples: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    error_types: Counter[str] = field(default_factory=Counter)
    format_scored: int = 0
    format_ok: int = 0
    language_scored: int = 0
    language_ok: int = 0
    language_sum: float = 0.0
    reward_count: int = 0
    reward_sum: float = 0.0
    reward_hist: Histogram = field(default_factory=Histogram)
    length_count: dict[str, int] = field(default_factory=lambda: {"correct": 0, "wrong": 0})
    length_sum: dict[str, int] = field(default_factory=lambda: {"correct": 0, "wrong": 0})
    length_hist: dict[str, Histogram] = field(
        default_factory=lambda: {"correct": _length_histogram(), "wrong": _length_histogram()}
    )

    def add(self, s: Sample, language_threshold: float) -> None:
        self.samples += 1
        self.statuses[s.status] += 1
        if s.verdict is not None:
            self.verdicts[s.verdict] += 1
        if s.error_type is not None and s.status != "ok":
            self.error_types[s.error_type] += 1
        if s.format_ok is not None:
            self.format_scored += 1
            self.format_ok += s.format_ok
        if s.language is not None:
            self.language_scored += 1
            self.language_ok += s.language >= language_threshold
            self.language_sum += s.language
        if s.reward is not None and s.status == "ok":
            self.reward_count += 1
            self.reward_sum += s.reward
            self.reward_hist.add(s.reward)
        if s.graded and s.length is not None:
            side = "correct" if s.correct else "wrong"
            self.length_count[side] += 1
            self.length_sum[side] += s.length
            self.length_hist[side].add(s.length)

    def merge(self, other: Tally) -> None:
        self.samples += other.samples
        self.statuses.update(other.statuses)
        self.verdicts.update(other.verdicts)
        self.error_types.update(other.error_types)
        self.format_scored += other.format_scored
        self.format_ok += other.format_ok
        self.language_scored += other.language_scored
        self.language_ok += other.language_ok
        self.language_sum += other.language_sum
        self.reward_count += other.reward_count
        self.reward_sum += other.reward_sum
        self.reward_hist.merge(other.reward_hist)
        for side in ("correct", "wrong"):
            self.length_count[side] += other.length_count[side]
            self.length_sum[side] += other.length_sum[side]
            self.length_hist[side].merge(other.length_hist[side])


class PromptGroup:
    """The graded samples of one prompt: counts, and per distinct answer
    ``[samples, correct samples, position of the first, comparable (0/1)]``."""

    __slots__ = ("answers", "correct", "dataset", "graded")

    def __init__(self, dataset: str | None) -> None:
        self.dataset = dataset
        self.graded = 0
        self.correct = 0
        self.answers: dict[str, list[int]] = {}

    def add(self, s: Sample) -> None:
        if not s.graded:
            return
        position = self.graded
        self.graded += 1
        self.correct += s.correct
        if s.answer is None:
            return
        tally = self.answers.get(s.answer)
        if tally is None:
            self.answers[s.answer] = [1, int(s.correct), position, int(s.comparable)]
        else:
            tally[0] += 1
            tally[1] += s.correct


@dataclass
class Collection:
    """Everything the report needs from one pass over the records."""

    records: int = 0
    unreadable: int = 0
    datasets: dict[str | None, Tally] = field(default_factory=dict)
    groups: dict[tuple[str | None, bytes], PromptGroup] = field(default_factory=dict)


def collect(
    records: Iterable[dict[str, Any] | InvalidRecord],
    options: SampleOptions,
    columns: ColumnMap | None = None,
) -> Collection:
    """Read every record once; see the module docstring for what is kept."""
    out = Collection()
    datasets, groups = out.datasets, out.groups
    threshold = options.language_threshold
    for index, record in enumerate(records):
        out.records += 1
        if isinstance(record, InvalidRecord):
            out.unreadable += 1
            continue
        sample = read_sample(columns.view(record) if columns else record, options, index)
        tally = datasets.get(sample.dataset)
        if tally is None:
            tally = datasets[sample.dataset] = Tally()
        tally.add(sample, threshold)
        key = (sample.dataset, sample.group)
        group = groups.get(key)
        if group is None:
            group = groups[key] = PromptGroup(sample.dataset)
        group.add(sample)
    return out
