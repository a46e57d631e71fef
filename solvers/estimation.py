"""Point estimates of simple probability models: maximum likelihood (MLE) and maximum a
posteriori (MAP) for a Bernoulli and a Gaussian."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import finite, real_array, whole_number


def _counts(k: Any, n: Any) -> tuple[int, int]:
    trials = whole_number("n", n)
    successes = whole_number("k", k, minimum=0)
    if successes > trials:
        raise ValueError(f"k must be ≤ n, got k={k!r}, n={n!r}")
    return successes, trials


def bernoulli_mle(k: int, n: int) -> float:
    """θ̂ = k/n, the θ that maximises θᵏ(1−θ)ⁿ⁻ᵏ.

    Raises:
        ValueError: n < 1, or k outside 0…n.
    """
    successes, trials = _counts(k, n)
    return successes / trials


def gaussian_mle(x: Any) -> tuple[float, float]:
    """(μ̂, σ̂²) maximising the Gaussian likelihood: the sample mean and the variance divided by
    n (biased; the unbiased estimate divides by n − 1).

    Raises:
        ValueError: no data or a non-finite value.
    """
    arr = real_array("x", x).astype(np.float64).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"x must be a non-empty list of finite numbers, got {x!r}")
    mu = float(arr.mean())
    return mu, float(np.mean((arr - mu) ** 2))


def _beta(a: Any, b: Any) -> tuple[float, float]:
    alpha, beta = finite("a", a), finite("b", b)
    if alpha <= 0 or beta <= 0:
        raise ValueError(f"Beta parameters must be positive, got a={a!r}, b={b!r}")
    return alpha, beta


def beta_bernoulli_map(k: int, n: int, a: float, b: float) -> float:
    """MAP estimate of θ under a Beta(a, b) prior after k successes in n trials: the mode of the
    posterior Beta(k + a, n − k + b), (k + a − 1)/(n + a + b − 2).

    Raises:
        ValueError: bad counts or parameters, or a posterior without an interior mode
            (k + a < 1 or n − k + b < 1, or both equal to 1).
    """
    successes, trials = _counts(k, n)
    alpha, beta = _beta(a, b)
    post_a, post_b = successes + alpha, trials - successes + beta
    if post_a < 1 or post_b < 1 or post_a + post_b <= 2:
        raise ValueError("the posterior has no single interior mode")
    return (post_a - 1) / (post_a + post_b - 2)


def beta_bernoulli_mean(k: int, n: int, a: float, b: float) -> float:
    """Posterior mean of θ under a Beta(a, b) prior: (k + a)/(n + a + b) (a = b = 1 gives
    Laplace's rule of succession).

    Raises:
        ValueError: bad counts or parameters.
    """
    successes, trials = _counts(k, n)
    alpha, beta = _beta(a, b)
    return (successes + alpha) / (trials + alpha + beta)
