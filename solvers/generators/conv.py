"""Convolution and pooling problems: output sizes, receptive fields, parameter counts, and values
computed by hand on small integer maps."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers import conv
from solvers.formatting import EXACT, INTEGER, fixed, fmt_dec, fmt_int, fmt_plain
from solvers.template import Candidate, Draft, Template


def _size_or_none(n: int) -> float | None:
    """A mistaken output size is only a believable distractor when it is at least 1."""
    return float(n) if n >= 1 else None


def _floor_step(num: int, s: int) -> str:
    """The ⌊num/s⌋ step of a worked solution, saying when the division is rounded down."""
    if s == 1:
        return f"{num}"
    if num % s:
        return f"⌊{num}/{s}⌋ = ⌊{fmt_dec(num / s, 2)}⌋ = {num // s}"
    return f"{num}/{s} = {num // s}"


FLOOR_RULE = "出力サイズの計算で割り切れない場合は小数点以下を切り捨てる"
"""The convention ⌊(W+2P−F)/S⌋+1 rests on, stated in every output-size prompt."""


def padding_text(pad: int) -> str:
    """How a prompt states the padding: on each side, as the formula's 2P assumes."""
    return f"各辺にパディング {pad}" if pad else "パディングなし"


# --------------------------------------------------------------------------- conv_output_size


def _build_output_size(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    w, f, s, pad = p["size"], p["kernel"], p["stride"], p["padding"]
    if pad >= f or s > f or f > w + 2 * pad:
        return None
    answer = conv.output_size(w, f, s, pad)
    num = w + 2 * pad - f
    candidates: list[Candidate] = [
        (
            "forgot-plus-one",
            "出力サイズの式 ⌊(W+2P−F)/S⌋+1 の「+1」を忘れています",
            _size_or_none(num // s),
        ),
        (
            "padding-not-doubled",
            "パディングを片側分（P）しか足していません。パディングは両側に付くので 2P です",
            _size_or_none((w + pad - f) // s + 1) if w + pad >= f else None,
        ),
        (
            "forgot-padding",
            "パディング P を足し忘れています（⌊(W−F)/S⌋+1 で計算）",
            _size_or_none((w - f) // s + 1) if w >= f else None,
        ),
        (
            "padding-subtracted",
            "パディングを足すべきところで引いています（W−2P）",
            _size_or_none((w - 2 * pad - f) // s + 1) if w - 2 * pad >= f else None,
        ),
        (
            "rounded-up",
            "割り切れないときに切り上げています（正しくは切り捨て ⌊ ⌋）",
            float(math.ceil(num / s) + 1),
        ),
        (
            "ignored-stride",
            "ストライド S で割るのを忘れています",
            float(num + 1),
        ),
    ]
    return Draft(
        params={"size": w, "kernel": f, "stride": s, "padding": pad},
        prompt=(
            f"入力 {w}×{w}、カーネル {f}×{f}、ストライド {s}、{padding_text(pad)} の畳み込みの"
            f"出力サイズ（一辺）を求めよ。{FLOOR_RULE}。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "出力サイズ = ⌊(W+2P−F)/S⌋+1（W: 入力、P: パディング、F: カーネル、S: ストライド。"
            "割り切れないときは切り捨て）",
            f"(W+2P−F) = {w}+2×{pad}−{f} = {num}",
            f"{_floor_step(num, s)}、これに 1 を足して {answer}",
        ],
    )


# ------------------------------------------------------------------- conv_output_size_dilated


def _build_dilated(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    w, f, d, s, pad = p["size"], p["kernel"], p["dilation"], p["stride"], p["padding"]
    k_eff = conv.effective_kernel(f, d)
    if pad >= k_eff or k_eff > w + 2 * pad:
        return None
    answer = conv.output_size(w, f, s, pad, d)
    num = w + 2 * pad - k_eff

    def out(span: int, padded: int = w + 2 * pad) -> float | None:
        return _size_or_none((padded - span) // s + 1) if padded >= span else None

    candidates: list[Candidate] = [
        (
            "ignored-dilation",
            "ダイレーションを無視して、カーネルを F×F のまま計算しています",
            out(f),
        ),
        (
            "dilation-times-kernel",
            "実効カーネルサイズを D×F としています（正しくは D(F−1)+1）",
            out(d * f),
        ),
        (
            "holes-off-by-one",
            "タップの間に D 個の穴を入れています（穴は D−1 個、実効サイズ D(F−1)+1）",
            out(f + (f - 1) * d),
        ),
        (
            "forgot-plus-one",
            "出力サイズの式 ⌊(W+2P−F′)/S⌋+1 の「+1」を忘れています",
            _size_or_none(num // s),
        ),
        (
            "ignored-stride",
            "ストライド S で割るのを忘れています",
            float(num + 1) if s > 1 else None,
        ),
        (
            "padding-not-doubled",
            "パディングを片側分（P）しか足していません（両側で 2P）",
            out(k_eff, padded=w + pad) if pad > 0 else None,
        ),
    ]
    return Draft(
        params={"size": w, "kernel": f, "dilation": d, "stride": s, "padding": pad},
        prompt=(
            f"入力 {w}×{w} に、カーネル {f}×{f}、ダイレーション（膨張率）D = {d}、"
            f"ストライド {s}、{padding_text(pad)} の Dilated Convolution を適用する。"
            f"出力サイズ（一辺）を求めよ。{FLOOR_RULE}。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "Dilated Convolution の実効カーネルサイズは F′ = D(F−1)+1（タップの間に D−1 個の穴）",
            f"F′ = {d}×({f}−1)+1 = {k_eff}",
            "出力サイズ = ⌊(W+2P−F′)/S⌋+1",
            f"(W+2P−F′) = {w}+2×{pad}−{k_eff} = {num}、"
            f"{_floor_step(num, s)}、これに 1 を足して {answer}",
        ],
    )


# ---------------------------------------------------------------------------- receptive_field


def _field(n: int, k: int, s: int, own_stride: bool = False) -> int:
    """1 + Σ(k−1)·(product of earlier strides), or including each layer's own stride."""
    jumps = [s ** (i + 1 if own_stride else i) for i in range(n)]
    return 1 + (k - 1) * sum(jumps)


def _build_receptive_field(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, k, s = p["layers"], p["kernel"], p["stride"]
    if n < 1:
        return None
    answer = conv.stacked_receptive_field([k] * n, strides=[s] * n)
    candidates: list[Candidate] = [
        (
            "sum-of-kernels",
            "各層のカーネルサイズを単純に足しています（隣り合う窓の重なり分を引いていません）",
            float(n * k),
        ),
        ("product-of-kernels", "カーネルサイズを掛け合わせています", float(k**n)),
        (
            "forgot-plus-one",
            "受容野 = 1 + Σ(F−1)×(前の層までのストライドの積) の最初の 1 を忘れています",
            float(answer - 1),
        ),
        (
            "ignored-stride",
            "前の層のストライドで、後の層の1画素が入力上で広い範囲に対応することを無視しています",
            float(_field(n, k, 1)) if s > 1 else None,
        ),
        (
            "own-stride-included",
            "各層の広がりに、その層自身のストライドまで掛けています（掛けるのは前の層までの積）",
            float(_field(n, k, s, own_stride=True)) if s > 1 else None,
        ),
        ("last-layer-only", "最後の層のカーネルサイズだけを答えています", float(k)),
    ]
    jumps = [s**i for i in range(n)]
    if s == 1:
        detail = f"ストライド 1 なので各層 {k}−1 = {k - 1} ずつ広がる: 1 + {n}×{k - 1} = {answer}"
    else:
        terms = " + ".join(f"{k - 1}×{j}" for j in jumps)
        detail = (
            f"第 l 層の広がりは ({k}−1)×{s}^(l−1): 1 + {terms} = 1 + {(k - 1) * sum(jumps)} "
            f"= {answer}"
        )
    return Draft(
        params={"layers": n, "kernel": k, "stride": s},
        prompt=(
            f"カーネル {k}×{k}、ストライド {s} の畳み込み層を {n} 層重ねた（パディングは十分にある"
            "とする）。最後の層の出力1画素が見ている入力画像上の範囲（受容野）の一辺の画素数を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "受容野 r は 1 から始め、各層で (F−1)×(それより前の層のストライドの積) ずつ広がる",
            detail,
        ],
    )


# --------------------------------------------------------------------------------- conv_params


def _build_conv_params(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    k, c_in, c_out, bias, size = p["kernel"], p["c_in"], p["c_out"], p["bias"], p["size"]
    if not isinstance(bias, bool) or k > size:
        return None
    answer = conv.conv_params(k, c_in, c_out, bias=bias)
    weights = k * k * c_in * c_out
    b = c_out if bias else 0
    candidates: list[Candidate] = [
        (
            "forgot-bias",
            "バイアス（出力チャンネルごとに1つ）を数え忘れています",
            float(weights) if bias else None,
        ),
        (
            "added-bias",
            "バイアスなしの層にバイアス（出力チャンネル数）を足しています",
            None if bias else float(weights + c_out),
        ),
        (
            "forgot-input-channels",
            "フィルタ1枚が入力の全チャンネル分の重み（F×F×C_in）を持つことを忘れています",
            float(k * k * c_out + b),
        ),
        (
            "kernel-not-squared",
            "カーネルを F×F ではなく F として数えています",
            float(k * c_in * c_out + b),
        ),
        (
            "no-weight-sharing",
            "重み共有を忘れ、出力位置ごとに別の重みがあると数えています",
            float((weights + b) * size * size),
        ),
        (
            "bias-per-input-channel",
            "バイアスを入力チャンネルの数だけ数えています（バイアスは出力チャンネルごと）",
            float(weights + c_in) if bias else None,
        ),
    ]
    bias_text = "あり" if bias else "なし"
    steps = [
        "畳み込み層のパラメータ数 = F×F×C_in×C_out（重み）+ C_out（バイアス）。"
        "重みは全出力位置で共有されるので、入力サイズには依存しない",
        f"重み: {k}×{k}×{c_in}×{c_out} = {fmt_int(weights)}",
    ]
    if bias:
        steps.append(f"バイアス: {c_out}、合計 {fmt_int(weights)} + {c_out} = {fmt_int(answer)}")
    else:
        steps.append("バイアスなしなので重みだけ")
    return Draft(
        params={"kernel": k, "c_in": c_in, "c_out": c_out, "bias": bias, "size": size},
        prompt=(
            f"入力 {size}×{size}×{c_in}（高さ×幅×チャンネル）に、カーネル {k}×{k}、"
            f"出力チャンネル {c_out}、ストライド 1、same パディングの畳み込み層を適用する。"
            f"バイアス{bias_text}のとき、この層の学習可能なパラメータ数を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=steps,
    )


# ------------------------------------------------------------------------------- conv_by_hand


Grid = list[list[int]]


def _matrix_text(m: Grid) -> str:
    cells = [[fmt_plain(v) for v in row] for row in m]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("  " + " ".join(c.rjust(width) for c in row) for row in cells)


def _grid(rng: np.random.Generator, rows: int, cols: int, lo: int, hi: int) -> Grid:
    """A rows×cols grid of integers drawn uniformly from lo…hi (one draw of the generator)."""
    span = hi - lo + 1
    flat = [lo + int(u * span) for u in rng.random(rows * cols).tolist()]
    return [flat[i * cols : (i + 1) * cols] for i in range(rows)]


def _window(m: Grid, r: int, c: int, size: int) -> list[int]:
    """The size×size block of ``m`` whose top-left corner is (r, c), row-major (0-based)."""
    return [v for row in m[r : r + size] for v in row[c : c + size]]


def _dot(a: list[int], b: list[int]) -> int:
    return sum(x * y for x, y in zip(a, b, strict=True))


# ------------------------------------------------------------------------------- conv_by_hand


def _build_conv_by_hand(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    row, col, b, top = p["row"], p["col"], p["bias"], p["input_max"]
    if not (1 <= row <= 3 and 1 <= col <= 3) or top < 1:
        return None
    x = _grid(rng, 5, 5, 0, top)
    kern = _grid(rng, 3, 3, -1, 2)
    r, c = row - 1, col - 1
    window = _window(x, r, c, 3)
    # the output at (row, col) of a stride-1, unpadded convolution is the convolution of its window
    patch = np.array(window, dtype=float).reshape(1, 1, 3, 3)
    out = conv.conv2d(patch, np.array(kern, dtype=float).reshape(1, 1, 3, 3), b=[float(b)])
    answer = float(out[0, 0, 0, 0])
    k_flat = [v for line in kern for v in line]
    plain = _dot(window, k_flat)
    candidates: list[Candidate] = [
        ("forgot-bias", "バイアス b を足し忘れています", float(plain) if b else None),
        (
            "kernel-flipped",
            "数学の畳み込みのようにカーネルを180°回転させています（CNN の畳み込み層は回転しない"
            "相互相関）",
            float(_dot(window, k_flat[::-1]) + b),
        ),
        (
            "swapped-row-column",
            "出力の行と列を取り違えています",
            float(_dot(_window(x, c, r, 3), k_flat) + b) if r != c else None,
        ),
        (
            "sign-ignored",
            "カーネルの負の重みの符号を無視しています",
            float(_dot(window, [abs(v) for v in k_flat]) + b) if min(k_flat) < 0 else None,
        ),
        (
            "forgot-kernel-weights",
            "カーネルの重みを掛けずに、窓の中の入力をそのまま足しています",
            float(sum(window) + b),
        ),
    ]
    terms = " + ".join(
        f"{xv}×{kv}" if kv >= 0 else f"{xv}×({fmt_plain(kv)})"
        for xv, kv in zip(window, k_flat, strict=True)
    )
    bias_text = f" + ({fmt_plain(b)})" if b < 0 else f" + {b}"
    return Draft(
        params={"row": row, "col": col, "bias": b, "input_max": top, "x": x, "kernel": kern},
        prompt="\n".join(
            [
                "次の 5×5 の入力 X に 3×3 のカーネル K をストライド 1、パディングなしで畳み込む"
                f"（バイアス b = {fmt_plain(b)}）。",
                "入力 X:",
                _matrix_text(x),
                "カーネル K:",
                _matrix_text(kern),
                f"出力（3×3）の {row} 行 {col} 列の値を求めよ。",
            ]
        ),
        answer=answer,
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"出力の {row} 行 {col} 列は、入力の {row}〜{row + 2} 行・{col}〜{col + 2} 列の窓に"
            "カーネルを重ね、同じ位置どうしの積を足してバイアスを加えた値（カーネルは回転しない）",
            f"積の和: {terms} = {fmt_int(plain)}",
            f"バイアスを足して {fmt_int(plain)}{bias_text} = {fmt_int(answer)}",
        ],
    )


# ------------------------------------------------------------------------------ pooling_values


def _build_pooling(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    kind, row, col, top = p["kind"], p["row"], p["col"], p["value_max"]
    if kind not in ("max", "avg") or not (1 <= row <= 2 and 1 <= col <= 2) or top < 1:
        return None
    x = _grid(rng, 4, 4, 0, top)
    pool = conv.max_pool2d if kind == "max" else conv.avg_pool2d
    out = pool(np.array(x, dtype=float).reshape(1, 1, 4, 4), 2)[0, 0].tolist()
    answer = float(out[row - 1][col - 1])
    r, c = 2 * (row - 1), 2 * (col - 1)
    window = _window(x, r, c, 2)
    shifted = _window(x, row - 1, col - 1, 2)
    everything = [v for line in x for v in line]
    swapped = float(out[col - 1][row - 1]) if row != col else None
    if kind == "max":
        candidates: list[Candidate] = [
            ("used-average", "最大値ではなく窓の平均を答えています", sum(window) / 4),
            ("used-sum", "最大値ではなく窓の合計を答えています", float(sum(window))),
            (
                "stride-one-window",
                "窓を 1 マスずつずらしています（ストライド 2 なので 2 マスずつ移動）",
                float(max(shifted)),
            ),
            ("swapped-row-column", "出力の行と列を取り違えています", swapped),
            (
                "global-pooling",
                "特徴マップ全体の最大値（グローバルプーリング）を答えています",
                float(max(everything)),
            ),
        ]
    else:
        candidates = [
            ("used-max", "平均ではなく窓の最大値を答えています", float(max(window))),
            ("sum-not-average", "窓の合計を要素数 4 で割っていません", float(sum(window))),
            (
                "stride-one-window",
                "窓を 1 マスずつずらしています（ストライド 2 なので 2 マスずつ移動）",
                sum(shifted) / 4,
            ),
            ("swapped-row-column", "出力の行と列を取り違えています", swapped),
            (
                "global-pooling",
                "特徴マップ全体の平均（グローバルプーリング）を答えています",
                sum(everything) / 16,
            ),
        ]
    name = "最大" if kind == "max" else "平均"
    values = ", ".join(str(v) for v in window)
    if kind == "max":
        result = f"max({values}) = {fmt_plain(answer)}"
    else:
        result = f"({' + '.join(str(v) for v in window)})/4 = {fmt_plain(answer)}"
    return Draft(
        params={"kind": kind, "row": row, "col": col, "value_max": top, "x": x},
        prompt="\n".join(
            [
                f"次の 4×4 の特徴マップに、2×2・ストライド 2 の{name}プーリングを適用する。",
                _matrix_text(x),
                f"出力（2×2）の {row} 行 {col} 列の値を求めよ。",
            ]
        ),
        answer=answer,
        fmt=EXACT,
        candidates=candidates,
        steps=[
            f"2×2・ストライド 2 なので、出力の {row} 行 {col} 列は入力の {r + 1}〜{r + 2} 行・"
            f"{c + 1}〜{c + 2} 列の窓に対応する（窓は重ならない）",
            f"窓の値: {values}",
            f"{name}プーリングは窓の{name}{'値' if kind == 'max' else ''}をとる: {result}",
        ],
        hint="数で答えてください（例: 7 や 4.25）",
    )


# ---------------------------------------------------------------------------------- gap_values


def _build_gap(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    c, h, top = p["channels"], p["size"], p["value_max"]
    if c < 1 or h < 2 or top < 1:
        return None
    maps = [_grid(rng, h, h, 0, top) for _ in range(c)]
    answer = tuple(conv.global_avg_pool(np.array([maps], dtype=float))[0].tolist())
    flats = [[v for line in m for v in line] for m in maps]
    sums = [sum(f) for f in flats]
    overall = sum(sums) / (c * h * h)
    candidates: list[Candidate] = [
        (
            "used-max-pooling",
            "平均ではなく各チャンネルの最大値をとっています（Global Max Pooling）",
            tuple(float(max(f)) for f in flats),
        ),
        (
            "sum-not-average",
            "各チャンネルの合計を要素数 H×W で割っていません",
            tuple(float(v) for v in sums),
        ),
        (
            "divided-by-side",
            "合計を要素数 H×W ではなく一辺の長さ H で割っています",
            tuple(v / h for v in sums),
        ),
        (
            "mixed-channels",
            "チャンネルごとではなく、全チャンネルをまとめて平均しています",
            (overall,) * c,
        ),
    ]
    fmt = fixed(2)
    shown = []
    for i, m in enumerate(maps):
        shown += [f"チャンネル{i + 1}:", _matrix_text(m)]
    steps = [
        "GAP は各チャンネルの特徴マップ全体の平均をとり、チャンネルごとに1つの値にする"
        f"（出力は {c} 次元ベクトル）"
    ]
    for i in range(c):
        steps.append(f"チャンネル{i + 1}: 合計 {sums[i]} ÷ {h * h} = {fmt.text(answer[i])}")
    return Draft(
        params={"channels": c, "size": h, "value_max": top, "x": maps},
        prompt="\n".join(
            [
                f"次の特徴マップ（{c} チャンネル、各 {h}×{h}）に Global Average Pooling（GAP）を"
                "適用する。",
                *shown,
                f"出力ベクトルをチャンネル1から順に、各値を{fmt.instruction()}求めよ。",
            ]
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
        hint=f"{c} 個の数をカンマ区切りで答えてください（例: 2.5, 4.25）",
    )


GENERATORS = (
    Template(
        name="conv_output_size",
        title="畳み込みの出力サイズ",
        topic="stride-padding",
        exams=("G", "E"),
        build=_build_output_size,
        ranges={
            "size": [
                5,
                6,
                7,
                8,
                9,
                10,
                11,
                12,
                13,
                14,
                15,
                16,
                20,
                24,
                28,
                31,
                32,
                33,
                56,
                64,
                112,
                224,
                227,
            ],
            "kernel": [3, 5, 7, 11],
            "stride": [1, 2, 3, 4],
            "padding": [0, 1, 2, 3],
        },
    ),
    Template(
        name="conv_output_size_dilated",
        title="Dilated Convolution の出力サイズ",
        topic="dilated-conv",
        exams=("E",),
        build=_build_dilated,
        ranges={
            "size": [7, 8, 9, 10, 12, 14, 16, 28, 32, 64],
            "kernel": [3, 5],
            "dilation": [2, 3, 4],
            "stride": [1, 2],
            "padding": [0, 1, 2, 3, 4, 6, 8],
        },
    ),
    Template(
        name="receptive_field",
        title="畳み込み層を重ねたときの受容野",
        topic="weight-sharing",
        exams=("G", "E"),
        build=_build_receptive_field,
        ranges={"layers": {"min": 2, "max": 5}, "kernel": [3, 5, 7], "stride": [1, 2]},
    ),
    Template(
        name="conv_params",
        title="畳み込み層のパラメータ数",
        topic="convolution",
        exams=("G", "E"),
        build=_build_conv_params,
        ranges={
            "kernel": [1, 3, 5, 7],
            "c_in": [1, 3, 16, 32, 64, 128],
            "c_out": [8, 16, 32, 64, 128, 256],
            "bias": [True, False],
            "size": [8, 14, 16, 28, 32],
        },
    ),
    Template(
        name="conv_by_hand",
        title="畳み込みの手計算",
        topic="convolution",
        exams=("G", "E"),
        build=_build_conv_by_hand,
        ranges={"row": [1, 2, 3], "col": [1, 2, 3], "bias": [-1, 0, 1, 2], "input_max": [3, 4, 5]},
    ),
    Template(
        name="pooling_values",
        title="プーリングの手計算",
        topic="pooling",
        exams=("G", "E"),
        build=_build_pooling,
        ranges={"kind": ["max", "avg"], "row": [1, 2], "col": [1, 2], "value_max": [9]},
    ),
    Template(
        name="gap_values",
        title="Global Average Pooling の出力",
        topic="gap-cam",
        exams=("G", "E"),
        build=_build_gap,
        ranges={"channels": [2, 3], "size": [2, 3], "value_max": [4, 6, 9]},
    ),
)
