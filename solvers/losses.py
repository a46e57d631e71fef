"""Loss functions for classification and regression, as PyTorch defines them with mean reduction.

Losses return a Python float. Logit-based functions go through log-softmax so that logits such as
1000 neither overflow nor lose precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import real_array
from solvers.activations import log_softmax


def _targets(scores: np.ndarray, target_index: Any) -> np.ndarray:
    """Validate class indices against 1-D (K,) or 2-D (N, K) scores and return them as int64."""
    if scores.ndim not in (1, 2) or 0 in scores.shape:
        raise ValueError(f"scores must be 1-D (K,) or 2-D (N, K) and non-empty, got {scores.shape}")
    if scores.ndim == 1 and type(target_index) is int and 0 <= target_index < scores.shape[0]:
        return np.int64(target_index)  # one sample, a valid plain int: the generators' case
    target = np.asarray(target_index)
    expected = () if scores.ndim == 1 else (scores.shape[0],)
    if target.shape != expected:
        raise ValueError(
            f"target_index must have shape {expected} for scores of shape {scores.shape}, "
            f"got {target.shape}"
        )
    if (
        target.dtype.kind == "f"
        and np.all(np.isfinite(target))
        and np.all(target == np.rint(target))
    ):
        target = target.astype(np.int64)
    if target.dtype.kind not in "iu":
        raise ValueError(f"target_index must hold integer class indices, got {target_index!r}")
    k = scores.shape[-1]
    if np.any(target < 0) or np.any(target >= k):
        raise ValueError(f"target_index must be in [0, {k - 1}], got {target_index!r}")
    return target.astype(np.int64)


def _picked(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    if values.ndim == 1:
        return values[target]
    return values[np.arange(values.shape[0]), target]


def cross_entropy(logits: Any, target_index: Any) -> float:
    """Softmax cross-entropy −log softmax(z)[t] from raw logits.

    Args:
        logits: (K,) for one sample or (N, K) for a batch.
        target_index: the correct class, an int for 1-D logits or (N,) ints for a batch.

    Returns:
        The loss; the mean over the batch for 2-D logits.

    Raises:
        ValueError: wrong shapes, or a class index outside [0, K).
    """
    return cross_entropy_with_grad(logits, target_index)[0]


def cross_entropy_with_grad(logits: Any, target_index: Any) -> tuple[float, np.ndarray]:
    """:func:`cross_entropy` and :func:`softmax_cross_entropy_grad` from one softmax pass.

    The gradient keeps the logits' dtype (float32 stays float32) because the TinyCNN
    (solvers.cnn.training) trains through this: the worked examples and the training loop share one
    formula. The loss is log Σexp(z − max) − (z_t − max), stable for logits such as 1000.

    Raises:
        ValueError: as for :func:`cross_entropy`.
    """
    z = real_array("logits", logits)
    target = _targets(z, target_index)
    with np.errstate(over="ignore"):
        shifted = z - z.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    loss = float(np.mean(np.log(total[..., 0]) - _picked(shifted, target)))
    grad = exp / total
    if z.ndim == 1:
        grad[target] -= 1.0
        return loss, grad
    grad[np.arange(z.shape[0]), target] -= 1.0
    grad /= z.shape[0]
    return loss, grad


def cross_entropy_probs(probs: Any, target_index: Any) -> float:
    """Cross-entropy −log p[t] when the probabilities are given directly.

    Args:
        probs: (K,) or (N, K) probabilities in [0, 1] (not required to sum to 1).
        target_index: the correct class, an int or (N,) ints.

    Returns:
        −log p[t], the batch mean for 2-D input; ``inf`` when p[t] = 0.

    Raises:
        ValueError: probabilities outside [0, 1], wrong shapes or a bad class index.
    """
    p = real_array("probs", probs)
    target = _targets(p, target_index)
    if np.any(~((p >= 0) & (p <= 1))):
        raise ValueError("probs must lie in [0, 1]")
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(_picked(p, target))))


def binary_cross_entropy(p: Any, y: Any) -> float:
    """Binary cross-entropy −[y·log p + (1−y)·log(1−p)], averaged over all elements.

    A term whose weight is zero counts as 0 (0·log 0 = 0), so p = y = 1 gives 0; a confident wrong
    prediction (p = 0 with y = 1) gives ``inf``.

    Args:
        p: predicted probabilities in [0, 1], scalar or array.
        y: targets in [0, 1] of the same shape (soft labels allowed).

    Raises:
        ValueError: shapes differ, empty input, or values outside [0, 1].
    """
    pa, ya = real_array("p", p), real_array("y", y)
    if pa.shape != ya.shape:
        raise ValueError(f"p and y must have the same shape, got {pa.shape} and {ya.shape}")
    if pa.size == 0:
        raise ValueError("p and y must not be empty")
    for name, arr in (("p", pa), ("y", ya)):
        if np.any(~((arr >= 0) & (arr <= 1))):
            raise ValueError(f"{name} must lie in [0, 1]")
    with np.errstate(divide="ignore"):
        pos = np.where(ya > 0, ya * np.log(np.where(ya > 0, pa, 1.0)), 0.0)
        neg = np.where(ya < 1, (1 - ya) * np.log1p(-np.where(ya < 1, pa, 0.0)), 0.0)
    return float(-np.mean(pos + neg))


def mse(pred: Any, target: Any) -> float:
    """Mean squared error: the mean of (pred − target)² over all elements.

    Raises:
        ValueError: shapes differ (no broadcasting) or the input is empty.
    """
    a, b = real_array("pred", pred), real_array("target", target)
    if a.shape != b.shape:
        raise ValueError(f"pred and target must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("pred and target must not be empty")
    diff = a - b
    return float(np.mean(diff * diff))


def softmax_cross_entropy_grad(logits: Any, target_index: Any) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits: softmax(z) − onehot(t).

    Returns:
        An array shaped like ``logits``; divided by N for a 2-D batch because the loss is a mean.

    Raises:
        ValueError: as for :func:`cross_entropy`.
    """
    return cross_entropy_with_grad(logits, target_index)[1]


def target_logit_grad_size(logits: Any, target_index: Any) -> float:
    """|∂L/∂z_t| of softmax cross-entropy on the correct logit of one sample: 1 − p_t.

    The loss is −ln p_t; its gradient on the correct logit is p_t − 1, so its size 1 − p_t is a
    number learners mix up with the loss (logits (2, 1, 0.1): 0.341 against a loss of 0.417).

    Raises:
        ValueError: logits not 1-D, or as for :func:`cross_entropy`.
    """
    z = real_array("logits", logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be 1-D (one sample), got shape {z.shape}")
    grad = softmax_cross_entropy_grad(z, target_index)
    return float(abs(grad[_targets(z, target_index)]))


def label_smoothing_cross_entropy(logits: Any, target_index: Any, smoothing: float) -> float:
    """Cross-entropy against the smoothed target (1 − ε)·onehot + ε/K over all K classes
    (Szegedy et al., 2016; PyTorch's ``CrossEntropyLoss(label_smoothing=ε)``), mean over N.

    Raises:
        ValueError: bad shapes or indices, or ε outside [0, 1].
    """
    z = real_array("logits", logits).astype(np.float64)
    t = _targets(z, target_index)
    eps = float(smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"smoothing must be in [0, 1], got {smoothing!r}")
    logp = np.atleast_2d(log_softmax(z, axis=-1))
    k = logp.shape[-1]
    q = np.full(logp.shape, eps / k)
    q[np.arange(len(q)), np.atleast_1d(t)] += 1.0 - eps
    return float(-(q * logp).sum(axis=-1).mean())


def focal_loss(p: Any, y: Any, gamma: float = 2.0) -> float:
    """Binary focal loss (Lin et al., 2017) without the α weight, mean over samples:
    −(1 − p_t)^γ·log p_t with p_t = p for y = 1 and 1 − p for y = 0. γ = 0 is the BCE.

    Raises:
        ValueError: shapes differ, p outside (0, 1), y not 0/1, or γ < 0.
    """
    pa, ya = real_array("p", p).astype(np.float64), real_array("y", y)
    if pa.shape != ya.shape or pa.size == 0:
        raise ValueError(f"p and y must have one non-empty shape, got {pa.shape}, {ya.shape}")
    if np.any((pa <= 0) | (pa >= 1)) or not np.all(np.isin(ya, (0, 1))):
        raise ValueError("p must lie in (0, 1) and y be 0 or 1")
    g = float(gamma)
    if g < 0:
        raise ValueError(f"gamma must be ≥ 0, got {gamma!r}")
    pt = np.where(ya == 1, pa, 1.0 - pa)
    return float(np.mean(-((1.0 - pt) ** g) * np.log(pt)))
