"""Which answers of a prompt vote together in maj@k, before and after the comparisons.

Correct answers need no comparison: each equals the gold, so they are one cluster.  Wrong
answers that are plain decimals equal as numbers are merged here, exactly; the remaining
distinct wrong answers of a prompt become a job for :mod:`.equivalence`, whose labels
:func:`group_clusters` then applies.  An answer is judged correct when most of its
samples were (identical answers get identical verdicts, except through a hedge or a cut
the answer text does not show).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .collect import PromptGroup
from .estimators import Cluster
from .samples import canonical_number


def _is_correct(tally: list[int]) -> bool:
    return tally[1] * 2 > tally[0]


@dataclass
class Jobs:
    """What to compare: per prompt, its distinct wrong answers (``answers``, most frequent
    first) and the answers already merged into one of them without a comparison."""

    answers: dict[Hashable, list[str]] = field(default_factory=dict)
    alias: dict[Hashable, dict[str, str]] = field(default_factory=dict)


def clustering_jobs(groups: dict[tuple[str | None, bytes], PromptGroup]) -> Jobs:
    """The prompts whose wrong answers need comparing.

    Correct answers need no comparison: each equals the gold, so they form one cluster.
    Plain decimals equal as numbers (``7``, ``7.0``) are merged here, exactly; the rest go
    to the verifier when a prompt has two or more.
    """
    jobs = Jobs()
    for key, group in groups.items():
        wrong = [(a, t) for a, t in group.answers.items() if t[3] and not _is_correct(t)]
        if len(wrong) < 2:
            continue
        merged: dict[str, list[Any]] = {}  # canonical form -> [samples, first, answer]
        alias: dict[str, str] = {}
        for answer, tally in wrong:
            canon = canonical_number(answer) or answer
            entry = merged.get(canon)
            if entry is None:
                merged[canon] = [tally[0], tally[2], answer]
            else:
                alias[answer] = entry[2]
                entry[0] += tally[0]
                entry[1] = min(entry[1], tally[2])
        if alias:
            jobs.alias[key] = alias
        if len(merged) > 1:
            ordered = sorted(merged.values(), key=lambda e: (-e[0], e[1]))
            jobs.answers[key] = [e[2] for e in ordered]
    return jobs


def group_clusters(
    group: PromptGroup,
    labels: Sequence[int] | None = None,
    answers: Sequence[str] = (),
    *,
    merge: bool = True,
    alias: dict[str, str] | None = None,
) -> tuple[Cluster, ...]:
    """The answer clusters of one group.

    With ``merge``, correct answers form one cluster and wrong ones are joined as
    ``alias`` and ``labels`` (from :func:`~.equivalence.cluster_answers` over
    ``answers``) say; without it every distinct answer string is a cluster of its own.
    """
    if not merge:
        return tuple(Cluster(t[0], t[2], _is_correct(t)) for t in group.answers.values())
    alias = alias or {}
    right_size, right_first = 0, None
    by_label: dict[str | int, list[int]] = {}
    label_of = dict(zip(answers, labels)) if labels is not None else {}
    for answer, tally in group.answers.items():
        if _is_correct(tally):
            right_size += tally[0]
            right_first = tally[2] if right_first is None else min(right_first, tally[2])
            continue
        representative = alias.get(answer, answer)
        label: str | int = label_of.get(representative, representative)
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
