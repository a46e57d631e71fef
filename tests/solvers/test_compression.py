"""solvers.compression: magnitude pruning against a sort-and-loop reference, sparsity counted one
entry at a time, and low-rank parameter counts m·r + r·n against m·n."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solvers.compression import (
    density,
    low_rank_params,
    low_rank_ratio,
    magnitude_prune,
    signed_threshold_prune,
    sparsity,
    threshold_prune,
)

FAST = settings(max_examples=60, deadline=None)

weights = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
    elements=st.floats(-100, 100),
)
# few distinct values, so ties in |w| are common
tied_weights = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, max_side=8),
    elements=st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]),
)


def ref_prune(w, s):
    """Zero the round(s·n) smallest |w|, ties broken by row-major position, with plain lists."""
    flat = [float(v) for v in np.asarray(w, dtype=np.float64).reshape(-1)]
    k = round(s * len(flat))
    ranked = sorted(range(len(flat)), key=lambda i: (abs(flat[i]), i))
    for i in ranked[:k]:
        flat[i] = 0.0
    return np.array(flat).reshape(np.shape(w))


def ref_sparsity(w):
    flat = np.asarray(w).reshape(-1).tolist()
    zeros = 0
    for v in flat:
        if v == 0:
            zeros += 1
    return zeros / len(flat)


# ------------------------------------------------------------------------- pruning


def test_prune_golden():
    w = np.array([[0.5, -0.1, 2.0], [-3.0, 0.05, 1.0]])
    out = magnitude_prune(w, 0.5)
    # the three smallest magnitudes are 0.05, 0.1, 0.5
    assert out.tolist() == [[0.0, 0.0, 2.0], [-3.0, 0.0, 1.0]]
    assert sparsity(out) == 0.5
    assert magnitude_prune(w, 0).tolist() == w.tolist()
    assert not np.any(magnitude_prune(w, 1.0))
    # the sign does not matter, only |w|
    assert magnitude_prune([-5.0, 1.0, -0.5, 4.0], 0.5).tolist() == [-5.0, 0.0, 0.0, 4.0]


def test_prune_count_uses_python_rounding():
    w = np.arange(1.0, 6.0)  # 5 weights
    assert np.count_nonzero(magnitude_prune(w, 0.5) == 0) == 2  # round(2.5) = 2 (half to even)
    assert np.count_nonzero(magnitude_prune(w, 0.7) == 0) == 4  # round(3.5) = 4
    assert np.count_nonzero(magnitude_prune(w, 0.29) == 0) == 1  # round(1.45) = 1
    assert np.count_nonzero(magnitude_prune(w, 0.31) == 0) == 2  # round(1.55) = 2
    assert np.count_nonzero(magnitude_prune(w, 0.05) == 0) == 0  # round(0.25) = 0


def test_prune_ties_go_in_row_major_order():
    assert magnitude_prune([1.0, -1.0, 1.0], 1 / 3).tolist() == [0.0, -1.0, 1.0]
    assert magnitude_prune([1.0, -1.0, 1.0], 2 / 3).tolist() == [0.0, 0.0, 1.0]
    w = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert magnitude_prune(w, 0.25).tolist() == [[2.0, 0.0], [1.0, 2.0]]
    assert magnitude_prune(w, 0.75).tolist() == [[0.0, 0.0], [0.0, 2.0]]


def test_prune_returns_a_new_floating_array():
    w = np.array([[1, -2], [3, 0]])
    out = magnitude_prune(w, 0.5)
    assert out.dtype == np.float64 and out.shape == (2, 2)
    assert out.tolist() == [[0.0, -2.0], [3.0, 0.0]]
    assert w.tolist() == [[1, -2], [3, 0]]  # input untouched
    w32 = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
    out32 = magnitude_prune(w32, 0.5)
    assert out32.dtype == np.float32
    assert w32.tolist() == pytest.approx([0.1, 0.2, 0.3, 0.4])
    wf = np.array([3.0, 1.0, 2.0])
    assert magnitude_prune(wf, 0.0) is not wf
    assert magnitude_prune([True, False, True], 0.0).dtype == np.float64
    one = magnitude_prune(7.0, 1.0)  # a 0-d "array" of one weight
    assert one.shape == () and one == 0.0
    assert magnitude_prune(7.0, 0.4) == 7.0


@given(w=st.one_of(weights, tied_weights), s=st.floats(0, 1))
@FAST
def test_prune_matches_reference(w, s):
    out = magnitude_prune(w, s)
    assert out.shape == w.shape
    np.testing.assert_array_equal(out, ref_prune(w, s))


@given(w=weights, s=st.floats(0, 1))
@FAST
def test_prune_keeps_the_largest(w, s):
    out = magnitude_prune(w, s)
    pruned = (out == 0) & (w != 0)
    kept = out != 0
    np.testing.assert_array_equal(out[kept], w[kept])  # survivors unchanged
    if pruned.any() and kept.any():
        assert np.abs(w[pruned]).max() <= np.abs(w[kept]).min()
    # at least round(s·n) zeros, exactly that many when w had none
    k = round(s * w.size)
    assert np.count_nonzero(out == 0) >= k
    if np.all(w != 0):
        assert sparsity(out) == pytest.approx(k / w.size)


@given(w=weights, s1=st.floats(0, 1), s2=st.floats(0, 1))
@FAST
def test_prune_is_nested(w, s1, s2):
    """Pruning more never revives a weight: the zeros at lower sparsity are zeros at higher."""
    lo, hi = sorted((s1, s2))
    assert np.all((magnitude_prune(w, lo) == 0) <= (magnitude_prune(w, hi) == 0))


# ------------------------------------------------------------------------- sparsity


def test_sparsity_golden():
    assert sparsity([0.0, 1.0, 0.0, 2.0]) == 0.5
    assert sparsity(np.zeros((3, 3))) == 1.0
    assert sparsity(np.ones(7)) == 0.0
    assert sparsity([[0, 1, 2], [3, 0, 5]]) == pytest.approx(1 / 3)
    assert sparsity([-0.0, 0.0, 1e-300]) == pytest.approx(2 / 3)  # −0 is zero, tiny is not
    assert sparsity(0.0) == 1.0
    assert type(sparsity([1.0, 0.0])) is float


@given(w=st.one_of(weights, tied_weights))
@FAST
def test_sparsity_counts_zeros(w):
    got = sparsity(w)
    assert got == ref_sparsity(w)
    assert 0.0 <= got <= 1.0


@pytest.mark.parametrize(
    ("w", "s", "match"),
    [
        ([], 0.5, "w must not be empty"),
        (np.zeros((0, 3)), 0.5, "w must not be empty"),
        ([1.0, math.nan], 0.5, "w must be finite"),
        ([1.0, -math.inf], 0.5, "w must be finite"),
        (["a", "b"], 0.5, "w must be real numbers"),
        (np.array([1 + 2j]), 0.5, "w must be real numbers"),
        ([1.0, 2.0], -0.1, r"sparsity must be in \[0, 1\]"),
        ([1.0, 2.0], 1.5, r"sparsity must be in \[0, 1\]"),
        ([1.0, 2.0], math.nan, "sparsity must be a finite number"),
        ([1.0, 2.0], "half", "sparsity must be a finite number"),
    ],
)
def test_prune_rejects(w, s, match):
    with pytest.raises(ValueError, match=match):
        magnitude_prune(w, s)


@pytest.mark.parametrize(
    ("w", "match"),
    [
        ([], "w must not be empty"),
        ([0.0, math.nan], "w must be finite"),
        ([math.inf], "w must be finite"),
        (["x"], "w must be real numbers"),
    ],
)
def test_sparsity_rejects(w, match):
    with pytest.raises(ValueError, match=match):
        sparsity(w)


# ------------------------------------------------------------------------- low-rank


def test_low_rank_golden():
    assert low_rank_params(1000, 1000, 50) == 100_000  # of 1,000,000
    assert low_rank_ratio(1000, 1000, 50) == pytest.approx(0.1)
    assert low_rank_params(4096, 1024, 64) == 4096 * 64 + 64 * 1024
    assert low_rank_params(4096, 1024, 64, bias=True) == 4096 * 64 + 64 * 1024 + 4096
    assert low_rank_params(m=3, n=5, rank=3) == 24  # 24 > 15: full rank is larger
    assert low_rank_ratio(3, 5, 3) == pytest.approx(24 / 15)
    assert low_rank_params(1, 1, 1) == 2
    assert low_rank_params(10.0, 20.0, 2.0) == 60
    assert type(low_rank_params(10.0, 20.0, 2.0)) is int
    assert type(low_rank_ratio(10, 20, 2)) is float


def test_low_rank_counts_real_factor_arrays():
    """Count the entries of actual A (m×r) and B (r×n) whose product has the m×n shape."""
    rng = np.random.default_rng(0)
    for m, n, r in [(6, 4, 2), (5, 5, 5), (1, 9, 1), (12, 3, 3)]:
        a, b = rng.standard_normal((m, r)), rng.standard_normal((r, n))
        assert (a @ b).shape == (m, n)
        assert np.linalg.matrix_rank(a @ b) == r
        assert low_rank_params(m, n, r) == a.size + b.size
        assert low_rank_params(m, n, r, bias=True) == a.size + b.size + m
        assert low_rank_ratio(m, n, r) == pytest.approx((a.size + b.size) / (m * n))


@given(m=st.integers(1, 5000), n=st.integers(1, 5000), data=st.data())
@FAST
def test_low_rank_against_full(m, n, data):
    r = data.draw(st.integers(1, min(m, n)))
    params = low_rank_params(m, n, r)
    assert params == m * r + r * n
    assert low_rank_ratio(m, n, r) == pytest.approx(params / (m * n), rel=1e-15)
    # a saving exactly when r < m·n/(m + n)
    assert (params < m * n) == (r * (m + n) < m * n)
    if r < min(m, n):
        assert low_rank_params(m, n, r + 1) - params == m + n


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 10, 1), "m must be an integer ≥ 1"),
        ((10, -1, 1), "n must be an integer ≥ 1"),
        ((10, 10, 0), "rank must be an integer ≥ 1"),
        ((10.5, 10, 1), "m must be an integer ≥ 1"),
        ((10, 10, 2.5), "rank must be an integer ≥ 1"),
        ((True, 10, 1), "m must be an integer ≥ 1"),
        ((10, 10, True), "rank must be an integer ≥ 1"),
        ((10, 3, 4), r"rank must be ≤ min\(m, n\) = 3, got 4"),
        ((2, 30, 5), r"rank must be ≤ min\(m, n\) = 2"),
        ((math.inf, 10, 1), "m must be a finite number"),
        ((10, "n", 1), "n must be a finite number"),
        ((10, 10, math.nan), "rank must be a finite number"),
    ],
)
def test_low_rank_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        low_rank_params(*args)
    with pytest.raises(ValueError, match=match):
        low_rank_ratio(*args)


def test_density_by_hand():
    assert density([[0.8, 0.0, -0.3], [0.0, 0.9, 0.2], [0.4, 0.0, 0.7]]) == pytest.approx(6 / 9)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.sampled_from([0.0, -1.5, 2.0])))
def test_density_and_sparsity_add_to_one(w):
    assert density(w) + sparsity(w) == pytest.approx(1.0)
    assert density(w) == pytest.approx(np.mean(w != 0))


def test_density_invalid():
    with pytest.raises(ValueError):
        density([])


W = [[0.8, 0.1, -0.3], [-0.05, 0.9, 0.2], [0.4, -0.02, 0.7]]


def test_threshold_prune_worked_example():
    np.testing.assert_array_equal(
        threshold_prune(W, 0.1), [[0.8, 0, -0.3], [0, 0.9, 0.2], [0.4, 0, 0.7]]
    )
    assert sparsity(threshold_prune(W, 0.1)) == pytest.approx(3 / 9)
    assert sparsity(threshold_prune(W, 0.1, inclusive=False)) == pytest.approx(2 / 9)
    assert sparsity(signed_threshold_prune(W, 0.1)) == pytest.approx(4 / 9)  # −0.3 removed too
    assert np.asarray(W)[0, 0] == 0.8  # input untouched


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-2, 2)), st.floats(0, 2))
def test_threshold_prune_keeps_exactly_the_large_magnitudes(w, t):
    out = threshold_prune(w, t)
    kept = np.abs(w) > t
    np.testing.assert_array_equal(out[kept], w[kept])
    assert np.all(out[~kept] == 0)
    # the signed slip removes at least as much: every pruned weight is also ≤ t
    assert sparsity(signed_threshold_prune(w, t)) >= sparsity(out) or np.all(w == 0)


def test_threshold_prune_rejects_bad_thresholds():
    for bad in (-0.1, math.nan):
        with pytest.raises(ValueError, match="threshold"):
            threshold_prune(W, bad)
