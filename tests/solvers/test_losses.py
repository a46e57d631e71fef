"""solvers.losses: golden values, agreement between formulations, stability and gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from solvers.losses import (
    binary_cross_entropy,
    cross_entropy,
    cross_entropy_probs,
    cross_entropy_with_grad,
    mse,
    softmax_cross_entropy_grad,
    target_logit_grad_size,
)

FAST = settings(max_examples=50, deadline=None)


@st.composite
def batches(draw):
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    z = draw(arrays(np.float64, (n, k), elements=st.floats(-20, 20, allow_nan=False)))
    t = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return z, t


def test_cross_entropy_golden():
    z = [2.0, 1.0, 0.1]
    expected = -math.log(math.exp(2.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(0.1)))
    assert cross_entropy(z, 0) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy(logits=np.array(z), target_index=0) == pytest.approx(0.4170300162778335)
    assert cross_entropy([0.0, 0.0, 0.0, 0.0], 3) == pytest.approx(math.log(4))
    assert type(cross_entropy(z, 1)) is float


def test_cross_entropy_is_stable_for_huge_logits():
    assert cross_entropy([1000.0, 0.0], 1) == pytest.approx(1000.0)
    assert cross_entropy([1000.0, 0.0], 0) == 0.0
    assert cross_entropy(np.array([[1000.0, 1000.0]], dtype=np.float32), [0]) == pytest.approx(
        math.log(2), rel=1e-6
    )


@given(batches())
@FAST
def test_cross_entropy_with_grad_is_both_functions_at_once(case):
    z, t = case
    loss, grad = cross_entropy_with_grad(z, t)
    assert loss == cross_entropy(z, t)
    np.testing.assert_array_equal(grad, softmax_cross_entropy_grad(z, t))


def test_cross_entropy_with_grad_keeps_float32():
    """The TinyCNN trains in float32 through this; a float64 gradient would change its numerics."""
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], dtype=np.float32)
    loss, grad = cross_entropy_with_grad(z, np.array([1, 2]))
    assert grad.dtype == np.float32
    assert loss == pytest.approx(cross_entropy(z.astype(np.float64), [1, 2]), rel=1e-6)
    one_loss, one_grad = cross_entropy_with_grad(z[0], 1)
    assert one_grad.dtype == np.float32
    assert one_grad.sum() == pytest.approx(0.0, abs=1e-6)
    assert one_loss == pytest.approx(cross_entropy(z[0].astype(np.float64), 1), rel=1e-6)


@given(batches())
@FAST
def test_batch_loss_is_mean_of_rows_and_matches_probabilities(case):
    z, t = case
    rows = [cross_entropy(z[i], int(t[i])) for i in range(len(t))]
    assert cross_entropy(z, t) == pytest.approx(sum(rows) / len(rows), rel=1e-12, abs=1e-12)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    assert cross_entropy(z, t) == pytest.approx(cross_entropy_probs(probs, t), rel=1e-9, abs=1e-9)


def test_float_targets_from_yaml_lists_are_accepted():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    assert cross_entropy(z, np.array([2.0, 0.0])) == cross_entropy(z, [2, 0])
    with pytest.raises(ValueError):
        cross_entropy(z, np.array([2.5, 0.0]))


@pytest.mark.parametrize(
    ("logits", "target"),
    [
        ([1.0, 2.0], 2),
        ([1.0, 2.0], -1),
        ([1.0, 2.0], [0]),
        ([[1.0, 2.0]], 0),
        ([[1.0, 2.0], [0.0, 1.0]], [0]),
        ([], 0),
        ([[[1.0]]], 0),
        ([1.0, 2.0], True),
        ([1.0, 2.0], "a"),
    ],
)
def test_cross_entropy_rejects_invalid(logits, target):
    with pytest.raises(ValueError):
        cross_entropy(logits, target)
    with pytest.raises(ValueError):
        softmax_cross_entropy_grad(logits, target)


def test_cross_entropy_probs_golden():
    assert cross_entropy_probs([0.7, 0.2, 0.1], 0) == pytest.approx(-math.log(0.7))
    assert cross_entropy_probs(probs=[[0.5, 0.5], [0.9, 0.1]], target_index=[0, 1]) == (
        pytest.approx((math.log(2) + math.log(10)) / 2)
    )
    assert cross_entropy_probs([1.0, 0.0], 1) == math.inf
    assert cross_entropy_probs([1.0, 0.0], 0) == 0.0
    with pytest.raises(ValueError):
        cross_entropy_probs([1.2, -0.2], 0)
    with pytest.raises(ValueError):
        cross_entropy_probs([math.nan, 0.5], 0)


def test_binary_cross_entropy_golden():
    assert binary_cross_entropy(0.9, 1) == pytest.approx(-math.log(0.9))
    assert binary_cross_entropy(0.9, 0) == pytest.approx(-math.log(0.1))
    assert binary_cross_entropy(p=[0.8, 0.3], y=[1.0, 0.0]) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )
    assert binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert binary_cross_entropy(0.0, 1.0) == math.inf
    assert binary_cross_entropy(0.5, 0.5) == pytest.approx(math.log(2))


@given(
    p=st.floats(1e-6, 1 - 1e-6),
    y=st.floats(0, 1),
)
@FAST
def test_binary_cross_entropy_formula(p, y):
    expected = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert binary_cross_entropy(p, y) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    two_class = cross_entropy_probs([1 - p, p], 1)
    assert binary_cross_entropy(p, 1.0) == pytest.approx(two_class, rel=1e-12)


@pytest.mark.parametrize(
    ("p", "y"),
    [(1.5, 1.0), (0.5, -0.1), ([0.5, 0.5], [1.0]), ([], []), (math.nan, 1.0), ("a", 1.0)],
)
def test_binary_cross_entropy_rejects_invalid(p, y):
    with pytest.raises(ValueError):
        binary_cross_entropy(p, y)


def test_mse():
    assert mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(4 / 3)
    assert mse(pred=2.0, target=-1.0) == 9.0
    assert type(mse(np.ones((2, 2)), np.zeros((2, 2)))) is float
    with pytest.raises(ValueError):
        mse([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        mse([], [])


@given(
    a=arrays(np.float64, st.integers(1, 10), elements=st.floats(-100, 100)),
    data=st.data(),
)
@FAST
def test_mse_properties(a, data):
    b = data.draw(arrays(np.float64, a.shape, elements=st.floats(-100, 100)))
    assert mse(a, b) == pytest.approx(mse(b, a))
    assert mse(a, a) == 0.0
    assert mse(a, b) == pytest.approx(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / a.size)


def numeric_grad(z, t, h=1e-6):
    g = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        g[idx] = (cross_entropy(up, t) - cross_entropy(down, t)) / (2 * h)
    return g


@given(batches())
@settings(max_examples=30, deadline=None)
def test_softmax_cross_entropy_grad_matches_finite_differences(case):
    z, t = case
    grad = softmax_cross_entropy_grad(z, t)
    assert grad.shape == z.shape
    np.testing.assert_allclose(grad, numeric_grad(z, t), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(z[0], int(t[0])), numeric_grad(z[0], int(t[0])), atol=1e-7
    )


def test_softmax_cross_entropy_grad_golden():
    np.testing.assert_allclose(
        softmax_cross_entropy_grad([0.0, 0.0], 0), [-0.5, 0.5], rtol=0, atol=1e-15
    )
    np.testing.assert_allclose(
        softmax_cross_entropy_grad([[0.0, 0.0], [0.0, 0.0]], [0, 1]),
        [[-0.25, 0.25], [0.25, -0.25]],
    )
    np.testing.assert_allclose(softmax_cross_entropy_grad([1000.0, 0.0], 1), [1.0, -1.0])


def test_target_logit_grad_size_worked_example():
    # logits (2, 1, 0.1), class 0: p = 0.659, loss 0.417, gradient on the correct logit −0.341
    assert target_logit_grad_size([2.0, 1.0, 0.1], 0) == pytest.approx(0.34099886)
    with pytest.raises(ValueError, match="1-D"):
        target_logit_grad_size([[2.0, 1.0]], [0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=6), st.data())
def test_target_logit_grad_size_is_one_minus_p_by_finite_differences(logits, data):
    target = data.draw(st.integers(0, len(logits) - 1))
    z, h = np.array(logits), 1e-6
    bump = np.eye(len(logits))[target] * h
    numeric = (cross_entropy(z + bump, target) - cross_entropy(z - bump, target)) / (2 * h)
    assert target_logit_grad_size(z, target) == pytest.approx(abs(numeric), abs=1e-6)
