"""Batch, layer, instance and group normalization (training-mode statistics, biased variance).

Inputs are channel-first: (N, C) or (N, C, H, W) (any number of trailing spatial axes works).
Each function returns γ·(x − μ)/√(σ² + ε) + β, where μ and σ² are computed over:

* batch norm — N and the spatial axes, one pair per channel;
* layer norm — every axis except N, one pair per sample;
* instance norm — the spatial axes, one pair per (sample, channel);
* group norm — the channels of a group and the spatial axes, one pair per (sample, group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from solvers._checks import finite, real_array

NormKind = Literal["batch", "layer", "instance", "group"]


def _input(x: Any, min_ndim: int) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise ValueError(f"x must be real numbers, got dtype {arr.dtype}")
    if arr.ndim < min_ndim:
        raise ValueError(f"x must have at least {min_ndim} axes, got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"x must not have an empty axis, got shape {arr.shape}")
    return arr


def _eps(eps: Any) -> float:
    try:
        value = float(eps)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    return value


def _affine(name: str, value: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray | None:
    """Validate γ or β: a scalar or an array of exactly ``shape``."""
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be real numbers, got dtype {arr.dtype}")
    if arr.ndim != 0 and arr.shape != shape:
        raise ValueError(f"{name} must be a scalar or have shape {shape}, got {arr.shape}")
    return arr.astype(dtype, copy=False)


def _channel_view(arr: np.ndarray, ndim: int) -> np.ndarray:
    """Reshape a per-channel (C,) array to broadcast along axis 1 of an ndim-D input."""
    return arr if arr.ndim == 0 else arr.reshape((1, -1) + (1,) * (ndim - 2))


def _normalize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> np.ndarray:
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + x.dtype.type(eps))


def _scale_shift(y: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def batch_norm_stats(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and biased variance used by batch norm in training mode.

    Args:
        x: (N, C) or (N, C, H, W).

    Returns:
        (mean, var), each of shape (C,).

    Raises:
        ValueError: fewer than 2 axes, an empty axis or non-real input.
    """
    arr = _input(x, 2)
    axes = (0, *range(2, arr.ndim))
    return arr.mean(axis=axes), arr.var(axis=axes)


def batch_norm(x: Any, gamma: Any, beta: Any, eps: float = 1e-5) -> np.ndarray:
    """Batch normalization in training mode (statistics of this batch, biased variance).

    Args:
        x: (N, C) or (N, C, H, W).
        gamma, beta: scale and shift, a scalar or shape (C,).
        eps: added to the variance, > 0.

    Returns:
        Array shaped like x.

    Raises:
        ValueError: bad shapes, an empty axis or a non-positive eps.
    """
    arr = _input(x, 2)
    e = _eps(eps)
    c = (arr.shape[1],)
    g, b = _affine("gamma", gamma, c, arr.dtype), _affine("beta", beta, c, arr.dtype)
    y = _normalize(arr, (0, *range(2, arr.ndim)), e)
    return _scale_shift(
        y,
        None if g is None else _channel_view(g, arr.ndim),
        None if b is None else _channel_view(b, arr.ndim),
    )


def layer_norm(x: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> np.ndarray:
    """Layer normalization over every axis except the batch axis (as ``nn.LayerNorm(x.shape[1:])``).

    Args:
        x: (N, …) with at least 2 axes.
        gamma, beta: None, a scalar, or an array of shape x.shape[1:] (element-wise affine).
        eps: added to the variance, > 0.

    Raises:
        ValueError: fewer than 2 axes, bad γ/β shapes or a non-positive eps.
    """
    arr = _input(x, 2)
    e = _eps(eps)
    shape = arr.shape[1:]
    g, b = _affine("gamma", gamma, shape, arr.dtype), _affine("beta", beta, shape, arr.dtype)
    return _scale_shift(_normalize(arr, tuple(range(1, arr.ndim)), e), g, b)


def instance_norm(x: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> np.ndarray:
    """Instance normalization: each (sample, channel) map normalized over its spatial axes.

    Args:
        x: (N, C, H, W) (at least one spatial axis).
        gamma, beta: None, a scalar, or shape (C,).
        eps: added to the variance, > 0.

    Raises:
        ValueError: fewer than 3 axes, bad γ/β shapes or a non-positive eps.
    """
    arr = _input(x, 3)
    e = _eps(eps)
    c = (arr.shape[1],)
    g, b = _affine("gamma", gamma, c, arr.dtype), _affine("beta", beta, c, arr.dtype)
    y = _normalize(arr, tuple(range(2, arr.ndim)), e)
    return _scale_shift(
        y,
        None if g is None else _channel_view(g, arr.ndim),
        None if b is None else _channel_view(b, arr.ndim),
    )


def group_norm(
    x: Any, groups: int, eps: float = 1e-5, *, gamma: Any = None, beta: Any = None
) -> np.ndarray:
    """Group normalization: channels split into ``groups`` groups, each normalized per sample.

    groups = 1 is layer norm over (C, H, W); groups = C is instance norm.

    Args:
        x: (N, C) or (N, C, H, W).
        groups: number of groups G, dividing C.
        eps: added to the variance, > 0.
        gamma, beta: None, a scalar, or shape (C,) (per channel, as in ``nn.GroupNorm``).

    Raises:
        ValueError: G < 1 or not dividing C, bad γ/β shapes or a non-positive eps.
    """
    arr = _input(x, 2)
    e = _eps(eps)
    n, c = arr.shape[:2]
    g_count = _groups(groups, c)
    gam = _affine("gamma", gamma, (c,), arr.dtype)
    bet = _affine("beta", beta, (c,), arr.dtype)
    grouped = arr.reshape((n, g_count, c // g_count, *arr.shape[2:]))
    y = _normalize(grouped, tuple(range(2, grouped.ndim)), e).reshape(arr.shape)
    return _scale_shift(
        y,
        None if gam is None else _channel_view(gam, arr.ndim),
        None if bet is None else _channel_view(bet, arr.ndim),
    )


def _groups(groups: Any, channels: int) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int | np.integer | float):
        raise ValueError(f"groups must be an integer, got {groups!r}")
    if isinstance(groups, float) and not groups.is_integer():
        raise ValueError(f"groups must be an integer, got {groups!r}")
    g = int(groups)
    if g < 1 or channels % g:
        raise ValueError(f"groups must be ≥ 1 and divide the {channels} channels, got {groups!r}")
    return g


@dataclass(frozen=True)
class NormCounts:
    """How a normalization layer splits a tensor.

    Attributes:
        values_per_statistic: how many input values each mean/variance is computed over.
        n_statistics: how many (mean, variance) pairs are computed for the tensor.
        n_affine: learnable parameters, γ and β together (2 per channel for batch, instance and
            group norm with ``affine=True``; 2·∏x.shape[1:] for element-wise layer norm).
    """

    values_per_statistic: int
    n_statistics: int
    n_affine: int


def norm_counts(shape: Any, kind: NormKind, groups: int | None = None) -> NormCounts:
    """Count the values behind each statistic, the statistics, and γ/β for one normalization.

    Args:
        shape: input shape (N, C) or (N, C, H, W) (instance norm needs spatial axes).
        kind: "batch", "layer", "instance" or "group".
        groups: number of groups, required for "group" only.

    Returns:
        A :class:`NormCounts`. For (N, C, H, W): batch → (N·H·W, C, 2C);
        layer → (C·H·W, N, 2·C·H·W); instance → (H·W, N·C, 2C); group → ((C/G)·H·W, N·G, 2C).

    Raises:
        ValueError: unknown kind, a non-positive size, too few axes, or bad ``groups``.
    """
    dims = [_dim(v) for v in np.asarray(shape).ravel()] if np.ndim(shape) else []
    if len(dims) < 2:
        raise ValueError(f"shape must have at least 2 axes (N, C, …), got {shape!r}")
    n, c, spatial = dims[0], dims[1], math.prod(dims[2:])
    if kind != "group" and groups is not None:
        raise ValueError(f"groups only applies to kind='group', got kind={kind!r}")
    if kind == "batch":
        return NormCounts(n * spatial, c, 2 * c)
    if kind == "layer":
        return NormCounts(c * spatial, n, 2 * c * spatial)
    if kind == "instance":
        if len(dims) < 3:
            raise ValueError(f"instance norm needs spatial axes, got shape {shape!r}")
        return NormCounts(spatial, n * c, 2 * c)
    if kind == "group":
        if groups is None:
            raise ValueError("kind='group' needs groups")
        g = _groups(groups, c)
        return NormCounts((c // g) * spatial, n * g, 2 * c)
    raise ValueError(f"kind must be one of 'batch', 'layer', 'instance', 'group', got {kind!r}")


def _dim(value: Any) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ValueError(f"shape entries must be positive integers, got {value!r}")
    if not math.isfinite(float(value)) or float(value) != int(value) or int(value) < 1:
        raise ValueError(f"shape entries must be positive integers, got {value!r}")
    return int(value)


def standardize(x: Any, spread: Literal["std", "variance"] = "std") -> np.ndarray:
    """z-scores (x − mean)/std of a 1-D sample, with the population (÷n) standard deviation.

    ``spread="variance"`` divides by the variance instead: the forgotten square root, a common
    slip whose result is not in units of standard deviations ((0, 2, 4, 6, 8) gives √2 for 8 with
    the std, 0.5 with the variance 8).

    Raises:
        ValueError: not a 1-D sample of at least two values, all values equal, or a bad spread.
    """
    arr, var = _sample(x, ddof=0)
    if spread not in ("std", "variance"):
        raise ValueError(f"spread must be 'std' or 'variance', got {spread!r}")
    return (arr - arr.mean()) / (math.sqrt(var) if spread == "std" else var)


def standardize_unbiased(x: Any) -> np.ndarray:
    """z-scores with the unbiased (÷(n − 1)) standard deviation, as pandas' ``std()`` computes.

    Batch normalization in training divides by n; using n − 1 is a slip items show
    ((1, 2, 3, 6) gives 1.389 for 6 instead of 1.604).

    Raises:
        ValueError: as for :func:`standardize`.
    """
    arr, var = _sample(x, ddof=1)
    return (arr - arr.mean()) / math.sqrt(var)


def _sample(x: Any, ddof: int) -> tuple[np.ndarray, float]:
    """A finite 1-D sample of at least two values that are not all equal, and its variance."""
    arr = real_array("x", x)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ValueError(f"x must be a finite 1-D sample of at least 2 values, got {x!r}")
    var = float(arr.var(ddof=ddof))
    if var == 0:
        raise ValueError("x has no spread: every value is the same")
    return arr, var


def scale_shift(x_hat: Any, gamma: float, beta: float) -> np.ndarray:
    """The last step of a normalization layer: γ·x̂ + β on already normalized values.

    Items compute x̂ first and then scale and shift it (x̂ = 1.604, γ = 2, β = 1 gives 4.207);
    this is that step on its own, so a distractor built from a wrong x̂ is computed in two steps.

    Raises:
        ValueError: non-finite x̂, gamma or beta.
    """
    arr = real_array("x_hat", x_hat)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"x_hat must be finite, got {x_hat!r}")
    g, b = (np.float64(finite(name, v)) for name, v in (("gamma", gamma), ("beta", beta)))
    return _scale_shift(arr, g, b)


def batch_norm_backward(
    x: Any, gamma: Any, grad_out: Any, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`batch_norm` on (N, D) input in training mode (the batch's mean and
    biased variance depend on x, so dx is not just γ·dy/σ).

    With x̂ = (x − μ)/σ, σ = √(var + ε): dβ = Σ dy, dγ = Σ dy·x̂, and
    dx = (γ/σ)·(dy − mean(dy) − x̂·mean(dy·x̂)), means over the batch axis.

    Returns:
        (dx, dgamma, dbeta).

    Raises:
        ValueError: x not 2-D, shapes that do not fit, or a non-positive eps.
    """
    arr = _input(x, 2)
    if arr.ndim != 2:
        raise ValueError("batch_norm_backward takes (N, D) input")
    dy = real_array("grad_out", grad_out).astype(np.float64)
    if dy.shape != arr.shape or not np.all(np.isfinite(dy)):
        raise ValueError("grad_out must be finite and shaped like x")
    g = _affine("gamma", gamma, (arr.shape[1],), np.dtype(np.float64))
    scale = np.ones(arr.shape[1]) if g is None else g
    sigma = np.sqrt(arr.var(axis=0) + _eps(eps))
    x_hat = (arr - arr.mean(axis=0)) / sigma
    dx = scale / sigma * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)


def batch_norm_inference(
    x: Any, gamma: Any, beta: Any, running_mean: Any, running_var: Any, eps: float = 1e-5
) -> np.ndarray:
    """Batch normalization at inference (``model.eval()``): x (N, D) normalised with the running
    mean and variance kept during training, not the batch's own statistics, so a sample's output
    does not depend on the rest of its batch: γ·(x − μ_run)/√(σ²_run + ε) + β.

    Raises:
        ValueError: shapes that do not match D, a negative variance or a non-positive ε.
    """
    xa = _input(x, 2)
    d = xa.shape[1:]
    mean = real_array("running_mean", running_mean)
    var = real_array("running_var", running_var)
    if mean.shape != d or var.shape != d:
        raise ValueError(f"running statistics must have shape {d}")
    if np.any(var < 0):
        raise ValueError("running_var must be ≥ 0")
    y = (xa - mean) / np.sqrt(var + _eps(eps))
    return _scale_shift(y, _affine("gamma", gamma, d, xa.dtype), _affine("beta", beta, d, xa.dtype))
