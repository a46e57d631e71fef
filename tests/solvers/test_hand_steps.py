"""Worked solutions followed step by step, and problems worked by hand the way a learner would.

* In the solutions that carry numbers from step to step (softmax, temperature softmax, batch
  norm, EfficientNet, the scaling-law ratio, cosine annealing) every shown number follows from
  the shown numbers before it, and the last one rounds to the answer.
* A careful learner who works with the constants the prompt gives (e ≈ 2.718, Φ(x) ≈ …) and rounds
  intermediates the way the solution does (exp to 3 decimals, σ and x̂ to 4, cos as shown) is
  graded correct.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from solvers.problem import Problem, check

from .hand_exact import EXACT, problems
from .hand_numbers import (
    CTX,
    PI,
    TOKEN,
    Exact,
    correctly_rounded,
    cos,
    dec,
    dec_of,
    exp,
    half_up,
    last_number,
    log10,
    pow_,
    q,
    read_number,
    rounded,
    rule,
    sqrt,
)

E_GIVEN = Fraction("2.718")


# ----------------------------------------------------------------------- step by step


def _softmax_steps(p: Problem, zs: list[Fraction], exp_line: str, ratio_line: str) -> list[str]:
    """The exp values, their sum, the numerator and the ratio in a softmax solution."""
    errors = []
    shown = TOKEN.findall(exp_line.rpartition("≈")[2] if "分母" in exp_line else exp_line)
    if "分母" in exp_line:
        *terms, total = shown
    else:
        terms, total = shown[: len(zs)], shown[len(zs)]
    for z, term in zip(zs, terms, strict=True):
        if not correctly_rounded(term, exp(z)):
            errors.append(f"exp({z}) shown as {term}")
    if sum((dec_of(t) for t in terms), Fraction(0)) != dec_of(total):
        errors.append(f"{' + '.join(terms)} shown as {total}")
    numerator, denominator, ratio = TOKEN.findall(ratio_line.partition("=")[2])
    i = p.params["index"] - 1
    if numerator != terms[i] or denominator != total:
        errors.append(f"ratio {numerator}/{denominator} is not of the shown exp and sum")
    if not correctly_rounded(ratio, dec_of(numerator) / dec_of(denominator)):
        errors.append(f"{numerator}/{denominator} shown as {ratio}")
    if half_up(dec_of(ratio), 3) != read_number(p.answer_text):
        errors.append(f"{ratio} then 答え {p.answer_text}")
    return errors


def steps_softmax_probs(p: Problem) -> list[str]:
    lines = p.solution.splitlines()
    exp_line = next(line for line in lines if "分母" in line)
    ratio_line = next(line for line in lines if line.split(". ", 1)[1].startswith("p"))
    zs = [q(v) for v in p.params["logits"]]
    return _softmax_steps(p, zs, exp_line, ratio_line)


def steps_softmax_temperature(p: Problem) -> list[str]:
    lines = p.solution.splitlines()
    scaled_line = next(line for line in lines if "z/T = (" in line)
    exp_line = next(line for line in lines if "exp(z/T) ≈" in line)
    ratio_line = next(line for line in lines if line.split(". ", 1)[1].startswith("p"))
    inside = scaled_line.partition("z/T = (")[2].partition(")")[0]
    zs = [dec_of(part) for part in inside.split(", ")]
    t = q(p.params["temperature"])
    errors = [
        f"z/T {shown} ≠ {z}/{t}"
        for shown, z in zip(zs, p.params["logits"], strict=True)
        if shown != q(z) / t
    ]
    return errors + _softmax_steps(p, zs, exp_line.partition("≈")[2], ratio_line)


def steps_batch_norm(p: Problem) -> list[str]:
    a = p.params
    lines = [line.split(". ", 1)[1] for line in p.solution.splitlines()]
    x = [q(v) for v in a["x"]]
    mean = sum(x, Fraction(0)) / len(x)
    var = sum(((v - mean) ** 2 for v in x), Fraction(0)) / len(x)
    sd = last_number(next(line for line in lines if line.startswith("分散")))
    xhat = last_number(next(line for line in lines if line.startswith("正規化")))
    y = last_number(next(line for line in lines if line.startswith("y = γx̂ + β")))
    errors = []
    if not correctly_rounded(sd, sqrt(var)):
        errors.append(f"σ = √{var} shown as {sd}")
    xi = x[a["index"] - 1]
    if not correctly_rounded(xhat, (xi - mean) / dec_of(sd)):
        errors.append(f"x̂ = ({xi} − μ)/{sd} shown as {xhat}")
    if not correctly_rounded(y, q(a["gamma"]) * dec_of(xhat) + q(a["beta"])):
        errors.append(f"y = γ·{xhat} + β shown as {y}")
    if half_up(dec_of(y), 3) != read_number(p.answer_text):
        errors.append(f"y {y} then 答え {p.answer_text}")
    return errors


def steps_efficientnet(p: Problem) -> list[str]:
    a = p.params
    lines = p.solution.splitlines()
    power = last_number(lines[-2])
    errors = []
    if a["quantity"] == "flops":
        factor = last_number(lines[-3])
        exact = Fraction("1.2") * Fraction("1.1") ** 2 * Fraction("1.15") ** 2
        if not correctly_rounded(factor, exact):
            errors.append(f"α·β²·γ² shown as {factor}")
        base = re.findall(r"\(([\d.]+)\)", lines[-2])[-1]
        if not correctly_rounded(power, dec_of(base) ** a["phi"]):
            errors.append(f"({base})^{a['phi']} shown as {power}")
    elif not correctly_rounded(power, EXACT["efficientnet_compound"](p)):
        errors.append(f"coefficient^φ shown as {power}")
    if half_up(dec_of(power), 3) != read_number(p.answer_text):
        errors.append(f"{power} then 答え {p.answer_text}")
    return errors


def steps_loss_ratio(p: Problem) -> list[str]:
    line = p.solution.splitlines()[-2]
    exponent = re.findall(r"10\^\(−([\d.]+)\)", line)[-1]
    value = last_number(line)
    a = p.params
    errors = []
    if not correctly_rounded(exponent, CTX.multiply(dec(q(a["exponent"])), log10(q(a["factor"])))):
        errors.append(f"α·log₁₀k shown as {exponent}")
    if not correctly_rounded(value, pow_(Fraction(10), -dec_of(exponent))):
        errors.append(f"10^(−{exponent}) shown as {value}")
    if half_up(dec_of(value), 3) != read_number(p.answer_text):
        errors.append(f"{value} then 答え {p.answer_text}")
    return errors


def _cosine_parts(p: Problem) -> tuple[Fraction, Fraction, str, str]:
    """η_min, η_max, and the cos value and η_t the solution shows."""
    a = p.params
    lr_max = q(a["lr_max"])
    lines = p.solution.splitlines()
    return lr_max * q(a["lr_min_ratio"]), lr_max, last_number(lines[0]), last_number(lines[1])


def steps_cosine(p: Problem) -> list[str]:
    lr_min, lr_max, c, eta = _cosine_parts(p)
    angle = CTX.multiply(PI, dec(Fraction(p.params["step"], p.params["total_steps"])))
    errors = []
    if not correctly_rounded(c, cos(angle)):
        errors.append(f"cos shown as {c}")
    if not correctly_rounded(eta, lr_min + (lr_max - lr_min) / 2 * (1 + dec_of(c))):
        errors.append(f"η from cos = {c} shown as {eta}")
    if rounded(dec_of(eta), rule(p)) != read_number(p.answer_text):
        errors.append(f"{eta} then 答え {p.answer_text}")
    return errors


STEPS = {
    "softmax_probs": steps_softmax_probs,
    "softmax_temperature": steps_softmax_temperature,
    "batch_norm_values": steps_batch_norm,
    "efficientnet_compound": steps_efficientnet,
    "scaling_loss_ratio": steps_loss_ratio,
    "cosine_lr": steps_cosine,
}


@pytest.mark.parametrize("name", list(STEPS))
def test_each_shown_step_follows_from_the_shown_steps_before_it(name):
    bad = []
    for p, _ in problems(name):
        bad += [f"seed {p.seed}: {e}" for e in STEPS[name](p)]
    assert not bad, f"{len(bad)} steps do not follow:\n" + "\n".join(bad[:10])


# --------------------------------------------------------------------------- worked by hand


def _ratio(values: list[Exact], i: int) -> Fraction:
    exact = [Fraction(v) for v in values]
    return exact[i] / sum(exact, Fraction(0))


def hand_softmax_probs(p: Problem) -> list[Fraction]:
    """With e ≈ 2.718 as the prompt gives it, and with exp rounded to 3 decimals as the
    solution shows it."""
    zs = [int(v) for v in p.params["logits"]]
    i = p.params["index"] - 1
    given = [E_GIVEN**z for z in zs]
    return [
        _ratio(given, i),
        _ratio([half_up(v, 3) for v in given], i),
        _ratio([half_up(exp(Fraction(z)), 3) for z in zs], i),
    ]


def hand_softmax_temperature(p: Problem) -> list[Fraction]:
    t = q(p.params["temperature"])
    zs = [q(v) / t for v in p.params["logits"]]
    return [_ratio([half_up(exp(z), 3) for z in zs], p.params["index"] - 1)]


def hand_batch_norm(p: Problem) -> list[Fraction]:
    """σ and x̂ rounded to 4 decimals, each or both."""
    a = p.params
    x = [q(v) for v in a["x"]]
    mean = sum(x, Fraction(0)) / len(x)
    var = sum(((v - mean) ** 2 for v in x), Fraction(0)) / len(x)
    sd = Fraction(sqrt(var))
    sd4 = Fraction(half_up(sqrt(var), 4))
    xi = x[a["index"] - 1]
    gamma, beta = q(a["gamma"]), q(a["beta"])
    out = []
    for s, round_xhat in ((sd4, False), (sd4, True), (sd, True)):
        xhat = (xi - mean) / s
        if round_xhat:
            xhat = Fraction(half_up(xhat, 4))
        out.append(gamma * xhat + beta)
    return out


def hand_gelu(p: Problem) -> list[Fraction]:
    m = re.search(r"Φ\([^)]*\) ≈ ([0-9.]+)", p.prompt)
    assert m, p.prompt
    return [q(p.params["x"]) * Fraction(m.group(1))]


def hand_scaling_fit(p: Problem) -> list[Fraction]:
    """The slope through the two end points, as the solution draws it."""
    a = p.params
    decades = {10: 1, 100: 2, 1000: 3}[a["step"]] * (a["points"] - 1)
    first, last = q(a["losses"][0]), q(a["losses"][-1])
    return [Fraction(-log10(last / first) / decades)]


def hand_cosine(p: Problem) -> list[Fraction]:
    """With cos(πt/T) as the solution shows it."""
    lr_min, lr_max, c, _ = _cosine_parts(p)
    return [lr_min + (lr_max - lr_min) / 2 * (1 + dec_of(c))]


HAND = {
    "softmax_probs": hand_softmax_probs,
    "softmax_temperature": hand_softmax_temperature,
    "batch_norm_values": hand_batch_norm,
    "gelu_value": hand_gelu,
    "scaling_fit": hand_scaling_fit,
    "cosine_lr": hand_cosine,
}


@pytest.mark.parametrize("name", list(HAND))
def test_an_answer_worked_by_hand_as_shown_is_graded_correct(name):
    bad = []
    for p, _ in problems(name):
        assert rule(p)[0] != "exact"
        for value in HAND[name](p):
            typed = float(rounded(value, rule(p)))
            if not check(p, typed).correct:
                bad.append(
                    f"seed {p.seed}: by hand {float(value):.6f} → {typed}, answer {p.answer_text}"
                )
    assert not bad, f"{len(bad)} hand answers graded wrong:\n" + "\n".join(bad[:10])
