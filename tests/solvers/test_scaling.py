"""solvers.scaling: exact recovery of synthetic power laws and the 6·N·D budget identity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers.scaling import (
    chinchilla_allocation,
    compute_optimal_growth,
    exponent_times_factor,
    fit_power_law,
    loss_ratio,
    loss_reduction,
    power_law,
    training_flops,
)

FAST = settings(max_examples=60, deadline=None)


@given(
    coef=st.floats(1e-3, 1e4),
    exponent=st.floats(-2, 2),
    log10_x=st.lists(st.floats(-3, 12), min_size=2, max_size=12),
)
@FAST
def test_recovers_exact_power_law(coef, exponent, log10_x):
    assume(np.ptp(log10_x) >= 0.1)
    x = 10.0 ** np.array(log10_x)
    y = coef * x ** (-exponent)
    fitted_coef, fitted_exponent = fit_power_law(x, y)
    assert fitted_exponent == pytest.approx(exponent, abs=1e-9)
    assert fitted_coef == pytest.approx(coef, rel=1e-6)


def test_golden_fit_and_types():
    coef, exponent = fit_power_law([1.0, 10.0, 100.0], [4.0, 2.0, 1.0])
    assert exponent == pytest.approx(math.log10(2))
    assert coef == pytest.approx(4.0)
    assert type(coef) is float and type(exponent) is float
    coef, exponent = fit_power_law(x=[1, 2], y=[8, 2])
    assert (coef, exponent) == (pytest.approx(8.0), pytest.approx(2.0))


def test_fit_is_least_squares_in_log_space():
    rng = np.random.default_rng(0)
    x = np.logspace(6, 10, 20)
    y = 3.0 * x**-0.08 * np.exp(rng.normal(0, 0.01, x.size))
    coef, exponent = fit_power_law(x, y)
    design = np.column_stack([np.ones(x.size), np.log(x)])
    (intercept, slope), *_ = np.linalg.lstsq(design, np.log(y), rcond=None)
    assert exponent == pytest.approx(-slope, rel=1e-9)
    assert coef == pytest.approx(math.exp(intercept), rel=1e-9)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.0], [1.0]),
        ([], []),
        ([1.0, 2.0], [1.0]),
        ([1.0, 0.0], [1.0, 2.0]),
        ([1.0, 2.0], [-1.0, 2.0]),
        ([1.0, math.inf], [1.0, 2.0]),
        ([1.0, math.nan], [1.0, 2.0]),
        ([3.0, 3.0, 3.0], [1.0, 2.0, 3.0]),
    ],
)
def test_fit_rejects_invalid(x, y):
    with pytest.raises(ValueError):
        fit_power_law(x, y)


def test_loss_ratio():
    assert loss_ratio(10, 0.076) == pytest.approx(10**-0.076)
    assert loss_ratio(factor=10.0, exponent=0.076) == pytest.approx(0.8395, abs=1e-4)
    assert loss_ratio(2.0, 1.0) == 0.5
    assert loss_ratio(7.0, 0.0) == 1.0
    for bad in [(0.0, 0.1), (-2.0, 0.1), (math.inf, 0.1), (2.0, math.nan)]:
        with pytest.raises(ValueError):
            loss_ratio(*bad)


@given(
    coef=st.floats(0.1, 100), exponent=st.floats(0, 1), x=st.floats(1, 1e6), f=st.floats(1.1, 1e3)
)
@FAST
def test_loss_ratio_agrees_with_power_law(coef, exponent, x, f):
    law = coef * x**-exponent
    assert coef * (f * x) ** -exponent / law == pytest.approx(loss_ratio(f, exponent), rel=1e-9)


def test_training_flops():
    assert training_flops(70e9, 1.4e12) == pytest.approx(5.88e23)
    assert training_flops(n_params=1, n_tokens=1) == 6.0
    assert training_flops(0, 10) == 0.0
    with pytest.raises(ValueError):
        training_flops(-1, 10)
    with pytest.raises(ValueError):
        training_flops(1, math.inf)


def test_chinchilla_golden():
    n, d = chinchilla_allocation(5.88e23)
    assert n == pytest.approx(70e9, rel=1e-9)
    assert d == pytest.approx(1.4e12, rel=1e-9)
    n, d = chinchilla_allocation(flops=600.0, tokens_per_param=1.0)
    assert (n, d) == (pytest.approx(10.0), pytest.approx(10.0))
    for bad in [(0.0,), (-1.0,), (1e20, 0.0), (math.nan,)]:
        with pytest.raises(ValueError):
            chinchilla_allocation(*bad)


@given(flops=st.floats(1e10, 1e30), r=st.floats(0.5, 200))
@FAST
def test_allocation_spends_the_budget(flops, r):
    n, d = chinchilla_allocation(flops, tokens_per_param=r)
    assert training_flops(n, d) == pytest.approx(flops, rel=1e-12)
    assert d / n == pytest.approx(r, rel=1e-12)
    bigger_n, _ = chinchilla_allocation(4 * flops, tokens_per_param=r)
    assert bigger_n / n == pytest.approx(2.0, rel=1e-12)


# ------------------------------------------------------------------- compute-optimal growth


def test_growth_known_values():
    n, d = compute_optimal_growth(10, 0.73)
    assert n == pytest.approx(5.3703180, rel=1e-7)
    assert d == pytest.approx(1.8620871, rel=1e-7)
    assert compute_optimal_growth(10, 0.5) == pytest.approx((math.sqrt(10), math.sqrt(10)))


@settings(max_examples=60, deadline=None)
@given(st.floats(1e18, 1e24), st.floats(1.01, 1e3))
def test_chinchilla_growth_matches_the_allocation(c, k):
    """Chinchilla's fixed tokens-per-parameter allocation grows N and D as √k each."""
    n0, d0 = chinchilla_allocation(c)
    n1, d1 = chinchilla_allocation(c * k)
    growth = compute_optimal_growth(k, 0.5)
    assert (n1 / n0, d1 / d0) == pytest.approx(growth, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 1e4), st.floats(0, 1))
def test_growth_keeps_c_equals_6nd(k, a):
    n, d = compute_optimal_growth(k, a)
    assert n * d == pytest.approx(k, rel=1e-9)


@pytest.mark.parametrize("args", [(0, 0.5), (10, 1.5), (10, -0.1), (math.inf, 0.5)])
def test_growth_rejects_bad_input(args):
    with pytest.raises(ValueError):
        compute_optimal_growth(*args)


def test_loss_reduction_worked_examples():
    # Kaplan's exponents: ×10 parameters, data, compute drop the loss by about 16%, 20%, 11%.
    assert loss_reduction(10, 0.076) == pytest.approx(0.16054, abs=1e-5)
    assert loss_reduction(10, 0.095) == pytest.approx(0.19647, abs=1e-5)
    assert loss_reduction(10, 0.05) == pytest.approx(0.10875, abs=1e-5)
    assert loss_reduction(1, 0.3) == 0.0


@FAST
@given(st.floats(1.01, 1e6), st.floats(0.001, 2.0))
def test_loss_reduction_and_ratio_make_the_whole(factor, exponent):
    drop = loss_reduction(factor, exponent)
    assert 0 < drop < 1
    assert drop + loss_ratio(factor, exponent) == pytest.approx(1.0)


def test_exponent_times_factor_is_the_slip_not_the_growth():
    assert exponent_times_factor(10, 0.73) == pytest.approx(7.3)
    assert exponent_times_factor(10, 0.5) == pytest.approx(5.0)
    # the right growth is 10^a: the slip overshoots it for the exam's exponents
    assert compute_optimal_growth(10, 0.73)[0] < exponent_times_factor(10, 0.73)
    with pytest.raises(ValueError, match="compute_factor"):
        exponent_times_factor(0, 0.5)
    with pytest.raises(ValueError, match="model_exponent"):
        exponent_times_factor(10, math.nan)


@FAST
@given(st.floats(0.1, 10), st.floats(0.01, 1.0))
def test_power_law_values_fit_back_to_their_parameters(coef, exponent):
    x = np.array([1e6, 1e7, 1e8, 1e9])
    fitted = fit_power_law(x, power_law(x, coef, exponent))
    assert fitted == (pytest.approx(coef, rel=1e-6), pytest.approx(exponent, rel=1e-6))


def test_power_law_worked_example_and_checks():
    np.testing.assert_allclose(
        power_law([1e8, 1e9, 1e10], 3.0, 0.076), [0.7398118, 0.6210424, 0.52134025], rtol=1e-7
    )
    with pytest.raises(ValueError, match="x must be positive"):
        power_law([0.0, 1.0], 3.0, 0.1)
