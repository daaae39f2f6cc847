"""The numbers of an evaluation: pass@k, avg@n with its standard error, maj@k.

pass@k is the unbiased estimator of Chen et al. (2021), "Evaluating Large Language Models
Trained on Code": with ``n`` samples of which ``c`` are correct, the chance that ``k``
drawn without replacement hold at least one correct one is
``1 - C(n-c, k) / C(n, k)``, computed as the product ``1 - prod_{i=n-c+1}^{n} (1 - k/i)``,
which neither overflows nor loses precision for large ``n``.

maj@k (R1's cons@k) is the chance that the most frequent answer among ``k`` samples is a
correct one.  The vote of a whole group (``k == n``) is taken in file order, a tie going to
the answer seen first (as lighteval's ``maj@k`` does).  For ``k < n`` it is the average
over every subset of ``k`` samples, each in a random order, so a tie is shared equally by
the tied answers; that average is computed exactly here (the limit of drawing random
subsets with a seed, without the noise).  Samples without an answer are drawn like the
others but do not vote; a subset in which nobody voted scores 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one prompt with ``n`` samples, ``c`` of them correct."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:
        return 1.0
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss


def mean_and_stderr(values: Sequence[float]) -> tuple[float | None, float | None]:
    """The mean and its standard error (sample standard deviation / sqrt(count))."""
    count = len(values)
    if count == 0:
        return None, None
    mean = math.fsum(values) / count
    if count < 2:
        return mean, None
    var = math.fsum((v - mean) ** 2 for v in values) / (count - 1)
    return mean, math.sqrt(var / count)


@dataclass(frozen=True)
class Cluster:
    """Equivalent answers of one prompt: how many samples, the first one's position, verdict."""

    size: int
    first: int
    correct: bool


def majority_of_all(clusters: Sequence[Cluster]) -> float:
    """1.0 when the largest cluster is correct; a tie goes to the cluster seen first."""
    if not clusters:
        return 0.0
    winner = max(clusters, key=lambda cl: (cl.size, -cl.first))
    return 1.0 if winner.correct else 0.0


def maj_at_k(clusters: Sequence[Cluster], n: int, k: int) -> float:
    """maj@k of one prompt with ``n`` samples (those outside ``clusters`` did not answer)."""
    voters = sum(cl.size for cl in clusters)
    if not 1 <= k <= n or voters > n:
        raise ValueError(f"need 1 <= k <= n and at most n voters, got n={n}, k={k}")
    if k == n:
        return majority_of_all(clusters)
    sizes = [cl.size for cl in clusters]
    total = 0.0
    for i, mine in enumerate(clusters):
        if mine.correct:
            others = tuple(sorted(sizes[:i] + sizes[i + 1 :]))
            total += win_probability(mine.size, others, n - voters, k)
    return total


@lru_cache(maxsize=1 << 16)
def win_probability(mine: int, others: tuple[int, ...], abstain: int, k: int) -> float:
    """The chance that a cluster of ``mine`` samples wins the vote of a random ``k``-subset,
    against clusters of sizes ``others`` (sorted) and ``abstain`` non-voters.

    Groups of one size of GRPO sample tend to repeat the same cluster sizes, so the
    answers are cached by these numbers alone.
    """
    n = mine + sum(others) + abstain
    scale = math.lcm(*range(1, len(others) + 2))
    favourable = 0
    for x in range(1, min(mine, k) + 1):
        favourable += math.comb(mine, x) * _others_below(others, abstain, x, k - x, scale)
    return favourable / (scale * math.comb(n, k))


def _others_below(others: Sequence[int], abstain: int, x: int, rest: int, scale: int) -> int:
    """Ways to draw ``rest`` samples from the other clusters and the non-voters so that no
    other cluster gets more than ``x`` votes, each way weighted 1/(1 + clusters tied at x)
    (times ``scale``, a multiple of every 1 + t, so the sum stays an exact integer).
    """
    if rest == 0:
        return scale
    if not others or max(others) < x:
        # No other cluster can reach x votes: every draw counts in full.
        return scale * math.comb(sum(others) + abstain, rest)
    # ways[d][t]: draws of d samples from the clusters seen so far, each within x votes,
    # t of them at exactly x.
    ways: list[list[int]] = [[1]]
    for size in others:
        top = min(size, x)
        ties = len(ways[0]) + (1 if size >= x else 0)
        grown = [[0] * ties for _ in range(min(rest, len(ways) - 1 + top) + 1)]
        choose = [math.comb(size, y) for y in range(top + 1)]
        for d, row in enumerate(ways):
            reach = min(top, rest - d)
            for t, w in enumerate(row):
                if w == 0:
                    continue
                for y in range(reach + 1):
                    grown[d + y][t + (y == x)] += w * choose[y]
        ways = grown
    total = 0
    for d, row in enumerate(ways):
        free = math.comb(abstain, rest - d)
        if free:
            total += free * sum(w * (scale // (1 + t)) for t, w in enumerate(row) if w)
    return total
