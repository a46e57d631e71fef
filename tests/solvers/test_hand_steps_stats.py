"""The evaluation, statistics and reinforcement-learning solutions followed step by step, and
their problems worked by hand the way a learner would.

* Every shown number follows from the shown numbers before it: a square root written to 4
  decimals is that root rounded, a sum is the sum of the shown terms, each step of an exponential
  moving average uses the value shown before it, and the last one rounds to the answer.
* A careful learner who takes a square root of a value written to 4 decimals (the MSE, the
  variance, Sxx·Syy, or √Sxx and √Syy separately), or uses e^(−λ) as the prompt gives it, is graded
  correct.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

from solvers.problem import Problem, check

from .hand_exact import EXACT, problems
from .hand_numbers import (
    TOKEN,
    correctly_rounded,
    dec_of,
    exp,
    half_up,
    last_number,
    q,
    read_number,
    rounded,
    rule,
    sqrt,
)


def _lines(p: Problem) -> list[str]:
    return [line.split(". ", 1)[1] for line in p.solution.splitlines()[:-1]]


def _ends_on_answer(p: Problem, shown: str) -> list[str]:
    if rounded(dec_of(shown), rule(p)) != read_number(p.answer_text):
        return [f"{shown} then 答え {p.answer_text}"]
    return []


# ----------------------------------------------------------------------- step by step


def _ratio_over_root(p: Problem, marker: str) -> list[str]:
    """「… = num/√P ≈ num/root ≈ r」: root is √P rounded, r is num/root's exact value rounded."""
    line = next(line for line in _lines(p) if line.startswith(marker))
    m = re.search(
        r"(−?\d+)/√\(?(\d+)(?:×(\d+))?\)? ([=≈]) (−?\d+)/([\d.]+) ([=≈]) (−?[\d.]+)$", line
    )
    assert m, line
    num, a, b, _, num2, root, _, result = m.groups()
    square = int(a) * (int(b) if b else 1)
    errors = []
    if num2 != num:
        errors.append(f"numerator {num2} ≠ {num}")
    if not correctly_rounded(root, sqrt(Fraction(square))):
        errors.append(f"√{square} shown as {root}")
    if not correctly_rounded(result, EXACT[p.generator](p)):
        errors.append(f"{num}/√{square} shown as {result}")
    return errors + _ends_on_answer(p, result)


def steps_correlation(p: Problem) -> list[str]:
    return _ratio_over_root(p, "r = ")


def steps_similarity(p: Problem) -> list[str]:
    if p.params["question"] == "cosine":
        return _ratio_over_root(p, "cos θ")
    if p.params["question"] == "euclidean":
        line = _lines(p)[-1]
        total = sum((q(u) - q(v)) ** 2 for u, v in zip(p.params["a"], p.params["b"], strict=True))
        shown = last_number(line)
        errors = [] if correctly_rounded(shown, sqrt(total)) else [f"√{total} shown as {shown}"]
        return errors + _ends_on_answer(p, shown)
    return []


def _root_of_shown(p: Problem, before: str, root_line: str) -> list[str]:
    """The value before the root is exact; the root is it rounded (or exact)."""
    value = dec_of(last_number(before))
    shown = last_number(root_line)
    errors = [] if correctly_rounded(shown, sqrt(value)) else [f"√{value} shown as {shown}"]
    return errors + _ends_on_answer(p, shown)


def steps_regression(p: Problem) -> list[str]:
    if p.params["question"] == "mae":
        return []
    lines = _lines(p)
    mse_line = next(line for line in lines if line.startswith("MSE"))
    errors = []
    y, y_hat = p.params["y"], p.params["y_hat"]
    mse = Fraction(sum((b - a) ** 2 for a, b in zip(y, y_hat, strict=True)), len(y))
    if dec_of(last_number(mse_line)) != mse and not correctly_rounded(last_number(mse_line), mse):
        errors.append(f"MSE {mse} shown as {last_number(mse_line)}")
    if p.params["question"] == "rmse":
        mse_value = mse_line.rpartition("= ")[2]
        errors += _root_of_shown(p, mse_value, lines[-1])
    return errors


def steps_descriptive(p: Problem) -> list[str]:
    if p.params["question"] not in ("std", "unbiased_std"):
        return []
    lines = _lines(p)
    return _root_of_shown(p, lines[-2].rpartition("= ")[2], lines[-1])


def steps_poisson(p: Problem) -> list[str]:
    a = p.params
    given = re.search(r"≈ ([\d.]+) とする", p.prompt)
    assert given, p.prompt
    lam, k = q(a["lam"]), a["k"]
    errors = []
    if not correctly_rounded(given.group(1), exp(-lam)):
        errors.append(f"e^(−{lam}) given as {given.group(1)}")
    first, second = _lines(p)
    coefficient = dec_of(last_number(first))
    if coefficient != lam**k / math.factorial(k):
        errors.append(f"λᵏ/k! shown as {last_number(first)}")
    product = coefficient * dec_of(given.group(1))
    shown = last_number(second)
    if not correctly_rounded(shown, product):
        errors.append(f"{coefficient}×{given.group(1)} shown as {shown}")
    return errors + _ends_on_answer(p, shown)


def steps_moving_average(p: Problem) -> list[str]:
    if p.params["kind"] != "ema":
        return []
    alpha = q(p.params["alpha"])
    x = p.params["x"]
    errors, shown = [], str(x[0])
    for t, line in enumerate(_lines(p)[1:], start=1):
        used = [dec_of(v) for v in TOKEN.findall(line.partition("= ")[2])[:4]]
        if used != [alpha, x[t], 1 - alpha, dec_of(shown)]:
            errors.append(f"s{t + 1} is not α·x + (1 − α)·{shown}: {line}")
        exact = alpha * x[t] + (1 - alpha) * dec_of(shown)
        shown = last_number(line)
        if not correctly_rounded(shown, exact):
            errors.append(f"s{t + 1} = {exact} shown as {shown}")
    return errors + _ends_on_answer(p, shown)


def steps_return(p: Problem) -> list[str]:
    _, _, terms, total = _lines(p)[-1].split(" = ")
    shown = [dec_of(t) for t in terms.split(" + ")]
    g = q(p.params["gamma"])
    tail = p.params["rewards"][p.params["start"] :]
    errors = []
    if shown != [g**k * r for k, r in enumerate(tail)]:
        errors.append(f"terms {terms}")
    if dec_of(total) != sum(shown, Fraction(0)):
        errors.append(f"{terms} shown as {total}")
    return errors + _ends_on_answer(p, total)


def steps_bayes(p: Problem) -> list[str]:
    line = next(line for line in _lines(p) if line.startswith("P(陽性) ="))
    parts = line.rsplit(" = ", 2)
    hit, false_hit = (dec_of(v) for v in parts[1].split(" + "))
    evidence = dec_of(parts[2])
    a = p.params
    prior, sens, fpr = q(a["prevalence"]), q(a["sensitivity"]), q(a["false_positive_rate"])
    errors = []
    if (hit, false_hit) != (sens * prior, fpr * (1 - prior)):
        errors.append(f"terms {parts[1]}")
    if evidence != hit + false_hit:
        errors.append(f"{parts[1]} shown as {parts[2]}")
    return errors + _ends_on_answer(p, last_number(_lines(p)[-1]))


STEPS = {
    "correlation": steps_correlation,
    "vector_similarity": steps_similarity,
    "regression_errors": steps_regression,
    "descriptive_stats": steps_descriptive,
    "poisson_probability": steps_poisson,
    "moving_average": steps_moving_average,
    "discounted_return": steps_return,
    "bayes_posterior": steps_bayes,
}


@pytest.mark.parametrize("name", list(STEPS))
def test_each_shown_step_follows_from_the_shown_steps_before_it(name):
    bad = []
    for p, _ in problems(name):
        bad += [f"seed {p.seed}: {e}" for e in STEPS[name](p)]
    assert not bad, f"{len(bad)} steps do not follow:\n" + "\n".join(bad[:10])


# --------------------------------------------------------------------------- worked by hand

FOUR = 4


def _written(x: Fraction) -> Fraction:
    """x as written down to 4 decimals."""
    return Fraction(half_up(x, FOUR))


def _root4(x: Fraction) -> Fraction:
    """√x as written down to 4 decimals."""
    return Fraction(half_up(sqrt(x), FOUR))


def _over_root_by_hand(num: Fraction, a: Fraction, b: Fraction) -> list[Fraction]:
    """num/√(ab) with √(ab) written to 4 decimals, and with √a, √b each written to 4 decimals."""
    return [num / _root4(a * b), num / (_root4(a) * _root4(b))]


def _sums(x: list[Fraction], y: list[Fraction]) -> tuple[Fraction, Fraction, Fraction]:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy, sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)


def hand_correlation(p: Problem) -> list[Fraction]:
    sxy, sxx, syy = _sums([q(v) for v in p.params["x"]], [q(v) for v in p.params["y"]])
    return _over_root_by_hand(sxy, sxx, syy)


def hand_similarity(p: Problem) -> list[Fraction]:
    a, b = [q(v) for v in p.params["a"]], [q(v) for v in p.params["b"]]
    if p.params["question"] != "cosine":
        return []
    dot = sum(u * v for u, v in zip(a, b, strict=True))
    return _over_root_by_hand(dot, sum(u * u for u in a), sum(v * v for v in b))


def hand_regression(p: Problem) -> list[Fraction]:
    if p.params["question"] != "rmse":
        return []
    y, y_hat = p.params["y"], p.params["y_hat"]
    mse = Fraction(sum((b - a) ** 2 for a, b in zip(y, y_hat, strict=True)), len(y))
    return [_root4(_written(mse))]


def hand_descriptive(p: Problem) -> list[Fraction]:
    question = p.params["question"]
    if question not in ("std", "unbiased_std"):
        return []
    x = [q(v) for v in p.params["x"]]
    n = len(x)
    mean = sum(x) / n
    variance = sum((v - mean) ** 2 for v in x) / (n - (question == "unbiased_std"))
    return [_root4(_written(variance))]


def hand_poisson(p: Problem) -> list[Fraction]:
    given = re.search(r"≈ ([\d.]+) とする", p.prompt)
    assert given, p.prompt
    lam, k = q(p.params["lam"]), p.params["k"]
    return [lam**k / math.factorial(k) * Fraction(given.group(1))]


HAND = {
    "correlation": hand_correlation,
    "vector_similarity": hand_similarity,
    "regression_errors": hand_regression,
    "descriptive_stats": hand_descriptive,
    "poisson_probability": hand_poisson,
}


@pytest.mark.parametrize("name", list(HAND))
def test_an_answer_worked_by_hand_as_shown_is_graded_correct(name):
    bad, worked = [], 0
    for p, _ in problems(name):
        for value in HAND[name](p):
            worked += 1
            typed = float(rounded(value, rule(p)))
            if not check(p, typed).correct:
                bad.append(
                    f"seed {p.seed}: by hand {float(value):.6f} → {typed}, answer {p.answer_text}"
                )
    assert worked, "no problem was worked by hand"
    assert not bad, f"{len(bad)} hand answers graded wrong:\n" + "\n".join(bad[:10])
