"""Training problems: a momentum SGD step, learning-rate schedules, the linear scaling rule, and
per-GPU memory under DeepSpeed ZeRO."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers import memory, optim, schedules
from solvers.formatting import (
    EXACT,
    fmt_dec,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_sig,
    fmt_step,
    paren,
    shown_value,
    sig,
    written,
)
from solvers.template import Candidate, Draft, Template

# ---------------------------------------------------------------------------- sgd_momentum_step


def _build_momentum(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    w, v, g, lr, mu = p["w"], p["v"], p["grad"], p["lr"], p["momentum"]
    if lr <= 0 or not 0 < mu < 1:
        return None
    w_new, v_new = optim.momentum_step(w, v, g, lr, mu)
    answer = float(w_new)
    candidates: list[Candidate] = [
        ("ignored-momentum", "モーメンタム項 μv を入れていません（通常の SGD）", w - lr * g),
        ("gradient-ascent", "勾配の符号が逆です（勾配を足しています）", w + mu * v + lr * g),
        ("forgot-learning-rate", "勾配に学習率 η を掛け忘れています", w + mu * v - g),
        ("velocity-not-decayed", "前回の速度 v に μ を掛け忘れています", w + v - lr * g),
        ("used-old-velocity", "更新前の速度 v で重みを動かしています", float(w + v)),
    ]
    return Draft(
        params={"w": w, "v": v, "grad": g, "lr": lr, "momentum": mu},
        prompt=(
            "モーメンタム付き SGD（v ← μv − η∇L、w ← w + v）で、現在の重み "
            f"w = {fmt_plain(w)}、前回の速度 v = {fmt_plain(v)}、勾配 ∇L = {fmt_plain(g)}、"
            f"学習率 η = {fmt_plain(lr)}、モーメンタム係数 μ = {fmt_plain(mu)} のとき、"
            "更新後の重み w を求めよ。"
        ),
        answer=answer,
        fmt=EXACT,
        candidates=candidates,
        steps=[
            f"速度の更新: v ← μv − η∇L = {fmt_plain(mu)}×{paren(v)} − "
            f"{fmt_plain(lr)}×{paren(g)} = {fmt_plain(round(mu * v, 9))} − "
            f"{paren(round(lr * g, 9))} = {fmt_plain(round(float(v_new), 9))}",
            f"重みの更新: w ← w + v = {fmt_plain(w)} + {paren(round(float(v_new), 9))} "
            f"= {fmt_plain(round(answer, 9))}",
            "（PyTorch の SGD は b ← μb + ∇L、w ← w − ηb と書くが、η が一定なら v = −ηb で同じ更新）",
        ],
    )


# ------------------------------------------------------------------------------------ cosine_lr


def _build_cosine(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    total, progress, lr_max, ratio = p["total_steps"], p["progress"], p["lr_max"], p["lr_min_ratio"]
    step = total * progress / 100
    if not (0 < progress < 100) or not float(step).is_integer() or not 0 <= ratio < 1:
        return None
    lr_min = lr_max * ratio
    answer = schedules.cosine_annealing(step, total, lr_max, lr_min)
    span = lr_max - lr_min
    c = math.cos(math.pi * step / total)
    candidates: list[Candidate] = [
        ("forgot-half", "½ を掛け忘れています", lr_min + span * (1 + c)),
        ("forgot-one-plus", "(1 + cos) の 1 を忘れています", lr_min + 0.5 * span * c),
        ("linear-decay", "コサインではなく線形に減衰させています", lr_max - span * step / total),
        (
            "full-period",
            "cos の中を 2πt/T としています（T で半周期 πt/T だけ進む）",
            lr_min + 0.5 * span * (1 + math.cos(2 * math.pi * step / total)),
        ),
        ("ignored-lr-min", "η_min を無視しています", 0.5 * lr_max * (1 + c) if lr_min else None),
    ]
    fmt = sig(3)
    # cos is shown to 4 decimals, or more where η from the shown cos would round otherwise
    # (cos 0.6π ≈ −0.3090 gives exactly 0.3455·η_max, but the answer is 0.34549…·η_max)
    exact_min = written(lr_max) * written(ratio)
    half_span = (written(lr_max) - exact_min) / 2
    target = fmt.text(answer)
    for places in range(4, 12):
        cos_text = "0" if abs(c) < 1e-12 else fmt_dec(c, places)  # cos(π/2) is exactly 0
        hand = exact_min + half_span * (1 + Fraction(shown_value(cos_text)))
        if fmt.text(hand) == target:
            break
    else:
        return None
    return Draft(
        params={
            "total_steps": total,
            "progress": progress,
            "lr_max": lr_max,
            "lr_min_ratio": ratio,
            "step": int(step),
        },
        prompt=(
            "コサインアニーリング η_t = η_min + ½(η_max − η_min)(1 + cos(πt/T)) で、"
            f"η_max = {fmt_plain(lr_max)}、η_min = {fmt_plain(lr_min)}、総ステップ数 T = {total} の"
            f"とき、t = {int(step)} での学習率を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"πt/T = π×{int(step)}/{total}、cos(π×{fmt_plain(progress / 100)}) "
            f"{'=' if cos_text == '0' else '≈'} {cos_text}",
            f"η_t = {fmt_plain(lr_min)} + ½×({fmt_plain(lr_max)} − {fmt_plain(lr_min)})×"
            f"(1 + {paren(cos_text)}) {fmt_result(hand, fmt)}",
        ],
    )


# ------------------------------------------------------------------------------------ warmup_lr


def _build_warmup(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    warmup, progress, lr = p["warmup_steps"], p["progress"], p["lr_base"]
    step = warmup * progress / 100
    if warmup < 1 or progress <= 0 or not float(step).is_integer() or lr <= 0:
        return None
    step = int(step)
    exact = written(lr) * step / warmup if step < warmup else written(lr)
    frac = step / warmup
    inside = step < warmup
    candidates: list[Candidate] = [
        ("no-warmup", "ウォームアップを無視して目標の学習率を答えています", lr if inside else None),
        ("inverted-fraction", "t/W を逆（W/t）にしています", lr * warmup / step),
        (
            "warmup-as-decay",
            "ウォームアップを減衰と取り違え、η から 0 へ下げています",
            lr * (1 - frac) if inside else None,
        ),
        ("squared-progress", "線形ではなく (t/W)² で増やしています", lr * frac * frac),
        (
            "kept-increasing",
            "ウォームアップ終了後も学習率を増やし続けています",
            None if inside else lr * frac,
        ),
        (
            "restarted-warmup",
            "ウォームアップ終了後に 0 から数え直しています",
            None if inside else lr * (step - warmup) / warmup,
        ),
    ]
    fmt = sig(3)
    detail = (
        f"t = {step} < W = {warmup} なので η_t = η×t/W = {fmt_plain(lr)}×{step}/{warmup} "
        f"{fmt_result(exact, fmt)}"
        if inside
        else f"t = {step} ≥ W = {warmup} なのでウォームアップは終わっており η_t = η = {fmt_plain(lr)}"
    )
    return Draft(
        params={"warmup_steps": warmup, "progress": progress, "lr_base": lr, "step": step},
        prompt=(
            f"最初の W = {warmup} ステップで学習率を 0 から η = {fmt_plain(lr)} まで線形に増やす"
            "ウォームアップを行う（t < W では η_t = η×t/W、t ≥ W では η）。"
            f"ステップ t = {step} での学習率を{fmt.instruction()}求めよ。"
        ),
        answer=exact,
        fmt=fmt,
        candidates=candidates,
        steps=["線形ウォームアップ: t < W では η×t/W、t ≥ W では η のまま", detail],
    )


# ---------------------------------------------------------------------------- linear_scaling_lr


def _build_linear_scaling(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    lr, base, batch = p["base_lr"], p["base_batch"], p["batch"]
    if batch == base or lr <= 0 or min(batch, base) <= 0:
        return None
    k = batch / base
    exact_k = Fraction(batch) / Fraction(base)
    exact = written(lr) * exact_k
    candidates: list[Candidate] = [
        ("inverted-scaling", "バッチサイズの比を逆に掛けています", lr / k),
        (
            "used-sqrt-rule",
            "平方根スケーリング（√k 倍）を使っています（線形スケーリング則では k 倍）",
            lr * math.sqrt(k),
        ),
        ("no-scaling", "学習率を変えていません", float(lr)),
        (
            "forgot-base-batch",
            "基準のバッチサイズで割らず、バッチサイズをそのまま掛けています",
            lr * batch,
        ),
        ("squared-rule", "比の 2 乗で変えています", lr * k * k),
    ]
    fmt = sig(3)
    return Draft(
        params={"base_lr": lr, "base_batch": base, "batch": batch},
        prompt=(
            f"バッチサイズ {base} で学習率 {fmt_plain(lr)} がうまくいっていた。線形スケーリング則"
            f"に従ってバッチサイズを {batch} に変えるとき、学習率をいくつにすべきか。"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=exact,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "線形スケーリング則: バッチサイズを k 倍にしたら学習率も k 倍にする",
            f"k = {batch}/{base} = {fmt_rational(exact_k)}",
            f"{fmt_plain(lr)} × {fmt_rational(exact_k)} {fmt_result(exact, fmt)}",
        ],
    )


# ---------------------------------------------------------------------------------- zero_memory


_ZERO_BYTES = {0: (16, 0), 1: (4, 12), 2: (2, 14), 3: (0, 16)}
"""Bytes per parameter each GPU keeps whole, and bytes split across the N GPUs, per stage."""


def _build_zero(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n_b, gpus, stage = p["n_params_billion"], p["n_gpus"], p["stage"]
    if stage not in (0, 1, 2, 3) or gpus < 2 or n_b <= 0:
        return None
    psi = n_b * 1e9

    def per_gpu(k: int, optim_bytes: float = 12) -> float:
        return memory.zero_memory_per_gpu(psi, gpus, k, bytes_optim=optim_bytes) / 1e9

    answer = per_gpu(stage)
    # bytes per parameter (kept + partitioned/N) = (kept·N + partitioned)/N; Ψ in 10⁹, so GB
    kept, split = _ZERO_BYTES[stage]
    psi_b = written(n_b)
    exact = Fraction(psi_b.numerator * (kept * gpus + split), psi_b.denominator * gpus)
    candidates: list[Candidate] = [
        ("no-partitioning", "ZeRO の分割を考えていません（16Ψ はステージ 0 の値）", per_gpu(0)),
        (
            "partitioned-everything",
            "すべてを N 台で分割しています（16Ψ/N はステージ 3 の値）",
            per_gpu(3),
        ),
        (
            "stage-shifted-up",
            "このステージで分割される対象を 1 つ多く数えています",
            per_gpu(stage + 1) if stage < 3 else None,
        ),
        (
            "stage-shifted-down",
            "このステージで分割される対象を 1 つ少なく数えています",
            per_gpu(stage - 1) if stage > 0 else None,
        ),
        (
            "forgot-master-weights",
            "オプティマイザ状態に FP32 のマスター重み（4 バイト）を含めていません（12 ではなく 8）",
            per_gpu(stage, optim_bytes=8),
        ),
        (
            "used-gib",
            "2³⁰ バイト（GiB）で割っています（ここでは 1 GB = 10⁹ バイト）",
            answer * 1e9 / 2**30,
        ),
    ]
    formulas = {
        0: "(2 + 2 + 12)Ψ",
        1: "(2 + 2)Ψ + 12Ψ/N",
        2: "2Ψ + (2 + 12)Ψ/N",
        3: "(2 + 2 + 12)Ψ/N",
    }
    what = {
        0: "何も分割しない",
        1: "オプティマイザ状態を分割",
        2: "オプティマイザ状態と勾配を分割",
        3: "オプティマイザ状態・勾配・パラメータをすべて分割",
    }
    fmt = sig(3)
    total = fmt_step(exact * 10**9, fmt, 4)
    about = "" if shown_value(total) == exact * 10**9 else "約 "
    return Draft(
        params={"n_params_billion": n_b, "n_gpus": gpus, "stage": stage},
        prompt=(
            f"パラメータ数 Ψ = {fmt_plain(n_b)}B（{fmt_sig(psi, 3)}）のモデルを Adam で混合精度学習する。"
            "パラメータと勾配は FP16（各 2 バイト）、オプティマイザ状態（FP32 のマスター重み・"
            "モーメンタム・分散）は 1 パラメータあたり 12 バイトとする。DeepSpeed ZeRO ステージ "
            f"{stage} で N = {gpus} 台の GPU に分散したとき、GPU 1 台あたりのモデル状態のメモリは何 GB か"
            f"（活性化は除く、1 GB = 10⁹ バイト）。{fmt.instruction()}求めよ。"
        ),
        answer=exact,
        fmt=fmt,
        candidates=candidates,
        unit="GB",
        steps=[
            f"ZeRO ステージ {stage} は{what[stage]}: 1 台あたり {formulas[stage]}",
            f"Ψ = {fmt_sig(psi, 3)}、N = {gpus} を代入すると {about}{total} バイト",
            f"10⁹ で割って {fmt.text(exact)} GB",
        ],
    )


GENERATORS = (
    Template(
        name="sgd_momentum_step",
        title="モーメンタム付き SGD の 1 ステップ",
        topic="optimizers-batch",
        exams=("E",),
        build=_build_momentum,
        ranges={
            "w": [0.5, 1.0, 1.5, 2.0],
            "v": [-0.2, -0.1, 0.05, 0.1, 0.2],
            "grad": [-2, -1, -0.5, 0.5, 1, 2],
            "lr": [0.1, 0.05, 0.01],
            "momentum": [0.9, 0.5],
        },
    ),
    Template(
        name="cosine_lr",
        title="コサインアニーリングの学習率",
        topic="lr-schedule",
        exams=("E",),
        build=_build_cosine,
        ranges={
            "total_steps": [100, 200, 1000],
            "progress": [10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90],
            "lr_max": [0.1, 0.01, 1.0, 0.001],
            "lr_min_ratio": [0, 0.1],
        },
    ),
    Template(
        name="warmup_lr",
        title="線形ウォームアップの学習率",
        topic="lr-schedule",
        exams=("G", "E"),
        build=_build_warmup,
        ranges={
            "warmup_steps": [100, 500, 1000, 2000, 4000],
            "progress": [10, 20, 25, 40, 50, 60, 75, 80, 90, 150],
            "lr_base": [0.1, 0.001, 0.0005, 0.0003],
        },
    ),
    Template(
        name="linear_scaling_lr",
        title="線形スケーリング則による学習率",
        topic="optimizers-batch",
        exams=("G", "E"),
        build=_build_linear_scaling,
        ranges={
            "base_lr": [0.1, 0.2, 0.05, 0.001],
            "base_batch": [128, 256],
            "batch": [32, 64, 512, 1024, 2048, 4096, 8192],
        },
    ),
    Template(
        name="zero_memory",
        title="ZeRO による GPU 1 台あたりのメモリ",
        topic="distributed",
        exams=("E",),
        build=_build_zero,
        ranges={
            "n_params_billion": [1, 1.5, 3, 7.5, 13, 70],
            "n_gpus": [4, 8, 16, 64],
            "stage": [0, 1, 2, 3],
        },
    ),
)
