"""Efficient-architecture problems: depthwise separable convolution cost (MobileNet) and
EfficientNet compound scaling."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers import efficientnet, flops
from solvers.formatting import INTEGER, fixed, fmt_dec, fmt_int, fmt_plain, power, sig
from solvers.template import Candidate, Draft, Template

# ----------------------------------------------------------------------------- depthwise_macs


def _build_depthwise_macs(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    h, k, c_in, c_out = p["size"], p["kernel"], p["c_in"], p["c_out"]
    answer = flops.depthwise_separable_macs(h, h, k, c_in, c_out)
    hw = h * h
    depthwise = hw * k * k * c_in
    pointwise = hw * c_in * c_out
    candidates: list[Candidate] = [
        ("dropped-pointwise", "Pointwise（1×1）畳み込みの分を足し忘れています", float(depthwise)),
        ("dropped-depthwise", "Depthwise 畳み込みの分を足し忘れています", float(pointwise)),
        (
            "standard-conv",
            "通常の畳み込みの積和回数 H×W×k²×C_in×C_out を計算しています",
            float(flops.conv_macs(h, h, k, c_in, c_out)),
        ),
        (
            "depthwise-mixes-channels",
            "Depthwise でも全入力チャンネルを足し合わせるとしています（Depthwise はチャンネルごと）",
            float(hw * k * k * c_in * c_in + pointwise),
        ),
        (
            "forgot-output-size",
            "出力の画素数 H×W を掛け忘れています（1 画素分の回数）",
            float(k * k * c_in + c_in * c_out),
        ),
    ]
    return Draft(
        params={"size": h, "kernel": k, "c_in": c_in, "c_out": c_out},
        prompt=(
            f"入力 {c_in} チャンネル、出力 {c_out} チャンネル、出力特徴マップ {h}×{h} の層を、"
            f"Depthwise Separable Convolution（Depthwise {k}×{k} → Pointwise 1×1、ストライド 1、"
            "same パディング）で計算する。1 枚の画像あたりの積和演算（MAC）の回数を求めよ"
            "（バイアスは数えない）。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "Depthwise: チャンネルごとに k×k の畳み込み → H×W×k²×C_in 回",
            f"{h}×{h}×{k}²×{c_in} = {fmt_int(depthwise)}",
            "Pointwise: 1×1 畳み込みでチャンネルを混ぜる → H×W×C_in×C_out 回",
            f"{h}×{h}×{c_in}×{c_out} = {fmt_int(pointwise)}",
            f"合計 {fmt_int(depthwise)} + {fmt_int(pointwise)} = {fmt_int(answer)}",
        ],
    )


# ---------------------------------------------------------------------------- depthwise_ratio


def _build_depthwise_ratio(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    k, c_out = p["kernel"], p["c_out"]
    answer = flops.depthwise_separable_ratio(k, c_out)
    candidates: list[Candidate] = [
        ("dropped-pointwise", "Pointwise の分（1/C_out）を忘れています", 1 / k**2),
        ("dropped-depthwise", "Depthwise の分（1/k²）を忘れています", 1 / c_out),
        ("inverted-ratio", "比が逆です（何分の 1 になるかの分母を答えています）", 1 / answer),
        ("multiplied-terms", "1/C_out と 1/k² を足すべきところで掛けています", 1 / (k * k * c_out)),
        ("kernel-not-squared", "カーネルを k×k ではなく k として数えています", 1 / c_out + 1 / k),
    ]
    fmt = sig(3)
    return Draft(
        params={"kernel": k, "c_out": c_out},
        prompt=(
            f"カーネル {k}×{k}、出力 {c_out} チャンネルの通常の畳み込みを、Depthwise Separable "
            "Convolution（Depthwise → Pointwise）に置き換える。積和演算の回数は通常の畳み込みの"
            f"何倍になるか。{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "通常: H×W×k²×C_in×C_out、Depthwise Separable: H×W×k²×C_in + H×W×C_in×C_out",
            "比 = (k²×C_in + C_in×C_out)/(k²×C_in×C_out) = 1/C_out + 1/k²",
            f"1/{c_out} + 1/{k * k} = {fmt_dec(1 / c_out, 5)} + {fmt_dec(1 / k**2, 5)} = "
            f"{fmt_dec(answer, 5)}（約 1/{fmt_dec(1 / answer, 1)}）",
        ],
    )


# ---------------------------------------------------------------------- efficientnet_compound

_QUANTITY = {
    "depth": ("ネットワークの深さ（層数）", "α", 0),
    "width": ("ネットワークの幅（チャンネル数）", "β", 1),
    "resolution": ("入力画像の解像度", "γ", 2),
}
_SWAP = {"depth": 1, "width": 0, "resolution": 1}


def _build_efficientnet(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    phi, quantity = p["phi"], p["quantity"]
    a, b, g = efficientnet.ALPHA, efficientnet.BETA, efficientnet.GAMMA
    if quantity not in (*_QUANTITY, "flops") or phi < 1:
        return None
    mults = efficientnet.compound_multipliers(phi, a, b, g)
    factor = efficientnet.flops_factor(a, b, g)
    flops_x = efficientnet.flops_multiplier(phi, a, b, g)
    base = (a, b, g)
    fmt = fixed(3)
    if quantity == "flops":
        answer = flops_x
        what = "計算量（FLOPs）"
        candidates: list[Candidate] = [
            (
                "forgot-squares",
                "幅と解像度の 2 乗を忘れています（FLOPs ∝ d·w²·r²）",
                (a * b * g) ** phi,
            ),
            ("assumed-exactly-two", "α·β²·γ² ≈ 2 をちょうど 2 として計算しています", 2.0**phi),
            ("multiplied-not-powered", "φ 乗ではなく φ 倍しています", factor * phi),
            (
                "squared-wrong-factor",
                "幅ではなく深さを 2 乗しています（α²·β·γ²）",
                (a * a * b * g * g) ** phi,
            ),
        ]
        steps = [
            "FLOPs は深さに比例し、幅と解像度の 2 乗に比例する → φ を 1 増やすごとに α·β²·γ² 倍",
            f"α·β²·γ² = {a}×{b}²×{g}² = {fmt_dec(factor, 5)}",
            f"φ = {fmt_plain(phi)} なので {power(f'({fmt_dec(factor, 5)})', phi)} = "
            f"{fmt_dec(answer, 4)}",
        ]
    else:
        what, symbol, i = _QUANTITY[quantity]
        c = base[i]
        answer = mults[i]
        other = base[_SWAP[quantity]]
        candidates = [
            ("multiplied-not-powered", f"{symbol}^φ ではなく {symbol}×φ を計算しています", c * phi),
            (
                "exponent-used-linearly",
                f"倍率を 1 + ({symbol}−1)φ と線形に増やしています",
                1 + (c - 1) * phi,
            ),
            ("swapped-coefficients", "深さ・幅・解像度の係数を取り違えています", other**phi),
            ("gave-flops", "FLOPs の倍率 (α·β²·γ²)^φ を答えています", flops_x),
            ("squared-coefficient", "FLOPs の式と混同して係数を 2 乗しています", c ** (2 * phi)),
        ]
        steps = [
            "複合スケーリングでは深さ α^φ、幅 β^φ、解像度 γ^φ 倍にする",
            f"{what}は {symbol}^φ = {power(str(c), phi)} = {fmt_dec(answer, 4)} 倍",
        ]
    return Draft(
        params={"phi": phi, "quantity": quantity},
        prompt=(
            f"EfficientNet の複合スケーリングで α = {a}（深さ）、β = {b}（幅）、γ = {g}（解像度）、"
            f"複合係数 φ = {fmt_plain(phi)} とする。ベースライン（φ = 0）に比べて{what}は何倍に"
            f"なるか。{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="depthwise_macs",
        title="Depthwise Separable Convolution の積和回数",
        topic="depthwise-separable",
        exams=("E",),
        build=_build_depthwise_macs,
        ranges={
            "size": [7, 14, 28, 56],
            "kernel": [3, 5],
            "c_in": [16, 32, 64, 128],
            "c_out": [32, 64, 128, 256],
        },
    ),
    Template(
        name="depthwise_ratio",
        title="Depthwise Separable Convolution の計算量の比",
        topic="depthwise-separable",
        exams=("G", "E"),
        build=_build_depthwise_ratio,
        ranges={"kernel": [3, 5, 7], "c_out": [16, 32, 64, 128, 256, 512]},
    ),
    Template(
        name="efficientnet_compound",
        title="EfficientNet の複合スケーリング",
        topic="efficientnet",
        exams=("E",),
        build=_build_efficientnet,
        ranges={"phi": [1, 2, 3, 4, 5], "quantity": ["depth", "width", "resolution", "flops"]},
    ),
)
