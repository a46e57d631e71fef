"""Scaling-law arithmetic: power-law fits, loss ratios and compute-optimal (Chinchilla) allocation.

Power laws are written L = coef·x^(−exponent), a positive exponent meaning "loss falls as x grows"
(Kaplan et al. report exponents near 0.076 for parameters and 0.095 for data). Training compute
uses the standard estimate C ≈ 6·N·D FLOPs (N parameters, D tokens).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite


def _positive(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def fit_power_law(x: Any, y: Any) -> tuple[float, float]:
    """Fit y = coef·x^(−exponent) by least squares on log y = log coef − exponent·log x.

    Args:
        x: positive inputs (model size, tokens, compute…), 1-D.
        y: positive outputs (loss), same length.

    Returns:
        (coef, exponent).

    Raises:
        ValueError: fewer than 2 points, lengths differ, a non-positive or non-finite value, or all
            x equal (the slope is undefined).
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    if xa.size < 2:
        raise ValueError(f"need at least 2 points to fit a power law, got {xa.size}")
    for name, arr in (("x", xa), ("y", ya)):
        if not np.all(np.isfinite(arr) & (arr > 0)):
            raise ValueError(f"{name} must be positive and finite to take logarithms")
    lx, ly = np.log(xa), np.log(ya)
    mean_x, mean_y = float(lx.mean()), float(ly.mean())
    centred = lx - mean_x
    spread = float(centred @ centred)
    if spread == 0.0:
        raise ValueError("x values are all equal; the exponent is undefined")
    slope = float(centred @ (ly - mean_y)) / spread
    intercept = mean_y - slope * mean_x
    return math.exp(intercept), -slope


def power_law(x: Any, coef: float, exponent: float) -> np.ndarray:
    """Values of the power law y = coef·x^(−exponent) at the positive points x.

    :func:`fit_power_law` recovers (coef, exponent) from such values; items show the round trip
    (3·N^(−0.076) at N = 10⁸, 10⁹, 10¹⁰ fits back to 3 and 0.076).

    Raises:
        ValueError: an x that is not positive and finite, or a non-positive coef.
    """
    xs = np.asarray(x, dtype=np.float64)
    if xs.size == 0 or not np.all(np.isfinite(xs) & (xs > 0)):
        raise ValueError(f"x must be positive finite numbers, got {x!r}")
    return _positive("coef", coef) * xs ** -finite("exponent", exponent)


def loss_ratio(factor: float, exponent: float) -> float:
    """How a power-law loss changes when its input is multiplied by ``factor``.

    Example: parameters ×10 with exponent 0.076 → loss ×10^(−0.076) ≈ 0.839.

    Returns:
        factor^(−exponent).

    Raises:
        ValueError: factor not positive, or a non-finite argument.
    """
    return _positive("factor", factor) ** -finite("exponent", exponent)


def loss_reduction(factor: float, exponent: float) -> float:
    """The share by which a power-law loss falls when its input is multiplied by ``factor``.

    Items say "損失は約 16% 減る"; the ratio :func:`loss_ratio` is what remains (≈ 0.84), and
    mixing the two up is a mistake the exam probes, so the drop is recomputed on its own.

    Example: parameters ×10 with exponent 0.076 → 1 − 10^(−0.076) ≈ 0.161.

    Returns:
        1 − factor^(−exponent).

    Raises:
        ValueError: as for :func:`loss_ratio`.
    """
    return 1.0 - loss_ratio(factor, exponent)


def training_flops(n_params: float, n_tokens: float) -> float:
    """Training compute estimate C = 6·N·D (forward 2·N·D plus backward 4·N·D FLOPs).

    Raises:
        ValueError: a negative or non-finite count.
    """
    n = finite("n_params", n_params)
    d = finite("n_tokens", n_tokens)
    if n < 0 or d < 0:
        raise ValueError(f"n_params and n_tokens must be ≥ 0, got {n_params!r} and {n_tokens!r}")
    return 6.0 * n * d


def chinchilla_allocation(flops: float, tokens_per_param: float = 20.0) -> tuple[float, float]:
    """Compute-optimal model and data size for a budget, Chinchilla style.

    Solves C = 6·N·D with D = r·N (r ≈ 20 tokens per parameter in Hoffmann et al.), giving
    N = √(C/(6r)) and D = r·N.

    Args:
        flops: training budget C in FLOPs.
        tokens_per_param: r.

    Returns:
        (n_params, n_tokens).

    Raises:
        ValueError: a non-positive or non-finite argument.
    """
    c = _positive("flops", flops)
    r = _positive("tokens_per_param", tokens_per_param)
    n = math.sqrt(c / (6.0 * r))
    return n, r * n


def compute_optimal_growth(compute_factor: float, model_exponent: float) -> tuple[float, float]:
    """How compute-optimal model and data sizes grow when the budget C is multiplied by k.

    With N ∝ C^a and C ≈ 6·N·D, D ∝ C^(1−a): Kaplan et al. found a ≈ 0.73, Chinchilla a ≈ 0.5.

    Returns:
        (model multiplier k^a, data multiplier k^(1−a)).

    Raises:
        ValueError: compute_factor not positive, model_exponent outside [0, 1], or non-finite.
    """
    k = _positive("compute_factor", compute_factor)
    a = finite("model_exponent", model_exponent)
    if not 0.0 <= a <= 1.0:
        raise ValueError(f"model_exponent must be in [0, 1], got {model_exponent!r}")
    return k**a, k ** (1.0 - a)


def exponent_times_factor(compute_factor: float, model_exponent: float) -> float:
    """The slip of multiplying the compute factor by the exponent instead of raising it to it.

    N ∝ C^a grows by compute_factor^a when C grows by compute_factor; a learner who writes
    compute_factor × a (10 × 0.73 = 7.3 instead of 10^0.73 ≈ 5.37) gets this value, which a
    distractor shows.

    Raises:
        ValueError: compute_factor not positive, or a non-finite exponent.
    """
    return _positive("compute_factor", compute_factor) * finite("model_exponent", model_exponent)
