"""solvers.dense: a unit worked by hand, the layer against explicit loops, gradients against finite
differences, MLP counts against per-layer sums, and the input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.dense import all_sizes_product, dense, dense_backward, flatten_size, mlp_params
from solvers.flops import fc_params

FAST = settings(max_examples=50, deadline=None)


def test_single_unit_by_hand():
    # z = 0.5·1 − 1·3 + 2·0.5 + 0.2 = −1.3
    assert dense([1, 3, 0.5], [0.5, -1.0, 2.0], 0.2) == pytest.approx(-1.3)
    assert dense([1, 3, 0.5], [0.5, -1.0, 2.0]) == pytest.approx(-1.5)
    assert type(dense([2.0], [0.5], -1.0)) is float


@FAST
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_layer_matches_loops(batch, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(batch, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
    z = dense(x, w, b)
    for i in range(batch):
        for j in range(n_out):
            expected = b[j] + sum(w[j, k] * x[i, k] for k in range(n_in))
            assert z[i, j] == pytest.approx(expected)


@FAST
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences(batch, n_in, n_out, seed):
    """L = Σ c ⊙ z has ∂L/∂z = c; compare the analytic gradients with central differences."""
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(batch, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
    c = rng.normal(size=(batch, n_out))
    grad_x, grad_w, grad_b = dense_backward(x, w, c)

    def loss(x_, w_, b_):
        return float(np.sum(c * dense(x_, w_, b_)))

    h = 1e-6
    for arr, grad, which in ((x, grad_x, 0), (w, grad_w, 1), (b, grad_b, 2)):
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            up, down = [x.copy(), w.copy(), b.copy()], [x.copy(), w.copy(), b.copy()]
            up[which][idx] += h
            down[which][idx] -= h
            numeric[idx] = (loss(*up) - loss(*down)) / (2 * h)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_backward_of_a_sigmoid_unit_by_hand():
    # ∂a/∂w = σ′(z)·x = 0.25·2 for z = 0.5·2 − 1 = 0
    grad_x, grad_w, grad_b = dense_backward([2.0], [0.5], 0.25)
    np.testing.assert_allclose(grad_w, [0.5])
    np.testing.assert_allclose(grad_x, [0.125])
    np.testing.assert_allclose(grad_b, [0.25])


def test_mlp_params_known_values():
    assert mlp_params([784, 100, 10]) == 79_510
    assert mlp_params([784, 100, 10], bias=False) == 79_400
    assert mlp_params(np.array([784.0, 100.0, 10.0])) == 79_510  # as a YAML check passes it


@FAST
@given(st.lists(st.integers(1, 500), min_size=2, max_size=6), st.booleans())
def test_mlp_params_is_the_sum_of_its_layers(sizes, bias):
    expected = sum(fc_params(sizes[i], sizes[i + 1], bias) for i in range(len(sizes) - 1))
    assert mlp_params(sizes, bias) == expected


def test_flatten_size():
    assert flatten_size([28, 28]) == 784
    assert flatten_size([7, 7, 512]) == 25_088
    assert flatten_size(np.array([5.0, 5.0, 64.0])) == 1_600


@pytest.mark.parametrize(
    "call",
    [
        lambda: dense([1.0, 2.0], [1.0, 2.0, 3.0]),
        lambda: dense([1.0, np.nan], [1.0, 2.0]),
        lambda: dense([1.0], [1.0], [np.inf]),
        lambda: dense_backward([1.0, 2.0], [[1.0, 2.0]], [1.0, 2.0]),
        lambda: mlp_params([784]),
        lambda: mlp_params([784, 0]),
        lambda: mlp_params([784, 2.5]),
        lambda: mlp_params("784"),
        lambda: flatten_size([]),
        lambda: flatten_size([3, True]),
    ],
)
def test_invalid_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_all_sizes_product_is_the_slip_not_the_count():
    assert all_sizes_product([784, 100, 10]) == 784_000
    assert mlp_params([784, 100, 10], bias=False) == 79_400
    with pytest.raises(ValueError):
        all_sizes_product([784])
