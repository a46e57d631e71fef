"""solvers.statistics: golden values, agreement with the standard library's ``statistics`` (in
exact fractions) and with direct loops, and the properties the definitions promise."""

from __future__ import annotations

import math
import statistics as stdlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers import statistics as stats

FAST = settings(max_examples=60, deadline=None)
values = st.lists(st.integers(-50, 50), min_size=2, max_size=10)
pairs = st.integers(2, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(-20, 20), min_size=n, max_size=n),
        st.lists(st.integers(-20, 20), min_size=n, max_size=n),
    )
)


def _frac(xs: list[int]) -> list[Fraction]:
    return [Fraction(v) for v in xs]


@given(values)
@FAST
def test_descriptive_statistics_match_the_standard_library(xs):
    exact = _frac(xs)
    assert stats.mean(xs) == pytest.approx(float(stdlib.mean(exact)))
    assert stats.median(xs) == pytest.approx(float(stdlib.median(exact)))
    assert stats.mode(xs) == tuple(sorted(float(v) for v in stdlib.multimode(xs)))
    assert stats.variance(xs) == pytest.approx(float(stdlib.pvariance(exact)))
    assert stats.variance(xs, ddof=1) == pytest.approx(float(stdlib.variance(exact)))
    assert stats.std(xs) == pytest.approx(math.sqrt(stdlib.pvariance(exact)))
    assert stats.std(xs, ddof=1) == pytest.approx(math.sqrt(stdlib.variance(exact)))
    # n/(n−1): the unbiased variance is the larger one
    n = len(xs)
    assert stats.variance(xs, ddof=1) == pytest.approx(stats.variance(xs) * n / (n - 1))


def test_descriptive_golden():
    xs = [2, 4, 4, 4, 5, 5, 7, 9]
    assert stats.mean(xs) == 5
    assert stats.median(xs) == 4.5
    assert stats.mode(xs) == (4.0,)
    assert stats.variance(xs) == 4
    assert stats.std(xs) == 2
    assert stats.variance(xs, ddof=1) == pytest.approx(32 / 7)
    assert stats.mode([1, 3, 3, 1, 2]) == (1.0, 3.0)


@given(pairs)
@FAST
def test_covariance_and_correlation(case):
    x, y = case
    n = len(x)
    mx, my = Fraction(sum(x), n), Fraction(sum(y), n)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    assert stats.covariance(x, y) == pytest.approx(float(sxy / n))
    assert stats.covariance(x, y, ddof=1) == pytest.approx(float(stdlib.covariance(x, y)))
    assume(len(set(x)) > 1 and len(set(y)) > 1)
    r = stats.pearson(x, y)
    assert -1 <= r <= 1
    assert r == pytest.approx(stdlib.correlation(x, y), abs=1e-12)
    assert stats.pearson(y, x) == pytest.approx(r)
    assert stats.pearson(x, [-v for v in y]) == pytest.approx(-r)
    assert stats.pearson([3 * v + 7 for v in x], y) == pytest.approx(r)  # affine invariance


def test_correlation_golden_and_errors():
    assert stats.pearson([1, 2, 3], [2, 4, 6]) == 1.0
    assert stats.pearson([1, 2, 3], [3, 2, 1]) == -1.0
    assert stats.pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="does not vary"):
        stats.pearson([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="same length"):
        stats.pearson([1, 2], [1, 2, 3])


@given(pairs)
@FAST
def test_cosine_and_distances_match_loops(case):
    a, b = case
    dot = sum(u * v for u, v in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(u * u for u in a)), math.sqrt(sum(v * v for v in b))
    assert stats.euclidean(a, b) == pytest.approx(
        math.sqrt(sum((u - v) ** 2 for u, v in zip(a, b, strict=True)))
    )
    assert stats.manhattan(a, b) == sum(abs(u - v) for u, v in zip(a, b, strict=True))
    assert stats.euclidean(a, b) <= stats.manhattan(a, b) + 1e-12
    assume(na > 0 and nb > 0)
    c = stats.cosine_similarity(a, b)
    assert c == pytest.approx(dot / (na * nb))
    assert -1 <= c <= 1
    assert stats.cosine_similarity([2 * u for u in a], b) == pytest.approx(c)  # scale-free


def test_similarity_golden_and_errors():
    assert stats.cosine_similarity([1, 0], [0, 1]) == 0
    assert stats.cosine_similarity([1, 2], [2, 4]) == pytest.approx(1)
    assert stats.euclidean([0, 0], [3, 4]) == 5
    assert stats.manhattan([0, 0], [3, -4]) == 7
    with pytest.raises(ValueError, match="zero vector"):
        stats.cosine_similarity([0, 0], [1, 2])


# --------------------------------------------------------------------------- probability

probability = st.fractions(0, 1, max_denominator=100)


@given(prior=probability, like=probability, false_alarm=probability)
@FAST
def test_bayes_matches_the_formula_in_fractions(prior, like, false_alarm):
    evidence = like * prior + false_alarm * (1 - prior)
    assume(evidence > 0)
    got = stats.bayes_posterior(float(prior), float(like), float(false_alarm))
    assert got == pytest.approx(float(like * prior / evidence), abs=1e-12)
    assert 0 <= got <= 1
    post = stats.posteriors([float(prior), float(1 - prior)], [float(like), float(false_alarm)])
    assert post.sum() == pytest.approx(1)


def test_bayes_golden_and_errors():
    # prevalence 1 %, sensitivity 90 %, false positives 5 %: 0.009/(0.009 + 0.0495)
    assert stats.bayes_posterior(0.01, 0.9, 0.05) == pytest.approx(0.009 / 0.0585)
    assert stats.conditional_probability(0.12, 0.4) == pytest.approx(0.3)
    assert stats.posteriors([0.5, 0.3, 0.2], [0.1, 0.2, 0.3]).tolist() == pytest.approx(
        [0.05 / 0.17, 0.06 / 0.17, 0.06 / 0.17]
    )
    with pytest.raises(ValueError, match="sum to 1"):
        stats.posteriors([0.5, 0.4], [0.1, 0.2])
    with pytest.raises(ValueError, match="P\\(B\\) = 0"):
        stats.conditional_probability(0, 0)
    with pytest.raises(ValueError, match="cannot exceed"):
        stats.conditional_probability(0.5, 0.4)
    with pytest.raises(ValueError, match="probability 0"):
        stats.bayes_posterior(0.5, 0, 0)


@given(n=st.integers(0, 12), p=probability)
@FAST
def test_binomial_sums_to_one_and_matches_counting(n, p):
    pmf = [stats.binomial_pmf(k, n, float(p)) for k in range(n + 1)]
    assert sum(pmf) == pytest.approx(1)
    assert sum(k * v for k, v in enumerate(pmf)) == pytest.approx(n * float(p))  # mean np
    for k in range(n + 1):
        exact = math.comb(n, k) * p**k * (1 - p) ** (n - k)
        assert pmf[k] == pytest.approx(float(exact), abs=1e-12)


@given(lam=st.floats(0.1, 10))
@FAST
def test_poisson_sums_to_one_with_mean_lambda(lam):
    pmf = [stats.poisson_pmf(k, lam) for k in range(80)]
    assert sum(pmf) == pytest.approx(1)
    assert sum(k * v for k, v in enumerate(pmf)) == pytest.approx(lam)
    for k in range(6):
        assert pmf[k] == pytest.approx(lam**k * math.exp(-lam) / math.factorial(k))


def test_distribution_golden_and_errors():
    assert stats.binomial_pmf(2, 5, 0.3) == pytest.approx(0.3087)
    assert stats.poisson_pmf(0, 2) == pytest.approx(math.exp(-2))
    with pytest.raises(ValueError, match="k must be ≤ n"):
        stats.binomial_pmf(6, 5, 0.3)
    with pytest.raises(ValueError, match="\\[0, 1\\]"):
        stats.binomial_pmf(1, 5, 1.3)
    with pytest.raises(ValueError, match="lam must be > 0"):
        stats.poisson_pmf(1, 0)


# --------------------------------------------------------------------------- moving averages

series = st.lists(st.integers(-50, 50), min_size=1, max_size=12)


@given(series, st.data())
@FAST
def test_moving_average_matches_window_loops(xs, data):
    w = data.draw(st.integers(1, len(xs)))
    got = stats.moving_average(xs, w)
    expected = [Fraction(sum(xs[t - w + 1 : t + 1]), w) for t in range(w - 1, len(xs))]
    assert got.tolist() == pytest.approx([float(v) for v in expected])


@given(st.integers(-50, 50), st.integers(1, 12), st.data())
@FAST
def test_moving_averages_of_a_constant_are_the_constant(c, n, data):
    w = data.draw(st.integers(1, n))
    alpha = data.draw(st.floats(0.01, 1))
    assert np.all(stats.moving_average([c] * n, w) == pytest.approx(c))
    assert np.all(stats.exponential_moving_average([c] * n, alpha) == pytest.approx(c))


@given(series, st.fractions(Fraction(1, 20), 1, max_denominator=20))
@FAST
def test_ema_matches_the_closed_form(xs, alpha):
    """sₜ = (1−α)ᵗ x₁ + Σ α(1−α)ᵗ⁻ⁱ xᵢ (0-based), summed exactly."""
    got = stats.exponential_moving_average(xs, float(alpha))
    for t in range(len(xs)):
        closed = (1 - alpha) ** t * xs[0] + sum(
            alpha * (1 - alpha) ** (t - i) * xs[i] for i in range(1, t + 1)
        )
        assert got[t] == pytest.approx(float(closed), abs=1e-9)


def test_moving_average_golden_and_errors():
    assert stats.moving_average([1, 2, 3, 4, 5], 3).tolist() == [2, 3, 4]
    assert stats.exponential_moving_average([10, 20, 30], 0.5).tolist() == [10, 15, 22.5]
    with pytest.raises(ValueError, match="window must be ≤"):
        stats.moving_average([1, 2], 3)
    with pytest.raises(ValueError, match="alpha must lie"):
        stats.exponential_moving_average([1, 2], 0)
    with pytest.raises(ValueError, match="at least 1"):
        stats.mean([])
