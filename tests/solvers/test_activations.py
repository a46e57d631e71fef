"""solvers.activations: golden values, finite-difference derivatives, stability, PyTorch kinks."""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import activations as act

FAST = settings(max_examples=60, deadline=None)

ELEMENTWISE = [
    act.relu,
    act.relu_grad,
    act.leaky_relu,
    act.leaky_relu_grad,
    act.sigmoid,
    act.sigmoid_grad,
    act.tanh,
    act.tanh_grad,
    act.gelu,
    act.gelu_grad,
    act.elu,
    act.elu_grad,
    lambda x: act.gelu(x, approximate=True),
    lambda x: act.gelu_grad(x, approximate=True),
    lambda x: act.prelu(x, 0.25),
]

PAIRS = [
    (act.relu, act.relu_grad),
    (lambda x: act.leaky_relu(x, alpha=0.2), lambda x: act.leaky_relu_grad(x, alpha=0.2)),
    (act.sigmoid, act.sigmoid_grad),
    (act.tanh, act.tanh_grad),
    (act.gelu, act.gelu_grad),
    (lambda x: act.gelu(x, approximate=True), lambda x: act.gelu_grad(x, approximate=True)),
    (lambda x: act.elu(x, alpha=1.5), lambda x: act.elu_grad(x, alpha=1.5)),
]

moderate = st.floats(-8, 8, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


def test_golden_values():
    assert act.relu(-2.0) == 0.0 and act.relu(3.0) == 3.0
    assert act.leaky_relu(-2.0, alpha=0.1) == pytest.approx(-0.2)
    assert act.leaky_relu(5.0) == 5.0
    assert act.prelu(-4.0, a=0.25) == -1.0
    assert act.sigmoid(0.0) == 0.5
    assert act.sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert act.tanh(0.5) == pytest.approx(math.tanh(0.5))
    assert act.gelu(0.0) == 0.0
    assert act.gelu(1.0) == pytest.approx(0.8413447460685429, rel=1e-12)
    assert act.gelu(-1.0) == pytest.approx(-0.15865525393145707, rel=1e-12)
    assert act.gelu(1.0, approximate=True) == pytest.approx(0.8411919906082768, rel=1e-12)
    assert act.elu(-1.0) == pytest.approx(math.exp(-1.0) - 1.0)
    assert act.elu(-1.0, alpha=2.0) == pytest.approx(2.0 * (math.exp(-1.0) - 1.0))
    np.testing.assert_allclose(
        act.softmax(np.array([1.0, 2.0, 3.0])), [0.09003057, 0.24472847, 0.66524096], rtol=1e-7
    )


def test_derivatives_at_kinks_follow_pytorch():
    assert act.relu_grad(0.0) == 0.0
    assert act.relu_grad(1e-12) == 1.0
    assert act.leaky_relu_grad(0.0) == 0.01
    assert act.leaky_relu_grad(x=0.0, alpha=0.2) == 0.2
    assert act.elu_grad(0.0, alpha=1.5) == 1.5
    assert act.gelu_grad(0.0) == 0.5


@pytest.mark.parametrize("fn", ELEMENTWISE)
def test_scalar_in_float_out_array_in_array_out(fn):
    assert type(fn(0.5)) is float
    assert type(fn(-1)) is float
    assert type(fn(np.float32(2.0))) is float
    out = fn(np.array([[-1.0, 0.0, 2.0]]))
    assert isinstance(out, np.ndarray) and out.shape == (1, 3) and out.dtype == np.float64
    assert fn(np.array([-1.0, 2.0], dtype=np.float32)).dtype == np.float32
    assert fn(np.array([-1, 2])).dtype == np.float64
    assert isinstance(fn([-1.0, 2.0]), np.ndarray)


@pytest.mark.parametrize("fn", ELEMENTWISE)
def test_rejects_non_real(fn):
    with pytest.raises(ValueError):
        fn(np.array(["a"]))
    with pytest.raises(ValueError):
        fn(np.array([1j]))


@pytest.mark.parametrize(("f", "df"), PAIRS)
@given(x=moderate)
@FAST
def test_derivatives_match_finite_differences(f, df, x):
    h = 1e-6
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    assert df(x) == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def test_array_derivatives_match_finite_differences():
    x = np.linspace(-4, 4, 41) + 0.013
    h = 1e-6
    for f, df in PAIRS:
        np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-5, atol=1e-7)


@given(x=st.floats(-30, 30, allow_nan=False))
@FAST
def test_gelu_is_x_times_normal_cdf(x):
    assert act.gelu(x) == pytest.approx(x * NormalDist().cdf(x), rel=1e-9, abs=1e-12)


def test_gelu_tanh_approximation_is_close():
    x = np.linspace(-6, 6, 1201)
    assert np.max(np.abs(act.gelu(x) - act.gelu(x, approximate=True))) < 1e-3


def test_sigmoid_and_tanh_derivative_maxima():
    x = np.linspace(-10, 10, 2001)
    s, t = act.sigmoid_grad(x), act.tanh_grad(x)
    assert s.max() == 0.25 and x[s.argmax()] == 0.0
    assert t.max() == 1.0 and x[t.argmax()] == 0.0
    assert np.all(s <= 0.25) and np.all(t <= 1.0)


def test_sigmoid_symmetry_and_range():
    x = np.linspace(-50, 50, 1001)
    s = act.sigmoid(x)
    np.testing.assert_allclose(s + act.sigmoid(-x), 1.0, rtol=0, atol=1e-15)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(act.tanh(x), 2 * act.sigmoid(2 * x) - 1, atol=1e-12)


HUGE = np.array([-1e308, -1000.0, -710.0, 0.0, 710.0, 1000.0, 1e308])


@pytest.mark.parametrize("fn", [*ELEMENTWISE, act.softmax, act.log_softmax])
def test_no_warnings_or_nans_for_huge_inputs(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(HUGE)
        out32 = fn(HUGE[1:-1].astype(np.float32))
    assert not np.any(np.isnan(out)) and not np.any(np.isnan(out32))


def test_saturation_values():
    assert act.sigmoid(1000.0) == 1.0 and act.sigmoid(-1000.0) == 0.0
    assert act.sigmoid_grad(1000.0) == 0.0
    assert act.gelu(1000.0) == 1000.0 and act.gelu(-1000.0) == 0.0
    assert act.elu(-1000.0) == -1.0
    np.testing.assert_allclose(act.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
    np.testing.assert_allclose(act.softmax(np.array([1000.0, 0.0])), [1.0, 0.0])
    np.testing.assert_allclose(act.log_softmax(np.array([0.0, -2000.0])), [0.0, -2000.0])


def test_prelu_per_channel():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 4))
    a = np.array([0.1, 0.2, 0.3])
    out = act.prelu(x, a)
    for c in range(3):
        np.testing.assert_allclose(out[:, c], np.where(x[:, c] > 0, x[:, c], a[c] * x[:, c]))
    np.testing.assert_allclose(act.prelu(x, 0.2), act.leaky_relu(x, alpha=0.2))
    np.testing.assert_allclose(
        act.prelu(np.array([-1.0, -2.0]), np.array([0.5, 0.25])), [-0.5, -0.5]
    )
    with pytest.raises(ValueError):
        act.prelu(x, np.array([0.1, 0.2]))
    with pytest.raises(ValueError):
        act.prelu(x, np.ones((3, 1)))


def test_alpha_validation():
    with pytest.raises(ValueError):
        act.leaky_relu(1.0, alpha=math.inf)
    with pytest.raises(ValueError):
        act.elu(1.0, alpha="x")


logit_arrays = st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=8).map(np.array)


@given(z=logit_arrays, shift=st.floats(-1000, 1000, allow_nan=False))
@FAST
def test_softmax_sums_to_one_and_is_shift_invariant(z, shift):
    p = act.softmax(z)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(p >= 0)
    np.testing.assert_allclose(act.softmax(z + shift), p, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(act.log_softmax(z + shift), act.log_softmax(z), atol=1e-9)
    np.testing.assert_allclose(np.exp(act.log_softmax(z)), p, rtol=1e-9, atol=1e-300)


@given(z=logit_arrays, t=st.floats(0.05, 20))
@FAST
def test_temperature_is_dividing_logits(z, t):
    np.testing.assert_allclose(act.softmax(z, temperature=t), act.softmax(z / t), rtol=1e-9)


def test_temperature_limits():
    z = np.array([3.0, 1.0, -2.0, 0.5])
    assert np.ptp(act.softmax(z, temperature=1e9)) < 1e-8
    np.testing.assert_allclose(act.softmax(z, temperature=1e-3), [1.0, 0.0, 0.0, 0.0])
    spreads = [np.ptp(act.softmax(z, temperature=t)) for t in (0.5, 1.0, 2.0, 10.0, 100.0)]
    assert spreads == sorted(spreads, reverse=True)


def test_softmax_axis():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((3, 4, 5))
    for axis in (0, 1, 2, -1):
        p = act.softmax(z, axis=axis)
        np.testing.assert_allclose(p.sum(axis=axis), 1.0)
        np.testing.assert_allclose(np.log(p), act.log_softmax(z, axis=axis))
    np.testing.assert_allclose(act.softmax(z, axis=0)[:, 1, 2], act.softmax(z[:, 1, 2]))
    assert act.softmax(z.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    "call",
    [
        lambda: act.softmax(1.0),
        lambda: act.softmax(np.array([])),
        lambda: act.softmax(np.ones(3), temperature=0),
        lambda: act.softmax(np.ones(3), temperature=-1),
        lambda: act.softmax(np.ones(3), temperature=math.inf),
        lambda: act.softmax(np.ones(3), axis=2),
        lambda: act.log_softmax(np.ones((2, 0))),
    ],
)
def test_softmax_rejects_invalid(call):
    with pytest.raises(ValueError):
        call()


# ------------------------------------------------------------ gradient bound, softmax terms


def test_gradient_bound_by_hand():
    assert act.gradient_bound("sigmoid", 10) == 0.25**10
    assert act.gradient_bound("sigmoid", 5) == pytest.approx(9.765625e-4)
    assert act.gradient_bound("tanh", 5) == 1.0
    assert act.gradient_bound("tanh", 3, weight=2.0) == 8.0


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["sigmoid", "tanh"]), st.integers(1, 12), st.floats(0.1, 3.0))
def test_gradient_bound_is_the_chain_rule_at_the_peak(name, n, w):
    """Multiply w·f′(0) layer by layer, with f′ from the activation's own derivative."""
    grad = act.sigmoid_grad if name == "sigmoid" else act.tanh_grad
    product = 1.0
    for _ in range(n):
        product *= w * grad(0.0)
    assert act.gradient_bound(name, n, w) == pytest.approx(product, rel=1e-12)


def test_softmax_numerators():
    np.testing.assert_allclose(
        act.softmax_numerators([2.0, 1.0, 0.1]), [math.e**2, math.e, math.e**0.1]
    )
    terms = act.softmax_numerators([2.0, 1.0, 0.1], temperature=2.0)
    np.testing.assert_allclose(terms / terms.sum(), act.softmax([2.0, 1.0, 0.1], temperature=2.0))


@pytest.mark.parametrize(
    "call",
    [
        lambda: act.gradient_bound("gelu", 3),
        lambda: act.gradient_bound("sigmoid", 0),
        lambda: act.gradient_bound("sigmoid", 2.5),
        lambda: act.gradient_bound("sigmoid", 3, math.nan),
        lambda: act.softmax_numerators([800.0, 0.0]),
        lambda: act.softmax_numerators([math.nan, 0.0]),
        lambda: act.softmax_numerators(1.0),
    ],
)
def test_gradient_bound_and_numerators_reject_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_linear_normalize_by_hand_and_against_softmax():
    assert act.linear_normalize([3.0, 1.0, 0.0]) == pytest.approx([0.75, 0.25, 0.0])
    assert act.softmax([3.0, 1.0, 0.0])[0] == pytest.approx(0.8438, abs=1e-4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.1, 100), min_size=1, max_size=6))
def test_linear_normalize_sums_to_one_and_keeps_ratios(z):
    p = act.linear_normalize(z)
    assert p.sum() == pytest.approx(1.0)
    assert p[0] / p[-1] == pytest.approx(z[0] / z[-1])
    # it is Softmax of the logs: exp(log z)/Σ exp(log z)
    assert p == pytest.approx(act.softmax(np.log(z)))


@pytest.mark.parametrize("bad", [[1.0, -1.0], [], 2.0, [math.inf, 1.0]])
def test_linear_normalize_invalid(bad):
    with pytest.raises(ValueError):
        act.linear_normalize(bad)


def test_chained_gain_by_hand_and_against_the_bound():
    assert act.chained_gain(0.5, 5) == 0.03125
    assert act.chained_gain(0.25, 5) == act.gradient_bound("sigmoid", 5)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 2.0), st.integers(1, 20))
def test_chained_gain_is_a_product_of_layers(factor, layers):
    assert act.chained_gain(factor, layers) == pytest.approx(math.prod([factor] * layers))


@pytest.mark.parametrize("bad", [(0.5, 0), (0.5, 1.5), (math.nan, 3)])
def test_chained_gain_invalid(bad):
    with pytest.raises(ValueError):
        act.chained_gain(*bad)


def test_relu_backward_worked_example_and_the_by_value_slip():
    x, upstream = np.array([-2.0, 0.0, 3.0]), np.array([0.5, 0.5, 0.5])
    np.testing.assert_array_equal(act.relu_backward(x, upstream), [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(act.relu_backward_by_value(x, upstream), [0.0, 0.0, 1.5])
    assert act.relu_backward(3.0, 0.5) == 0.5
    assert isinstance(act.relu_backward(3.0, 0.5), float)


@settings(max_examples=60, deadline=None)
@given(st.floats(-50, 50).filter(lambda v: abs(v) > 1e-3), st.floats(-5, 5))
def test_relu_backward_is_the_chain_rule_by_finite_differences(x, upstream):
    h = 1e-6 * max(1.0, abs(x))
    numeric = upstream * (act.relu(x + h) - act.relu(x - h)) / (2 * h)
    assert act.relu_backward(x, upstream) == pytest.approx(numeric, abs=1e-6)


def test_absolute_is_relu_on_the_right_and_mirrored_on_the_left():
    assert act.absolute(-1.3) == 1.3
    xs = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(act.absolute(xs), act.relu(xs) + act.relu(-xs))
    with pytest.raises(ValueError):
        act.absolute("a")


@settings(max_examples=60, deadline=None)
@given(st.floats(-8, 8))
def test_grad_from_output_agrees_with_the_input_form(x):
    assert act.grad_from_output(act.sigmoid(x), "sigmoid") == pytest.approx(act.sigmoid_grad(x))
    assert act.grad_from_output(act.tanh(x), "tanh") == pytest.approx(act.tanh_grad(x), abs=1e-12)


def test_grad_from_output_worked_example_and_checks():
    assert act.grad_from_output(0.8, "sigmoid") == pytest.approx(0.16)
    assert act.grad_from_output(0.8, "tanh") == pytest.approx(0.36)  # tanh's form on a sigmoid
    with pytest.raises(ValueError, match="activation"):
        act.grad_from_output(0.5, "relu")
    with pytest.raises(ValueError, match="y must lie"):
        act.grad_from_output(-0.5, "sigmoid")


def test_sigmoid_grad_one_factor_slips():
    squared, complement = act.sigmoid_grad_one_factor_slips(0.8)
    assert (squared, complement) == (pytest.approx(0.64), pytest.approx(0.2))
    # the right derivative is the product of the factors each slip keeps one of
    assert math.sqrt(squared) * complement == pytest.approx(act.grad_from_output(0.8, "sigmoid"))
    with pytest.raises(ValueError):
        act.sigmoid_grad_one_factor_slips(1.5)


@settings(max_examples=60, deadline=None)
@given(st.floats(-30, 30))
def test_logit_inverts_the_sigmoid(x):
    assert act.logit(act.sigmoid(x)) == pytest.approx(x, abs=1e-9 * max(1.0, math.exp(abs(x))))


def test_logit_worked_example_and_range():
    assert act.logit(0.8) == pytest.approx(math.log(4))
    assert act.logit(0.5) == 0.0
    for bad in (0.0, 1.0, 1.2):
        with pytest.raises(ValueError, match="between 0 and 1"):
            act.logit(bad)


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_minimum_is_the_lowest_point_of_a_fine_grid(approximate):
    x_min, y_min = act.gelu_minimum(approximate)
    grid = np.linspace(-3, 0, 300_001)
    values = act.gelu(grid, approximate)
    assert y_min <= values.min() + 1e-15
    assert x_min == pytest.approx(grid[values.argmin()], abs=2e-5)
    assert act.gelu_grad(x_min, approximate) == pytest.approx(0.0, abs=1e-12)


def test_gelu_minimum_worked_value():
    x_min, y_min = act.gelu_minimum()
    assert (round(x_min, 4), round(y_min, 4)) == (-0.7518, -0.17)
