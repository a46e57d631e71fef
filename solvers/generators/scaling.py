"""Scaling-law problems: fitting a power-law exponent, the loss ratio of a scaled model, and the
Chinchilla compute-optimal allocation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers import scaling
from solvers.formatting import (
    NumberFormat,
    fixed,
    fmt_dec,
    fmt_plain,
    fmt_result,
    fmt_sig,
    fmt_step,
    round_sig,
    sig,
    superscript,
    written,
)
from solvers.template import Candidate, Draft, Template


def _power_of_ten(exponent: int) -> str:
    return "10" + superscript(exponent)


# -------------------------------------------------------------------------------- scaling_fit


def _build_scaling_fit(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    alpha, points, step, loss0, n0 = (
        p["exponent"],
        p["points"],
        p["step"],
        p["loss0"],
        p["n0_exp"],
    )
    if points < 2 or step not in (10, 100, 1000) or alpha <= 0 or loss0 <= 0:
        return None
    decades_per_step = round(math.log10(step))
    exps = [n0 + decades_per_step * i for i in range(points)]
    n_values = [10.0**e for e in exps]
    losses = [round_sig(loss0 * step ** (-alpha * i), 4) for i in range(points)]
    _, fitted = scaling.fit_power_law(n_values, losses)
    answer = fitted
    ratio_total = losses[-1] / losses[0]
    decades = exps[-1] - exps[0]
    ratio_step = ratio_total ** (1 / (points - 1))
    two_point = -math.log10(ratio_total) / decades
    candidates: list[Candidate] = [
        (
            "sign-flipped",
            "両対数グラフの傾き（負）をそのまま α としています。L = a·N^(−α) なので α = −傾き",
            -fitted,
        ),
        (
            "ratio-not-log",
            "1 ステップあたりの損失の比そのものを指数としています（対数を取っていません）",
            ratio_step,
        ),
        (
            "exponent-used-linearly",
            "1 ステップあたりの損失の減少率 1 − L₂/L₁ を α としています（べき乗を線形に扱っています）",
            1 - ratio_step,
        ),
        (
            "mixed-log-bases",
            "損失には自然対数、N には常用対数を使っています",
            -math.log(ratio_total) / decades,
        ),
        (
            "forgot-log-step",
            f"N の比が {step} 倍（{decades_per_step} 桁）なのに 1 桁分として傾きを計算しています",
            -math.log10(ratio_step) if decades_per_step > 1 else None,
        ),
    ]
    fmt = fixed(3)
    table = [
        f"  N = {_power_of_ten(e)}: L = {loss:#.4g}" for e, loss in zip(exps, losses, strict=True)
    ]
    return Draft(
        params={
            "exponent": alpha,
            "points": points,
            "step": step,
            "loss0": loss0,
            "n0_exp": n0,
            "losses": losses,
        },
        prompt="\n".join(
            [
                "モデルのパラメータ数 N とテスト損失 L を測ったところ次のようになった。",
                *table,
                "L = a·N^(−α) のべき乗則に従うとして、両対数グラフ（log L 対 log N）の直線の傾きから "
                f"α を{fmt.instruction()}求めよ。",
            ]
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "両辺の対数をとると log L = log a − α·log N。両対数グラフの傾きが −α",
            f"両端の点から: 傾き = log₁₀({losses[-1]:#.4g}/{losses[0]:#.4g}) / "
            f"log₁₀({_power_of_ten(decades)}) = {fmt_dec(math.log10(ratio_total), 4)}/{decades} "
            f"= {fmt_dec(-two_point, 4)}",
            f"α = −傾き ≈ {fmt_dec(two_point, 4)}（全点の最小二乗で当てはめると {fmt.text(answer)}）",
        ],
    )


# ------------------------------------------------------------------------- scaling_loss_ratio

_RESOURCE = {"params": "パラメータ数 N", "data": "データ量 D", "compute": "計算量 C"}


def _build_loss_ratio(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    k, alpha, resource = p["factor"], p["exponent"], p["resource"]
    if resource not in _RESOURCE or k <= 1 or alpha <= 0:
        return None
    answer = scaling.loss_ratio(k, alpha)
    candidates: list[Candidate] = [
        (
            "exponent-used-linearly",
            "べき乗を線形に扱い、10 倍ごとに α ずつ減る（1 − α·log₁₀k）としています",
            1 - alpha * math.log10(k),
        ),
        ("multiplied-factor-by-exponent", "k^(−α) ではなく k×α を計算しています", k * alpha),
        ("sign-flipped", "指数の符号を逆にしています（損失が増える k^α）", k**alpha),
        ("ignored-exponent", "損失が資源に反比例する（1/k）と考えています", 1 / k),
        (
            "reduction-not-ratio",
            "何倍かではなく、損失の減少分 1 − k^(−α) を答えています",
            1 - answer,
        ),
    ]
    fmt = fixed(3)
    name = _RESOURCE[resource]
    symbol = name[-1]
    return Draft(
        params={"factor": k, "exponent": alpha, "resource": resource},
        prompt=(
            f"損失がべき乗則 L ∝ {symbol}^(−α)（α = {fmt_plain(alpha)}）に従うとき、{name} を "
            f"{fmt_plain(k)} 倍にすると損失は何倍になるか。{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"L ∝ {symbol}^(−α) なので、{symbol} を k 倍すると L は k^(−α) 倍",
            f"{fmt_plain(k)}^(−{fmt_plain(alpha)}) = 10^(−{fmt_plain(alpha)}×log₁₀{fmt_plain(k)}) "
            f"{_via_power_of_ten(k, alpha, answer, fmt)}",
        ],
    )


def _via_power_of_ten(k: float, alpha: float, answer: float, fmt: NumberFormat) -> str:
    """「= 10^(−e) ≈ v」 with e shown to as many decimals as it takes for 10^(−e) to round to
    the v shown (and v to the answer)."""
    value = fmt_step(answer, fmt)
    decades = math.log10(k)
    if float(decades).is_integer():  # k = 10, 100, …: the exponent is exact
        return f"= 10^(−{fmt_plain(written(alpha) * int(decades))}) {fmt_result(answer, fmt)}"
    places = len(value.partition(".")[2])
    for shown in range(4, 12):
        exponent = fmt_dec(alpha * decades, shown)
        if fmt_dec(10 ** -float(exponent), places) == value:
            break
    return f"= 10^(−{exponent}) ≈ {value}"


# ---------------------------------------------------------------------- chinchilla_allocation


def _build_chinchilla(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n_b, ask = p["n_billion"], p["ask"]
    if ask not in ("params", "tokens") or n_b <= 0:
        return None
    ratio = 20.0
    budget = round_sig(6 * ratio * (n_b * 1e9) ** 2, 3)
    n_opt, d_opt = scaling.chinchilla_allocation(budget, ratio)
    unit = 1e9

    def both(n: float) -> float:
        return (n if ask == "params" else ratio * n) / unit

    if ask == "params":
        answer = n_opt / unit
        swapped = d_opt / unit
        what = "パラメータ数 N"
    else:
        answer = d_opt / unit
        swapped = n_opt / unit
        what = "学習トークン数 D"
    no_root = budget / (6 * ratio)
    candidates: list[Candidate] = [
        (
            "forgot-factor-6",
            "C ≈ 6ND の 6 を忘れ、C = ND としています",
            both(math.sqrt(budget / ratio)),
        ),
        (
            "forward-only-flops",
            "学習の計算量を順伝播分の 2ND としています（逆伝播を含めて 6ND）",
            both(math.sqrt(budget / (2 * ratio))),
        ),
        (
            "assumed-equal-tokens",
            "D ≈ 20N の関係を使わず D = N としています",
            math.sqrt(budget / 6) / unit,
        ),
        ("forgot-square-root", "N² について解いた後、平方根を取っていません", both(no_root)),
        ("swapped-n-and-d", "パラメータ数とトークン数を取り違えています", swapped),
    ]
    fmt = sig(3)
    return Draft(
        params={"n_billion": n_b, "ask": ask, "flops": budget},
        prompt=(
            f"計算予算 C = {fmt_sig(budget, 3)} FLOPs で、Chinchilla 則（学習の計算量 C ≈ 6ND、"
            "計算最適なトークン数 D ≈ 20N）に従ってモデルを学習する。計算最適な"
            f"{what} は何 B（1 B = 10⁹）か。{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        unit="B",
        steps=[
            "C = 6ND に D = 20N を代入すると C = 120N²、よって N = √(C/120)",
            f"N = √({fmt_sig(budget, 3)}/120) = {fmt_sig(n_opt, 3)}（{fmt_sig(n_opt / unit, 3)} B）",
            f"D = 20N = {fmt_sig(d_opt, 3)}（{fmt_sig(d_opt / unit, 3)} B）",
        ],
    )


GENERATORS = (
    Template(
        name="scaling_fit",
        title="スケーリング則の指数を求める",
        topic="scaling-laws",
        exams=("E",),
        build=_build_scaling_fit,
        ranges={
            "exponent": [0.05, 0.076, 0.095, 0.1, 0.15, 0.2, 0.25, 0.3, 0.34],
            "points": [3, 4],
            "step": [10, 100],
            "loss0": [2.0, 3.0, 4.0, 5.0],
            "n0_exp": [6, 7, 8],
        },
    ),
    Template(
        name="scaling_loss_ratio",
        title="スケーリング則: 損失は何倍になるか",
        topic="scaling-laws",
        exams=("E",),
        build=_build_loss_ratio,
        ranges={
            "factor": [2, 4, 10, 100, 1000],
            "exponent": [0.05, 0.076, 0.095, 0.1, 0.2, 0.3, 0.5],
            "resource": ["params", "data", "compute"],
        },
    ),
    Template(
        name="chinchilla_allocation",
        title="Chinchilla 則による計算最適な配分",
        topic="scaling-laws",
        exams=("E",),
        build=_build_chinchilla,
        ranges={"n_billion": [1, 2, 5, 7, 10, 20, 50, 70, 100], "ask": ["params", "tokens"]},
    ),
)
