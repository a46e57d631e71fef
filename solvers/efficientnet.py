"""EfficientNet compound scaling (Tan & Le, 2019).

One coefficient φ scales depth by α^φ, width by β^φ and input resolution by γ^φ. FLOPs grow
linearly with depth and quadratically with width and resolution, so one step of φ multiplies them
by α·β²·γ²; the paper's grid search gave α = 1.2, β = 1.1, γ = 1.15 under α·β²·γ² ≈ 2.
"""

from __future__ import annotations

from typing import Any

from solvers._checks import finite

ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15


def _base(name: str, value: Any) -> float:
    number = finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def compound_multipliers(
    phi: float, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA
) -> tuple[float, float, float]:
    """Depth, width and resolution multipliers for compound coefficient φ.

    Returns:
        (α^φ, β^φ, γ^φ); φ = 3 with the paper's values gives (1.728, 1.331, 1.520875).

    Raises:
        ValueError: a non-positive base or a non-finite argument.
    """
    p = finite("phi", phi)
    return _base("alpha", alpha) ** p, _base("beta", beta) ** p, _base("gamma", gamma) ** p


def flops_factor(alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA) -> float:
    """FLOPs multiplier of one step of φ: α·β²·γ² (≈ 1.92 for the paper's values).

    Raises:
        ValueError: a non-positive base or a non-finite argument.
    """
    b, g = _base("beta", beta), _base("gamma", gamma)
    return _base("alpha", alpha) * b * b * g * g


def flops_multiplier(
    phi: float, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA
) -> float:
    """FLOPs of the scaled network relative to the baseline: (α·β²·γ²)^φ.

    Raises:
        ValueError: a non-positive base or a non-finite argument.
    """
    return flops_factor(alpha, beta, gamma) ** finite("phi", phi)


def flops_times_phi(
    phi: float, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA
) -> float:
    """The slip of multiplying the one-step factor by φ instead of raising it to φ: φ·α·β²·γ².

    Compound scaling compounds: φ = 3 gives 1.92³ ≈ 7.08, while 3 × 1.92 ≈ 5.76 is what a
    learner who treats the growth as linear reports, a distractor's number.

    Raises:
        ValueError: a non-positive base or a non-finite argument.
    """
    return finite("phi", phi) * flops_factor(alpha, beta, gamma)
