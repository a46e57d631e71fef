"""Model compression arithmetic: magnitude pruning, sparsity, and low-rank factorisation counts.

(Distillation's temperature softmax is :func:`solvers.activations.softmax` with ``temperature``;
its losses are in :mod:`solvers.losses`.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _weights(w: Any) -> np.ndarray:
    arr = real_array("w", w)
    if arr.size == 0:
        raise ValueError("w must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError("w must be finite")
    return arr


def magnitude_prune(w: Any, sparsity: float) -> np.ndarray:
    """Unstructured magnitude pruning: zero the weights with the smallest |w|.

    The number pruned is round(sparsity·n) (Python rounding, as ``torch.nn.utils.prune.
    l1_unstructured`` does for a fractional amount). Among equal magnitudes the one that comes
    first in row-major order is pruned first, so the result is deterministic.

    Args:
        w: weights, any shape.
        sparsity: fraction to prune, 0–1.

    Returns:
        A new array shaped like ``w`` (floating) with the pruned entries set to 0.

    Raises:
        ValueError: empty or non-finite weights, or sparsity outside [0, 1].
    """
    arr = _weights(w)
    s = finite("sparsity", sparsity)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity!r}")
    k = round(s * arr.size)
    out = arr.copy()
    if k:
        order = np.argsort(np.abs(arr), axis=None, kind="stable")
        out.reshape(-1)[order[:k]] = 0
    return out


def sparsity(w: Any) -> float:
    """Fraction of entries that are exactly zero.

    Raises:
        ValueError: empty or non-finite weights.
    """
    arr = _weights(w)
    return float(np.count_nonzero(arr == 0)) / arr.size


def threshold_prune(w: Any, threshold: float, inclusive: bool = True) -> np.ndarray:
    """Magnitude pruning by a threshold: zero every weight with |w| ≤ threshold (|w| < threshold
    when ``inclusive`` is False), sign ignored.

    Items state the rule as a threshold ("絶対値が 0.1 以下"), and whether the boundary is pruned
    changes the answer; :func:`magnitude_prune` instead prunes a given fraction.

    Returns:
        A new floating array shaped like ``w``.

    Raises:
        ValueError: empty or non-finite weights, or a negative or non-finite threshold.
    """
    return _zero_where(w, threshold, lambda arr, t: _at_most(np.abs(arr), t, inclusive))


def signed_threshold_prune(w: Any, threshold: float) -> np.ndarray:
    """The slip of pruning by the signed value, w ≤ threshold, which also removes large negative
    weights (−0.3 ≤ 0.1): a distractor's matrix, not magnitude pruning.

    Raises:
        ValueError: as for :func:`threshold_prune`.
    """
    return _zero_where(w, threshold, lambda arr, t: _at_most(arr, t, True))


def _at_most(values: np.ndarray, threshold: float, inclusive: bool) -> np.ndarray:
    return values <= threshold if inclusive else values < threshold


def _zero_where(w: Any, threshold: float, mask: Any) -> np.ndarray:
    arr = _weights(w)
    t = finite("threshold", threshold)
    if t < 0:
        raise ValueError(f"threshold must be ≥ 0, got {threshold!r}")
    out = arr.copy()
    out[mask(arr, t)] = 0
    return out


def _dim(name: str, value: Any) -> int:
    number = finite(name, value)
    if isinstance(value, bool) or not number.is_integer() or number < 1:
        raise ValueError(f"{name} must be an integer ≥ 1, got {value!r}")
    return int(number)


def _factor_dims(m: Any, n: Any, rank: Any) -> tuple[int, int, int]:
    rows, cols, r = _dim("m", m), _dim("n", n), _dim("rank", rank)
    if r > min(rows, cols):
        raise ValueError(f"rank must be ≤ min(m, n) = {min(rows, cols)}, got {rank!r}")
    return rows, cols, r


def low_rank_params(m: int, n: int, rank: int, bias: bool = False) -> int:
    """Parameters of an m×n weight matrix replaced by a rank-r product W ≈ A·B (A: m×r, B: r×n).

    Returns:
        r·(m + n), plus m biases (one per output row) when ``bias``; e.g. 1000×1000 at rank 50
        keeps 100,000 of 1,000,000 weights.

    Raises:
        ValueError: a size < 1, a non-integer size, or rank > min(m, n).
    """
    rows, cols, r = _factor_dims(m, n, rank)
    return r * (rows + cols) + (rows if bias else 0)


def low_rank_ratio(m: int, n: int, rank: int) -> float:
    """Size of the rank-r factorisation relative to the full matrix (biases excluded).

    Returns:
        r·(m + n)/(m·n); above 1 the "compression" is larger than the original.

    Raises:
        ValueError: as for :func:`low_rank_params`.
    """
    rows, cols, r = _factor_dims(m, n, rank)
    return r * (rows + cols) / math.prod((rows, cols))


def density(w: Any) -> float:
    """Fraction of entries that are not zero: 1 − :func:`sparsity`.

    What pruning keeps rather than what it removes; mixing the two up is a common slip.

    Raises:
        ValueError: empty or non-finite weights.
    """
    arr = _weights(w)
    return float(np.count_nonzero(arr)) / arr.size
