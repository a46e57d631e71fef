"""solvers.efficientnet: compound scaling (Tan & Le, 2019) against repeated multiplication, the
paper's α·β²·γ² ≈ 2 constraint, and FLOPs ∝ depth·width²·resolution²."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.efficientnet import (
    ALPHA,
    BETA,
    GAMMA,
    compound_multipliers,
    flops_factor,
    flops_multiplier,
    flops_times_phi,
)

FAST = settings(max_examples=60, deadline=None)

bases = st.floats(0.5, 2.0)
phis = st.floats(-4, 8)


def test_paper_constants():
    assert (ALPHA, BETA, GAMMA) == (1.2, 1.1, 1.15)
    # the grid search constraint α·β²·γ² ≈ 2
    assert abs(ALPHA * BETA**2 * GAMMA**2 - 2) < 0.1
    assert flops_factor() == pytest.approx(1.2 * 1.21 * 1.3225)
    assert flops_factor() == pytest.approx(1.92027, abs=1e-5)
    assert abs(flops_factor() - 2) < 0.1


def test_multipliers_golden():
    assert compound_multipliers(0) == (1.0, 1.0, 1.0)
    assert compound_multipliers(1) == pytest.approx((1.2, 1.1, 1.15))
    assert compound_multipliers(3) == pytest.approx((1.728, 1.331, 1.520875))
    assert compound_multipliers(-1) == pytest.approx((1 / 1.2, 1 / 1.1, 1 / 1.15))
    assert compound_multipliers(2, alpha=2, beta=3, gamma=4) == (4.0, 9.0, 16.0)
    assert compound_multipliers(0.5, 4, 9, 16) == pytest.approx((2.0, 3.0, 4.0))
    d, w, r = compound_multipliers(1)
    assert all(type(x) is float for x in (d, w, r))


def test_b0_to_b1_resolution():
    """EfficientNet-B0 takes 224×224 input; φ = 1 scales it by γ to ≈ 258 (B1 uses 240, the
    paper rounds its released models differently), and φ = 2 to ≈ 296."""
    _, _, r1 = compound_multipliers(1)
    _, _, r2 = compound_multipliers(2)
    assert 224 * r1 == pytest.approx(257.6)
    assert 224 * r2 == pytest.approx(296.24)


@given(phi=st.integers(-5, 10), alpha=bases, beta=bases, gamma=bases)
@FAST
def test_integer_phi_is_repeated_multiplication(phi, alpha, beta, gamma):
    d = w = r = 1.0
    for _ in range(abs(phi)):
        d, w, r = d * alpha, w * beta, r * gamma
    if phi < 0:
        d, w, r = 1 / d, 1 / w, 1 / r
    got = compound_multipliers(phi, alpha, beta, gamma)
    assert got == pytest.approx((d, w, r), rel=1e-12)


@given(phi=phis, alpha=bases, beta=bases, gamma=bases)
@FAST
def test_flops_are_depth_width2_resolution2(phi, alpha, beta, gamma):
    d, w, r = compound_multipliers(phi, alpha, beta, gamma)
    assert flops_multiplier(phi, alpha, beta, gamma) == pytest.approx(d * w * w * r * r, rel=1e-12)
    assert flops_factor(alpha, beta, gamma) == pytest.approx(alpha * beta**2 * gamma**2)


@given(phi=phis)
@FAST
def test_flops_roughly_double_per_phi(phi):
    """With the paper's constants FLOPs grow by ≈ 2^φ (exactly 1.92027^φ)."""
    got = flops_multiplier(phi)
    assert got == pytest.approx(math.exp(phi * math.log(1.920270)), rel=1e-5)
    assert got == pytest.approx(2**phi, rel=0.35)


@given(p1=phis, p2=phis)
@FAST
def test_flops_multiplier_is_exponential_in_phi(p1, p2):
    """(α·β²·γ²)^(φ₁+φ₂) = (α·β²·γ²)^φ₁ · (α·β²·γ²)^φ₂, and it grows with φ."""
    assert flops_multiplier(p1 + p2) == pytest.approx(
        flops_multiplier(p1) * flops_multiplier(p2), rel=1e-12
    )
    if p2 - p1 > 1e-9:  # far enough apart to show in a double
        assert flops_multiplier(p1) < flops_multiplier(p2)
        d1, w1, r1 = compound_multipliers(p1)
        d2, w2, r2 = compound_multipliers(p2)
        assert d1 < d2 and w1 < w2 and r1 < r2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 0}, "alpha must be > 0"),
        ({"alpha": -1.2}, "alpha must be > 0"),
        ({"beta": 0}, "beta must be > 0"),
        ({"gamma": -1}, "gamma must be > 0"),
        ({"alpha": math.nan}, "alpha must be a finite number"),
        ({"beta": math.inf}, "beta must be a finite number"),
        ({"gamma": "1.15x"}, "gamma must be a finite number"),
    ],
)
def test_rejects_bad_bases(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compound_multipliers(1, **kwargs)
    with pytest.raises(ValueError, match=match):
        flops_factor(**kwargs)
    with pytest.raises(ValueError, match=match):
        flops_multiplier(1, **kwargs)


@pytest.mark.parametrize("phi", [math.nan, math.inf, -math.inf, "one", None])
def test_rejects_bad_phi(phi):
    with pytest.raises(ValueError, match="phi must be a finite number"):
        compound_multipliers(phi)
    with pytest.raises(ValueError, match="phi must be a finite number"):
        flops_multiplier(phi)


def test_flops_times_phi_is_the_linear_slip():
    assert flops_times_phi(3) == pytest.approx(5.76081, rel=1e-5)
    assert flops_multiplier(3) == pytest.approx(7.0809, rel=1e-4)
    # at φ = 1 the slip and the truth agree; beyond, compounding wins
    assert flops_times_phi(1) == pytest.approx(flops_multiplier(1))
    assert flops_times_phi(4) < flops_multiplier(4)
