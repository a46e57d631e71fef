"""Normalization problems: a Batch or Layer Normalization output by hand, and what BatchNorm2d
counts."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers import normalization
from solvers.formatting import (
    INTEGER,
    fixed,
    fmt_int,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_units,
    half_up_units,
    paren,
    written,
)
from solvers.template import Candidate, Draft, Template, random_ints


def _squared(text: str) -> str:
    return f"({text})²" if "/" in text or text.startswith("−") else f"{text}²"


def _round_sqrt(num: int, den: int) -> int:
    """√(num/den) rounded half up to a whole number, exactly (integers only)."""
    return (math.isqrt(4 * num // den) + 1) // 2


def _build_bn_values(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    return _build_norm_values(p, rng, layer=False)


def _build_ln_values(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    return _build_norm_values(p, rng, layer=True)


def _build_norm_values(p: dict[str, Any], rng: np.random.Generator, layer: bool) -> Draft | None:
    """One output of BN (one feature across a mini-batch) or LN (one token across its features):
    the same arithmetic over a different axis, so the same hand paths are replayed."""
    size_key = "features" if layer else "batch"
    n, top, gamma, beta = p[size_key], p["value_max"], p["gamma"], p["beta"]
    if n < 2 or top < 1:
        return None
    x = random_ints(rng, n, 0, top)
    (i,) = random_ints(rng, 1, 0, n - 1)
    if max(x) == min(x):
        return None
    # exact in integers: x − μ = d/n, σ² = q/n³, σ = √(qn)/n²
    total = sum(x)
    d = [n * v - total for v in x]
    q = sum(v * v for v in d)
    g, b = written(gamma), written(beta)
    gn, gd, bn, bd = g.numerator, g.denominator, b.numerator, b.denominator
    root = math.isqrt(q * n)
    exact_sd = root * root == q * n
    sd = math.sqrt(q * n) / (n * n)
    fmt = fixed(3)

    def y(num: int, den: int) -> int:
        """γ·(num/den) + β rounded to 3 decimals, in thousandths."""
        return half_up_units(gn * num * bd + bn * gd * den, gd * bd * den, 3)

    # by hand σ and x̂ are written to 4 decimals (as the solution does), or one of them is
    sd4 = _round_sqrt(q * n * 10**8, n**4)
    x_hat4 = half_up_units(d[i] * 10**4, n * sd4, 4)
    sign = -1 if d[i] < 0 else 1
    x_hat4_exact_sd = sign * _round_sqrt(d[i] ** 2 * n * 10**8, q)
    hand = {y(x_hat4, 10**4), y(d[i] * 10**4, n * sd4), y(x_hat4_exact_sd, 10**4)}
    if exact_sd:
        answer: Fraction | float = g * Fraction(d[i] * n, root) + b
        truth = y(d[i] * n, root)
    else:
        answer = gamma * d[i] * n / math.sqrt(q * n) + beta
        truth = math.floor(answer * 1000 + 0.5)  # irrational: no tie to round
    if hand != {truth}:
        return None
    xi, mean, var = float(x[i]), total / n, q / n**3
    x_hat = d[i] / n / sd
    unbiased = math.sqrt(var * n / (n - 1))
    candidates: list[Candidate] = [
        (
            "used-unbiased-variance",
            f"分散を{'要素数 − 1 ' if layer else ' N − 1 '}で割っています（{'LN' if layer else 'BN'} は"
            f"{'要素数' if layer else ' N '}で割る標本分散）",
            gamma * (xi - mean) / unbiased + beta,
        ),
        (
            "divided-by-variance",
            "標準偏差ではなく分散で割っています（√ を忘れています）",
            gamma * (xi - mean) / var + beta,
        ),
        (
            "forgot-affine",
            "γ 倍と β の加算（スケール・シフト）を忘れています",
            x_hat if (gamma, beta) != (1, 0) else None,
        ),
        (
            "shift-before-scale",
            "β を足してから γ 倍しています（正しくは γx̂ + β）",
            gamma * (x_hat + beta) if gamma != 1 and beta != 0 else None,
        ),
        ("forgot-centering", "平均を引き忘れています", gamma * xi / sd + beta),
    ]
    values = ", ".join(str(v) for v in x)
    mu = fmt_rational(Fraction(total, n))
    squares = " + ".join(_squared(fmt_rational(Fraction(v, n))) for v in d)
    if exact_sd:
        sd_text, sd_sign = fmt_rational(Fraction(root, n * n)), "="
    else:
        sd_text, sd_sign = fmt_units(sd4, 4), "≈"
    shown_x_hat = fmt_units(x_hat4, 4)
    y_hand = g * Fraction(x_hat4, 10**4) + b
    if layer:
        prompt = (
            f"Transformer のあるトークンの {n} 次元の特徴ベクトルが x = ({values}) であった。"
            f"Layer Normalization（このベクトルの {n} 要素で平均と分散を取り、分散は要素数 {n} で"
            f"割る。ε = 0 とする）で、{i + 1} 番目の要素の γ = {fmt_plain(gamma)}、"
            f"β = {fmt_plain(beta)} のとき、{i + 1} 番目の要素 x = {x[i]} に対する出力 y を"
            f"{fmt.instruction()}求めよ。"
        )
    else:
        prompt = (
            f"ミニバッチ内のある特徴（1 チャンネル）の値が x = ({values}) であった。学習時の"
            f" Batch Normalization（分散は N で割る、ε は無視）で γ = {fmt_plain(gamma)}、"
            f"β = {fmt_plain(beta)} のとき、{i + 1} 番目の値 x = {x[i]} に対する出力 y を"
            f"{fmt.instruction()}求めよ。"
        )
    return Draft(
        params={
            size_key: n,
            "value_max": top,
            "gamma": gamma,
            "beta": beta,
            "x": [float(v) for v in x],
            "index": i + 1,
        },
        prompt=prompt,
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"平均 μ = ({' + '.join(str(v) for v in x)})/{n} = {mu}",
            f"分散 σ² = ({squares})/{n} = {fmt_rational(Fraction(q, n**3))}、"
            f"σ = √σ² {sd_sign} {sd_text}",
            f"正規化 x̂ = (x − μ)/σ = ({x[i]} − {paren(mu)})/{sd_text} ≈ {shown_x_hat}",
            f"y = γx̂ + β = {fmt_plain(gamma)}×{paren(shown_x_hat)} + {paren(beta)} "
            f"{fmt_result(y_hand, fmt)}",
        ],
    )


def _build_bn_counts(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, c, h, question = p["batch"], p["channels"], p["size"], p["question"]
    if question not in ("affine", "values_per_channel"):
        return None
    counts = normalization.norm_counts((n, c, h, h), "batch")
    shape = f"(N, C, H, W) = ({n}, {c}, {h}, {h})"
    if question == "affine":
        answer = counts.n_affine
        candidates: list[Candidate] = [
            (
                "per-activation-params",
                "γ, β を位置ごと（C×H×W 組）に持つと数えています（BN はチャンネルごと）",
                float(2 * c * h * h),
            ),
            ("counted-only-gamma", "β を数え忘れています（γ と β で 2C）", float(c)),
            (
                "included-running-stats",
                "移動平均・移動分散（学習しないバッファ）も数えています",
                float(4 * c),
            ),
            ("per-sample", "サンプルごとに γ, β があると数えています", float(2 * n * c)),
            ("single-pair", "チャンネルに関係なく γ, β が 1 組だけだと考えています", 2.0),
        ]
        ask = "学習可能なパラメータ（γ と β）の総数を求めよ。"
        steps = [
            "BatchNorm2d はチャンネルごとに γ（スケール）と β（シフト）を 1 つずつ持つ",
            f"2 × C = 2 × {c} = {fmt_int(answer)}（移動平均・移動分散は学習しないバッファ）",
        ]
    else:
        answer = counts.values_per_statistic
        candidates = [
            (
                "instance-norm-count",
                "バッチ方向を含めていません（H×W は Instance Norm の単位）",
                float(h * h),
            ),
            ("forgot-spatial", "空間方向（H×W）を含めていません", float(n)),
            (
                "layer-norm-count",
                "サンプルごとに全チャンネルで計算しています（C×H×W は Layer Norm の単位）",
                float(c * h * h),
            ),
            ("all-values", "全チャンネルをまとめています（N×C×H×W）", float(n * c * h * h)),
        ]
        ask = "1 つのチャンネルの平均と分散は、何個の値から計算されるか。"
        steps = [
            "BatchNorm2d はチャンネルごとに、バッチ内の全サンプル・全位置の値で平均と分散を計算する",
            f"N × H × W = {n} × {h} × {h} = {fmt_int(answer)}",
        ]
    return Draft(
        params={"batch": n, "channels": c, "size": h, "question": question},
        prompt=f"形状 {shape} の特徴マップに、学習時の BatchNorm2d を適用する。{ask}",
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="batch_norm_values",
        title="Batch Normalization の手計算",
        topic="batch-norm",
        exams=("E",),
        build=_build_bn_values,
        ranges={
            "batch": [3, 4, 5],
            "value_max": [6, 8, 10],
            "gamma": [1, 2, 0.5],
            "beta": [0, 1, -1, 0.5],
        },
    ),
    Template(
        name="layer_norm_values",
        title="Layer Normalization の手計算",
        topic="transformer",
        exams=("E",),
        build=_build_ln_values,
        ranges={
            "features": [3, 4, 5],
            "value_max": [6, 8, 10],
            "gamma": [1, 2, 0.5],
            "beta": [0, 1, -1, 0.5],
        },
    ),
    Template(
        name="batch_norm_counts",
        title="Batch Normalization の統計量とパラメータ数",
        topic="batch-norm",
        exams=("G", "E"),
        build=_build_bn_counts,
        ranges={
            "batch": [8, 16, 32, 64],
            "channels": [16, 32, 64, 128, 256],
            "size": [7, 14, 28, 32, 56],
            "question": ["affine", "values_per_channel"],
        },
    ),
)
