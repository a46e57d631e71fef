"""Numbers as a Japanese exam shows them, and how precisely an answer must match.

Display conventions: the minus sign is U+2212 (−), thousands are grouped with commas (1,769,472),
powers of ten use superscripts (9.54×10⁻⁷), and trailing zeros after the decimal point are dropped
(0.250 → 0.25). Every string produced here is read back by ``quizapp.grading.parse_number``.

Rounding is 四捨五入, as the prompts say. A value known exactly (:data:`Exact`: a ``Fraction`` or
``Decimal``, e.g. 1.15² = 529/400) is rounded exactly, so a true tie such as 1.3225 always rounds
up; a float is taken as the number it is written as (its shortest repr). A generator whose answer
is rational computes it as a ``Fraction``: float arithmetic can move a tie (1.15**2 is
1.3224999999999998) and no formatting can tell that from a value just below it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

MINUS = "−"
_CACHE = 8192
"""Formatted numbers kept per function: generators format the same few values (a 0.05 grid of
weights, small integers) dozens of times a problem. The functions are pure, so this is a memo."""
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_FROM_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_STEP_EXTRA = 12
"""Digits :func:`fmt_step` may add; a float carries about 17, so 12 past 4 is all there is."""
_SUBSCRIPT = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")

FormatKind = Literal["int", "fixed", "sig", "exact"]
Answer = float | tuple[float, ...]
Exact = Fraction | Decimal
"""A value known exactly; the functions here round it exactly."""
Number = float | int | Fraction | Decimal


def superscript(n: int) -> str:
    """An integer exponent in superscript digits: −7 → "⁻⁷"."""
    return str(int(n)).translate(_SUPERSCRIPT)


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _strip_zeros(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_WIDE = Context(prec=1000)
"""Enough digits for the exact binary value of any float."""
_TIE_NOISE = Decimal("1e-10")
"""How far (in units of the last place) a float may sit from a written tie and still round as
that tie: well inside the 1e-9 margin of the "fixed" tolerance."""


def is_shown_tie(shown: Decimal, places: int) -> bool:
    """Whether the decimal ``shown`` ends in a 5 exactly one place past ``places``."""
    tail = abs(shown).scaleb(places + 1, _WIDE)
    return tail == tail.to_integral_value(context=_WIDE) and _WIDE.remainder(tail, 10) == 5


def _half_up(x: float, places: int) -> Decimal:
    """``x`` rounded to ``places`` decimals the way a learner does it by hand (四捨五入).

    A tie in the number as written (its shortest repr: 0.125, 1.005) rounds up in magnitude
    when the float is that tie up to noise far below the grading tolerance; anything else is
    rounded from its exact binary value, so the result stays within half a unit of ``x``."""
    unit = Decimal(1).scaleb(-places)
    shown = Decimal(repr(float(x)))
    exact = Decimal(float(x))
    if is_shown_tie(shown, places) and abs(_WIDE.subtract(shown, exact)) <= unit * _TIE_NOISE:
        return shown.quantize(unit, ROUND_HALF_UP, _WIDE)
    return exact.quantize(unit, ROUND_HALF_EVEN, _WIDE)


def _may_be_tie(x: float) -> bool:
    """False when no rounding of ``x`` can meet a written tie (its repr does not end in 5), so
    Python's own formatting, which rounds the exact binary value, gives the 四捨五入 result.
    This keeps the Decimal path off the common case (generators format thousands of numbers)."""
    return repr(float(x)).partition("e")[0].rstrip("0").endswith("5")


def _round_exact(x: Exact, places: int) -> Decimal:
    """``x`` rounded to ``places`` decimals, a tie away from zero (四捨五入), exactly."""
    if isinstance(x, Decimal):
        return x.quantize(Decimal(1).scaleb(-places, _WIDE), ROUND_HALF_UP, _WIDE)
    return Decimal(half_up_units(x.numerator, x.denominator, places)).scaleb(-places, _WIDE)


def _exponent(x: Exact) -> int:
    """⌊log₁₀|x|⌋ of a non-zero exact value."""
    if isinstance(x, Decimal):
        return x.adjusted()
    a = abs(x)
    e = len(str(a.numerator)) - len(str(a.denominator))
    return e - 1 if a < Fraction(10) ** e else e


def half_up_units(num: int, den: int, places: int = 0) -> int:
    """num/den (den > 0) rounded to ``places`` decimals, a tie away from zero (四捨五入), as a
    count of 10⁻ᵖˡᵃᶜᵉˢ: exact like a ``Fraction`` and far cheaper, for the hand calculations a
    generator replays on every draw."""
    if places >= 0:
        units = (2 * abs(num) * 10**places + den) // (2 * den)
    else:
        den *= 10**-places
        units = (2 * abs(num) + den) // (2 * den)
    return -units if num < 0 else units


def fmt_units(units: int, places: int) -> str:
    """A count of 10⁻ᵖˡᵃᶜᵉˢ with exactly ``places`` decimals: (−12247, 4) → "−1.2247"."""
    whole, part = divmod(abs(units), 10**places)
    text = f"{whole}.{part:0{places}d}" if places else str(whole)
    return MINUS + text if units < 0 else text


@lru_cache(maxsize=_CACHE)
def written(x: float | int) -> Fraction:
    """A parameter as the exact decimal a prompt writes it: 0.1 → 1/10, not the binary
    0.1000000000000000055…; the start of an exact computation."""
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def round_half_up(x: Number, places: int) -> Fraction:
    """``x`` rounded to ``places`` decimals (四捨五入), as an exact fraction: the number a
    learner writes down for an intermediate step and computes on with."""
    if isinstance(x, Fraction | Decimal):
        return Fraction(_round_exact(x, places))
    return Fraction(_half_up(x, places))


@lru_cache(maxsize=_CACHE, typed=True)
def fmt_int(x: Number) -> str:
    """A whole number with comma grouping, rounded half up: 1769472 → "1,769,472", −3 → "−3"."""
    if isinstance(x, int):
        return _minus(f"{x:,}")
    if isinstance(x, Fraction | Decimal):
        return _minus(f"{int(_round_exact(x, 0)):,}")
    if x.is_integer():
        return _minus(f"{int(x):,}")
    if not _may_be_tie(x):
        return _minus(f"{round(x):,}")
    return _minus(f"{int(_half_up(x, 0)):,}")


@lru_cache(maxsize=_CACHE, typed=True)
def fmt_fixed(x: Number, places: int) -> str:
    """``x`` rounded half up (四捨五入) to ``places`` decimals, trailing zeros dropped:
    (0.2500, 3) → "0.25", (0.125, 2) → "0.13", (Fraction(529, 400), 3) → "1.323"."""
    if isinstance(x, Fraction | Decimal):
        text = f"{_round_exact(x, places):f}"
    elif not math.isfinite(x):
        return _minus(str(x))
    else:
        text = _fixed_float(x, places)
    text = _strip_zeros(text)
    if text in ("-0", "0"):
        return "0"
    return _minus(text)


def _fixed_float(x: float, places: int) -> str:
    shown = repr(float(x))
    point = shown.find(".")
    if "e" in shown or point < 0:
        exact = _may_be_tie(x)
        text = f"{_half_up(x, places):f}" if exact else f"{x:.{places}f}"
    elif len(shown) - point - 1 <= places and math.ulp(x) * 1000 <= 10.0**-places:
        text = shown  # nothing to round (0.35 stays 0.35), and the float is that decimal
    elif len(shown) - point - 2 == places and shown.endswith("5"):
        text = f"{_half_up(x, places):f}"
    else:
        text = f"{x:.{places}f}"
    return text


def _sig_decimal(x: Number, digits: int) -> Decimal:
    """``x`` rounded (四捨五入) to ``digits`` significant figures, as a Decimal."""
    if isinstance(x, Fraction | Decimal):
        magnitude = _exponent(x)
        rounded = _round_exact(x, digits - 1 - magnitude)
    else:
        magnitude = Decimal(float(x)).adjusted()
        rounded = _half_up(x, digits - 1 - magnitude)
    if rounded.adjusted() > magnitude:  # 9.995 → 10.0: one digit too many
        rounded = rounded.quantize(Decimal(1).scaleb(rounded.adjusted() - digits + 1))
    return rounded


def round_sig(x: Number, digits: int) -> float:
    """``x`` rounded half up to ``digits`` significant figures (0 and non-finite unchanged)."""
    if isinstance(x, Fraction | Decimal):
        return float(_sig_decimal(x, digits)) if x else 0.0
    if x == 0 or not math.isfinite(x):
        return x
    if not _may_be_tie(x):
        return float(f"{x:.{digits - 1}e}")
    return float(_sig_decimal(x, digits))


@lru_cache(maxsize=_CACHE, typed=True)
def fmt_sig(x: Number, digits: int = 3) -> str:
    """``digits`` significant figures (四捨五入); ×10ⁿ outside 10⁻³ ≤ |x| < 10⁶: 9.54×10⁻⁷,
    0.0854, 14."""
    if x == 0:
        return "0"
    if isinstance(x, Fraction | Decimal):
        rounded = _sig_decimal(x, digits)
    elif not math.isfinite(x):
        return _minus(str(x))
    elif not _may_be_tie(x):
        mantissa, _, exp = f"{x:.{digits - 1}e}".partition("e")
        rounded = Decimal(f"{mantissa}e{exp}")
    else:
        rounded = _sig_decimal(x, digits)
    exponent = rounded.adjusted()
    if -3 <= exponent < 6:
        if digits - 1 - exponent > 0:
            return _minus(_strip_zeros(f"{rounded:f}"))
        return _minus(f"{int(rounded):,}")
    mantissa = f"{rounded.scaleb(-exponent):.{digits - 1}f}"
    return _minus(_strip_zeros(mantissa)) + "×10" + superscript(exponent)


@lru_cache(maxsize=_CACHE, typed=True)
def fmt_dec(x: Number, places: int) -> str:
    """A worked-solution intermediate with exactly ``places`` decimals: −1.4142, 0.0500."""
    if isinstance(x, Fraction | Decimal):
        text = f"{_round_exact(x, places):f}"
    elif not math.isfinite(x):
        text = str(x)
    elif _may_be_tie(x):
        text = f"{_half_up(x, places):f}"
    else:
        text = f"{x:.{places}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return _minus(text)


def paren(x: float | str) -> str:
    """A number ready to substitute into a formula: negatives in parentheses, "(−2)"."""
    text = x if isinstance(x, str) else fmt_plain(x)
    return f"({text})" if text.startswith(MINUS) else text


def power(base: str, exponent: float) -> str:
    """``base`` raised to ``exponent``: superscript digits for integers (0.25¹⁰), else ^(…)."""
    if float(exponent).is_integer():
        return base + superscript(int(exponent))
    return f"{base}^({fmt_plain(exponent)})"


def subscript(n: int) -> str:
    """An integer index in subscript digits: 12 → "₁₂"."""
    return str(int(n)).translate(_SUBSCRIPT)


@lru_cache(maxsize=_CACHE, typed=True)
def fmt_plain(x: Number, max_places: int = 6) -> str:
    """An exact short decimal as written by hand: −0.30000000000000004 → "−0.3", 2.0 → "2"."""
    if isinstance(x, int):
        return f"{x:,}".replace("-", MINUS)
    if float(x).is_integer() and abs(x) < 1e15:
        return fmt_int(x)
    return fmt_fixed(x, max_places)


def _places(x: Fraction) -> int | None:
    """How many decimals ``x`` has, or None when its decimal does not end (1/3)."""
    den, twos, fives = x.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    return max(twos, fives) if den == 1 else None


def _is_short(x: Fraction, max_places: int) -> bool:
    """Whether ``x`` is a decimal with at most ``max_places`` places."""
    places = _places(x)
    return places is not None and places <= max_places


def fmt_rational(x: Fraction, max_places: int = 6) -> str:
    """A rational as written by hand, never rounded: a short decimal when it has one (0.25,
    −1.2), else the reduced fraction (−2/3, 14/3)."""
    places = _places(x)
    if places is None or places > max_places:
        return _minus(f"{x.numerator}/{x.denominator}")
    if places == 0:
        return fmt_int(x.numerator)
    return fmt_units(x.numerator * 10**places // x.denominator, places)


def shown_value(text: str) -> Decimal:
    """The exact number a display of this module denotes ("2.31×10⁻³", "−1,234")."""
    plain = text.replace(MINUS, "-").replace(",", "")
    mantissa, times, exponent = plain.partition("×10")
    if times:
        return Decimal(mantissa).scaleb(int(exponent.translate(_FROM_SUPERSCRIPT)), _WIDE)
    return Decimal(mantissa)


def fmt_result(x: Number, then: NumberFormat, places: int = 4) -> str:
    """The last step's value with its sign: 「= 1.3225」 for an exact short decimal (up to 6
    places), else 「≈ 」 and :func:`fmt_step`."""
    if isinstance(x, Fraction) and _is_short(x, 6):
        return "= " + fmt_plain(x)
    return "≈ " + fmt_step(x, then, places)


def fmt_step(x: Number, then: NumberFormat, places: int = 4) -> str:
    """A worked-solution intermediate that leads to the answer ``then.text(x)``: ``places``
    decimals (significant figures for a ``sig`` answer), and more where those would round to
    something else, so 「≈ 0.2595」 never precedes 「答え: 0.259」 (it becomes 「≈ 0.25949」)."""
    if isinstance(x, Fraction) and then.kind == "fixed":  # integers only: the common case
        num, den, d = x.numerator, x.denominator, then.digits
        target = half_up_units(num, den, d)
        for p in range(places, places + _STEP_EXTRA):
            units = half_up_units(num, den, p)
            if half_up_units(units, 10**p, d) == target:
                break
        return fmt_units(units, p)
    target = then.text(x)
    show = fmt_sig if then.kind == "sig" else fmt_dec
    for more in range(_STEP_EXTRA):
        text = show(x, places + more)
        if then.text(shown_value(text)) == target:
            return text
    return text


@dataclass(frozen=True)
class NumberFormat:
    """How an answer is written, how it is asked for, and how close an answer must be.

    kind:
        ``int`` — an exact integer; ``fixed`` — rounded to ``digits`` decimals (accepted within half
        a unit of the last place); ``sig`` — ``digits`` significant figures (``rel_tol`` 5×10⁻ᵈⁱᵍⁱᵗˢ
        is the loosest case; generated problems grade each value to half a unit of its own last
        figure, see ``solvers.problem.half_unit``); ``exact`` — a short exact decimal such as
        −0.03 (accepted up to float noise).
    """

    kind: FormatKind
    digits: int = 0
    rel_tol: float = field(init=False)
    """Relative tolerance for answers written in this format."""
    abs_tol: float = field(init=False)
    """Absolute tolerance for answers written in this format."""
    _render: Callable[[float], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        d = self.digits
        rel, absolute, render = {
            "int": (0.0, 0.0, fmt_int),
            "fixed": (0.0, 0.5 * 10.0**-d * (1 + 1e-9), lambda x: fmt_fixed(x, d)),
            "sig": (5.0 * 10.0**-d, 0.0, lambda x: fmt_sig(x, d)),
            "exact": (1e-9, 1e-9, fmt_plain),
        }[self.kind]
        object.__setattr__(self, "rel_tol", rel)
        object.__setattr__(self, "abs_tol", absolute)
        object.__setattr__(self, "_render", render)

    def text(self, value: Answer | Number | tuple[Number, ...]) -> str:
        """The value as displayed (an exact value rounded exactly); a tuple becomes "(a, b, …)"."""
        if isinstance(value, tuple):
            return "(" + ", ".join(self._render(v) for v in value) + ")"
        return self._render(value)

    def instruction(self) -> str:
        """How the prompt asks for the number, e.g. 「小数第3位まで（第4位を四捨五入）」."""
        if self.kind == "int":
            return "整数で"
        if self.kind == "fixed":
            return f"小数第{self.digits}位まで（第{self.digits + 1}位を四捨五入）"
        if self.kind == "sig":
            return f"有効数字{self.digits}桁で"
        return ""

    def hint(self) -> str:
        """The input-format hint shown under the answer box."""
        if self.kind == "int":
            return "整数で答えてください（計算式 196*2336 も可）"
        if self.kind == "fixed":
            return f"小数第{self.digits}位までの数で答えてください（例: 0.123）"
        if self.kind == "sig":
            return f"有効数字{self.digits}桁で答えてください（例: 1.23e-4 や 1.23×10⁻⁴）"
        return "数で答えてください（例: −0.03、分数 3/4 も可）"


INTEGER = NumberFormat("int")
EXACT = NumberFormat("exact")


def fixed(places: int) -> NumberFormat:
    """A :class:`NumberFormat` rounded to ``places`` decimals."""
    return NumberFormat("fixed", places)


def sig(digits: int) -> NumberFormat:
    """A :class:`NumberFormat` with ``digits`` significant figures."""
    return NumberFormat("sig", digits)
