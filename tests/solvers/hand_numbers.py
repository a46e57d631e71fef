"""Exact arithmetic for checking generated problems by hand, independent of ``solvers``.

``Fraction`` where a value is rational, 60-digit ``Decimal`` where it is not (exp, log, square
root, erf and cos by series), rounding 四捨五入 as the prompts state it, and reading the numbers
a problem displays.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any

from solvers.problem import Problem

Exact = Fraction | Decimal
Value = Exact | tuple[Exact, ...]

CTX = Context(prec=60)
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640629")
_SUPER = dict(zip("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789", strict=True))


def q(v: Any) -> Fraction:
    """A stated parameter as the exact decimal the prompt writes (0.05, not its binary value)."""
    return Fraction(repr(v)) if isinstance(v, float) else Fraction(v)


def dec(x: Exact) -> Decimal:
    if isinstance(x, Decimal):
        return x
    return CTX.divide(Decimal(x.numerator), Decimal(x.denominator))


def exp(x: Exact) -> Decimal:
    return CTX.exp(dec(x))


def ln(x: Exact) -> Decimal:
    return CTX.ln(dec(x))


def log10(x: Exact) -> Decimal:
    return CTX.divide(ln(x), CTX.ln(Decimal(10)))


def sqrt(x: Exact) -> Exact:
    """√x, exact when x is the square of a rational."""
    if isinstance(x, Fraction) and x >= 0:
        num, den = _isqrt(x.numerator), _isqrt(x.denominator)
        if num is not None and den is not None:
            return Fraction(num, den)
    return CTX.sqrt(dec(x))


def _isqrt(n: int) -> int | None:
    r = math.isqrt(n)
    return r if r * r == n else None


def pow_(base: Exact, exponent: Exact) -> Decimal:
    return exp(CTX.multiply(dec(exponent), ln(base)))


def _series(terms: Callable[[int, Decimal], Decimal], first: Decimal) -> Decimal:
    total, term, n = first, first, 0
    tiny = Decimal("1e-70")
    while abs(term) > tiny:
        n += 1
        term = terms(n, term)
        total = CTX.add(total, term)
    return total


def cos(x: Decimal) -> Decimal:
    x2 = CTX.multiply(x, x)
    return _series(lambda n, t: CTX.divide(CTX.multiply(-t, x2), (2 * n - 1) * (2 * n)), Decimal(1))


def erf(x: Decimal) -> Decimal:
    x2 = CTX.multiply(x, x)
    # Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), carried as the term without its 1/(2n+1)
    total, power_term, n = x, x, 0
    tiny = Decimal("1e-70")
    while True:
        n += 1
        power_term = CTX.divide(CTX.multiply(-power_term, x2), n)
        term = CTX.divide(power_term, 2 * n + 1)
        total = CTX.add(total, term)
        if abs(term) < tiny:
            break
    return CTX.multiply(CTX.divide(2, CTX.sqrt(PI)), total)


def read_number(text: str) -> Decimal:
    """A displayed number: '−1,234', '9.54×10⁻⁷', '0.25'."""
    plain = text.strip().replace("−", "-").replace(",", "")
    mantissa, times, exponent = plain.partition("×10")
    if times:
        return Decimal(mantissa).scaleb(int("".join(_SUPER[c] for c in exponent)))
    return Decimal(mantissa)


# ------------------------------------------------------------------------------- rounding

WIDE = Context(prec=200)


def half_up(x: Exact, places: int) -> Decimal:
    """``x`` rounded to ``places`` decimals, a tie away from zero (四捨五入)."""
    if isinstance(x, Fraction):
        scaled = abs(x) * Fraction(10) ** places
        n = math.floor(scaled + Fraction(1, 2))
        return Decimal(n if x >= 0 else -n).scaleb(-places, WIDE)
    return x.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, WIDE)


def exponent10(x: Exact) -> int:
    """⌊log₁₀|x|⌋, exactly."""
    if isinstance(x, Decimal):
        return x.adjusted()
    x = abs(x)
    e = len(str(x.numerator)) - len(str(x.denominator))
    while Fraction(10) ** e > x:
        e -= 1
    while Fraction(10) ** (e + 1) <= x:
        e += 1
    return e


def sig_round(x: Exact, digits: int) -> Decimal:
    if x == 0:
        return Decimal(0)
    return half_up(x, digits - 1 - exponent10(x))


FIXED = re.compile(r"小数第(\d+)位まで")
FIXED_STATED = re.compile(r"小数第(\d+)位まで（第(\d+)位を四捨五入）")
SIG = re.compile(r"有効数字(\d+)桁")


def rule(p: Problem) -> tuple[str, int]:
    """How the prompt says the answer is written: ("fixed", places), ("sig", digits), or
    ("exact", 0) for an integer or a short exact decimal."""
    m = SIG.search(p.prompt)
    if m:
        return "sig", int(m.group(1))
    m = FIXED.search(p.prompt)
    if m:
        stated = FIXED_STATED.search(p.prompt)
        assert stated and int(stated.group(2)) == int(stated.group(1)) + 1, (
            f"{p.generator} {p.seed}: the prompt asks for {m.group(0)} without saying how to "
            f"round:\n{p.prompt}"
        )
        return "fixed", int(m.group(1))
    return "exact", 0


def rounded(x: Exact, how: tuple[str, int]) -> Decimal:
    kind, d = how
    if kind == "fixed":
        return half_up(x, d)
    if kind == "sig":
        return sig_round(x, d)
    exact = Fraction(x)
    shown = half_up(exact, 12)
    assert Fraction(shown) == exact, f"an answer asked for exactly is not a short decimal: {x}"
    return shown


def shown_values(p: Problem) -> list[Decimal]:
    text = p.answer_text
    if not isinstance(p.answer, tuple):
        return [read_number(text)]
    parts = text.strip("()").split(", ") if text.startswith("(") else text.split("×")
    return [read_number(part) for part in parts]


def exact_values(value: Value) -> list[Exact]:
    return list(value) if isinstance(value, tuple) else [value]


# ------------------------------------------------------------------------- solution text

TOKEN = re.compile(r"(?<![\d.,])−?\d[\d,]*(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


def places(text: str) -> int:
    """Decimal places of a shown number: 3 for 0.123, 9 for 9.77975×10⁻⁴."""
    mantissa, _, power = text.partition("×10")
    shift = int("".join(_SUPER[c] for c in power)) if power else 0
    return len(mantissa.partition(".")[2]) - shift


def sig_digits(text: str) -> int:
    digits = text.partition("×")[0].replace("−", "").replace(",", "").replace(".", "")
    return len(digits.lstrip("0"))


def dec_of(text: str) -> Fraction:
    """A number or a fraction a/b as shown in a solution step, exactly."""
    text = text.strip().strip("()")
    num, slash, den = text.partition("/")
    if slash:
        return Fraction(read_number(num)) / Fraction(read_number(den))
    return Fraction(read_number(text))


LAST = re.compile(r"(−?\d[\d,]*(?:\.\d+)?(?:/\d+|×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)\s*(?:倍)?$")


def last_number(line: str) -> str:
    """The number (or fraction a/b) a solution line ends with."""
    m = LAST.search(line)
    assert m, line
    return m.group(1)


def correctly_rounded(shown: str, exact: Exact) -> bool:
    if "/" in shown:
        return dec_of(shown) == exact
    return read_number(shown) == half_up(exact, places(shown))
