"""solvers.generators._roots: square roots rounded exactly in integers, and the by-hand roundings
the correlation and cosine problems replay, against 60-digit decimals."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.generators._roots import exact_sqrt, over_root_by_hand, over_root_units, sqrt_units

from .hand_numbers import CTX, dec, half_up, sqrt

FAST = settings(max_examples=200, deadline=None)


def _units(x, places: int) -> int:
    return int(half_up(x, places).scaleb(places))


@given(st.integers(0, 10**6), st.integers(1, 1000), st.integers(0, 5))
@FAST
def test_sqrt_units_is_the_rounded_root(num, den, places):
    assert sqrt_units(num, den, places) == _units(sqrt(Fraction(num, den)), places)


@given(st.integers(-500, 500), st.integers(1, 500), st.integers(1, 500), st.integers(1, 4))
@FAST
def test_over_root_units_is_the_rounded_ratio(num, a, b, places):
    root = sqrt(Fraction(a * b))
    exact = (
        Fraction(num) / root if isinstance(root, Fraction) else CTX.divide(dec(Fraction(num)), root)
    )
    assert over_root_units(num, a, b, places) == _units(exact, places)


def test_exact_sqrt():
    assert exact_sqrt(Fraction(9, 4)) == Fraction(3, 2)
    assert exact_sqrt(Fraction(2)) is None
    assert exact_sqrt(Fraction(0)) == 0


def test_by_hand_roots_can_round_otherwise():
    """37/√6 = 15.1052 rounds to 15.11, but with √2 ≈ 1.4142 and √3 ≈ 1.7321 written down first,
    37/(1.4142×1.7321) = 15.1049 rounds to 15.10: a generator must not ask for it."""
    assert over_root_units(37, 2, 3, 2) == 1511
    assert over_root_by_hand(37, 2, 3, 2) == {1510, 1511}
    assert over_root_by_hand(37, 6, 1, 2) == {1511}
