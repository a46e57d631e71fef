"""Logarithms a prompt gives to 4 decimals, and the hand sums built from them.

The information-theory, likelihood and generative-model problems ask for sums of p·log q. Their
prompts list every logarithm the learner needs (ln 0.3 ≈ −1.2040, log₂ 0.5 = −1) and the
generators replay the sum with those 4-decimal values, in integers, rejecting a draw on which it
would round to another answer than the exact value.
"""

from __future__ import annotations

import math
from functools import lru_cache

from solvers.formatting import MINUS, fmt_units, half_up_units

LOG_PLACES = 4
UNIT = 10**LOG_PLACES
_NAMES = {"nats": "ln", "bits": "log₂"}


@lru_cache(maxsize=4096)
def log_units(num: int, den: int, unit: str) -> int:
    """log(num/den) in ``unit`` (nats or bits) rounded half up to 4 decimals, in 10⁻⁴ units."""
    if unit == "bits" and num & (num - 1) == 0 and den & (den - 1) == 0:
        return (num.bit_length() - den.bit_length()) * UNIT  # a power of two: exact
    value = math.log(num / den) if unit == "nats" else math.log2(num / den)
    return round(value * UNIT)  # never a tie: log of a rational is irrational or an integer


def log_name(unit: str) -> str:
    """The logarithm's symbol: ln (nats) or log₂ (bits)."""
    return _NAMES[unit]


units_text = lru_cache(maxsize=8192)(fmt_units)
""":func:`solvers.formatting.fmt_units`, memoised: the hand sums show the same few values."""


@lru_cache(maxsize=4096)
def log_entry(shown: str, num: int, den: int, unit: str) -> str:
    """「ln 0.3 ≈ −1.2040」, or 「log₂ 0.5 = −1」 for an exact logarithm."""
    units = log_units(num, den, unit)
    g = math.gcd(num, den)
    n, d = num // g, den // g
    if n == d or (unit == "bits" and n & (n - 1) == 0 and d & (d - 1) == 0):
        return f"{log_name(unit)} {shown} = {fmt_units(units // UNIT, 0)}"
    return f"{log_name(unit)} {shown} ≈ {fmt_units(units, LOG_PLACES)}"


def near_tie(x: float, places: int) -> bool:
    """Whether x is so close to a rounding boundary at ``places`` decimals that float error could
    move it (its exact value is irrational, so it is never on one)."""
    scaled = abs(x) * 10**places
    return abs(scaled - math.floor(scaled) - 0.5) < 1e-7


def hand_rounds_to(num: int, den: int, x: float, places: int) -> bool:
    """Whether the hand value num/den and the exact x round alike at ``places`` decimals."""
    return half_up_units(num, den, places) == half_up_units(*_ratio(x), places)


def _ratio(x: float) -> tuple[int, int]:
    return x.as_integer_ratio()


def signed(units: int, places: int) -> str:
    """A count of 10⁻ᵖˡᵃᶜᵉˢ in parentheses when negative, ready to multiply: (−1.2040)."""
    text = units_text(units, places)
    return f"({text})" if text.startswith(MINUS) else text


def clashes(shown: list[int], shown_places: int, exact: float, places: int) -> bool:
    """Whether a value a solution shows (counts of 10⁻ˢʰᵒʷⁿ⁻ᵖˡᵃᶜᵉˢ) lies within its last digit
    of the exact answer yet rounds to something else: a reader would take it for the answer
    (JS's KL(P‖M) can land within 10⁻⁵ of JS itself)."""
    target = half_up_units(*_ratio(exact), places)
    unit = 10.0**-shown_places
    for units in shown:
        if (
            abs(units * unit - exact) <= unit
            and half_up_units(units, 10**shown_places, places) != target
        ):
            return True
    return False
