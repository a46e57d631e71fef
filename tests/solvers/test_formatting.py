"""solvers.formatting: exam-style number display checked by reading the text back with a small
reader written here (Decimal arithmetic, so rounding is judged exactly), golden strings, the
tolerances of each NumberFormat, Japanese instructions, and no ASCII minus or LaTeX anywhere."""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.formatting import (
    EXACT,
    INTEGER,
    MINUS,
    NumberFormat,
    fixed,
    fmt_dec,
    fmt_fixed,
    fmt_int,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_sig,
    fmt_step,
    paren,
    power,
    round_half_up,
    round_sig,
    shown_value,
    sig,
    subscript,
    superscript,
    written,
)
from solvers.problem import close

FAST = settings(max_examples=150, deadline=None)

SUPER = dict(zip("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789", strict=True))
SUB = dict(zip("₋₀₁₂₃₄₅₆₇₈₉", "-0123456789", strict=True))
GROUPED_INT = re.compile(r"^−?\d{1,3}(,\d{3})*$")
LATEX = re.compile(r"[\\${}]|\^\{|\\times|\\frac")

# magnitudes well inside the double range, where a displayed rounding is still a normal double
moderate = st.floats(-1e200, 1e200, allow_nan=False, allow_infinity=False).filter(
    lambda x: x == 0 or abs(x) > 1e-200
)
digit_counts = st.integers(1, 8)
places_st = st.integers(0, 8)


def read(text: str) -> Decimal:
    """The exact decimal a displayed string denotes: '−1,234', '9.54×10⁻⁷', '0.25'."""
    assert "-" not in text, f"ASCII hyphen-minus in {text!r}"
    plain = text.replace(MINUS, "-").replace(",", "")
    mantissa, times, exponent = plain.partition("×10")
    if times:
        assert exponent and all(c in SUPER for c in exponent), text
        return Decimal(mantissa).scaleb(int("".join(SUPER[c] for c in exponent)))
    return Decimal(mantissa)


def _ref_round(x: float, places: int) -> Decimal:
    """Reference 四捨五入: a tie in the written number (repr) rounds up in magnitude; otherwise
    the exact binary value is rounded (no tie there, unless it is exactly representable)."""
    shown = Decimal(repr(float(x)))
    digits = shown.as_tuple()
    last = -digits.exponent  # decimals written
    unit = Decimal(1).scaleb(-places)
    wide = Context(prec=2000)  # room for every digit of a large x
    near = abs(wide.subtract(shown, Decimal(x))) <= Decimal(1).scaleb(-places) * Decimal("1e-10")
    if last == places + 1 and digits.digits[-1] == 5 and near:
        return shown.quantize(unit, ROUND_HALF_UP, wide)
    return Decimal(x).quantize(unit, ROUND_HALF_EVEN, wide)


def sig_ref(x: float, digits: int) -> Decimal:
    """x rounded to ``digits`` significant figures (四捨五入 as above)."""
    if x == 0:
        return Decimal(0)
    magnitude = Decimal(x).adjusted()
    rounded = _ref_round(x, digits - 1 - magnitude)
    return Context(prec=digits).plus(rounded)


def fixed_ref(x: float, places: int) -> Decimal:
    return _ref_round(x, places)


def clean(text: str) -> None:
    """Display rules shared by every string: U+2212 minus, no LaTeX."""
    assert "-" not in text
    assert not LATEX.search(text), text


# ------------------------------------------------------------------------- small helpers


def test_minus_is_unicode_minus_sign():
    assert MINUS == "\u2212"
    assert fmt_int(-3) == "\u22123"


def test_superscript_and_subscript_golden():
    assert superscript(-7) == "⁻⁷"
    assert superscript(10) == "¹⁰"
    assert superscript(0) == "⁰"
    assert superscript(3.0) == "³"
    assert subscript(12) == "₁₂"
    assert subscript(-3) == "₋₃"
    assert subscript(0) == "₀"


@given(n=st.integers(-(10**12), 10**12))
@FAST
def test_superscript_subscript_round_trip(n):
    up, down = superscript(n), subscript(n)
    assert "".join(SUPER[c] for c in up) == str(n)
    assert "".join(SUB[c] for c in down) == str(n)
    assert not any(c.isascii() for c in up + down)


def test_paren_golden():
    assert paren(-2) == "(−2)"
    assert paren(-0.5) == "(−0.5)"
    assert paren(3) == "3"
    assert paren(0.25) == "0.25"
    assert paren(-0.0) == "0"
    assert paren("−x") == "(−x)"
    assert paren("x") == "x"
    assert paren(-1234) == "(−1,234)"


def test_power_golden():
    assert power("0.25", 10) == "0.25¹⁰"
    assert power("2", -3) == "2⁻³"
    assert power("2", -3.0) == "2⁻³"
    assert power("(1 − 0.9)", 2) == "(1 − 0.9)²"
    assert power("2", 0.5) == "2^(0.5)"
    assert power("e", -0.5) == "e^(−0.5)"
    assert power("x", 1 / 3) == "x^(0.333333)"


# ------------------------------------------------------------------------- fmt_int


def test_fmt_int_golden():
    assert fmt_int(1769472) == "1,769,472"
    assert fmt_int(-3) == "−3"
    assert fmt_int(0) == "0"
    assert fmt_int(999) == "999"
    assert fmt_int(1000) == "1,000"
    assert fmt_int(-1234567.0) == "−1,234,567"
    assert fmt_int(-0.4) == "0"
    assert fmt_int(2.7) == "3"
    assert fmt_int(2.5) == "3"  # 四捨五入, not Python's half to even
    assert fmt_int(-2.5) == "−3"
    assert fmt_int(10**20) == "100,000,000,000,000,000,000"


@given(x=st.one_of(st.integers(-(10**18), 10**18), st.floats(-1e15, 1e15)))
@FAST
def test_fmt_int_reads_back_as_round(x):
    text = fmt_int(x)
    clean(text)
    assert GROUPED_INT.match(text), text
    assert read(text) == fixed_ref(x, 0)


# ------------------------------------------------------------------------- fmt_fixed


def test_fmt_fixed_golden():
    assert fmt_fixed(0.2500, 3) == "0.25"
    assert fmt_fixed(0.12345, 3) == "0.123"
    assert fmt_fixed(0.1236, 3) == "0.124"
    assert fmt_fixed(2.0, 3) == "2"
    assert fmt_fixed(-1.5, 0) == "−2"
    assert fmt_fixed(-0.0001, 3) == "0"  # no "−0"
    assert fmt_fixed(-0.0, 2) == "0"
    assert fmt_fixed(-12.3456, 2) == "−12.35"
    assert fmt_fixed(1.005, 2) == "1.01"  # stored as 1.00499999999999989…, but written 1.005
    assert fmt_fixed(100.0, 0) == "100"
    assert fmt_fixed(12345.678, 1) == "12345.7"


def test_fmt_fixed_rounds_exact_ties_half_up_as_instructed():
    assert fixed(2).instruction() == "小数第2位まで（第3位を四捨五入）"
    assert fixed(2).text(0.125) == "0.13"
    assert fixed(2).text(0.625) == "0.63"
    assert fixed(0).text(2.5) == "3"


@given(
    x=st.floats(-1e9, 1e9),
    places=places_st,
)
@FAST
def test_fmt_fixed_reads_back_within_half_a_unit(x, places):
    text = fmt_fixed(x, places)
    clean(text)
    value = read(text)
    assert value == fixed_ref(x, places)
    # half a unit, plus the float noise of a written tie (1.15 is stored as 1.1499999…)
    assert abs(value - Decimal(x)) <= Decimal("0.5").scaleb(-places) * Decimal("1.000000001")
    if "." in text:
        assert not text.endswith("0")  # trailing zeros dropped
        assert len(text.partition(".")[2]) <= places
    assert text != "−0"


# ------------------------------------------------------------------------- fmt_dec


def test_fmt_dec_golden():
    assert fmt_dec(-1.41421356, 4) == "−1.4142"
    assert fmt_dec(0.05, 4) == "0.0500"
    assert fmt_dec(-0.00001, 2) == "0.00"
    assert fmt_dec(-0.0, 1) == "0.0"
    assert fmt_dec(3.0, 0) == "3"
    assert fmt_dec(2.71828, 3) == "2.718"


@given(x=st.floats(-1e9, 1e9), places=places_st)
@FAST
def test_fmt_dec_keeps_exactly_the_places(x, places):
    text = fmt_dec(x, places)
    clean(text)
    if places:
        assert len(text.partition(".")[2]) == places
    else:
        assert "." not in text
    assert read(text) == fixed_ref(x, places)
    assert not (text.startswith(MINUS) and read(text) == 0)


# ------------------------------------------------------------------------- round_sig, fmt_sig


def test_round_sig_golden():
    assert round_sig(123456, 3) == 123000
    assert round_sig(0.000123456, 2) == pytest.approx(0.00012)
    assert round_sig(-9.876, 2) == pytest.approx(-9.9)
    assert round_sig(9.99, 2) == pytest.approx(10.0)
    assert round_sig(0.0, 3) == 0.0
    assert math.isinf(round_sig(math.inf, 3))
    assert math.isnan(round_sig(math.nan, 3))


@given(x=moderate, digits=digit_counts)
@FAST
def test_round_sig_matches_decimal_rounding(x, digits):
    got = round_sig(x, digits)
    assert got == float(sig_ref(x, digits))
    if x:
        assert abs(got - x) <= 5 * 10.0**-digits * abs(x) * (1 + 1e-12)


def test_fmt_sig_golden():
    assert fmt_sig(9.54e-7) == "9.54×10⁻⁷"
    assert fmt_sig(0.0854) == "0.0854"
    assert fmt_sig(14.0) == "14"
    assert fmt_sig(0.25, 3) == "0.25"
    assert fmt_sig(1234567) == "1.23×10⁶"
    assert fmt_sig(123456) == "123,000"
    assert fmt_sig(-0.5) == "−0.5"
    assert fmt_sig(0.001) == "0.001"
    assert fmt_sig(0.000999) == "9.99×10⁻⁴"
    assert fmt_sig(999999.5) == "1×10⁶"  # rounding up into the next decade changes the style
    assert fmt_sig(0.00099996) == "0.001"
    assert fmt_sig(-2.5e-12, 2) == "−2.5×10⁻¹²"
    assert fmt_sig(6.02214076e23, 4) == "6.022×10²³"
    assert fmt_sig(0.0) == "0"
    assert fmt_sig(-0.0) == "0"
    assert fmt_sig(14.0, 1) == "10"
    assert fmt_sig(math.inf) == "inf"
    assert fmt_sig(-math.inf) == "−inf"
    assert fmt_sig(math.nan) == "nan"


@given(x=moderate, digits=digit_counts)
@FAST
def test_fmt_sig_reads_back_within_stated_precision(x, digits):
    text = fmt_sig(x, digits)
    clean(text)
    value = read(text)
    ref = sig_ref(x, digits)
    assert value == ref
    assert float(value) == round_sig(x, digits)
    # NumberFormat("sig", d) accepts a relative 5×10⁻ᵈ: the display itself is within that
    assert abs(value - Decimal(x)) <= Decimal(5).scaleb(-digits) * abs(Decimal(x))
    # powers of ten exactly outside 10⁻³ ≤ |x| < 10⁶ (judged after rounding)
    assert ("×10" in text) == (ref != 0 and not Decimal("1e-3") <= abs(ref) < Decimal("1e6"))
    mantissa = text.partition("×10")[0]
    if "." in mantissa:
        assert not mantissa.endswith("0") and not mantissa.endswith(".")
    if "," in text:
        assert GROUPED_INT.match(text), text
    # never more significant digits than asked for
    assert len(value.normalize().as_tuple().digits) <= digits


# ------------------------------------------------------------------------- fmt_plain


def test_fmt_plain_golden():
    assert fmt_plain(-0.30000000000000004) == "−0.3"
    assert fmt_plain(0.1 + 0.2) == "0.3"
    assert fmt_plain(2.0) == "2"
    assert fmt_plain(-1234) == "−1,234"
    assert fmt_plain(1234.0) == "1,234"
    assert fmt_plain(0.1234567) == "0.123457"
    assert fmt_plain(0.1234567, max_places=2) == "0.12"
    assert fmt_plain(-1e-7) == "0"
    assert fmt_plain(-0.03) == "−0.03"


@given(k=st.integers(-(10**9), 10**9), p=st.integers(0, 6))
@FAST
def test_fmt_plain_writes_short_decimals_exactly(k, p):
    x = k / 10**p
    text = fmt_plain(x)
    clean(text)
    assert read(text) == Decimal(k).scaleb(-p)
    assert math.isclose(float(read(text)), x, rel_tol=EXACT.rel_tol, abs_tol=EXACT.abs_tol)


# ------------------------------------------------------------------------- NumberFormat


def test_tolerances():
    assert (INTEGER.kind, INTEGER.rel_tol, INTEGER.abs_tol) == ("int", 0.0, 0.0)
    assert (EXACT.kind, EXACT.rel_tol, EXACT.abs_tol) == ("exact", 1e-9, 1e-9)
    assert fixed(3).abs_tol == pytest.approx(0.0005, rel=1e-8)
    assert fixed(3).abs_tol > 0.0005  # a rounding exactly half a unit away is accepted
    assert fixed(3).rel_tol == 0.0
    assert fixed(0).abs_tol == pytest.approx(0.5, rel=1e-8)
    assert sig(3).rel_tol == pytest.approx(0.005)
    assert sig(2).rel_tol == pytest.approx(0.05)
    assert sig(3).abs_tol == 0.0
    assert fixed(2) == NumberFormat("fixed", 2)
    assert sig(3) == NumberFormat("sig", 3)
    assert fixed(2) != fixed(3)
    assert fixed(2) != sig(2)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        sig(3).digits = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        INTEGER.rel_tol = 0.1  # type: ignore[misc]


def test_text():
    assert INTEGER.text(1769472) == "1,769,472"
    assert fixed(3).text(0.2500) == "0.25"
    assert fixed(2).text(-0.001) == "0"
    assert sig(3).text(9.54e-7) == "9.54×10⁻⁷"
    assert sig(2).text(123456) == "120,000"
    assert EXACT.text(-0.030000000000000002) == "−0.03"
    assert INTEGER.text((16.0, 6.0, 6.0)) == "(16, 6, 6)"
    assert sig(2).text((0.123, -4.56e-9)) == "(0.12, −4.6×10⁻⁹)"
    assert fixed(1).text(()) == "()"


def test_japanese_instructions_and_hints():
    assert INTEGER.instruction() == "整数で"
    assert fixed(3).instruction() == "小数第3位まで（第4位を四捨五入）"
    assert fixed(1).instruction() == "小数第1位まで（第2位を四捨五入）"
    assert sig(2).instruction() == "有効数字2桁で"
    assert EXACT.instruction() == ""
    assert INTEGER.hint() == "整数で答えてください（計算式 196*2336 も可）"
    assert fixed(3).hint() == "小数第3位までの数で答えてください（例: 0.123）"
    assert sig(3).hint() == "有効数字3桁で答えてください（例: 1.23e-4 や 1.23×10⁻⁴）"
    assert EXACT.hint() == "数で答えてください（例: −0.03、分数 3/4 も可）"
    for fmt in (INTEGER, EXACT, fixed(2), sig(3)):
        for text in (fmt.instruction(), fmt.hint()):
            assert not LATEX.search(text)


@given(x=moderate.filter(lambda v: abs(v) < 1e12), digits=st.integers(1, 6))
@FAST
def test_each_format_accepts_its_own_display(x, digits):
    """The displayed answer, read back, is within the format's own tolerance of the exact value."""
    for fmt in (fixed(digits), sig(digits)):
        shown = float(read(fmt.text(x)))
        assert close(shown, x, fmt.rel_tol, fmt.abs_tol, fmt.digits if fmt.kind == "sig" else 0), (
            fmt,
            x,
        )
    assert read(INTEGER.text(x)) == fixed_ref(x, 0)


@pytest.mark.parametrize("kind", ["integer", "float", ""])
def test_unknown_kind(kind):
    with pytest.raises(KeyError):
        NumberFormat(kind)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- the app's parser


@given(x=st.floats(-1e150, 1e150).filter(lambda v: v == 0 or abs(v) > 1e-150), d=digit_counts)
@FAST
def test_every_display_is_read_by_the_app_parser(x, d):
    """The module's contract: quizapp.grading.parse_number reads back every string it makes."""
    grading = pytest.importorskip("quizapp.grading")
    for text, exact in [
        (fmt_sig(x, d), sig_ref(x, d)),
        (fmt_int(x), fixed_ref(x, 0)),
        (fmt_fixed(x, d), fixed_ref(x, d)),
        (fmt_dec(x, d), fixed_ref(x, d)),
        (fmt_plain(x), read(fmt_plain(x))),
    ]:
        got = grading.parse_number(text)
        assert math.isclose(got, float(exact), rel_tol=1e-12, abs_tol=0.0), (text, got)


def test_half_up_reference_is_what_the_instruction_means():
    """四捨五入 of 0.125 to 2 places is 0.13, and so is the display."""
    assert Decimal("0.125").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("0.13")
    assert read(fmt_fixed(0.125, 2)) == Decimal("0.13")
    assert fmt_sig(0.1235, 3) == "0.124"  # the decimal the learner sees, not its binary value


# ------------------------------------------------------------------------- exact values

fractions = st.builds(Fraction, st.integers(-(10**12), 10**12), st.integers(1, 10**6))
LONG = Context(prec=300)


def exact_quotient(x: Fraction) -> Decimal:
    """x to 300 digits: exact for a terminating x, so a true tie is seen as one."""
    return LONG.divide(Decimal(x.numerator), Decimal(x.denominator))


def test_exact_ties_round_up_as_the_prompt_says():
    assert 1.15**2 != 1.3225  # float arithmetic moved the tie below 1.3225
    assert fmt_fixed(1.15**2, 3) == "1.322"  # …and a float cannot tell it from 1.32249…
    assert fmt_fixed(Fraction(529, 400), 3) == "1.323"
    assert fmt_fixed(Fraction(-529, 400), 3) == "−1.323"
    assert fixed(3).text(Fraction(529, 400)) == "1.323"
    assert fmt_dec(Fraction(529, 400), 3) == "1.323"
    assert fmt_dec(Fraction(-1, 3000), 3) == "0.000"
    assert fmt_sig(Fraction(41, 400), 3) == "0.103"  # 1/16 + 1/25
    assert fmt_sig(Decimal("0.005625"), 3) == "0.00563"
    assert fmt_sig(Fraction(99995, 10000), 4) == "10"  # 9.9995 → 10.00
    assert fmt_sig(Fraction(3, 10**9), 2) == "3×10⁻⁹"
    assert round_sig(Fraction(45, 8), 3) == 5.63
    assert fmt_int(Fraction(5, 2)) == "3"
    assert fmt_int(Fraction(-5, 2)) == "−3"
    assert fmt_plain(Fraction(1, 4)) == "0.25"


@given(x=fractions, places=places_st)
@FAST
def test_fmt_fixed_and_fmt_dec_round_a_fraction_exactly(x, places):
    want = exact_quotient(x).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, LONG)
    assert read(fmt_fixed(x, places)) == want
    text = fmt_dec(x, places)
    assert read(text) == want
    assert len(text.partition(".")[2]) == places


@given(x=fractions.filter(bool), digits=digit_counts)
@FAST
def test_fmt_sig_rounds_a_fraction_exactly(x, digits):
    want = Context(prec=digits, rounding=ROUND_HALF_UP).plus(exact_quotient(x))
    assert read(fmt_sig(x, digits)) == want
    assert round_sig(x, digits) == float(want)


def test_written_is_the_decimal_as_written():
    assert written(0.1) == Fraction(1, 10)
    assert written(-2.5) == Fraction(-5, 2)
    assert written(3) == 3
    assert written(1.15) ** 2 == Fraction(529, 400)


def test_round_half_up_gives_the_exact_number_written_down():
    assert round_half_up(Fraction(1, 8), 2) == Fraction(13, 100)
    assert round_half_up(-0.125, 2) == Fraction(-13, 100)
    assert round_half_up(math.e, 3) == Fraction(2718, 1000)
    assert round_half_up(Decimal("2.5"), 0) == 3


def test_fmt_rational_never_rounds():
    assert fmt_rational(Fraction(1, 4)) == "0.25"
    assert fmt_rational(Fraction(-2, 3)) == "−2/3"
    assert fmt_rational(Fraction(14, 3)) == "14/3"
    assert fmt_rational(Fraction(5)) == "5"
    assert fmt_rational(Fraction(1, 128)) == "1/128"  # 0.0078125 has 7 places
    assert fmt_rational(Fraction(1, 128), 7) == "0.0078125"


def test_shown_value_reads_this_modules_displays():
    assert shown_value("2.31×10⁻³") == Decimal("0.00231")
    assert shown_value("−1,234") == Decimal(-1234)
    assert shown_value("0.25") == Decimal("0.25")


def test_a_step_never_shows_a_rounding_that_contradicts_the_answer():
    assert fmt_step(0.2594999, fixed(3)) == "0.2594999"  # not 「0.2595」 before 「0.259」
    assert fmt_step(0.2595123, fixed(3)) == "0.2595"
    assert fmt_step(Fraction(529, 400), fixed(3)) == "1.3225"
    assert fmt_step(174.96, sig(2)) == "174.96"  # 「175.0」 would round to 180, not 170
    assert fmt_result(Fraction(529, 400), fixed(3)) == "= 1.3225"
    assert fmt_result(Fraction(1, 3), fixed(3)) == "≈ 0.3333"
    assert fmt_result(0.5, fixed(3)) == "≈ 0.5000"


@given(
    x=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
    then=st.sampled_from([fixed(1), fixed(2), fixed(3), sig(2), sig(3), sig(4)]),
)
@FAST
def test_fmt_step_rounds_to_the_answer(x, then):
    text = fmt_step(x, then)
    assert then.text(shown_value(text)) == then.text(x)
    clean(text)
