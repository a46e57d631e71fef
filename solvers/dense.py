"""Fully connected (dense) layers and the MLPs built from them: the forward pass of one layer, its
gradients, parameter counts of a stack of layers, and the input size a Flatten layer hands on."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from solvers._checks import real_array, whole_number
from solvers.flops import fc_params


def _sizes(name: str, values: Any, minimum: int) -> list[int]:
    items = np.asarray(values).ravel().tolist() if isinstance(values, np.ndarray) else values
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise ValueError(f"{name} must be a list of sizes, got {values!r}")
    if len(items) < minimum:
        raise ValueError(f"{name} needs at least {minimum} sizes, got {len(items)}")
    return [whole_number(f"{name}[{i}]", v) for i, v in enumerate(items)]


def _layer(x: Any, w: Any) -> tuple[np.ndarray, np.ndarray]:
    xa = real_array("x", x).astype(np.float64)
    wa = real_array("w", w).astype(np.float64)
    if wa.ndim == 1:  # a single unit: w·x
        wa = wa[np.newaxis, :]
    if wa.ndim != 2 or xa.ndim not in (1, 2) or xa.shape[-1] != wa.shape[1]:
        raise ValueError(
            f"w must be (n_out, n_in) or (n_in,) and x (n_in,) or (batch, n_in); "
            f"got x {xa.shape}, w {wa.shape}"
        )
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(wa))):
        raise ValueError("x and w must be finite")
    return xa, wa


def dense(x: Any, w: Any, b: Any = None) -> float | np.ndarray:
    """Affine map of a dense layer, z = W·x + b, before the activation.

    Args:
        x: inputs, (n_in,) or a batch (batch, n_in).
        w: weights (n_out, n_in), or (n_in,) for a single unit.
        b: biases (n_out,) or a scalar; None for no bias.

    Returns:
        z: a float for one unit and one input, else (n_out,) or (batch, n_out).

    Raises:
        ValueError: shapes that do not fit, or a non-finite value.
    """
    xa, wa = _layer(x, w)
    z = xa @ wa.T
    if b is not None:
        ba = np.broadcast_to(real_array("b", b).astype(np.float64), (wa.shape[0],))
        if not np.all(np.isfinite(ba)):
            raise ValueError("b must be finite")
        z = z + ba
    if np.ndim(w) == 1 and xa.ndim == 1:
        return float(z[0])
    return z


def dense_backward(x: Any, w: Any, grad_out: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a dense layer given ∂L/∂z (the chain rule through z = W·x + b).

    Args:
        x: the layer's input, (n_in,) or (batch, n_in).
        w: weights (n_out, n_in), or (n_in,) for a single unit.
        grad_out: ∂L/∂z, shaped like the layer's output: (n_out,) or (batch, n_out); a scalar for
            a single unit.

    Returns:
        (grad_x = Wᵀ·δ, grad_w = δ·xᵀ summed over the batch, grad_b = δ summed over the batch);
        grad_w has w's shape.

    Raises:
        ValueError: shapes that do not fit, or a non-finite value.
    """
    xa, wa = _layer(x, w)
    single = xa.ndim == 1
    xb = xa[np.newaxis, :] if single else xa
    g = real_array("grad_out", grad_out).astype(np.float64).reshape(xb.shape[0], wa.shape[0])
    if not np.all(np.isfinite(g)):
        raise ValueError("grad_out must be finite")
    grad_x = g @ wa
    grad_w = g.T @ xb
    grad_b = g.sum(axis=0)
    if np.ndim(w) == 1:
        grad_w = grad_w[0]
    return (grad_x[0] if single else grad_x), grad_w, grad_b


def mlp_params(sizes: Sequence[int], bias: bool = True) -> int:
    """Learnable parameters of a stack of dense layers (an MLP).

    The input layer only holds the data, so the count runs over the gaps between layers.

    Args:
        sizes: units per layer from input to output, e.g. [784, 100, 10].
        bias: one bias per unit of every layer after the input.

    Returns:
        Σ (nᵢ·nᵢ₊₁ + nᵢ₊₁ when ``bias``); 79,510 for [784, 100, 10].

    Raises:
        ValueError: fewer than two layers, or a size < 1 or not an integer.
    """
    n = _sizes("sizes", sizes, 2)
    return sum(fc_params(a, b, bias) for a, b in itertools.pairwise(n))


def flatten_size(shape: Sequence[int]) -> int:
    """How many units a Flatten layer hands to the next dense layer: the product of the shape
    (H×W×C for a feature map, 28×28 = 784 for an MNIST image).

    Raises:
        ValueError: an empty shape, or a size < 1 or not an integer.
    """
    return math.prod(_sizes("shape", shape, 1))


def all_sizes_product(sizes: Sequence[int]) -> int:
    """The slip of multiplying every layer size together (784×100×10 = 784,000) instead of
    counting each gap between layers (:func:`mlp_params`): a distractor's number, not a count.

    Raises:
        ValueError: fewer than two layers, or a size < 1 or not an integer.
    """
    return math.prod(_sizes("sizes", sizes, 2))
