"""solvers.schedules against closed forms written differently, step-by-step simulations of the
PyTorch schedulers, and textbook values (cosine end points and midpoint, Goyal et al.'s 0.1 → 0.4)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.schedules import (
    cosine_annealing,
    exponential_decay,
    linear_scaling,
    linear_warmup,
    sgdr_lr,
    sqrt_scaling,
    step_decay,
    step_decay_count,
)

FAST = settings(max_examples=60, deadline=None)

rates = st.floats(0.0, 10.0)


@st.composite
def lr_pairs(draw):
    a, b = draw(rates), draw(rates)
    return max(a, b), min(a, b)


def ref_cosine(t, total, hi, lo):
    """(1 + cos x)/2 = cos²(x/2): the same curve written as a squared cosine."""
    return lo + (hi - lo) * math.cos(math.pi * t / (2 * total)) ** 2


# ------------------------------------------------------------------------- cosine annealing


def test_cosine_textbook_points():
    assert cosine_annealing(0, 100, 0.1) == pytest.approx(0.1)
    assert cosine_annealing(100, 100, 0.1) == pytest.approx(0.0, abs=1e-15)
    assert cosine_annealing(50, 100, 0.1) == pytest.approx(0.05)
    assert cosine_annealing(0, 10, 1.0, 0.2) == pytest.approx(1.0)
    assert cosine_annealing(10, 10, 1.0, 0.2) == pytest.approx(0.2)
    assert cosine_annealing(5, 10, 1.0, 0.2) == pytest.approx(0.6)
    # cos(π/3) = 1/2 → three quarters of the way from lr_min to lr_max
    assert cosine_annealing(10, 30, 1.0, 0.2) == pytest.approx(0.2 + 0.75 * 0.8)
    # cos(2π/3) = −1/2 → one quarter
    assert cosine_annealing(20, 30, 1.0, 0.2) == pytest.approx(0.2 + 0.25 * 0.8)
    assert cosine_annealing(1.5, 3.0, 0.4) == pytest.approx(0.2)
    assert type(cosine_annealing(3, 10, 1)) is float


def test_cosine_constant_when_rates_equal():
    for t in (0, 0.5, 3, 7.25, 10):
        assert cosine_annealing(t, 10, 0.3, 0.3) == pytest.approx(0.3)


def test_cosine_matches_pytorch_recursion():
    """PyTorch's CosineAnnealingLR updates recursively:
    η_{t+1} = η_min + (η_t − η_min)·(1 + cos(π(t+1)/T))/(1 + cos(πt/T))."""
    total, hi, lo = 20, 0.5, 0.01
    eta = hi
    for t in range(total):
        assert cosine_annealing(t, total, hi, lo) == pytest.approx(eta, rel=1e-12)
        num = 1 + math.cos(math.pi * (t + 1) / total)
        den = 1 + math.cos(math.pi * t / total)
        eta = lo + (eta - lo) * num / den
    assert cosine_annealing(total, total, hi, lo) == pytest.approx(eta, rel=1e-9, abs=1e-15)


@given(
    pair=lr_pairs(),
    total=st.floats(0.5, 1e4),
    frac=st.floats(0, 1),
)
@FAST
def test_cosine_matches_squared_cosine_form(pair, total, frac):
    hi, lo = pair
    t = frac * total
    got = cosine_annealing(t, total, hi, lo)
    assert got == pytest.approx(ref_cosine(t, total, hi, lo), rel=1e-12, abs=1e-12)
    assert lo - 1e-12 <= got <= hi + 1e-12


@given(pair=lr_pairs(), total=st.floats(0.5, 1e4), fracs=st.lists(st.floats(0, 1), min_size=2))
@FAST
def test_cosine_is_non_increasing(pair, total, fracs):
    hi, lo = pair
    values = [cosine_annealing(f * total, total, hi, lo) for f in sorted(fracs)]
    for a, b in itertools.pairwise(values):
        assert b <= a + 1e-12


@given(pair=lr_pairs(), total=st.floats(0.5, 1e4), frac=st.floats(0, 1))
@FAST
def test_cosine_is_symmetric_about_the_midpoint(pair, total, frac):
    """lr(t) + lr(T − t) = lr_max + lr_min: the curve is point-symmetric about (T/2, mean)."""
    hi, lo = pair
    a = cosine_annealing(frac * total, total, hi, lo)
    b = cosine_annealing(total - frac * total, total, hi, lo)
    assert a + b == pytest.approx(hi + lo, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1, 10, 0.1), "step must be ≥ 0"),
        ((11, 10, 0.1), r"step must be ≤ total_steps \(10\)"),
        ((0, 0, 0.1), "total_steps must be > 0"),
        ((0, -5, 0.1), "total_steps must be > 0"),
        ((0, 10, -0.1), "lr_max must be ≥ 0"),
        ((0, 10, 0.1, -0.01), "lr_min must be ≥ 0"),
        ((0, 10, 0.1, 0.2), "lr_min must be ≤ lr_max"),
        ((math.nan, 10, 0.1), "step must be a finite number"),
        ((0, math.inf, 0.1), "total_steps must be a finite number"),
        ((0, 10, "fast"), "lr_max must be a finite number"),
        ((0, 10, 0.1, None), "lr_min must be a finite number"),
    ],
)
def test_cosine_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        cosine_annealing(*args)


# ------------------------------------------------------------------------- linear warmup


def test_warmup_ramp():
    assert linear_warmup(0, 10, 0.1) == 0.0
    assert linear_warmup(5, 10, 0.1) == pytest.approx(0.05)
    assert linear_warmup(2.5, 10, 0.4) == pytest.approx(0.1)
    assert linear_warmup(10, 10, 0.1) == 0.1
    assert linear_warmup(1000, 10, 0.1) == 0.1
    assert linear_warmup(0, 0, 0.1) == 0.1
    assert linear_warmup(7, 0, 0.3) == 0.3
    assert type(linear_warmup(3, 10, 1)) is float


def test_warmup_step_by_step():
    """Each warmup step adds the same increment lr_base/warmup_steps."""
    warmup, base = 8, 0.2
    lr = 0.0
    for t in range(20):
        assert linear_warmup(t, warmup, base) == pytest.approx(min(lr, base), abs=1e-15)
        lr += base / warmup


@given(
    warmup=st.floats(0, 1e4),
    base=rates,
    steps=st.lists(st.floats(0, 2e4), min_size=2),
)
@FAST
def test_warmup_is_non_decreasing_and_bounded(warmup, base, steps):
    values = [linear_warmup(t, warmup, base) for t in sorted(steps)]
    for a, b in itertools.pairwise(values):
        assert b >= a - 1e-15
    assert all(0.0 <= v <= base for v in values)


@given(warmup=st.floats(1e-3, 1e4), base=rates, frac=st.floats(0, 1, exclude_max=True))
@FAST
def test_warmup_is_proportional(warmup, base, frac):
    assert linear_warmup(frac * warmup, warmup, base) == pytest.approx(frac * base, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1, 10, 0.1), "step must be ≥ 0"),
        ((0, -1, 0.1), "warmup_steps must be ≥ 0"),
        ((0, 10, -0.1), "lr_base must be ≥ 0"),
        ((math.inf, 10, 0.1), "step must be a finite number"),
        ((0, math.nan, 0.1), "warmup_steps must be a finite number"),
        ((0, 10, "x"), "lr_base must be a finite number"),
    ],
)
def test_warmup_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        linear_warmup(*args)


# ------------------------------------------------------------------------- linear scaling


def test_linear_scaling_goyal():
    # Goyal et al.: 0.1 for batch 256 → ×k for batch 256k (8192 → 3.2)
    assert linear_scaling(0.1, 256, 1024) == pytest.approx(0.4)
    assert linear_scaling(0.1, 256, 8192) == pytest.approx(3.2)
    assert linear_scaling(0.1, 256, 128) == pytest.approx(0.05)
    assert linear_scaling(0.1, 256, 256) == pytest.approx(0.1)
    assert linear_scaling(0, 256, 1024) == 0.0
    assert linear_scaling(base_lr=0.2, base_batch=64, batch=96) == pytest.approx(0.3)


@given(lr=rates, base=st.floats(1, 1e5), k=st.floats(1e-3, 1e3))
@FAST
def test_linear_scaling_multiplies_by_k(lr, base, k):
    assert linear_scaling(lr, base, k * base) == pytest.approx(k * lr, rel=1e-12, abs=1e-300)


@given(lr=rates, b0=st.floats(1, 1e4), b1=st.floats(1, 1e4), b2=st.floats(1, 1e4))
@FAST
def test_linear_scaling_composes(lr, b0, b1, b2):
    """Rescaling b0 → b1 → b2 is the same as b0 → b2."""
    twice = linear_scaling(linear_scaling(lr, b0, b1), b1, b2)
    assert twice == pytest.approx(linear_scaling(lr, b0, b2), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-0.1, 256, 1024), "base_lr must be ≥ 0"),
        ((0.1, 0, 1024), "base_batch must be > 0"),
        ((0.1, -256, 1024), "base_batch must be > 0"),
        ((0.1, 256, 0), "batch must be > 0"),
        ((0.1, 256, math.inf), "batch must be a finite number"),
        ((math.nan, 256, 1024), "base_lr must be a finite number"),
    ],
)
def test_linear_scaling_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        linear_scaling(*args)


# ------------------------------------------------------------------------- step decay


def test_step_decay_textbook():
    assert step_decay(0, 0.1, 0.1, 30) == pytest.approx(0.1)
    assert step_decay(29, 0.1, 0.1, 30) == pytest.approx(0.1)
    assert step_decay(29.99, 0.1, 0.1, 30) == pytest.approx(0.1)
    assert step_decay(30, 0.1, 0.1, 30) == pytest.approx(0.01)
    assert step_decay(59, 0.1, 0.1, 30) == pytest.approx(0.01)
    assert step_decay(60, 0.1, 0.1, 30) == pytest.approx(0.001)
    assert step_decay(95, 1.0, 0.5, 10) == pytest.approx(1 / 2**9)
    assert step_decay(3, 0.1, 2.0, 1) == pytest.approx(0.8)  # gamma > 1 is allowed
    assert step_decay(1.5, 0.1, 0.5, 0.5) == pytest.approx(0.0125)


def test_step_decay_matches_pytorch_steplr_loop():
    """StepLR: after each step, if the new step count is a multiple of step_size, lr *= gamma."""
    lr0, gamma, size = 0.3, 0.7, 4
    lr = lr0
    for t in range(40):
        if t > 0 and t % size == 0:
            lr *= gamma
        assert step_decay(t, lr0, gamma, size) == pytest.approx(lr, rel=1e-12)


@given(
    lr0=st.floats(1e-6, 10),
    gamma=st.floats(0.01, 1.0),
    size=st.integers(1, 50),
    steps=st.lists(st.floats(0, 500), min_size=2),
)
@FAST
def test_step_decay_is_non_increasing_for_gamma_at_most_one(lr0, gamma, size, steps):
    values = [step_decay(t, lr0, gamma, size) for t in sorted(steps)]
    for a, b in itertools.pairwise(values):
        assert b <= a
    assert all(0 <= v <= lr0 for v in values)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1, 0.1, 0.1, 30), "step must be ≥ 0"),
        ((0, -0.1, 0.1, 30), "lr0 must be ≥ 0"),
        ((0, 0.1, 0, 30), "gamma must be > 0"),
        ((0, 0.1, -0.5, 30), "gamma must be > 0"),
        ((0, 0.1, 0.1, 0), "step_size must be > 0"),
        ((0, 0.1, 0.1, math.nan), "step_size must be a finite number"),
        ((math.inf, 0.1, 0.1, 30), "step must be a finite number"),
    ],
)
def test_step_decay_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        step_decay(*args)


# ------------------------------------------------------------------------- SGDR


def ref_sgdr(t, cycle_len, hi, lo, mult):
    """Walk the cycles one by one (as CosineAnnealingWarmRestarts does epoch by epoch)."""
    start, length = 0, cycle_len
    while t >= start + length:
        start += length
        length *= mult
    return ref_cosine(t - start, length, hi, lo)


def test_sgdr_restarts_mult_1():
    assert sgdr_lr(0, 10, 1.0) == pytest.approx(1.0)
    assert sgdr_lr(5, 10, 1.0) == pytest.approx(0.5)
    assert sgdr_lr(9.999999, 10, 1.0) == pytest.approx(0.0, abs=1e-9)
    assert sgdr_lr(10, 10, 1.0) == pytest.approx(1.0)  # warm restart
    assert sgdr_lr(15, 10, 1.0) == pytest.approx(0.5)
    assert sgdr_lr(20, 10, 1.0, 0.1) == pytest.approx(1.0)
    assert sgdr_lr(25, 10, 1.0, 0.1) == pytest.approx(0.55)


def test_sgdr_restarts_mult_2():
    # cycles [0, 10), [10, 30), [30, 70), [70, 150)
    assert sgdr_lr(0, 10, 1.0, mult=2) == pytest.approx(1.0)
    assert sgdr_lr(5, 10, 1.0, mult=2) == pytest.approx(0.5)
    assert sgdr_lr(10, 10, 1.0, mult=2) == pytest.approx(1.0)
    assert sgdr_lr(20, 10, 1.0, mult=2) == pytest.approx(0.5)
    assert sgdr_lr(29.9999999, 10, 1.0, mult=2) == pytest.approx(0.0, abs=1e-9)
    assert sgdr_lr(30, 10, 1.0, mult=2) == pytest.approx(1.0)
    assert sgdr_lr(50, 10, 1.0, mult=2) == pytest.approx(0.5)
    assert sgdr_lr(70, 10, 1.0, mult=2) == pytest.approx(1.0)
    assert sgdr_lr(110, 10, 1.0, 0.2, mult=2) == pytest.approx(0.6)
    # mult=3: cycles [0, 4), [4, 16), [16, 52)
    assert sgdr_lr(16, 4, 0.9, mult=3) == pytest.approx(0.9)
    assert sgdr_lr(34, 4, 0.9, mult=3) == pytest.approx(0.45)
    # an integral float is an integer
    assert sgdr_lr(20, 10, 1.0, mult=2.0) == pytest.approx(sgdr_lr(20, 10, 1.0, mult=2))


def test_sgdr_first_cycle_is_cosine_annealing():
    for t in (0, 1.5, 3, 7.25, 9.99):
        for mult in (1, 2, 3):
            assert sgdr_lr(t, 10, 0.4, 0.1, mult) == pytest.approx(
                cosine_annealing(t, 10, 0.4, 0.1)
            )


def test_sgdr_every_restart_boundary_is_lr_max():
    for mult in (1, 2, 3, 5):
        start, length = 0, 7
        for _ in range(12):
            assert sgdr_lr(start, 7, 2.0, 0.5, mult) == pytest.approx(2.0), (mult, start)
            assert sgdr_lr(start + length / 2, 7, 2.0, 0.5, mult) == pytest.approx(1.25)
            start += length
            length *= mult


@given(
    step=st.one_of(st.integers(0, 10**6), st.floats(0, 1e6)),
    cycle_len=st.integers(1, 100),
    mult=st.integers(1, 4),
    pair=lr_pairs(),
)
@settings(max_examples=200, deadline=None)
def test_sgdr_matches_cycle_walk(step, cycle_len, mult, pair):
    hi, lo = pair
    got = sgdr_lr(step, cycle_len, hi, lo, mult)
    assert got == pytest.approx(ref_sgdr(step, cycle_len, hi, lo, mult), rel=1e-9, abs=1e-12)
    assert lo - 1e-12 <= got <= hi + 1e-12


@given(
    cycle_len=st.integers(1, 50),
    mult=st.integers(1, 3),
    pair=lr_pairs(),
    fracs=st.lists(st.floats(0, 0.999), min_size=2),  # start + f·length stays in the cycle
    cycle=st.integers(0, 8),
)
@FAST
def test_sgdr_is_non_increasing_within_a_cycle(cycle_len, mult, pair, fracs, cycle):
    hi, lo = pair
    start = sum(cycle_len * mult**i for i in range(cycle))
    length = cycle_len * mult**cycle
    values = [sgdr_lr(start + f * length, cycle_len, hi, lo, mult) for f in sorted(fracs)]
    for a, b in itertools.pairwise(values):
        assert b <= a + 1e-12


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((-1, 10, 0.1), {}, "step must be ≥ 0"),
        ((0, 0, 0.1), {}, "cycle_len must be > 0"),
        ((0, -3, 0.1), {}, "cycle_len must be > 0"),
        ((0, 10, -0.1), {}, "lr_max must be ≥ 0"),
        ((0, 10, 0.1, 0.2), {}, "lr_min must be ≤ lr_max"),
        ((0, 10, 0.1), {"mult": 0}, "mult must be an integer ≥ 1"),
        ((0, 10, 0.1), {"mult": -2}, "mult must be an integer ≥ 1"),
        ((0, 10, 0.1), {"mult": 1.5}, "mult must be an integer ≥ 1"),
        ((0, 10, 0.1), {"mult": True}, "mult must be an integer ≥ 1"),
        ((0, 10, 0.1), {"mult": math.inf}, "mult must be a finite number"),
        ((math.nan, 10, 0.1), {}, "step must be a finite number"),
    ],
)
def test_sgdr_rejects(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sgdr_lr(*args, **kwargs)


def test_sgdr_rejects_str_mult_with_value_error():
    with pytest.raises(ValueError, match="mult must be an integer ≥ 1"):
        sgdr_lr(0, 10, 0.1, mult="2")


# ------------------------------------------------------------- exponential decay, sqrt scaling


def test_exponential_decay_by_hand():
    assert exponential_decay(65, 0.1, 0.1, 30) == pytest.approx(0.1 * 0.1 ** (65 / 30))
    assert exponential_decay(0, 0.1, 0.5, 10) == 0.1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 20), st.floats(0.01, 1.0), st.floats(0.05, 0.99), st.integers(1, 50))
def test_exponential_decay_meets_step_decay_at_boundaries(k, lr0, gamma, size):
    """At multiples of step_size the smooth and the stair schedules agree; between, smooth is lower."""
    assert exponential_decay(k * size, lr0, gamma, size) == pytest.approx(
        step_decay(k * size, lr0, gamma, size)
    )
    if size > 1:
        assert exponential_decay(k * size + 1, lr0, gamma, size) < step_decay(
            k * size + 1, lr0, gamma, size
        )


def test_sqrt_scaling():
    assert sqrt_scaling(0.1, 256, 1024) == pytest.approx(0.2)
    assert sqrt_scaling(0.1, 256, 256) == pytest.approx(0.1)
    assert sqrt_scaling(0.1, 256, 64) == pytest.approx(0.05)


@pytest.mark.parametrize(
    "call",
    [
        lambda: exponential_decay(-1, 0.1, 0.1, 30),
        lambda: exponential_decay(1, 0.1, 0.0, 30),
        lambda: sqrt_scaling(0.1, 0, 1024),
        lambda: sqrt_scaling(-0.1, 256, 1024),
    ],
)
def test_new_schedules_reject_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_step_decay_count_by_hand():
    assert step_decay_count(65, 30) == 2
    assert step_decay_count(29.9, 30) == 0 and step_decay_count(30, 30) == 1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(1, 60), st.sampled_from([0.1, 0.5]))
def test_step_decay_is_lr0_times_gamma_to_the_count(step, size, gamma):
    assert step_decay(step, 1.0, gamma, size) == pytest.approx(
        gamma ** step_decay_count(step, size)
    )


@pytest.mark.parametrize("bad", [(-1, 30), (10, 0), (math.nan, 30)])
def test_step_decay_count_invalid(bad):
    with pytest.raises(ValueError):
        step_decay_count(*bad)
