"""Probability problems: Bayes' rule for a positive test, and the binomial and Poisson
distributions."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers import statistics
from solvers.formatting import (
    fixed,
    fmt_dec,
    fmt_plain,
    fmt_rational,
    fmt_result,
    power,
    round_half_up,
    written,
)
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)


def _percent(p: Fraction) -> str:
    return fmt_rational(p * 100) + "%"


# ---------------------------------------------------------------------------- bayes_posterior


def _build_bayes(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    prior, sens, fpr, given = (
        p["prevalence"],
        p["sensitivity"],
        p["false_positive_rate"],
        p["given"],
    )
    if given not in ("false_positive_rate", "specificity") or not (
        0 < prior < 1 and 0 < sens <= 1 and 0 < fpr < 1
    ):
        return None
    a, s, f = written(prior), written(sens), written(fpr)
    hit, false_hit = s * a, f * (1 - a)
    evidence = hit + false_hit
    answer = hit / evidence
    fmt = _FIXED3
    pf, sf, ff = float(a), float(s), float(f)
    candidates: list[Candidate] = [
        ("confused-conditionals", "P(陽性|病気)（感度）と P(病気|陽性) を取り違えています", sf),
        (
            "ignored-prior",
            "有病率（事前確率）を無視しています: 感度/(感度 + 偽陽性率)",
            sf / (sf + ff),
        ),
        (
            "forgot-evidence",
            "陽性になる全確率 P(陽性) で割り忘れています（同時確率のまま）",
            sf * pf,
        ),
        (
            "unweighted-false-positives",
            "偽陽性率に P(病気でない) = 1 − 有病率 を掛け忘れています",
            sf * pf / (sf * pf + ff),
        ),
        ("not-updated", "事前確率（有病率）のままです（陽性という結果で更新していません）", pf),
        (
            "complement-conditional",
            "陽性のうち病気でない確率 P(病気でない|陽性) を答えています",
            1 - float(answer),
        ),
    ]
    if given == "specificity":
        candidates.insert(
            1,
            (
                "specificity-as-false-positive-rate",
                "特異度をそのまま偽陽性率として使っています（偽陽性率 = 1 − 特異度）",
                sf * pf / (sf * pf + (1 - ff) * (1 - pf)),
            ),
        )
        stated = f"病気でない人を {_percent(1 - f)} の確率で正しく陰性と判定する（特異度）"
        first = [
            f"偽陽性率 P(陽性|病気でない) = 1 − 特異度 = 1 − {fmt_rational(1 - f)} = {fmt_rational(f)}"
        ]
    else:
        stated = f"病気でない人を {_percent(f)} の確率で誤って陽性と判定する（偽陽性率）"
        first = []
    return Draft(
        params={
            "prevalence": prior,
            "sensitivity": sens,
            "false_positive_rate": fpr,
            "given": given,
        },
        prompt=(
            f"ある病気の有病率（事前確率）は {_percent(a)} である。この病気の検査は、病気の人を "
            f"{_percent(s)} の確率で陽性と判定し（感度）、{stated}。検査で陽性と判定された人が"
            f"実際に病気である確率を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            *first,
            f"P(陽性) = P(陽性|病気)P(病気) + P(陽性|病気でない)P(病気でない) = "
            f"{fmt_rational(s)}×{fmt_rational(a)} + {fmt_rational(f)}×{fmt_rational(1 - a)} = "
            f"{fmt_rational(hit)} + {fmt_rational(false_hit)} = {fmt_rational(evidence)}",
            f"ベイズの定理: P(病気|陽性) = P(陽性|病気)P(病気)/P(陽性) = "
            f"{fmt_rational(hit)}/{fmt_rational(evidence)} {fmt_result(answer, fmt)}",
        ],
    )


# ----------------------------------------------------------------------- binomial_probability


def _build_binomial(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, n, prob = p["question"], p["trials"], p["p"]
    if question not in ("exactly", "at_least_one") or n < 2 or not 0 < prob < 1:
        return None
    q = written(prob)
    fmt = _FIXED3
    pf = float(q)
    if question == "exactly":
        (k,) = random_ints(rng, 1, 1, n - 1)
        ways = math.comb(n, k)
        term = q**k * (1 - q) ** (n - k)
        answer = ways * term
        if answer < Fraction(1, 100):
            return None
        cumulative = sum(math.comb(n, j) * pf**j * (1 - pf) ** (n - j) for j in range(k + 1))
        candidates: list[Candidate] = [
            ("forgot-combination", f"組み合わせの数 {n}C{k} を掛け忘れています", float(term)),
            (
                "swapped-probabilities",
                "成功と失敗の確率を逆にしています",
                ways * (1 - pf) ** k * pf ** (n - k) if q != Fraction(1, 2) else None,
            ),
            (
                "used-permutation",
                f"組み合わせ {n}C{k} ではなく順列 {n}P{k} を掛けています",
                math.perm(n, k) * float(term),
            ),
            ("forgot-failures", f"失敗の確率 (1 − p)^{n - k} を掛け忘れています", ways * pf**k),
            ("cumulative", f"{k} 回以下の累積確率 P(X ≤ {k}) を答えています", cumulative),
        ]
        ask = f"成功がちょうど {k} 回である確率"
        steps = [
            f"二項分布: P(X = k) = ₙCₖ pᵏ(1 − p)ⁿ⁻ᵏ、{n}C{k} = {ways}",
            f"P(X = {k}) = {ways}×{power(fmt_plain(prob), k)}×{power(fmt_rational(1 - q), n - k)} = "
            f"{ways}×{fmt_rational(q**k)}×{fmt_rational((1 - q) ** (n - k))} {fmt_result(answer, fmt)}",
        ]
        params = {"question": question, "trials": n, "p": prob, "k": k}
    else:
        none = (1 - q) ** n
        answer = 1 - none
        candidates = [
            (
                "exactly-one",
                "ちょうど 1 回成功する確率を答えています",
                n * pf * (1 - pf) ** (n - 1),
            ),
            ("forgot-complement", "1 から引き忘れています（1 回も成功しない確率）", float(none)),
            (
                "added-probabilities",
                "各回の確率を足しています（n × p）",
                n * pf if n * pf < 1 else None,
            ),
            ("all-succeed-complement", "1 − pⁿ（全部成功の余事象）を計算しています", 1 - pf**n),
            ("forgot-power", "(1 − p) を n 乗し忘れています（1 − (1 − p) = p）", pf),
        ]
        ask = "少なくとも 1 回成功する確率"
        steps = [
            "「少なくとも 1 回」の余事象は「1 回も成功しない」",
            f"P(X = 0) = (1 − p)^{n} = {power(fmt_rational(1 - q), n)} = {fmt_rational(none)}",
            f"P(X ≥ 1) = 1 − {fmt_rational(none)} {fmt_result(answer, fmt)}",
        ]
        params = {"question": question, "trials": n, "p": prob}
    return Draft(
        params=params,
        prompt=(
            f"成功確率 p = {fmt_plain(prob)} の試行を独立に {n} 回行う。{ask}を"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# ------------------------------------------------------------------------ poisson_probability


def _build_poisson(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    lam, k_max = p["lam"], p["k_max"]
    if lam <= 0 or k_max < 0:
        return None
    (k,) = random_ints(rng, 1, 1, k_max)
    fmt = _FIXED3
    answer = statistics.poisson_pmf(k, lam)
    if answer < 0.01:
        return None
    target = fmt.text(answer)  # λᵏe^(−λ)/k! is irrational: never a tie
    coefficient = written(lam) ** k / math.factorial(k)
    e = math.exp(-lam)
    # e^(−λ) is given to 4 decimals, or more where λᵏ/k!·(that) would round otherwise
    for places in range(4, 10):
        given = round_half_up(e, places)
        hand = coefficient * given
        if fmt.text(hand) == target:
            break
    else:
        return None
    given_text = fmt_dec(e, places)
    fact = math.factorial(k)
    candidates: list[Candidate] = [
        ("forgot-factorial", f"{k}! で割り忘れています", answer * fact if k >= 2 else None),
        ("forgot-lambda-power", f"λ^{k} を掛け忘れています", e / fact),
        (
            "forgot-exponential",
            "e^(−λ) を掛け忘れています",
            float(coefficient) if coefficient < 1 else None,
        ),
        (
            "cumulative",
            f"{k} 回以下の累積確率 P(X ≤ {k}) を答えています",
            sum(statistics.poisson_pmf(j, lam) for j in range(k + 1)),
        ),
        ("complement", f"1 − P(X = {k}) を答えています", 1 - answer),
    ]
    lam_text = fmt_plain(lam)
    return Draft(
        params={"lam": lam, "k_max": k_max, "k": k, "exp_given": given_text},
        prompt=(
            f"1 時間あたり平均 λ = {lam_text} 回起こる事象の発生回数がポアソン分布 "
            f"P(X = k) = λᵏe^(−λ)/k! に従うとする。1 時間にちょうど {k} 回起こる確率を"
            f"{fmt.instruction()}求めよ。e^(−{lam_text}) ≈ {given_text} とする。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"λᵏ/k! = {power(lam_text, k)}/{k}! = {fmt_rational(coefficient)}",
            f"P(X = {k}) = {fmt_rational(coefficient)}×{given_text} {fmt_result(hand, fmt)}",
        ],
    )


GENERATORS = (
    Template(
        name="bayes_posterior",
        title="ベイズの定理：陽性のときに病気である確率",
        topic="math-statistics",
        exams=("G", "E"),
        build=_build_bayes,
        ranges={
            "prevalence": [0.01, 0.02, 0.05, 0.1, 0.2],
            "sensitivity": [0.8, 0.9, 0.95, 0.99],
            "false_positive_rate": [0.01, 0.02, 0.05, 0.1, 0.2],
            "given": ["false_positive_rate", "specificity"],
        },
    ),
    Template(
        name="binomial_probability",
        title="二項分布の確率",
        topic="math-statistics",
        exams=("G",),
        build=_build_binomial,
        ranges={
            "question": ["exactly", "at_least_one"],
            "trials": [3, 4, 5, 6],
            "p": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        },
    ),
    Template(
        name="poisson_probability",
        title="ポアソン分布の確率",
        topic="math-statistics",
        exams=("G",),
        build=_build_poisson,
        ranges={"lam": [0.5, 1, 1.5, 2, 2.5, 3, 4], "k_max": [3, 4]},
    ),
)
