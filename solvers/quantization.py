"""Uniform (linear) integer quantization: affine and symmetric schemes, as used for INT8 inference.

Convention (the same as PyTorch's per-tensor affine quantization, computed in float64):

* integer range: signed ``[−2^(b−1), 2^(b−1)−1]`` (int8: [−128, 127]), unsigned ``[0, 2^b−1]``
  (uint8: [0, 255]);
* quantize: q = clamp(round(x/scale) + zero_point, qmin, qmax), rounding half to even (np.rint);
* dequantize: x̂ = scale·(q − zero_point).

Integer results are Python ints for scalar input and int64 arrays otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _values(name: str, value: Any) -> np.ndarray:
    arr = real_array(name, value)
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} must not contain NaN")
    return arr.astype(np.float64, copy=False)


def _bits(bits: Any) -> int:
    is_int = isinstance(bits, int | np.integer) and not isinstance(bits, bool | np.bool_)
    integral_float = isinstance(bits, float) and bits.is_integer()
    if not (is_int or integral_float) or not 2 <= int(bits) <= 32:
        raise ValueError(f"bits must be an integer from 2 to 32, got {bits!r}")
    return int(bits)


def _int_range(signed: bool, bits: Any) -> tuple[int, int]:
    b = _bits(bits)
    if signed:
        return -(2 ** (b - 1)), 2 ** (b - 1) - 1
    return 0, 2**b - 1


def _scale(scale: Any) -> float:
    s = finite("scale", scale)
    if s <= 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    return s


def _integer(name: str, value: Any) -> int:
    number = finite(name, value)
    if not number.is_integer() or isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(number)


def affine_params(
    x_min: float, x_max: float, signed: bool = True, bits: int = 8
) -> tuple[float, int]:
    """Scale and zero point of asymmetric (affine) quantization for the range [x_min, x_max].

    The range is first widened to include 0 so that 0.0 is represented exactly. Then
    scale = (x_max − x_min)/(qmax − qmin) and zero_point = qmin − round(x_min/scale) (half to even),
    clamped into [qmin, qmax]. Example: [−1, 1] to int8 gives scale = 2/255 and zero_point 0; the
    same range to uint8 gives zero_point 128.

    Args:
        x_min, x_max: observed range of the real values.
        signed: int range (True) or unsigned range (False).
        bits: integer width, 2–32.

    Returns:
        (scale, zero_point) as (float, int).

    Raises:
        ValueError: x_min > x_max, non-finite bounds, a range of zero width after including 0,
            or unsupported bits.
    """
    lo, hi = finite("x_min", x_min), finite("x_max", x_max)
    if lo > hi:
        raise ValueError(f"x_min must be ≤ x_max, got {x_min!r} > {x_max!r}")
    qmin, qmax = _int_range(signed, bits)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        raise ValueError("the range [x_min, x_max] has zero width; scale would be 0")
    levels = qmax - qmin
    scale = (hi - lo) / levels
    # lo·levels/(hi − lo) is lo/scale with one rounding fewer, so exact ties such as −127.5 for
    # [−1, 1] reach the half-to-even rounding intact.
    zero_point = qmin - round(lo * levels / (hi - lo))
    return scale, int(min(max(zero_point, qmin), qmax))


def symmetric_scale(abs_max: float, bits: int = 8) -> float:
    """Scale of symmetric quantization (zero point 0) covering [−abs_max, abs_max].

    Returns:
        abs_max/(2^(bits−1) − 1), i.e. abs_max/127 for 8 bits.

    Raises:
        ValueError: abs_max not positive and finite, or unsupported bits.
    """
    a = finite("abs_max", abs_max)
    if a <= 0:
        raise ValueError(f"abs_max must be positive, got {abs_max!r}")
    return a / (2 ** (_bits(bits) - 1) - 1)


def quantize(
    x: Any, scale: float, zero_point: int, signed: bool = True, bits: int = 8
) -> int | np.ndarray:
    """Map real values to integers: clamp(round_half_to_even(x/scale) + zero_point, qmin, qmax).

    Args:
        x: real value(s); ±inf clamp to the ends of the range.
        scale: positive step between adjacent integer levels.
        zero_point: the integer that represents 0.0, inside the integer range.
        signed, bits: the integer range, as in :func:`affine_params`.

    Returns:
        An int for scalar input, an int64 array otherwise.

    Raises:
        ValueError: NaN input, non-positive scale, or a zero_point that is not an integer in range.
    """
    return _to_grid(x, scale, zero_point, signed, bits, np.rint)


def dequantize(q: Any, scale: float, zero_point: int) -> float | np.ndarray:
    """Map integers back to reals: scale·(q − zero_point).

    Returns:
        A float for scalar input, a float64 array otherwise.

    Raises:
        ValueError: q or zero_point not integers, or a non-positive scale.
    """
    arr = np.asarray(q)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.rint(arr)):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"q must hold integers, got {q!r}")
    s = _scale(scale)
    zp = _integer("zero_point", zero_point)
    out = s * (arr.astype(np.float64) - zp)
    return float(out) if out.ndim == 0 else out


def quantization_error(
    x: Any, scale: float, zero_point: int, signed: bool = True, bits: int = 8
) -> float | np.ndarray:
    """Absolute round-trip error |dequantize(quantize(x)) − x|.

    Inside the representable range it is at most scale/2; outside, clamping makes it grow.

    Returns:
        A float for scalar input, a float64 array otherwise.

    Raises:
        ValueError: as for :func:`quantize`.
    """
    arr = _values("x", x)
    q = quantize(arr, scale, zero_point, signed=signed, bits=bits)
    err = np.abs(dequantize(q, scale, zero_point) - arr)
    return float(err) if np.ndim(err) == 0 else err


def memory_bytes(n_params: float, bits: float) -> float:
    """Storage for ``n_params`` values at ``bits`` bits each: n_params·bits/8 bytes.

    Example: 7×10⁹ parameters at 4 bits → 3.5×10⁹ bytes (3.5 GB).

    Raises:
        ValueError: n_params negative, bits not positive, or a non-finite argument.
    """
    n = finite("n_params", n_params)
    b = finite("bits", bits)
    if n < 0:
        raise ValueError(f"n_params must be ≥ 0, got {n_params!r}")
    if b <= 0:
        raise ValueError(f"bits must be positive, got {bits!r}")
    return n * b / 8.0


def grid_position(x: Any, scale: float, zero_point: int = 0) -> float | np.ndarray:
    """Where x falls on the integer grid before rounding: x/scale + zero_point.

    :func:`quantize` rounds this to the nearest integer and clamps it to the range; showing it
    unrounded explains both steps (0.5 with scale 2/255 sits at 63.75, which rounds to 64).

    Raises:
        ValueError: NaN input, a non-positive scale, or a zero_point that is not an integer.
    """
    out = _values("x", x) / _scale(scale) + _integer("zero_point", zero_point)
    return float(out) if out.ndim == 0 else out


def floor_quantize(
    x: Any, scale: float, zero_point: int, signed: bool = True, bits: int = 8
) -> int | np.ndarray:
    """Quantization with truncation (np.floor) in place of rounding to nearest.

    The common implementation slip: every value lands up to one whole step low instead of at
    most half a step away, so the error is biased (0.5 with scale 2/255 gives 63, not 64).

    Raises:
        ValueError: as for :func:`quantize`.
    """
    return _to_grid(x, scale, zero_point, signed, bits, np.floor)


def _to_grid(
    x: Any,
    scale: float,
    zero_point: int,
    signed: bool,
    bits: int,
    to_int: Callable[[np.ndarray], np.ndarray],
) -> int | np.ndarray:
    """x/scale + zero_point made whole by ``to_int`` and clipped to the integer range."""
    arr = _values("x", x)
    s = _scale(scale)
    zp = _integer("zero_point", zero_point)
    qmin, qmax = _int_range(signed, bits)
    if not qmin <= zp <= qmax:
        raise ValueError(f"zero_point must be in [{qmin}, {qmax}], got {zero_point!r}")
    with np.errstate(over="ignore"):
        q = np.clip(to_int(arr / s) + zp, qmin, qmax).astype(np.int64)
    return int(q) if q.ndim == 0 else q
