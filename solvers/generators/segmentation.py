"""Segmentation problems: the output size of a transposed convolution, and the feature-map sides
of a U-Net built from unpadded 3×3 convolutions."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers import segmentation
from solvers.formatting import INTEGER
from solvers.template import Candidate, Draft, Template, random_ints


def _build_transposed(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, k, s = p["size"], p["kernel"], p["stride"]
    pad = min(p["padding"], k - 1)  # a padding beyond K − 1 would crop past the kernel's reach
    (op,) = random_ints(rng, 1, 0, s - 1) if s > 1 else (0,)
    if (n - 1) * s - 2 * pad + k + op < 1:
        return None
    answer = segmentation.transposed_output_size(n, k, s, pad, op)
    conv = (n + 2 * pad - k) // s + 1 if n + 2 * pad >= k else None
    candidates: list[Candidate] = [
        (
            "used-conv-formula",
            "通常の畳み込みの式 ⌊(n + 2P − K)/S⌋ + 1 を使っています",
            float(conv) if conv else None,
        ),
        ("times-stride", "入力を単純に S 倍しています", float(n * s)),
        ("forgot-padding", "−2P を忘れています", float((n - 1) * s + k + op)),
        (
            "added-padding",
            "2P を引くべきところを足しています",
            float((n - 1) * s + 2 * pad + k + op),
        ),
        (
            "n-not-n-minus-1",
            "(n − 1) ではなく n に S を掛けています",
            float(n * s - 2 * pad + k + op),
        ),
        (
            "forgot-output-padding",
            "output_padding を足し忘れています",
            float(answer - op) if op else None,
        ),
    ]
    extra = f"、output_padding = {op}" if op else ""
    return Draft(
        params={"size": n, "kernel": k, "stride": s, "padding": pad, "output_padding": op},
        prompt=(
            f"{n}×{n} の特徴マップに、カーネル {k}×{k}、ストライド {s}、パディング {pad}{extra} の"
            f"転置畳み込み（PyTorch の ConvTranspose2d、dilation 1。output_padding は省略時 0）を適用する。出力の高さを求めよ"
            f"（出力 = (n − 1)×S − 2P + K + output_padding）。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"(n − 1)×S = {n - 1}×{s} = {(n - 1) * s}",
            f"{(n - 1) * s} − 2×{pad} + {k} + {op} = {answer}",
        ],
    )


def _sides(
    size: int, depth: int, enc_cut: int, dec_cut: int, bottom_cut: int = -1
) -> tuple[int, int] | None:
    """(bottleneck side, output side) as a learner who loses ``enc_cut``/``dec_cut`` pixels per
    level (and ``bottom_cut`` at the bottleneck, ``enc_cut`` by default) works it out, halving
    with the floor."""
    n = size
    for _ in range(depth):
        n = (n - enc_cut) // 2
    n -= enc_cut if bottom_cut < 0 else bottom_cut
    bottom = n
    for _ in range(depth):
        n = 2 * n - dec_cut
    return (bottom, n) if n >= 1 and bottom >= 1 else None


def _build_unet(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    size, depth, question = p["size"], p["depth"], p["question"]
    try:
        sides = segmentation.unet_sizes(size, depth)
    except ValueError:
        return None
    answer = sides[depth] if question == "bottleneck" else sides[-1]
    pick = 0 if question == "bottleneck" else 1

    def variant(enc: int, dec: int, bottom: int = -1) -> float | None:
        got = _sides(size, depth, enc, dec, bottom)
        return float(got[pick]) if got else None

    candidates: list[Candidate] = [
        (
            "assumed-padding",
            "畳み込みでサイズが減らない（パディングあり）と考えています",
            variant(0, 0),
        ),
        ("one-conv-per-level", "各段の畳み込みを 1 回（−2）としか数えていません", variant(2, 2)),
        (
            "forgot-decoder-convs",
            "デコーダの畳み込みによる減少を忘れています",
            variant(4, 0) if question == "output" else None,
        ),
        (
            "forgot-bottleneck-convs",
            "最下段の 2 回の畳み込み（−4）を忘れています",
            variant(4, 4, 0),
        ),
        (
            "pooled-input-only",
            "プーリングによる半減だけを数えています",
            float(size // 2**depth) if question == "bottleneck" else None,
        ),
        (
            "conv-after-pool",
            "プーリングしてから畳み込むと考えています",
            float((size // 2**depth) - 4) if question == "bottleneck" else None,
        ),
    ]
    ask = (
        "最下段（ボトルネック）の 2 回の畳み込みの後の特徴マップの一辺"
        if question == "bottleneck"
        else "出力（最後の 3×3 畳み込みの後）の一辺"
    )
    down = "、".join(str(v) for v in sides[: depth + 1])
    up = "、".join(str(v) for v in sides[depth + 1 :])
    return Draft(
        params={"size": size, "depth": depth, "question": question},
        prompt=(
            f"一辺 {size} の入力に U-Net を適用する。エンコーダの各段はパディングなしの 3×3 畳み込み"
            f"（ストライド 1）を 2 回行ってから 2×2 の Max Pooling（ストライド 2）で半分にし、これを"
            f" {depth} 段繰り返した後、最下段で 3×3 畳み込みを 2 回行う。デコーダの各段は 2×2 の"
            f"アップ畳み込みで 2 倍にしてから（スキップ接続は切り抜いて連結し、サイズは変えない）"
            f"パディングなしの 3×3 畳み込みを 2 回行う。{ask}を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            "パディングなしの 3×3 畳み込みは 1 回で一辺が 2 減るので、2 回で 4 減る",
            f"エンコーダ（畳み込み後）: {down}（各段の後に半分）",
            *([f"デコーダ（2 倍して −4）: {up}"] if question == "output" else []),
        ],
    )


GENERATORS = (
    Template(
        name="transposed_conv_size",
        title="転置畳み込みの出力サイズ",
        topic="e-segmentation",
        exams=("E",),
        build=_build_transposed,
        ranges={
            "size": [7, 8, 14, 16, 28, 32],
            "kernel": [2, 3, 4, 5],
            "stride": [1, 2, 3],
            "padding": [0, 1, 2],
        },
    ),
    Template(
        name="unet_sizes",
        title="U-Net の特徴マップサイズ",
        topic="e-segmentation",
        exams=("E",),
        build=_build_unet,
        ranges={
            "size": [572, 508, 444, 380, 316, 252, 188, 636],
            "depth": [2, 3, 4],
            "question": ["bottleneck", "output"],
        },
    ),
)
