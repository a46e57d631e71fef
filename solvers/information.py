"""Information theory on small discrete distributions: entropy, cross-entropy, KL and JS
divergence, and the perplexity of a language model's token probabilities.

``base`` is the logarithm's base: ``2`` gives bits, ``math.e`` (the default) nats. A term with
p = 0 contributes 0 (p log p → 0); a q = 0 where p > 0 makes a divergence infinite, which is
refused rather than returned, since no hand problem asks for it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _dist(name: str, p: Any) -> np.ndarray:
    arr = real_array(name, p).astype(np.float64)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be a non-empty 1-D list of probabilities ≥ 0, got {p!r}")
    if abs(float(arr.sum()) - 1.0) > 1e-9:
        raise ValueError(f"{name} must sum to 1, got {float(arr.sum())!r}")
    return arr


def _pair(p: Any, q: Any) -> tuple[np.ndarray, np.ndarray]:
    pa, qa = _dist("p", p), _dist("q", q)
    if pa.shape != qa.shape:
        raise ValueError(f"p and q must have the same length, got {pa.size} and {qa.size}")
    if np.any((qa == 0) & (pa > 0)):
        raise ValueError("q is 0 where p is not: the divergence is infinite")
    return pa, qa


def _log_base(base: Any) -> float:
    b = finite("base", base)
    if b <= 0 or b == 1:
        raise ValueError(f"base must be positive and not 1, got {base!r}")
    return math.log(b)


def _plogq(p: np.ndarray, q: np.ndarray) -> float:
    """Σ p log q (natural log) over the terms with p > 0."""
    mask = p > 0
    return float(np.dot(p[mask], np.log(q[mask])))


def entropy(p: Any, base: float = math.e) -> float:
    """H(P) = −Σ p log p.

    Raises:
        ValueError: not a probability vector, or a bad base.
    """
    pa = _dist("p", p)
    return -_plogq(pa, pa) / _log_base(base)


def cross_entropy_dist(p: Any, q: Any, base: float = math.e) -> float:
    """H(P, Q) = −Σ p log q: the mean code length of P's outcomes coded for Q
    (:func:`solvers.losses.cross_entropy_probs` is its one-hot special case).

    Raises:
        ValueError: not probability vectors of one length, or q = 0 where p > 0.
    """
    pa, qa = _pair(p, q)
    return -_plogq(pa, qa) / _log_base(base)


def kl_divergence(p: Any, q: Any, base: float = math.e) -> float:
    """KL(P‖Q) = Σ p log(p/q) = H(P, Q) − H(P) ≥ 0; not symmetric.

    Raises:
        ValueError: as for :func:`cross_entropy_dist`.
    """
    pa, qa = _pair(p, q)
    return (_plogq(pa, pa) - _plogq(pa, qa)) / _log_base(base)


def js_divergence(p: Any, q: Any, base: float = math.e) -> float:
    """JS(P‖Q) = ½KL(P‖M) + ½KL(Q‖M) with M = (P + Q)/2: symmetric, at most log 2.

    Raises:
        ValueError: not probability vectors of one length.
    """
    pa, qa = _dist("p", p), _dist("q", q)
    if pa.shape != qa.shape:
        raise ValueError(f"p and q must have the same length, got {pa.size} and {qa.size}")
    m = (pa + qa) / 2
    return (kl_divergence(pa, m, base) + kl_divergence(qa, m, base)) / 2


def perplexity(token_probs: Any) -> float:
    """exp(−(1/N) Σ ln pᵢ): the inverse geometric mean of the probabilities the model gave the
    N tokens that occurred (the exponential of the mean cross-entropy in nats).

    Raises:
        ValueError: no probabilities, or one outside (0, 1].
    """
    arr = real_array("token_probs", token_probs).astype(np.float64).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr > 1):
        raise ValueError(f"token_probs must be probabilities in (0, 1], got {token_probs!r}")
    return float(np.exp(-np.mean(np.log(arr))))
