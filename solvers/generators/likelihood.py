"""Point-estimation problems: the maximum-likelihood estimates of a Bernoulli parameter and of a
Gaussian's mean and variance, and the MAP estimate of a Bernoulli parameter under a Beta prior."""

from __future__ import annotations

from fractions import Fraction
from statistics import median
from typing import Any

import numpy as np

from solvers.formatting import fixed, fmt_int, fmt_plain, fmt_rational, fmt_result
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)


def _frac_text(num: int, den: int) -> str:
    return f"{fmt_int(num)}/{fmt_int(den)}"


# ------------------------------------------------------------------------------ bernoulli_mle


def _build_bernoulli(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n = p["trials"]
    if n < 3:
        return None
    xs = random_ints(rng, n, 0, 1)
    k = sum(xs)
    if k in (0, n) or 2 * k == n:
        return None
    answer = Fraction(k, n)
    candidates: list[Candidate] = [
        ("counted-zeros", "x = 0 の割合を答えています", (n - k) / n),
        (
            "laplace-smoothing",
            "(k + 1)/(n + 2)（一様事前分布の事後平均）を答えています",
            (k + 1) / (n + 2),
        ),
        ("odds", "成功と失敗の比 k/(n − k)（オッズ）を答えています", k / (n - k)),
        ("divided-by-n-minus-1", "n − 1 で割っています", k / (n - 1)),
        ("prior-half", "データを使わず θ = 0.5 としています", 0.5),
    ]
    return Draft(
        params={"trials": n, "x": xs},
        prompt=(
            f"ベルヌーイ分布 P(x = 1) = θ に従う独立な観測 x = ({', '.join(map(str, xs))}) が得られた。"
            f"尤度 θᵏ(1 − θ)ⁿ⁻ᵏ（n は観測数、k は x = 1 の個数）を最大にする θ の最尤推定値を{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            "対数尤度 k ln θ + (n − k) ln(1 − θ) を θ で微分して 0 とおくと θ̂ = k/n",
            f"n = {n}、x = 1 の個数 k = {k}",
            f"θ̂ = {_frac_text(k, n)} {fmt_result(answer, _FIXED3)}",
        ],
    )


# ------------------------------------------------------------------------------ gaussian_mle


def _build_gaussian(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, question = p["n"], p["question"]
    if n < 3 or question not in ("mean", "variance"):
        return None
    xs = random_ints(rng, n, -4, 12)
    total = sum(xs)
    mean = Fraction(total, n)
    ss = sum((x - mean) ** 2 for x in xs)
    if ss == 0:
        return None
    mf = float(mean)
    if question == "mean":
        answer = mean
        candidates: list[Candidate] = [
            ("divided-by-n-minus-1", "合計を n − 1 で割っています", total / (n - 1)),
            ("median", "中央値を答えています", float(median(xs))),
            ("midrange", "最大値と最小値の平均を答えています", (max(xs) + min(xs)) / 2),
            ("forgot-divide", "合計を n で割り忘れています", float(total)),
        ]
        steps = [
            "対数尤度を μ で微分して 0 とおくと μ̂ = (1/n) Σ xᵢ（標本平均）",
            f"μ̂ = {fmt_int(total)}/{n} {fmt_result(mean, _FIXED3)}",
        ]
        what = "平均 μ"
    else:
        answer = ss / n
        sq = sum(x * x for x in xs)
        candidates = [
            (
                "unbiased",
                "n − 1 で割っています（不偏分散。最尤推定は n で割る）",
                float(ss) / (n - 1),
            ),
            ("standard-deviation", "分散の平方根（標準偏差）を答えています", float(answer) ** 0.5),
            ("not-centred", "平均を引かずに x² の平均を取っています", sq / n),
            (
                "mean-abs-deviation",
                "偏差の絶対値の平均を取っています",
                sum(abs(x - mf) for x in xs) / n,
            ),
            ("divided-by-n-squared", "n² で割っています", float(ss) / n**2),
        ]
        steps = [
            "対数尤度を σ² で微分して 0 とおくと σ̂² = (1/n) Σ (xᵢ − μ̂)²（n で割る）",
            f"μ̂ = {fmt_int(total)}/{n} = {fmt_rational(mean)}",
            f"Σ (xᵢ − μ̂)² = {fmt_rational(ss)}",
            f"σ̂² = {fmt_rational(ss)}/{n} {fmt_result(answer, _FIXED3)}",
        ]
        what = "分散 σ²"
    return Draft(
        params={"n": n, "question": question, "x": xs},
        prompt=(
            f"正規分布 N(μ, σ²) に従う独立な観測 x = ({', '.join(fmt_plain(x) for x in xs)}) が得られた。"
            f"{what} の最尤推定値を{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=steps,
    )


# -------------------------------------------------------------------------------- beta_map


def _build_beta_map(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    a, b, n = p["a"], p["b"], p["trials"]
    if a < 1 or b < 1 or n < 2 or a + b <= 2:
        return None
    (k,) = random_ints(rng, 1, 0, n)
    den = n + a + b - 2
    answer = Fraction(k + a - 1, den)
    candidates: list[Candidate] = [
        (
            "posterior-mean",
            "事後分布の平均 (k + a)/(n + a + b) を答えています（MAP は最頻値）",
            (k + a) / (n + a + b),
        ),
        ("mle", "事前分布を無視した最尤推定 k/n を答えています", k / n),
        ("swapped-prior", "a と b を取り違えています", (k + b - 1) / den),
        (
            "prior-mode",
            "データを使わず事前分布の最頻値 (a − 1)/(a + b − 2) を答えています",
            (a - 1) / (a + b - 2),
        ),
        ("forgot-minus-two", "分母の −2 を忘れています", (k + a - 1) / (n + a + b)),
    ]
    return Draft(
        params={"a": a, "b": b, "trials": n, "k": k},
        prompt=(
            f"コインの表が出る確率 θ に事前分布 Beta(a = {a}, b = {b})（密度 ∝ θᵃ⁻¹(1 − θ)ᵇ⁻¹）を"
            f"置き、{n} 回投げて表が {k} 回出た。θ の MAP 推定値（事後分布を最大にする θ）を"
            f"{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            f"事後分布 ∝ θᵏ(1 − θ)ⁿ⁻ᵏ·θᵃ⁻¹(1 − θ)ᵇ⁻¹ = Beta(k + a, n − k + b) = "
            f"Beta({k + a}, {n - k + b})",
            "Beta(α, β)（α, β ≥ 1、α + β > 2）の最頻値は (α − 1)/(α + β − 2) なので "
            "θ̂_MAP = (k + a − 1)/(n + a + b − 2)",
            f"θ̂_MAP = ({k} + {a} − 1)/({n} + {a} + {b} − 2) = {_frac_text(k + a - 1, den)} "
            f"{fmt_result(answer, _FIXED3)}",
        ],
    )


GENERATORS = (
    Template(
        name="bernoulli_mle",
        title="ベルヌーイ分布の最尤推定",
        topic="likelihood-bayes",
        exams=("E",),
        build=_build_bernoulli,
        ranges={"trials": [5, 6, 7, 8, 9, 10, 12]},
    ),
    Template(
        name="gaussian_mle",
        title="正規分布の平均と分散の最尤推定",
        topic="likelihood-bayes",
        exams=("E",),
        build=_build_gaussian,
        ranges={"n": [4, 5, 6], "question": ["mean", "variance"]},
    ),
    Template(
        name="beta_bernoulli_map",
        title="ベータ事前分布によるベルヌーイ分布の MAP 推定",
        topic="likelihood-bayes",
        exams=("E",),
        build=_build_beta_map,
        ranges={"a": [1, 2, 3, 5], "b": [2, 3, 5], "trials": [5, 8, 10, 12, 20]},
    ),
)
