"""Square roots a learner takes by hand, rounded exactly in integers: the correlation, cosine,
RMSE and standard-deviation problems replay them to reject draws whose answer a careful hand
calculation would round otherwise."""

from __future__ import annotations

import math
from fractions import Fraction

from solvers.formatting import half_up_units

ROOT_PLACES = 4
"""Decimals a solution shows a square root to, and a learner writes one down with."""


def sqrt_units(num: int, den: int, places: int) -> int:
    """√(num/den) (num ≥ 0, den > 0) rounded half up to ``places`` decimals, in units of
    10⁻ᵖˡᵃᶜᵉˢ, exactly: ⌊√y + ½⌋ = ⌊(⌊√⌊4y⌋⌋ + 1)/2⌋."""
    return (math.isqrt(4 * num * 10 ** (2 * places) // den) + 1) // 2


def exact_sqrt(x: Fraction) -> Fraction | None:
    """√x when it is rational, else None."""
    num, den = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if num * num == x.numerator and den * den == x.denominator:
        return Fraction(num, den)
    return None


def over_root_units(num: int, a: int, b: int, places: int) -> int:
    """num/√(a·b) (a, b > 0) rounded half up to ``places`` decimals, in units, exactly."""
    units = sqrt_units(num * num, a * b, places)
    return -units if num < 0 else units


def over_root_by_hand(num: int, a: int, b: int, places: int) -> set[int]:
    """num/√(a·b) rounded to ``places`` decimals the ways a learner works it: √(a·b) written to
    4 decimals, or √a and √b each written to 4 decimals and multiplied."""
    scale = 10**ROOT_PLACES
    joint = sqrt_units(a * b, 1, ROOT_PLACES)
    each = sqrt_units(a, 1, ROOT_PLACES) * sqrt_units(b, 1, ROOT_PLACES)
    return {
        half_up_units(num * scale, joint, places),
        half_up_units(num * scale * scale, each, places),
    }
