"""solvers.quantization: golden parameters, round-trip bounds, clamping and half-to-even ties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers.quantization import (
    affine_params,
    dequantize,
    floor_quantize,
    grid_position,
    memory_bytes,
    quantization_error,
    quantize,
    symmetric_scale,
)

FAST = settings(max_examples=80, deadline=None)

bounds = st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False)


@st.composite
def ranges(draw):
    a, b = sorted((draw(bounds), draw(bounds)))
    assume(max(b, 0.0) - min(a, 0.0) > 1e-6)
    return a, b, draw(st.booleans()), draw(st.sampled_from([4, 8, 16]))


def reference_quantize(x, scale, zero_point, qmin, qmax):
    """Scalar definition with Python's round (half to even)."""
    return min(max(round(x / scale) + zero_point, qmin), qmax)


@pytest.mark.parametrize(
    ("args", "scale", "zero_point"),
    [
        ((-1.0, 1.0), 2 / 255, 0),
        ((-1.0, 1.0, False), 2 / 255, 128),
        ((0.0, 6.0, False), 6 / 255, 0),
        ((0.0, 6.0, True), 6 / 255, -128),
        ((-2.0, 6.0, False), 8 / 255, 64),
        ((-2.0, 6.0), 8 / 255, -64),
        ((1.0, 5.0), 5 / 255, -128),
        ((-3.0, -1.0, False), 3 / 255, 255),
        ((-1.0, 1.0, True, 4), 2 / 15, 0),
        ((-1.0, 3.0, False, 4), 4 / 15, 4),
    ],
)
def test_affine_params_golden(args, scale, zero_point):
    got_scale, got_zp = affine_params(*args)
    assert got_scale == pytest.approx(scale, rel=1e-12)
    assert got_zp == zero_point
    assert type(got_scale) is float and type(got_zp) is int


def test_affine_params_keywords():
    assert affine_params(x_min=-0.5, x_max=1.5, signed=False, bits=8) == (
        pytest.approx(2 / 255),
        64,
    )


@given(ranges())
@FAST
def test_zero_is_exact_and_range_is_covered(case):
    lo, hi, signed, bits = case
    scale, zp = affine_params(lo, hi, signed=signed, bits=bits)
    qmin, qmax = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    assert qmin <= zp <= qmax
    assert quantize(0.0, scale, zp, signed=signed, bits=bits) == zp
    assert dequantize(zp, scale, zp) == 0.0
    assert scale * (qmax - qmin) == pytest.approx(max(hi, 0.0) - min(lo, 0.0), rel=1e-12)
    lo_w, hi_w = min(lo, 0.0), max(hi, 0.0)
    for x in (lo_w, hi_w):
        assert (
            abs(dequantize(quantize(x, scale, zp, signed, bits), scale, zp) - x)
            <= scale * (0.5 + 1e-9) + 1e-12
        )


@given(ranges(), st.lists(st.floats(0, 1), min_size=1, max_size=20))
@FAST
def test_round_trip_error_at_most_half_a_step_inside_range(case, fractions):
    lo, hi, signed, bits = case
    scale, zp = affine_params(lo, hi, signed=signed, bits=bits)
    qmin, qmax = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    x_lo, x_hi = scale * (qmin - zp), scale * (qmax - zp)
    x = np.array([x_lo + f * (x_hi - x_lo) for f in fractions])
    q = quantize(x, scale, zp, signed=signed, bits=bits)
    assert q.dtype == np.int64
    expected = [reference_quantize(v, scale, zp, qmin, qmax) for v in x]
    assert q.tolist() == expected
    err = quantization_error(x, scale, zp, signed=signed, bits=bits)
    assert np.all(err <= scale / 2 * (1 + 1e-9) + 1e-12)


def test_clamping_outside_the_range():
    scale, zp = affine_params(-1.0, 1.0)
    assert quantize(5.0, scale, zp) == 127
    assert quantize(-5.0, scale, zp) == -128
    assert quantize(math.inf, scale, zp) == 127
    assert quantize(-1e308, scale, zp) == -128
    assert quantize(5.0, scale, 128, signed=False) == 255
    assert quantize(-5.0, scale, 128, signed=False) == 0
    assert quantization_error(5.0, scale, zp) == pytest.approx(5.0 - 127 * scale)
    np.testing.assert_array_equal(quantize(np.array([-3.0, 0.0, 3.0]), 0.1, 0, bits=4), [-8, 0, 7])


def test_half_to_even_at_ties():
    q = quantize(np.array([0.25, 0.75, 1.25, 1.75, -0.25, -0.75, -1.25]), scale=0.5, zero_point=0)
    np.testing.assert_array_equal(q, [0, 2, 2, 4, 0, -2, -2])
    assert quantize(0.25, 0.5, 3) == 3
    assert quantize(x=0.75, scale=0.5, zero_point=3) == 5


def test_quantize_and_dequantize_golden():
    scale, zp = affine_params(-2.0, 6.0, signed=False)
    q = quantize(1.0, scale, zp, signed=False)
    assert q == round(1.0 / (8 / 255)) + 64 == 96
    assert type(q) is int
    assert dequantize(q, scale, zp) == pytest.approx(32 * 8 / 255)
    assert type(dequantize(q, scale, zp)) is float
    assert quantization_error(1.0, scale, zp, signed=False) == pytest.approx(
        abs(32 * 8 / 255 - 1.0)
    )
    np.testing.assert_allclose(dequantize(np.array([0.0, 127.0]), 0.5, 0), [0.0, 63.5])
    np.testing.assert_allclose(
        dequantize([-128, 127], scale=1 / 127, zero_point=0), [-128 / 127, 1.0]
    )


def test_float32_input():
    x = np.array([0.1, -0.3, 0.7], dtype=np.float32)
    np.testing.assert_array_equal(quantize(x, 0.01, 0), [10, -30, 70])


def test_symmetric_scale():
    assert symmetric_scale(127.0) == 1.0
    assert symmetric_scale(abs_max=2.54) == pytest.approx(0.02)
    assert symmetric_scale(1.0, bits=4) == pytest.approx(1 / 7)
    s = symmetric_scale(3.0)
    assert quantize(3.0, s, 0) == 127 and quantize(-3.0, s, 0) == -127
    for bad in [(0.0,), (-1.0,), (math.nan,), (1.0, 1), (1.0, 33), (1.0, 8.5)]:
        with pytest.raises(ValueError):
            symmetric_scale(*bad)


def test_memory_bytes():
    assert memory_bytes(7e9, 4) == 3.5e9
    assert memory_bytes(n_params=1_000_000, bits=32) == 4_000_000.0
    assert memory_bytes(7e9, 16) / memory_bytes(7e9, 4) == 4.0
    assert type(memory_bytes(10, 8)) is float
    for bad in [(-1, 8), (10, 0), (10, -4), (math.inf, 8)]:
        with pytest.raises(ValueError):
            memory_bytes(*bad)


@pytest.mark.parametrize(
    "call",
    [
        lambda: affine_params(1.0, -1.0),
        lambda: affine_params(0.0, 0.0),
        lambda: affine_params(-math.inf, 1.0),
        lambda: affine_params(-1.0, 1.0, bits=1),
        lambda: affine_params(-1.0, 1.0, bits=True),
        lambda: quantize(1.0, 0.0, 0),
        lambda: quantize(1.0, -0.1, 0),
        lambda: quantize(1.0, 0.1, 0.5),
        lambda: quantize(1.0, 0.1, 128),
        lambda: quantize(1.0, 0.1, -1, signed=False),
        lambda: quantize(math.nan, 0.1, 0),
        lambda: quantize("a", 0.1, 0),
        lambda: dequantize(1.5, 0.1, 0),
        lambda: dequantize(1, 0.1, 0.5),
        lambda: dequantize(1, 0.0, 0),
        lambda: quantization_error(1.0, 0.1, 300),
    ],
)
def test_rejects_invalid(call):
    with pytest.raises(ValueError):
        call()


def test_grid_position_and_floor_by_hand():
    scale = 2 / 255
    assert grid_position(0.5, scale) == pytest.approx(63.75)
    assert floor_quantize(0.5, scale, 0) == 63
    assert quantize(0.5, scale, 0) == 64
    assert grid_position(0.27, 0.1) == pytest.approx(2.7)


@settings(max_examples=80, deadline=None)
@given(st.floats(-1.0, 1.0), st.floats(0.001, 0.1), st.integers(-20, 20))
def test_quantize_rounds_the_grid_position_and_floor_truncates_it(x, scale, zp):
    position = grid_position(x, scale, zp)
    assert position == pytest.approx(x / scale + zp)
    q, f = quantize(x, scale, zp), floor_quantize(x, scale, zp)
    if math.floor(position) >= -128 and math.ceil(position) <= 127:
        assert abs(q - position) <= 0.5 + 1e-9
        assert f == math.floor(position) or math.isclose(position, f + 1, abs_tol=1e-9)
        assert f <= q


@pytest.mark.parametrize("args", [(0.5, 0.0, 0), (0.5, 0.1, 0.5), (math.nan, 0.1, 0)])
def test_grid_position_invalid(args):
    with pytest.raises(ValueError):
        grid_position(*args)
