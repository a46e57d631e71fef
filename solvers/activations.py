"""Activation functions and their derivatives, matching PyTorch's conventions.

Element-wise functions accept a scalar or an array: a scalar (or 0-d array) gives a Python float, an
array gives an ndarray of the same shape. Integer input is promoted to float64; float32 stays
float32.
At the kinks the derivative follows PyTorch's autograd: relu′(0) = 0, leaky_relu′(0) = alpha,
elu′(0) = alpha.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite, whole_number

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def _prepare(name: str, x: Any) -> tuple[np.ndarray, bool]:
    """Return ``x`` as a floating array and whether it came in as a scalar."""
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise ValueError(f"{name} must be real numbers, got dtype {arr.dtype}")
    return arr, arr.ndim == 0


def _finish(result: np.ndarray, scalar: bool) -> float | np.ndarray:
    return float(result) if scalar else result


def _check_alpha(alpha: Any) -> float:
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a real number, got {alpha!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"alpha must be finite, got {alpha!r}")
    return value


def relu(x: Any) -> float | np.ndarray:
    """ReLU: max(0, x)."""
    arr, scalar = _prepare("x", x)
    return _finish(np.maximum(arr, arr.dtype.type(0)), scalar)


def relu_grad(x: Any) -> float | np.ndarray:
    """Derivative of ReLU: 1 for x > 0, else 0 (0 at x = 0, as PyTorch uses)."""
    arr, scalar = _prepare("x", x)
    return _finish((arr > 0).astype(arr.dtype), scalar)


def relu_backward(x: Any, grad_out: Any) -> float | np.ndarray:
    """The gradient a ReLU layer passes back: grad_out·relu′(x), element-wise.

    The upstream gradient goes through where the forward input was positive and stops elsewhere
    (also at x = 0, as PyTorch does); items ask for this mask applied to numbers.

    Raises:
        ValueError: non-real input, or shapes that do not broadcast.
    """
    return _times_upstream(relu_grad(x), grad_out)


def relu_backward_by_value(x: Any, grad_out: Any) -> float | np.ndarray:
    """The slip of multiplying the upstream gradient by the forward value relu(x) (= x where it
    passes) instead of by the derivative relu′(x) = 1: a distractor's number, not a gradient.

    Raises:
        ValueError: as for :func:`relu_backward`.
    """
    return _times_upstream(relu(x), grad_out)


def _times_upstream(local: float | np.ndarray, grad_out: Any) -> float | np.ndarray:
    upstream, scalar = _prepare("grad_out", grad_out)
    product = np.multiply(local, upstream)
    return _finish(product, scalar and np.ndim(local) == 0)


def absolute(x: Any) -> float | np.ndarray:
    """|x|, which learners mistake ReLU for: both pass x ≥ 0, but |x| mirrors negative inputs
    (|−1.3| = 1.3) where ReLU gives 0. Kept so a distractor's value is computed, not typed."""
    arr, scalar = _prepare("x", x)
    return _finish(np.abs(arr), scalar)


def leaky_relu(x: Any, alpha: float = 0.01) -> float | np.ndarray:
    """Leaky ReLU: x for x > 0, alpha·x otherwise.

    Raises:
        ValueError: alpha is not a finite real number.
    """
    arr, scalar = _prepare("x", x)
    a = _check_alpha(alpha)
    return _finish(np.where(arr > 0, arr, a * arr).astype(arr.dtype, copy=False), scalar)


def leaky_relu_grad(x: Any, alpha: float = 0.01) -> float | np.ndarray:
    """Derivative of Leaky ReLU: 1 for x > 0, alpha for x ≤ 0 (alpha at 0, as PyTorch uses).

    Raises:
        ValueError: alpha is not a finite real number.
    """
    arr, scalar = _prepare("x", x)
    a = _check_alpha(alpha)
    return _finish(np.where(arr > 0, 1.0, a).astype(arr.dtype), scalar)


def prelu(x: Any, a: Any) -> float | np.ndarray:
    """PReLU: x for x > 0, a·x otherwise, with a learned slope ``a``.

    Args:
        x: input; for ndim ≥ 2 the channel axis is axis 1 (NCHW), as in ``torch.nn.PReLU``.
        a: one slope for all elements, or one per channel (length C = x.shape[1], or x.shape[0]
            for 1-D x).

    Raises:
        ValueError: ``a`` has a length that matches no channel axis of ``x``.
    """
    arr, scalar = _prepare("x", x)
    slope, _ = _prepare("a", a)
    if slope.size != 1:
        if slope.ndim != 1:
            raise ValueError(f"a must be a scalar or 1-D, got shape {slope.shape}")
        channels = arr.shape[1] if arr.ndim >= 2 else (arr.shape[0] if arr.ndim == 1 else 1)
        if slope.shape[0] != channels:
            raise ValueError(f"a has {slope.shape[0]} slopes but x has {channels} channels")
        if arr.ndim >= 2:
            slope = slope.reshape((1, -1) + (1,) * (arr.ndim - 2))
    else:
        slope = slope.reshape(())
    out = np.where(arr > 0, arr, slope * arr).astype(arr.dtype, copy=False)
    return _finish(out, scalar)


def sigmoid(x: Any) -> float | np.ndarray:
    """Logistic sigmoid σ(x) = 1/(1+e⁻ˣ), computed without overflow for any finite x."""
    arr, scalar = _prepare("x", x)
    e = np.exp(-np.abs(arr))
    out = np.where(arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(arr.dtype, copy=False)
    return _finish(out, scalar)


def sigmoid_grad(x: Any) -> float | np.ndarray:
    """Derivative σ′(x) = σ(x)(1−σ(x)); its maximum is 0.25 at x = 0."""
    arr, scalar = _prepare("x", x)
    s = sigmoid(arr)
    return _finish(s * (1.0 - s), scalar)


def logit(p: Any) -> float | np.ndarray:
    """The inverse of the sigmoid, ln(p/(1 − p)): the input at which σ gives p.

    Items that start from an output (σ(x) = 0.8) name the input it came from (x = ln 4 ≈ 1.386);
    this recomputes it instead of typing it into a check.

    Raises:
        ValueError: non-real p, or p outside the open interval (0, 1).
    """
    arr, scalar = _prepare("p", p)
    if not np.all((arr > 0) & (arr < 1)):
        raise ValueError(f"p must lie strictly between 0 and 1, got {p!r}")
    return _finish(np.log(arr) - np.log1p(-arr), scalar)


def tanh(x: Any) -> float | np.ndarray:
    """Hyperbolic tangent, with the same scalar/array convention as the other activations."""
    arr, scalar = _prepare("x", x)
    return _finish(np.tanh(arr), scalar)


def tanh_grad(x: Any) -> float | np.ndarray:
    """Derivative tanh′(x) = 1 − tanh²(x); its maximum is 1 at x = 0."""
    arr, scalar = _prepare("x", x)
    t = np.tanh(arr)
    return _finish(1.0 - t * t, scalar)


_MAX_GRAD = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
"""The largest value each derivative takes: σ′(0) = 0.25, tanh′(0) = 1, relu′(x > 0) = 1."""


def grad_from_output(y: Any, activation: str) -> float | np.ndarray:
    """An activation's derivative written with its output y, as backpropagation uses it.

    Sigmoid: y(1 − y); tanh: 1 − y². The forward output is stored, so the input is not needed;
    applying one form to the other activation is the classic slip (1 − 0.8² = 0.36 for a sigmoid).

    Raises:
        ValueError: an unknown activation, non-real y, or y outside the activation's range
            ([0, 1] for sigmoid, [−1, 1] for tanh).
    """
    arr, scalar = _prepare("y", y)
    ranges = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
    if activation not in ranges:
        raise ValueError(f"activation must be one of {sorted(ranges)}, got {activation!r}")
    low, high = ranges[activation]
    if not np.all((arr >= low) & (arr <= high)):
        raise ValueError(f"y must lie in [{low}, {high}] for {activation}, got {y!r}")
    grad = arr * (1 - arr) if activation == "sigmoid" else 1 - arr * arr
    return _finish(grad, scalar)


def sigmoid_grad_one_factor_slips(y: Any) -> tuple[float, float]:
    """The two ways of keeping one factor of σ′ = y(1 − y) twice or alone: (y·y, 1 − y).

    0.8 gives (0.64, 0.2) where σ′ is 0.16; each is a distractor of an item asking for σ′ from the
    output.

    Raises:
        ValueError: y not a number in [0, 1].
    """
    value = finite("y", y)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"y must lie in [0, 1] for a sigmoid output, got {y!r}")
    return value * value, 1.0 - value


def gradient_bound(activation: str, layers: int, weight: float = 1.0) -> float:
    """Upper bound of the factor backpropagation multiplies a gradient by through ``layers``
    layers of one unit each: (|w|·max f′)ⁿ, reached only where every f′ is at its maximum.

    Below 1 the gradient vanishes geometrically with depth (0.25¹⁰ ≈ 9.5×10⁻⁷ for sigmoid), above
    1 it can explode.

    Raises:
        ValueError: an unknown activation, layers not an integer ≥ 1, or a non-finite weight.
    """
    if activation not in _MAX_GRAD:
        raise ValueError(f"activation must be one of {sorted(_MAX_GRAD)}, got {activation!r}")
    if isinstance(layers, bool) or not isinstance(layers, int | np.integer) or layers < 1:
        raise ValueError(f"layers must be an integer ≥ 1, got {layers!r}")
    w = float(weight)
    if not math.isfinite(w):
        raise ValueError(f"weight must be finite, got {weight!r}")
    return (abs(w) * _MAX_GRAD[activation]) ** int(layers)


def _erf(arr: np.ndarray) -> np.ndarray:
    """Element-wise math.erf (NumPy has no erf and solvers do not depend on SciPy)."""
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(arr), dtype=np.float64).astype(arr.dtype)


def _gelu_tanh_inner(arr: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.tanh(_SQRT_2_OVER_PI * (arr + _GELU_CUBIC * arr * arr * arr))


def gelu(x: Any, approximate: bool = False) -> float | np.ndarray:
    """GELU: x·Φ(x) with Φ the standard normal CDF.

    Args:
        x: input.
        approximate: False for the exact form 0.5·x·(1 + erf(x/√2)) (PyTorch's default), True
            for the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), which is
            PyTorch's ``approximate="tanh"``.
    """
    arr, scalar = _prepare("x", x)
    if approximate:
        out = 0.5 * arr * (1.0 + _gelu_tanh_inner(arr))
    else:
        out = 0.5 * arr * (1.0 + _erf(arr / math.sqrt(2.0)))
    return _finish(out.astype(arr.dtype, copy=False), scalar)


def gelu_grad(x: Any, approximate: bool = False) -> float | np.ndarray:
    """Derivative of :func:`gelu`: Φ(x) + x·φ(x) for the exact form (0.5 at x = 0)."""
    arr, scalar = _prepare("x", x)
    if approximate:
        t = _gelu_tanh_inner(arr)
        with np.errstate(over="ignore", invalid="ignore"):
            inner_grad = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * arr * arr)
            tail = np.where(t * t == 1.0, 0.0, 0.5 * arr * (1.0 - t * t) * inner_grad)
        out = 0.5 * (1.0 + t) + tail
    else:
        cdf = 0.5 * (1.0 + _erf(arr / math.sqrt(2.0)))
        with np.errstate(over="ignore"):
            pdf = np.exp(-0.5 * arr * arr) / math.sqrt(2.0 * math.pi)
        out = cdf + arr * pdf
    return _finish(out.astype(arr.dtype, copy=False), scalar)


def gelu_minimum(approximate: bool = False) -> tuple[float, float]:
    """Where GELU dips lowest and how low: (x*, GELU(x*)) ≈ (−0.752, −0.170).

    GELU is not monotonic: its derivative Φ(x) + x·φ(x) is negative left of x* and positive right
    of it. x* is found by bisection of :func:`gelu_grad` on [−3, 0], where it changes sign once,
    to the last bit of a float.
    """
    low, high = -3.0, 0.0  # gelu_grad(−3) < 0 < gelu_grad(0) = 0.5
    while True:
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        if gelu_grad(mid, approximate) < 0:
            low = mid
        else:
            high = mid
    return high, float(gelu(high, approximate))


def elu(x: Any, alpha: float = 1.0) -> float | np.ndarray:
    """ELU: x for x > 0, alpha·(eˣ − 1) otherwise.

    Raises:
        ValueError: alpha is not a finite real number.
    """
    arr, scalar = _prepare("x", x)
    a = _check_alpha(alpha)
    negative = a * np.expm1(np.minimum(arr, 0))
    return _finish(np.where(arr > 0, arr, negative).astype(arr.dtype, copy=False), scalar)


def elu_grad(x: Any, alpha: float = 1.0) -> float | np.ndarray:
    """Derivative of ELU: 1 for x > 0, alpha·eˣ for x ≤ 0 (alpha at 0, as PyTorch uses).

    Raises:
        ValueError: alpha is not a finite real number.
    """
    arr, scalar = _prepare("x", x)
    a = _check_alpha(alpha)
    negative = a * np.exp(np.minimum(arr, 0))
    return _finish(np.where(arr > 0, 1.0, negative).astype(arr.dtype, copy=False), scalar)


def _prepare_logits(z: Any, temperature: float = 1.0) -> np.ndarray:
    arr, scalar = _prepare("z", z)
    if scalar:
        raise ValueError("softmax needs a vector of logits, got a scalar")
    if 0 in arr.shape:
        raise ValueError(f"logits must not be empty, got shape {arr.shape}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        t = math.nan
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return arr / arr.dtype.type(t) if t != 1.0 else arr


def _shift_by_max(arr: np.ndarray, axis: int) -> np.ndarray:
    """z − max z; a gap beyond the float range becomes −inf, whose exp is the correct 0."""
    with np.errstate(over="ignore"):
        return arr - arr.max(axis=axis, keepdims=True)


def softmax(z: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax exp(zᵢ/T)/Σⱼexp(zⱼ/T) along ``axis``, stable for large logits (max subtracted first).

    Args:
        z: logits, at least 1-D.
        axis: axis to normalise over.
        temperature: T > 0; large T flattens toward uniform, small T sharpens toward argmax.

    Raises:
        ValueError: scalar or empty input, a bad axis, or a non-positive temperature.
    """
    shifted = _shift_by_max(_prepare_logits(z, temperature), axis)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_numerators(z: Any, temperature: float = 1.0) -> np.ndarray:
    """The terms exp(zᵢ/T) a softmax by hand writes down before dividing by their sum.

    Unshifted, so they are the textbook values (e² ≈ 7.39); :func:`softmax` subtracts the maximum
    first because these overflow for logits beyond ~709.

    Raises:
        ValueError: a non-finite logit, a non-positive temperature, or a term that overflows.
    """
    arr = _prepare_logits(z, temperature)
    if not np.all(np.isfinite(arr)):
        raise ValueError("logits must be finite")
    if np.any(arr > 709.0):
        raise ValueError("exp(z/T) overflows for a logit/temperature above 709; use softmax")
    return np.exp(arr)


def log_softmax(z: Any, axis: int = -1) -> np.ndarray:
    """log softmax(z) = z − max − log Σ exp(z − max), finite even where softmax underflows to 0.

    Raises:
        ValueError: scalar or empty input, or a bad axis.
    """
    shifted = _shift_by_max(_prepare_logits(z), axis)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def linear_normalize(z: Any) -> np.ndarray:
    """Scores divided by their sum along the last axis, zᵢ/Σⱼzⱼ: what Softmax is mistaken for.

    Without exp, differences between scores are not amplified ((3, 1, 0) gives 0.75 for the
    first, Softmax about 0.84) and a negative score would give a negative "probability".

    Raises:
        ValueError: scalar, empty or non-finite input, or scores that sum to 0.
    """
    arr = _prepare_logits(z)
    if not np.all(np.isfinite(arr)):
        raise ValueError("z must be finite")
    total = arr.sum(axis=-1, keepdims=True)
    if np.any(total == 0):
        raise ValueError("z sums to 0: dividing by the sum is undefined")
    return arr / total


def chained_gain(factor: float, layers: int) -> float:
    """The chain rule's product of one equal factor per layer: factorⁿ for ``layers`` = n.

    Backpropagation multiplies a gradient by each layer's local derivative, so a factor below 1
    shrinks it geometrically (0.25⁵ ≈ 9.8×10⁻⁴ for sigmoids at their steepest); see
    :func:`gradient_bound` for the bound with each activation's largest derivative.

    Raises:
        ValueError: a non-finite factor, or layers not an integer ≥ 1.
    """
    f = finite("factor", factor)
    return f ** whole_number("layers", layers, 1)
