"""solvers.normalization against explicit loops, moment properties and the count formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.normalization import (
    NormCounts,
    batch_norm,
    batch_norm_stats,
    group_norm,
    instance_norm,
    layer_norm,
    norm_counts,
    scale_shift,
    standardize_unbiased,
)
from solvers.normalization import standardize as z_scores

FAST = settings(max_examples=40, deadline=None)
EPS = 1e-5


def standardize(values, eps=EPS):
    """(v − mean)/√(var + eps) for a flat list, written out by hand."""
    flat = [float(v) for v in np.ravel(values)]
    mean = sum(flat) / len(flat)
    var = sum((v - mean) ** 2 for v in flat) / len(flat)
    return (np.asarray(values) - mean) / math.sqrt(var + eps)


@st.composite
def tensors(draw, min_ndim=2):
    ndim = draw(st.sampled_from([d for d in (2, 3, 4) if d >= min_ndim]))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    if math.prod(shape[:1] + shape[2:]) < 2:
        shape = (2, *shape[1:])
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.floats(0.01, 100))
    offset = draw(st.floats(-100, 100))
    return rng.standard_normal(shape) * scale + offset


def test_batch_norm_matches_channel_loop():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 5, 6)) * 3 + 1
    gamma, beta = np.array([1.0, 2.0, -0.5]), np.array([0.0, 1.0, 3.0])
    out = batch_norm(x, gamma, beta)
    for c in range(3):
        np.testing.assert_allclose(out[:, c], standardize(x[:, c]) * gamma[c] + beta[c])
    mean, var = batch_norm_stats(x)
    for c in range(3):
        assert mean[c] == pytest.approx(np.sum(x[:, c]) / x[:, c].size)
        assert var[c] == pytest.approx(np.sum((x[:, c] - mean[c]) ** 2) / x[:, c].size)


def test_batch_norm_2d_is_over_batch_axis():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]])
    mean, var = batch_norm_stats(x)
    np.testing.assert_allclose(mean, [3.0, 30.0])
    np.testing.assert_allclose(var, [8 / 3, (400 + 100 + 900) / 3])
    out = batch_norm(x, gamma=1.0, beta=0.0, eps=EPS)
    np.testing.assert_allclose(out[:, 0], (x[:, 0] - 3.0) / math.sqrt(8 / 3 + EPS))


def test_batch_norm_golden():
    x = np.array([[1.0], [3.0]])
    np.testing.assert_allclose(batch_norm(x, 1.0, 0.0, eps=1e-12), [[-1.0], [1.0]])
    np.testing.assert_allclose(
        batch_norm(x, 2.0, 5.0), [[5 - 2 / math.sqrt(1 + EPS)], [5 + 2 / math.sqrt(1 + EPS)]]
    )


@given(tensors())
@FAST
def test_batch_norm_channels_have_zero_mean_unit_variance(x):
    out = batch_norm(x, np.ones(x.shape[1]), np.zeros(x.shape[1]))
    axes = (0, *range(2, x.ndim))
    _, var_in = batch_norm_stats(x)
    np.testing.assert_allclose(out.mean(axis=axes), 0.0, atol=1e-7)
    np.testing.assert_allclose(out.var(axis=axes), var_in / (var_in + EPS), rtol=1e-7)
    assert np.all(out.var(axis=axes) <= 1.0 + 1e-12)


@given(tensors(), st.floats(-3, 3), st.floats(-3, 3))
@FAST
def test_gamma_beta_set_mean_and_scale(x, gamma, beta):
    out = batch_norm(x, gamma, beta)
    axes = (0, *range(2, x.ndim))
    _, var_in = batch_norm_stats(x)
    np.testing.assert_allclose(out.mean(axis=axes), beta, atol=1e-6)
    np.testing.assert_allclose(
        out.std(axis=axes), abs(gamma) * np.sqrt(var_in / (var_in + EPS)), atol=1e-6
    )


def test_layer_norm_matches_sample_loop():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 2, 5)) * 2 - 1
    gamma = rng.standard_normal((4, 2, 5))
    beta = rng.standard_normal((4, 2, 5))
    out = layer_norm(x, gamma, beta)
    for n in range(3):
        np.testing.assert_allclose(out[n], standardize(x[n]) * gamma + beta)
    np.testing.assert_allclose(layer_norm(x)[1], standardize(x[1]))
    tokens = rng.standard_normal((5, 8))
    np.testing.assert_allclose(layer_norm(tokens, eps=1e-6)[2], standardize(tokens[2], 1e-6))


def test_instance_norm_matches_map_loop():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, 4)) * 5
    gamma, beta = np.array([1.0, 0.5, 2.0]), np.array([0.1, 0.2, 0.3])
    out = instance_norm(x, gamma, beta)
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(out[n, c], standardize(x[n, c]) * gamma[c] + beta[c])


def test_group_norm_matches_group_loop():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 3, 3))
    gamma, beta = np.linspace(0.5, 1.5, 6), np.linspace(-1, 1, 6)
    out = group_norm(x, 3, gamma=gamma, beta=beta)
    for n in range(2):
        for g in range(3):
            block = standardize(x[n, 2 * g : 2 * g + 2])
            for j in range(2):
                c = 2 * g + j
                np.testing.assert_allclose(out[n, c], block[j] * gamma[c] + beta[c])


@given(tensors(min_ndim=3))
@FAST
def test_group_norm_extremes_are_layer_and_instance_norm(x):
    c = x.shape[1]
    np.testing.assert_allclose(group_norm(x, 1), layer_norm(x), atol=1e-9)
    np.testing.assert_allclose(group_norm(x, groups=c), instance_norm(x), atol=1e-9)


def test_float32_stays_float32():
    x = np.random.default_rng(4).standard_normal((4, 2, 3, 3)).astype(np.float32)
    assert batch_norm(x, 1.0, 0.0).dtype == np.float32
    assert layer_norm(x).dtype == np.float32
    assert instance_norm(x).dtype == np.float32
    assert group_norm(x, 2).dtype == np.float32
    np.testing.assert_allclose(
        batch_norm(x, 1.0, 0.0), batch_norm(x.astype(np.float64), 1.0, 0.0), atol=1e-5
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: batch_norm(np.ones(3), 1.0, 0.0),
        lambda: batch_norm(np.ones((2, 3)), np.ones(2), 0.0),
        lambda: batch_norm(np.ones((2, 3)), 1.0, np.ones((3, 1))),
        lambda: batch_norm(np.ones((2, 3)), 1.0, 0.0, eps=0),
        lambda: batch_norm(np.ones((2, 3)), 1.0, 0.0, eps=-1e-5),
        lambda: batch_norm(np.ones((0, 3)), 1.0, 0.0),
        lambda: batch_norm_stats(np.ones(4)),
        lambda: layer_norm(np.ones(4)),
        lambda: layer_norm(np.ones((2, 3)), gamma=np.ones(2)),
        lambda: instance_norm(np.ones((2, 3))),
        lambda: group_norm(np.ones((2, 6, 2, 2)), 4),
        lambda: group_norm(np.ones((2, 6, 2, 2)), 0),
        lambda: group_norm(np.ones((2, 6, 2, 2)), 2.5),
        lambda: group_norm(np.ones((2, 6, 2, 2)), 2, gamma=np.ones(2)),
        lambda: layer_norm(np.array([["a", "b"]])),
    ],
)
def test_rejects_invalid(call):
    with pytest.raises(ValueError):
        call()


def test_constant_input_is_finite():
    out = batch_norm(np.full((4, 2, 3, 3), 7.0), 2.0, 1.0)
    np.testing.assert_array_equal(out, 1.0)


def test_norm_counts_golden():
    shape = (8, 64, 32, 32)
    assert norm_counts(shape, "batch") == NormCounts(8 * 32 * 32, 64, 128)
    assert norm_counts(shape, "layer") == NormCounts(64 * 32 * 32, 8, 2 * 64 * 32 * 32)
    assert norm_counts(shape, "instance") == NormCounts(32 * 32, 8 * 64, 128)
    assert norm_counts(shape=shape, kind="group", groups=32) == NormCounts(2 * 32 * 32, 8 * 32, 128)
    assert norm_counts((16, 10), "batch").values_per_statistic == 16
    assert norm_counts(np.array([16.0, 10.0]), "layer").n_statistics == 16


@given(
    shape=st.lists(st.integers(1, 6), min_size=3, max_size=4).map(tuple),
    kind=st.sampled_from(["batch", "layer", "instance", "group"]),
    seed=st.integers(0, 2**32 - 1),
)
@FAST
def test_norm_counts_agree_with_the_computation(shape, kind, seed):
    c = shape[1]
    groups = next(g for g in (3, 2, 1) if c % g == 0) if kind == "group" else None
    counts = norm_counts(shape, kind, groups)
    assert counts.values_per_statistic * counts.n_statistics == math.prod(shape)
    x = np.random.default_rng(seed).standard_normal(shape)
    layer = {
        "batch": lambda: batch_norm(x, np.ones(c), np.zeros(c)),
        "layer": lambda: layer_norm(x, np.ones(shape[1:]), np.zeros(shape[1:])),
        "instance": lambda: instance_norm(x, np.ones(c), np.zeros(c)),
        "group": lambda: group_norm(x, groups, gamma=np.ones(c), beta=np.zeros(c)),
    }[kind]
    n_gamma = {"layer": math.prod(shape[1:])}.get(kind, c)
    assert counts.n_affine == 2 * n_gamma
    # Nudging one input value moves exactly the outputs that share its statistic.
    base = layer()
    x[(0,) * len(shape)] += 1.7
    changed = int(np.count_nonzero(np.abs(layer() - base) > 1e-12))
    expected = counts.values_per_statistic if counts.values_per_statistic > 1 else 0
    assert changed == expected


@pytest.mark.parametrize(
    ("shape", "kind", "groups"),
    [
        ((8,), "batch", None),
        ((8, 0, 2, 2), "batch", None),
        ((8, 4), "instance", None),
        ((8, 4, 2, 2), "group", None),
        ((8, 4, 2, 2), "group", 3),
        ((8, 4, 2, 2), "batch", 2),
        ((8, 4, 2, 2), "weight", None),
        ((8, 4.5, 2, 2), "batch", None),
    ],
)
def test_norm_counts_rejects_invalid(shape, kind, groups):
    with pytest.raises(ValueError):
        norm_counts(shape, kind, groups)


def test_standardize_by_hand():
    x = [0.0, 2.0, 4.0, 6.0, 8.0]
    assert z_scores(x)[-1] == pytest.approx(math.sqrt(2))
    assert z_scores(x, spread="variance")[-1] == pytest.approx(0.5)


@FAST
@given(st.lists(st.floats(-100, 100), min_size=2, max_size=12))
def test_standardize_matches_layer_norm_and_has_unit_spread(x):
    arr = np.array(x)
    if arr.var() < 1e-6:
        return
    z = z_scores(x)
    assert z == pytest.approx(layer_norm(arr[None, :], eps=1e-300)[0], abs=1e-6)
    assert z.mean() == pytest.approx(0.0, abs=1e-9) and z.std() == pytest.approx(1.0)
    assert z_scores(x, "variance") == pytest.approx(z / arr.std())


@pytest.mark.parametrize("bad", [([1.0],), ([2.0, 2.0],), ([1.0, 2.0], "range")])
def test_standardize_invalid(bad):
    with pytest.raises(ValueError):
        z_scores(*bad)


def test_bn_by_hand_and_its_two_slips_in_two_steps():
    x = [1.0, 2.0, 3.0, 6.0]
    key = scale_shift(z_scores(x), 2.0, 1.0)
    np.testing.assert_allclose(key, batch_norm(np.array(x)[:, None], 2.0, 1.0, eps=1e-12)[:, 0])
    assert scale_shift(standardize_unbiased(x), 2, 1)[-1] == pytest.approx(3.7774603)
    assert scale_shift(z_scores(x, spread="variance"), 2, 1)[-1] == pytest.approx(2.7142857)


@FAST
@given(st.lists(st.floats(-100, 100), min_size=2, max_size=20))
def test_standardize_unbiased_is_the_n_minus_one_rescaling(values):
    x = np.array(values)
    if np.ptp(x) < 1e-6:
        return
    n = len(values)
    np.testing.assert_allclose(
        standardize_unbiased(x), z_scores(x) * math.sqrt((n - 1) / n), atol=1e-9
    )


def test_scale_shift_rejects_non_finite():
    with pytest.raises(ValueError):
        scale_shift([1.0, math.nan], 1.0, 0.0)
    with pytest.raises(ValueError, match="gamma"):
        scale_shift([1.0], math.inf, 0.0)
    with pytest.raises(ValueError):
        standardize_unbiased([2.0, 2.0])
