"""Architecture-size problems: depthwise separable convolution cost (MobileNet), EfficientNet
compound scaling, and the parameter counts of MLPs and recurrent layers (RNN, GRU, LSTM)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np

from solvers import dense, efficientnet, flops, rnn
from solvers.formatting import (
    INTEGER,
    fixed,
    fmt_dec,
    fmt_int,
    fmt_plain,
    fmt_result,
    power,
    sig,
    written,
)
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
    exact = Fraction(1, c_out) + Fraction(1, k * k)  # 1/16 + 1/25 = 0.1025, a tie
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
        answer=exact,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "通常: H×W×k²×C_in×C_out、Depthwise Separable: H×W×k²×C_in + H×W×C_in×C_out",
            "比 = (k²×C_in + C_in×C_out)/(k²×C_in×C_out) = 1/C_out + 1/k²",
            f"1/{c_out} + 1/{k * k} = {exact.numerator}/{exact.denominator} "
            f"{fmt_result(exact, fmt, 5)}（約 1/{fmt_dec(1 / answer, 1)}）",
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
    exact_base = [written(c) for c in base]
    exact_factor = exact_base[0] * exact_base[1] ** 2 * exact_base[2] ** 2
    whole = float(phi).is_integer()
    fmt = fixed(3)
    if quantity == "flops":
        # rational for a whole φ: 1.15² is 1.3225 exactly, a tie the prompt rounds up
        answer = exact_factor ** int(phi) if whole else flops_x
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
            f"α·β²·γ² = {a}×{b}²×{g}² = {fmt_dec(exact_factor, 5)}",
            f"φ = {fmt_plain(phi)} なので {power(f'({fmt_dec(exact_factor, 5)})', phi)} "
            f"{fmt_result(answer, fmt)}",
        ]
    else:
        what, symbol, i = _QUANTITY[quantity]
        c = base[i]
        answer = exact_base[i] ** int(phi) if whole else mults[i]
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
            f"{what}は {symbol}^φ = {power(str(c), phi)} {fmt_result(answer, fmt)} 倍",
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


# ------------------------------------------------------------------------------- mlp_params


def _build_mlp(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n_in, hidden, n_out, depth = p["n_in"], p["hidden"], p["n_out"], p["hidden_layers"]
    if depth < 1:
        return None
    sizes = [n_in, *([hidden] * depth), n_out]
    answer = dense.mlp_params(sizes)
    weights = dense.mlp_params(sizes, bias=False)
    first = flops.fc_params(n_in, hidden)
    candidates: list[Candidate] = [
        ("forgot-biases", "バイアスを数え忘れています（重みだけの数）", float(weights)),
        (
            "input-layer-bias",
            "入力層にもバイアスがあるとして数えています（入力層はデータを受け取るだけ）",
            float(answer + n_in),
        ),
        (
            "one-bias-per-layer",
            "バイアスを層ごとに 1 個としています（バイアスは出力ユニットごとに 1 個）",
            float(weights + len(sizes) - 1),
        ),
        ("first-layer-only", "入力層→中間層の 1 層分しか数えていません", float(first)),
        (
            "multiplied-all-widths",
            "全層のユニット数をすべて掛け合わせています",
            float(np.prod(sizes)),
        ),
        (
            "counted-units",
            "パラメータではなくユニット（ノード）の数を数えています",
            float(sum(sizes)),
        ),
    ]
    arrows = " → ".join(str(n) for n in sizes)
    pairs = list(itertools.pairwise(sizes))
    layer_terms = [f"{a}×{b} + {b} = {fmt_int(a * b + b)}" for a, b in pairs]
    return Draft(
        params={"n_in": n_in, "hidden": hidden, "n_out": n_out, "hidden_layers": depth},
        prompt=(
            f"ユニット数が {arrows}（入力層 → 中間層 {depth} 層 → 出力層）の全結合ネットワーク"
            "（多層パーセプトロン）がある。入力層以外の各層の各ユニットはバイアスを 1 つ持つ。"
            "学習するパラメータ（重みとバイアス）の総数を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "層の間ごとに「入力ユニット数×出力ユニット数（重み）＋出力ユニット数（バイアス）」",
            *layer_terms,
            f"合計 {' + '.join(fmt_int(a * b + b) for a, b in pairs)} = {fmt_int(answer)}",
        ],
    )


# ------------------------------------------------------------------------- recurrent_params

_CELL = {
    "rnn": ("単純 RNN（Elman 型）", "tanh で隠れ状態を更新する 1 組"),
    "gru": ("GRU", "更新ゲート・リセットゲート・候補値の 3 組"),
    "lstm": ("LSTM", "忘却ゲート・入力ゲート・出力ゲート・候補値の 4 組"),
}
_BIAS_RULE = {
    1: "バイアスは各組に 1 本",
    2: "各組は入力側と隠れ状態側に別々のバイアス b_ih、b_hh を持つ（PyTorch と同じ数え方）",
}


def _build_recurrent(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    cell, n_in, h, bv = p["cell"], p["input_size"], p["hidden_size"], p["bias_vectors"]
    if cell not in _CELL or bv not in _BIAS_RULE:
        return None
    blocks = rnn.GATE_BLOCKS[cell]
    answer = rnn.recurrent_params(cell, n_in, h, bv)
    per_block = h * (n_in + h) + bv * h
    other = {"rnn": "lstm", "gru": "lstm", "lstm": "gru"}[cell]
    candidates: list[Candidate] = [
        (
            "forgot-biases",
            "バイアスを数え忘れています",
            float(rnn.recurrent_params(cell, n_in, h, 0)),
        ),
        (
            "other-bias-convention",
            "バイアスの本数（1 組あたり 1 本か 2 本か）を問題の指定と取り違えています",
            float(rnn.recurrent_params(cell, n_in, h, 3 - bv)),
        ),
        (
            "forgot-recurrent-weights",
            "隠れ状態 h_(t−1) から入る重み（h×h）を数え忘れています",
            float(blocks * (h * n_in + bv * h)),
        ),
        (
            f"counted-as-{other}",
            f"{_CELL[other][0]} の組数（{rnn.GATE_BLOCKS[other]} 組）で数えています",
            float(rnn.recurrent_params(other, n_in, h, bv)),
        ),
        (
            "bias-counted-once",
            "バイアスを組ごとではなく層全体で 1 組（h 個）しか数えていません",
            float(blocks * h * (n_in + h) + bv * h),
        ),
    ]
    if cell != "rnn":
        candidates.insert(
            1,
            (
                "forgot-candidate",
                f"ゲートだけを数え、候補値（セル入力）の組を忘れています（{blocks - 1} 組で計算）",
                float((blocks - 1) * per_block),
            ),
        )
    name, what = _CELL[cell]
    bias_text = f" + {bv}×{h}" if bv else ""
    return Draft(
        params={"cell": cell, "input_size": n_in, "hidden_size": h, "bias_vectors": bv},
        prompt=(
            f"入力の次元が {n_in}、隠れ状態の次元が {h} の{name}層 1 つ（単方向・1 層）の学習可能な"
            f"パラメータ数を求めよ。重みは {what}で、{_BIAS_RULE[bv]}とする。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"{name}は x_t と h_(t−1) から{what}のベクトル（各 {h} 次元）を作る",
            f"1 組 = 入力側の重み {h}×{n_in} + 隠れ状態側の重み {h}×{h}{bias_text}"
            f" = {fmt_int(per_block)}",
            f"{blocks} 組なので {blocks}×{fmt_int(per_block)} = {fmt_int(answer)}",
        ],
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
    Template(
        name="mlp_params",
        title="多層パーセプトロンのパラメータ数",
        topic="nn-structure",
        exams=("G", "E"),
        build=_build_mlp,
        ranges={
            "n_in": [2, 3, 4, 5, 8, 10, 16, 20, 64, 784],
            "hidden": [3, 4, 5, 8, 10, 16, 32, 50, 64, 100, 128],
            "n_out": [1, 2, 3, 4, 10],
            "hidden_layers": [1, 2],
        },
    ),
    Template(
        name="recurrent_params",
        title="RNN・GRU・LSTM のパラメータ数",
        topic="rnn-lstm",
        exams=("E",),
        build=_build_recurrent,
        ranges={
            "cell": ["rnn", "gru", "lstm"],
            "input_size": [2, 3, 4, 5, 8, 10, 16, 32, 50, 64, 100],
            "hidden_size": [2, 3, 4, 5, 8, 10, 16, 20, 32, 64, 100, 128],
            "bias_vectors": [1, 2],
        },
    ),
)
