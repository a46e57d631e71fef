"""Inverted dropout, with the random draws passed in so that a result is reproducible: each unit
is kept where its uniform draw u ≥ p (probability 1 − p) and scaled by 1/(1 − p) during
training, so that inference uses the layer unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _inputs(x: Any, u: Any, p: Any) -> tuple[np.ndarray, np.ndarray, float]:
    xa = real_array("x", x).astype(np.float64)
    ua = real_array("u", u).astype(np.float64)
    rate = finite("p", p)
    if xa.shape != ua.shape:
        raise ValueError(f"x and u must have one shape, got {xa.shape} and {ua.shape}")
    if not 0 <= rate < 1:
        raise ValueError(f"the drop rate p must lie in [0, 1), got {p!r}")
    return xa, ua, rate


def inverted_dropout(x: Any, u: Any, p: float) -> np.ndarray:
    """x·mask/(1 − p) with mask = (u ≥ p).

    Args:
        x: activations.
        u: uniform draws on [0, 1), one per activation.
        p: the probability of dropping a unit.

    Raises:
        ValueError: shapes differ or p outside [0, 1).
    """
    xa, ua, rate = _inputs(x, u, p)
    return xa * (ua >= rate) / (1 - rate)


def inverted_dropout_backward(grad_out: Any, u: Any, p: float) -> np.ndarray:
    """The gradient through :func:`inverted_dropout`: the same mask and the same 1/(1 − p).

    Raises:
        ValueError: as for :func:`inverted_dropout`.
    """
    ga, ua, rate = _inputs(grad_out, u, p)
    return ga * (ua >= rate) / (1 - rate)
