"""Descriptive statistics, similarity and distance, probability rules and moving averages.

Variances take ``ddof`` the NumPy way: ``ddof=0`` divides by n (the population variance, 母分散),
``ddof=1`` by n − 1 (the unbiased sample variance, 不偏分散). Moving averages are trailing: the
average at time t uses values up to t.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite, real_array, whole_number


def _data(name: str, x: Any, minimum: int = 1) -> np.ndarray:
    a = real_array(name, x)
    if a.ndim != 1 or a.size < minimum:
        raise ValueError(
            f"{name} must be 1-D with at least {minimum} value(s), got shape {a.shape}"
        )
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite")
    return a


def _paired(x: Any, y: Any, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
    a, b = _data("x", x, minimum), _data("y", y, minimum)
    if a.shape != b.shape:
        raise ValueError(f"x and y must have the same length, got {a.size} and {b.size}")
    return a, b


def _ddof(ddof: Any, n: int) -> int:
    d = whole_number("ddof", ddof, minimum=0)
    if d >= n:
        raise ValueError(f"ddof must be < the number of values ({n}), got {d}")
    return d


def _probability(name: str, value: Any) -> float:
    p = finite(name, value)
    if not 0 <= p <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return p


def mean(x: Any) -> float:
    """平均: the arithmetic mean.

    Raises:
        ValueError: empty, not 1-D, or not finite.
    """
    return float(np.mean(_data("x", x)))


def median(x: Any) -> float:
    """中央値: the middle value once sorted; the mean of the two middle ones for an even count.

    Raises:
        ValueError: as for :func:`mean`.
    """
    return float(np.median(_data("x", x)))


def mode(x: Any) -> tuple[float, ...]:
    """最頻値: every most frequent value, in ascending order (several when counts tie).

    Raises:
        ValueError: as for :func:`mean`.
    """
    values, counts = np.unique(_data("x", x), return_counts=True)
    return tuple(float(v) for v in values[counts == counts.max()])


def variance(x: Any, ddof: int = 0) -> float:
    """分散 Σ(x − x̄)²/(n − ddof): the population variance for ddof=0, the unbiased sample
    variance for ddof=1.

    Raises:
        ValueError: as for :func:`mean`, or ddof ≥ n.
    """
    a = _data("x", x)
    return float(np.var(a, ddof=_ddof(ddof, a.size)))


def std(x: Any, ddof: int = 0) -> float:
    """標準偏差: √ :func:`variance`.

    Raises:
        ValueError: as for :func:`variance`.
    """
    return math.sqrt(variance(x, ddof))


def covariance(x: Any, y: Any, ddof: int = 0) -> float:
    """共分散 Σ(x − x̄)(y − ȳ)/(n − ddof).

    Raises:
        ValueError: lengths differ, bad values, or ddof ≥ n.
    """
    a, b = _paired(x, y)
    d = _ddof(ddof, a.size)
    return float(np.sum((a - a.mean()) * (b - b.mean())) / (a.size - d))


def pearson(x: Any, y: Any) -> float:
    """相関係数 (Pearson's r) = Sxy/√(Sxx·Syy): the covariance over the product of the standard
    deviations, in [−1, 1]; the same whichever ddof both use.

    Raises:
        ValueError: lengths differ, fewer than 2 pairs, or a variable that does not vary.
    """
    a, b = _paired(x, y, minimum=2)
    da, db = a - a.mean(), b - b.mean()
    sxx, syy = float(np.dot(da, da)), float(np.dot(db, db))
    if sxx == 0 or syy == 0:
        raise ValueError("correlation is undefined when x or y does not vary")
    r = float(np.dot(da, db)) / math.sqrt(sxx * syy)
    return min(1.0, max(-1.0, r))


def cosine_similarity(a: Any, b: Any) -> float:
    """コサイン類似度 a·b/(‖a‖‖b‖): the cosine of the angle between two vectors, in [−1, 1].

    Raises:
        ValueError: lengths differ, or a zero vector (no direction).
    """
    u, v = _paired(a, b)
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0 or nv == 0:
        raise ValueError("cosine similarity is undefined for a zero vector")
    return min(1.0, max(-1.0, float(np.dot(u, v)) / (nu * nv)))


def euclidean(a: Any, b: Any) -> float:
    """ユークリッド距離 √Σ(aᵢ − bᵢ)².

    Raises:
        ValueError: lengths differ or bad values.
    """
    u, v = _paired(a, b)
    return float(np.linalg.norm(u - v))


def manhattan(a: Any, b: Any) -> float:
    """マンハッタン距離 Σ|aᵢ − bᵢ|.

    Raises:
        ValueError: lengths differ or bad values.
    """
    u, v = _paired(a, b)
    return float(np.sum(np.abs(u - v)))


def conditional_probability(p_joint: float, p_given: float) -> float:
    """条件付き確率 P(A|B) = P(A∩B)/P(B).

    Raises:
        ValueError: a probability outside [0, 1], P(B) = 0, or P(A∩B) > P(B).
    """
    joint, given = _probability("p_joint", p_joint), _probability("p_given", p_given)
    if given == 0:
        raise ValueError("P(A|B) is undefined when P(B) = 0")
    if joint > given:
        raise ValueError(f"P(A∩B) cannot exceed P(B): {p_joint!r} > {p_given!r}")
    return joint / given


def posteriors(priors: Any, likelihoods: Any) -> np.ndarray:
    """ベイズの定理 over exclusive hypotheses: P(Hᵢ|E) = P(E|Hᵢ)P(Hᵢ) / Σⱼ P(E|Hⱼ)P(Hⱼ).

    Raises:
        ValueError: lengths differ, a value outside [0, 1], priors that do not sum to 1, or
            evidence of probability 0.
    """
    prior, like = _paired(priors, likelihoods)
    if np.any((prior < 0) | (prior > 1)) or np.any((like < 0) | (like > 1)):
        raise ValueError("priors and likelihoods must lie in [0, 1]")
    if not math.isclose(float(prior.sum()), 1.0, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(f"priors must sum to 1, got {float(prior.sum())!r}")
    joint = prior * like
    evidence = float(joint.sum())
    if evidence == 0:
        raise ValueError("the evidence has probability 0 under every hypothesis")
    return joint / evidence


def bayes_posterior(prior: float, likelihood: float, false_alarm: float) -> float:
    """P(H|E) for a hypothesis H and its complement: a test's positive predictive value, with
    ``prior`` = P(H) (prevalence), ``likelihood`` = P(E|H) (sensitivity) and ``false_alarm`` =
    P(E|¬H) (1 − specificity).

    Raises:
        ValueError: as for :func:`posteriors`.
    """
    p = _probability("prior", prior)
    return float(posteriors([p, 1 - p], [likelihood, false_alarm])[0])


def binomial_pmf(k: int, n: int, p: float) -> float:
    """二項分布 P(X = k) = ₙCₖ pᵏ (1 − p)ⁿ⁻ᵏ: k successes in n independent trials.

    Raises:
        ValueError: k or n not whole numbers with 0 ≤ k ≤ n, or p outside [0, 1].
    """
    trials = whole_number("n", n, minimum=0)
    hits = whole_number("k", k, minimum=0)
    if hits > trials:
        raise ValueError(f"k must be ≤ n ({trials}), got {hits}")
    q = _probability("p", p)
    return math.comb(trials, hits) * q**hits * (1 - q) ** (trials - hits)


def poisson_pmf(k: int, lam: float) -> float:
    """ポアソン分布 P(X = k) = λᵏ e^(−λ)/k!: k events when λ are expected.

    Raises:
        ValueError: k not a whole number ≥ 0, or λ not > 0.
    """
    hits = whole_number("k", k, minimum=0)
    rate = finite("lam", lam)
    if rate <= 0:
        raise ValueError(f"lam must be > 0, got {lam!r}")
    return math.exp(hits * math.log(rate) - rate - math.lgamma(hits + 1))


def moving_average(x: Any, window: int) -> np.ndarray:
    """単純移動平均 (SMA): the mean of each run of ``window`` consecutive values, one per time
    from the window-th on (n − window + 1 values).

    Raises:
        ValueError: bad values, or a window outside 1…n.
    """
    a = _data("x", x)
    w = whole_number("window", window)
    if w > a.size:
        raise ValueError(f"window must be ≤ the number of values ({a.size}), got {w}")
    sums = np.cumsum(np.r_[0.0, a])
    return (sums[w:] - sums[:-w]) / w


def exponential_moving_average(x: Any, alpha: float) -> np.ndarray:
    """指数移動平均 (EMA): s₁ = x₁, then sₜ = αxₜ + (1 − α)sₜ₋₁, one value per time.

    Raises:
        ValueError: bad values, or α outside (0, 1].
    """
    a = _data("x", x)
    smoothing = finite("alpha", alpha)
    if not 0 < smoothing <= 1:
        raise ValueError(f"alpha must lie in (0, 1], got {alpha!r}")
    out = np.empty_like(a, dtype=np.float64)
    out[0] = a[0]
    for t in range(1, a.size):
        out[t] = smoothing * a[t] + (1 - smoothing) * out[t - 1]
    return out
