"""Weight initialisation scales: Xavier (Glorot) for tanh/sigmoid layers, He (Kaiming) for
ReLU layers, each as the standard deviation of a normal draw or the limit a of a uniform draw
U(−a, a) (whose standard deviation is a/√3)."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from solvers._checks import real_array, whole_number

Variant = Literal["normal", "uniform"]


def _scale(variance: float, variant: Variant) -> float:
    if variant == "normal":
        return math.sqrt(variance)
    if variant == "uniform":
        return math.sqrt(3 * variance)
    raise ValueError(f"variant must be 'normal' or 'uniform', got {variant!r}")


def xavier_scale(fan_in: int, fan_out: int, variant: Variant = "normal") -> float:
    """Xavier/Glorot: Var(W) = 2/(fan_in + fan_out); the normal σ = √(2/(n_in + n_out)), the
    uniform limit a = √(6/(n_in + n_out)).

    Raises:
        ValueError: a fan below 1 or an unknown variant.
    """
    n = whole_number("fan_in", fan_in) + whole_number("fan_out", fan_out)
    return _scale(2 / n, variant)


def he_scale(fan_in: int, variant: Variant = "normal") -> float:
    """He/Kaiming (ReLU): Var(W) = 2/fan_in; the normal σ = √(2/n_in), the uniform limit
    a = √(6/n_in).

    Raises:
        ValueError: a fan below 1 or an unknown variant.
    """
    return _scale(2 / whole_number("fan_in", fan_in), variant)


def he_normal(z: Any) -> np.ndarray:
    """He-normal weights from standard-normal draws ``z`` of shape (fan_in, fan_out):
    z·√(2/fan_in), fan_in being the number of rows.

    Raises:
        ValueError: ``z`` not 2-D.
    """
    arr = real_array("z", z).astype(np.float64)
    if arr.ndim != 2:
        raise ValueError("z must be 2-D (fan_in, fan_out)")
    return arr * he_scale(arr.shape[0])


def xavier_uniform(u: Any) -> np.ndarray:
    """Xavier-uniform weights from uniform draws ``u`` on [0, 1) of shape (fan_in, fan_out):
    (2u − 1)·√(6/(fan_in + fan_out)).

    Raises:
        ValueError: ``u`` not 2-D.
    """
    arr = real_array("u", u).astype(np.float64)
    if arr.ndim != 2:
        raise ValueError("u must be 2-D (fan_in, fan_out)")
    return (2 * arr - 1) * xavier_scale(arr.shape[0], arr.shape[1], "uniform")
