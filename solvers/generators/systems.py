"""Distributed-training and memory problems: all-reduce traffic per GPU in data parallelism,
activation traffic between pipeline stages in model parallelism, and activation memory."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from solvers import memory
from solvers.formatting import fmt_int, fmt_rational, fmt_result, sig
from solvers.template import Candidate, Draft, Template

_SIG3 = sig(3)
_BYTES = {"fp32": 4, "fp16": 2}
_OTHER = {"fp32": "fp16", "fp16": "fp32"}


def _build_allreduce(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    millions, dtype, n, algo = p["params_million"], p["dtype"], p["n_gpus"], p["algorithm"]
    if dtype not in _BYTES or algo not in ("ring", "parameter_server"):
        return None
    size = Fraction(millions * 10**6 * _BYTES[dtype], 10**9)  # GB
    factor = Fraction(2 * (n - 1), n) if algo == "ring" else Fraction(n)
    answer = size * factor
    assert abs(float(answer) - memory.allreduce_bytes_per_gpu(float(size), n, algo)) < 1e-9
    other = Fraction(millions * 10**6 * _BYTES[_OTHER[dtype]], 10**9)
    ring = Fraction(2 * (n - 1), n)
    candidates: list[Candidate] = [
        (
            "forgot-factor-two",
            "Reduce-Scatter だけを数え、All-Gather の分（×2）を忘れています",
            float(size * Fraction(n - 1, n)) if algo == "ring" else None,
        ),
        (
            "no-division-by-n",
            "分割した 1/N ではなく勾配全体を N − 1 回ずつ送ると考えています",
            float(size * 2 * (n - 1)) if algo == "ring" else None,
        ),
        (
            "ring-for-server",
            "パラメータサーバでもリングの 2(N − 1)/N を使っています",
            float(size * ring) if algo == "parameter_server" else None,
        ),
        ("one-gradient", "勾配 1 つ分だけと考えています", float(size)),
        (
            "other-dtype",
            f"{dtype} の大きさを取り違えています（{_OTHER[dtype]} で計算）",
            float(other * factor),
        ),
        (
            "params-as-bytes",
            "パラメータ数をそのままバイト数としています",
            float(answer / _BYTES[dtype]),
        ),
        (
            "server-sends-too",
            "サーバの受信と送信を合計しています",
            float(2 * size * n) if algo == "parameter_server" else None,
        ),
    ]
    if algo == "ring":
        setting = (
            "リング All-Reduce（Reduce-Scatter の後に All-Gather。各 GPU は勾配を N 個に分けた"
            "断片を隣へ送る）で平均する。1 ステップで 1 台の GPU が送信するデータ量"
        )
        steps = [
            f"勾配の大きさ: {fmt_int(millions)}×10⁶ × {_BYTES[dtype]} バイト = {fmt_rational(size)} GB",
            f"Reduce-Scatter と All-Gather でそれぞれ (N − 1) 個の断片（1/N ずつ）を送るので 2(N − 1)/N = {fmt_rational(ring)} 倍",
            f"{fmt_rational(size)} × {fmt_rational(ring)} {fmt_result(answer, _SIG3)} GB",
        ]
    else:
        setting = (
            "パラメータサーバ方式（各 GPU が勾配全体をサーバ 1 台へ送り、サーバが平均して返す）で"
            "集約する。1 ステップでサーバが受信するデータ量"
        )
        steps = [
            f"勾配の大きさ: {fmt_int(millions)}×10⁶ × {_BYTES[dtype]} バイト = {fmt_rational(size)} GB",
            f"{n} 台がそれぞれ勾配全体を送るので {fmt_rational(size)} × {n} {fmt_result(answer, _SIG3)} GB",
        ]
    return Draft(
        params={"params_million": millions, "dtype": dtype, "n_gpus": n, "algorithm": algo},
        prompt=(
            f"パラメータ {fmt_int(millions)}×10⁶ 個のモデルを {n} 台の GPU でデータ並列学習し、"
            f"{dtype}（1 要素 {_BYTES[dtype]} バイト）の勾配を{setting}を GB（10⁹ バイト）単位で"
            f"{_SIG3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_SIG3,
        candidates=candidates,
        steps=steps,
        unit="GB",
    )


def _build_pipeline(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    b, n, d, stages = p["batch"], p["tokens"], p["hidden"], p["stages"]
    one = b * n * d * 2
    answer = Fraction(2 * (stages - 1) * one, 10**6)
    assert float(answer) == memory.pipeline_bytes_per_step(b, n, d, stages) / 10**6
    candidates: list[Candidate] = [
        ("forgot-backward", "逆伝播で戻る勾配の分を忘れています", float(answer / 2)),
        (
            "stages-not-boundaries",
            "境界の数を段数 S（正しくは S − 1）としています",
            float(Fraction(2 * stages * one, 10**6)),
        ),
        ("forgot-batch", "バッチサイズを掛け忘れています", float(answer / b)),
        ("fp32-bytes", "fp16 を 4 バイトで計算しています", float(answer * 2)),
        (
            "mebibytes",
            "MB を 2²⁰ バイトで計算しています",
            float(Fraction(2 * (stages - 1) * one, 2**20)),
        ),
    ]
    return Draft(
        params={"batch": b, "tokens": n, "hidden": d, "stages": stages},
        prompt=(
            f"Transformer を層ごとに {stages} 台の GPU に分けるパイプライン型のモデル並列で学習する。"
            f"隣り合う段の境界では、順伝播で活性（バッチ {b} × 系列長 {n} × 隠れ次元 {d}、fp16 で"
            f" 2 バイト）を送り、逆伝播で同じ大きさの勾配を送り返す。1 ステップ（マイクロバッチ分割なし）"
            f"で全境界を流れるデータ量の合計を MB（10⁶ バイト）単位で{_SIG3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_SIG3,
        candidates=candidates,
        steps=[
            f"1 回の送信: {b}×{n}×{d}×2 = {fmt_int(one)} バイト",
            f"境界は {stages} − 1 = {stages - 1} 個、順伝播と逆伝播で 2 回ずつ",
            f"2 × {stages - 1} × {fmt_int(one)} = {fmt_int(2 * (stages - 1) * one)} バイト"
            f" {fmt_result(answer, _SIG3)} MB",
        ],
        unit="MB",
    )


def _build_activation(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    b, dtype, kind = p["batch"], p["dtype"], p["kind"]
    if kind == "conv":
        c, h = p["channels"], p["size"]
        shape, what = (c, h, h), f"畳み込み層の出力 (C, H, W) = ({c}, {h}, {h})"
    else:
        heads, n = p["channels"] // 8, p["size"] * 8
        shape, what = (
            (heads, n, n),
            f"自己注意の注意重み（ソフトマックス後のスコア行列。ヘッド数 {heads}、系列長 {n}、"
            f"ヘッドごとに {n}×{n}）",
        )
    count = b
    for s in shape:
        count *= s
    answer = Fraction(count * _BYTES[dtype], 10**6)
    assert float(answer) == memory.activation_memory_bytes(b, shape, dtype) / 10**6
    candidates: list[Candidate] = [
        ("forgot-batch", "バッチサイズを掛け忘れています", float(answer / b)),
        ("bits-not-bytes", "バイトではなくビットで数えています（×8）", float(answer * 8)),
        (
            "other-dtype",
            f"{dtype} の大きさを取り違えています",
            float(Fraction(count * _BYTES[_OTHER[dtype]], 10**6)),
        ),
        (
            "mebibytes",
            "MB を 2²⁰ バイトで計算しています",
            float(Fraction(count * _BYTES[dtype], 2**20)),
        ),
        (
            "forgot-one-axis",
            "チャネル（ヘッド）数を掛け忘れています"
            if kind == "conv"
            else "系列長を 2 乗していません（n² の行列）",
            float(answer / shape[0]) if kind == "conv" else float(answer / shape[1]),
        ),
    ]
    dims = "×".join(str(s) for s in shape)
    return Draft(
        params={
            "batch": b,
            "dtype": dtype,
            "kind": kind,
            "channels": p["channels"],
            "size": p["size"],
        },
        prompt=(
            f"バッチサイズ {b} の学習で、{what}{' ' if what[-1].isascii() else ''}を逆伝播のために {dtype}（1 要素 {_BYTES[dtype]} バイト）"
            f"で保持する。このテンソルが占めるメモリを MB（10⁶ バイト）単位で{_SIG3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_SIG3,
        candidates=candidates,
        steps=[
            f"要素数: {b}×{dims} = {fmt_int(count)}",
            f"{fmt_int(count)} × {_BYTES[dtype]} = {fmt_int(count * _BYTES[dtype])} バイト"
            f" {fmt_result(answer, _SIG3)} MB",
        ],
        unit="MB",
    )


GENERATORS = (
    Template(
        name="allreduce_traffic",
        title="データ並列の勾配集約の通信量",
        topic="e-edge-accelerators",
        exams=("E",),
        build=_build_allreduce,
        ranges={
            "params_million": [110, 340, 1300, 7000],
            "dtype": ["fp32", "fp16"],
            "n_gpus": [4, 8, 16, 64],
            "algorithm": ["ring", "parameter_server"],
        },
    ),
    Template(
        name="pipeline_traffic",
        title="パイプライン並列の段間通信量",
        topic="e-edge-accelerators",
        exams=("E",),
        build=_build_pipeline,
        ranges={
            "batch": [4, 8, 16],
            "tokens": [512, 1024, 2048],
            "hidden": [1024, 2048, 4096],
            "stages": [2, 4, 8],
        },
    ),
    Template(
        name="activation_memory",
        title="活性を保持する GPU メモリ",
        topic="e-edge-accelerators",
        exams=("E",),
        build=_build_activation,
        ranges={
            "batch": [8, 16, 32, 64],
            "dtype": ["fp32", "fp16"],
            "kind": ["conv", "attention"],
            "channels": [64, 96, 128],
            "size": [28, 56, 64, 112],
        },
    ),
)
