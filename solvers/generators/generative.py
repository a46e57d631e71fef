"""Generative-model problems: the VAE's KL term for a diagonal Gaussian against N(0, I), the
GAN's discriminator and generator losses at given discriminator outputs, and the DDPM forward
process (ᾱ_t and the mean and variance of q(x_t | x_0))."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import (
    fixed,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_step,
    fmt_units,
    half_up_units,
    paren,
    subscript,
)
from solvers.generators._logs import (
    LOG_PLACES,
    clashes,
    hand_rounds_to,
    log_entry,
    log_units,
    near_tie,
    units_text,
)
from solvers.generators._roots import ROOT_PLACES, sqrt_units
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)
_FIXED4 = fixed(4)
_SIGMAS = (5, 8, 10, 12, 15, 20)
"""σ in tenths: 0.5 … 2; ln σ of each is listed in the prompt."""


# ------------------------------------------------------------------------------------ vae_kl


def _build_vae_kl(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    d = p["dims"]
    if not 1 <= d <= 4:
        return None
    draws = random_ints(rng, 2 * d, 0, 1000)
    mus = [u % 31 - 15 for u in draws[:d]]  # tenths, −1.5 … 1.5
    sigmas = [_SIGMAS[u % len(_SIGMAS)] for u in draws[d:]]
    logs = [log_units(s, 10, "nats") for s in sigmas]
    # ½(μ² + σ² − 2 ln σ − 1) per dimension; μ², σ² in 10⁻², ln σ in 10⁻⁴ → all in 10⁻⁴
    terms = [
        100 * (m * m + s * s) - 2 * lg - 10**4 for m, s, lg in zip(mus, sigmas, logs, strict=True)
    ]
    hand = sum(terms)  # 2·KL in 10⁻⁴
    mf = [m / 10 for m in mus]
    sf = [s / 10 for s in sigmas]
    ln = [math.log(s) for s in sf]
    answer = 0.5 * sum(m * m + s * s - 2 * lg - 1 for m, s, lg in zip(mf, sf, ln, strict=True))
    if (
        near_tie(answer, 3)
        or not hand_rounds_to(hand, 2 * 10**LOG_PLACES, answer, 3)
        or clashes([10 * t for t in terms], LOG_PLACES + 1, answer, 3)
    ):
        return None
    if all(m == 0 for m in mus) and all(s == 10 for s in sigmas):
        return None
    candidates: list[Candidate] = [
        ("forgot-half", "先頭の ½ を掛け忘れています", 2 * answer),
        ("log-sigma-not-squared", "ln σ² ではなく ln σ を引いています", answer + 0.5 * sum(ln)),
        ("log-sign", "ln σ² を足しています（符号が逆）", answer + 2 * sum(ln)),
        ("forgot-minus-one", "各次元の −1 を忘れています", answer + d / 2),
        (
            "sigma-not-squared",
            "σ² の代わりに σ を使っています",
            0.5 * sum(m * m + s - 2 * lg - 1 for m, s, lg in zip(mf, sf, ln, strict=True)),
        ),
        ("mean-over-dims", "次元について和ではなく平均を取っています", answer / d),
    ]
    table = "、".join(log_entry(fmt_plain(s / 10), s, 10, "nats") for s in sorted(set(sigmas)))
    mu_text = ", ".join(fmt_plain(m) for m in mf)
    sigma_text = ", ".join(fmt_plain(s) for s in sf)
    shown = [fmt_units(t, LOG_PLACES) for t in terms]
    return Draft(
        params={"dims": d, "mu": mf, "sigma": sf},
        prompt=(
            f"VAE のエンコーダが、ある入力に対して {d} 次元の潜在変数の平均 μ = ({mu_text})、標準偏差 "
            f"σ = ({sigma_text}) を出力した。正則化項 KL(N(μ, diag σ²) ‖ N(0, I)) = "
            "½ Σⱼ (μⱼ² + σⱼ² − ln σⱼ² − 1) を、"
            f"{table} を用いて{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            "ln σ² = 2 ln σ。各次元の μⱼ² + σⱼ² − 2 ln σⱼ − 1: " + "、".join(shown),
            f"和 ≈ {fmt_units(hand, LOG_PLACES)}、½ を掛けて {fmt_units(5 * hand, LOG_PLACES + 1)}",
        ],
    )


# ---------------------------------------------------------------------------------- gan_loss


def _build_gan(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    m, question = p["batch"], p["question"]
    if m not in (1, 2) or question not in ("discriminator", "generator"):
        return None
    draws = random_ints(rng, 2 * m, 1, 9)
    real, fake = draws[:m], draws[m:]  # tenths
    lr_ = [log_units(r, 10, "nats") for r in real]
    lf = [log_units(f, 10, "nats") for f in fake]
    l1f = [log_units(10 - f, 10, "nats") for f in fake]
    ln = math.log
    rf, ff = [r / 10 for r in real], [f / 10 for f in fake]
    d_loss = -(sum(ln(x) for x in rf) + sum(ln(1 - x) for x in ff)) / m
    g_loss = -sum(ln(x) for x in ff) / m
    if question == "discriminator":
        hand = -(sum(lr_) + sum(l1f))  # m·loss in 10⁻⁴
        answer = d_loss
        candidates: list[Candidate] = [
            (
                "fake-not-complemented",
                "偽物の項に ln(1 − D(G(z))) ではなく ln D(G(z)) を使っています",
                -(sum(ln(x) for x in rf) + sum(ln(x) for x in ff)) / m,
            ),
            (
                "labels-swapped",
                "本物を 0、偽物を 1 とラベル付けしています",
                -(sum(ln(1 - x) for x in rf) + sum(ln(x) for x in ff)) / m,
            ),
            ("forgot-minus", "マイナスを付け忘れています", -d_loss),
            (
                "real-term-only",
                "本物の項 −ln D(x) だけを計算しています",
                -sum(ln(x) for x in rf) / m,
            ),
            ("generator-loss", "生成器の損失 −ln D(G(z)) を答えています", g_loss),
            (
                "summed-over-batch",
                "バッチの平均ではなく和を取っています",
                m * d_loss if m > 1 else None,
            ),
        ]
        needed = {(r, 10) for r in real} | {(10 - f, 10) for f in fake} | {(f, 10) for f in fake}
        formula = "L_D = −(1/m) Σᵢ [ln D(xᵢ) + ln(1 − D(G(zᵢ)))]"
        steps = [
            "本物はラベル 1 で −ln D(x)、偽物はラベル 0 で −ln(1 − D(G(z)))",
            "各 ln: "
            + "、".join(
                f"ln {fmt_plain(r / 10)} ≈ {fmt_units(lg, 4)}"
                for r, lg in zip(real, lr_, strict=True)
            )
            + "、"
            + "、".join(
                f"ln(1 − {fmt_plain(f / 10)}) = ln {fmt_plain((10 - f) / 10)} ≈ {fmt_units(lg, 4)}"
                for f, lg in zip(fake, l1f, strict=True)
            ),
        ]
    else:
        hand = -sum(lf)
        answer = g_loss
        candidates = [
            (
                "minimax-form",
                "飽和する元の形 ln(1 − D(G(z))) の値を答えています",
                sum(ln(1 - x) for x in ff) / m,
            ),
            (
                "complemented",
                "−ln(1 − D(G(z))) を計算しています（それは識別器の偽物の項）",
                -sum(ln(1 - x) for x in ff) / m,
            ),
            ("forgot-minus", "マイナスを付け忘れています", -g_loss),
            ("discriminator-loss", "識別器の損失を答えています", d_loss),
            (
                "summed-over-batch",
                "バッチの平均ではなく和を取っています",
                m * g_loss if m > 1 else None,
            ),
        ]
        needed = {(f, 10) for f in fake} | {(10 - f, 10) for f in fake} | {(r, 10) for r in real}
        formula = "L_G = −(1/m) Σᵢ ln D(G(zᵢ))（non-saturating 型）"
        steps = [
            "生成器は偽物を本物（ラベル 1）と判定させたいので −ln D(G(z)) を最小化する",
            "各 ln: "
            + "、".join(
                f"ln {fmt_plain(f / 10)} ≈ {fmt_units(lg, 4)}"
                for f, lg in zip(fake, lf, strict=True)
            ),
        ]
    if near_tie(answer, 3) or not hand_rounds_to(hand, m * 10**LOG_PLACES, answer, 3):
        return None
    ordered = sorted(needed, key=lambda v: v[0])
    table = "、".join(log_entry(fmt_plain(n / d), n, d, "nats") for n, d in ordered)
    total = f"{fmt_units(hand, LOG_PLACES)}" + (
        f"、{m} で割って {fmt_units(hand * 5, LOG_PLACES + 1)}" if m == 2 else ""
    )
    return Draft(
        params={"batch": m, "question": question, "d_real": rf, "d_fake": ff},
        prompt=(
            f"GAN の識別器 D が本物のデータ {'、'.join(f'x{subscript(i + 1)}' for i in range(m))} に "
            f"D(x) = {', '.join(fmt_plain(x) for x in rf)}、生成データ "
            f"{'、'.join(f'G(z{subscript(i + 1)})' for i in range(m))} に D(G(z)) = "
            f"{', '.join(fmt_plain(x) for x in ff)} を出力した（m = {m}）。{formula}{' ' if formula[-1].isascii() else ''}を、"
            f"{table} を用いて{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[*steps, f"符号を変えて足すと {total}"],
    )


# --------------------------------------------------------------------------------- diffusion


_BETAS = (1, 2, 4, 5, 10, 20)
"""β in hundredths."""


def _build_diffusion(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    t, question = p["t"], p["question"]
    if not 2 <= t <= 4 or question not in ("alpha_bar", "variance", "mean"):
        return None
    draws = random_ints(rng, t + 1, 0, 1000)
    beta_units = [_BETAS[u % len(_BETAS)] for u in draws[:t]]  # hundredths
    x_units = draws[t] % 41 - 20  # tenths
    if question == "mean" and x_units == 0:
        return None
    alpha_units = [100 - b for b in beta_units]
    scale = 100**t
    a_num = math.prod(alpha_units)  # ᾱ_t = a_num/100ᵗ
    prev_num = a_num // alpha_units[-1]  # ᾱ_(t−1) = prev_num/100ᵗ⁻¹
    a_bar = Fraction(a_num, scale)
    af, pf = a_num / scale, prev_num / (scale // 100)
    sum_beta = sum(beta_units) / 100
    beta_t = beta_units[-1] / 100
    xf = x_units / 10
    alphas_text = [_HUNDREDTHS[a] for a in alpha_units]
    steps = [
        "α_s = 1 − β_s: "
        + "、".join(f"α{_SUB[s]} = {a}" for s, a in enumerate(alphas_text, start=1)),
        f"ᾱ{_SUB[t]} = " + "×".join(alphas_text) + f" = {fmt_rational(a_bar, 12)}",
    ]
    if question == "alpha_bar":
        answer: Fraction | float = a_bar
        fmt = _FIXED4
        product = math.prod(beta_units)
        candidates: list[Candidate] = [
            ("one-minus-sum", "1 − Σβ_s で近似しています（積を取っていない）", 1 - sum_beta),
            (
                "product-of-betas",
                "β_s の積を取っています",
                product / scale if 2 * product >= scale // 10**4 else None,
            ),
            ("last-alpha-only", "α_t だけを答えています（それまでの積を取っていない）", 1 - beta_t),
            ("off-by-one", f"s = 1 … {t - 1} までの積で止めています", pf),
            ("one-minus-product", "1 − ᾱ_t（分散）を答えています", 1 - af),
        ]
        what = f"ᾱ{_SUB[t]} = Π_(s=1…{t}) (1 − β_s)"
    elif question == "variance":
        answer = 1 - a_bar
        fmt = _FIXED4
        candidates = [
            ("used-alpha-bar", "ᾱ_t を分散と取り違えています", af),
            ("last-beta-only", "最後の 1 ステップの β_t だけを答えています", beta_t),
            ("sum-of-betas", "β_s の和を答えています", sum_beta),
            ("off-by-one", f"ᾱ を s = 1 … {t - 1} までの積で求めています", 1 - pf),
            (
                "std-not-variance",
                "分散ではなく標準偏差 √(1 − ᾱ_t) を答えています",
                math.sqrt(1 - af),
            ),
        ]
        steps.append(f"分散 = 1 − ᾱ{_SUB[t]} {fmt_result(answer, fmt)}")
        what = f"q(x{_SUB[t]} | x₀) の分散"
    else:
        answer = math.sqrt(af) * xf
        fmt = _FIXED3
        root = sqrt_units(a_num, scale, ROOT_PLACES)
        hand_units = x_units * root  # in 10⁻⁵
        if near_tie(answer, 3) or half_up_units(hand_units, 10**5, 3) != half_up_units(
            *answer.as_integer_ratio(), 3
        ):
            return None
        candidates = [
            ("forgot-sqrt", "√ᾱ_t ではなく ᾱ_t を掛けています", af * xf),
            (
                "used-noise-scale",
                "ノイズ側の係数 √(1 − ᾱ_t) を掛けています",
                math.sqrt(1 - af) * xf,
            ),
            ("last-alpha-only", "α_t だけの平方根 √α_t を掛けています", math.sqrt(1 - beta_t) * xf),
            ("unchanged", "平均は x₀ のまま変わらないとしています", xf),
            ("off-by-one", f"ᾱ を s = 1 … {t - 1} までの積で求めています", math.sqrt(pf) * xf),
        ]
        shown_root = units_text(root, ROOT_PLACES)
        steps += [
            f"√ᾱ{_SUB[t]} ≈ {shown_root}",
            f"平均 = √ᾱ{_SUB[t]}·x₀ ≈ {shown_root}×{paren(fmt_plain(xf))} "
            f"≈ {fmt_step(Fraction(hand_units, 10**5), fmt, 5)}",
        ]
        what = f"q(x{_SUB[t]} | x₀) の平均（x₀ = {fmt_plain(xf)}）"
    beta_text = "、".join(
        f"β{_SUB[s]} = {_HUNDREDTHS[b]}" for s, b in enumerate(beta_units, start=1)
    )
    return Draft(
        params={
            "t": t,
            "question": question,
            "betas": [b / 100 for b in beta_units],
            "x0": xf,
        },
        prompt=(
            f"拡散モデル（DDPM）の順過程 q(x_t | x_(t−1)) = N(√(1 − β_t)·x_(t−1), β_t I) で、"
            f"ノイズスケジュールが {beta_text} である。α_t = 1 − β_t、ᾱ_t = Π_(s=1…t) α_s と"
            f"すると q(x_t | x₀) = N(√ᾱ_t·x₀, (1 − ᾱ_t)I) となる。{what}{' ' if what[-1].isascii() else ''}を"
            f"{fmt.instruction()}求めよ"
            + ("（√ᾱ_t は小数第4位まで求めて使ってよい）。" if question == "mean" else "。")
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


_SUB = tuple(subscript(i) for i in range(10))
_HUNDREDTHS = {u: fmt_plain(u / 100) for u in range(101)}


GENERATORS = (
    Template(
        name="vae_kl",
        title="VAE の KL 正則化項",
        topic="e-generative-models",
        exams=("E",),
        build=_build_vae_kl,
        ranges={"dims": [1, 2, 3]},
    ),
    Template(
        name="gan_loss",
        title="GAN の識別器・生成器の損失",
        topic="e-generative-models",
        exams=("E",),
        build=_build_gan,
        ranges={"batch": [1, 2], "question": ["discriminator", "generator"]},
    ),
    Template(
        name="diffusion_forward",
        title="拡散モデルの順過程（ᾱ_t と q(x_t | x₀)）",
        topic="e-generative-models",
        exams=("E",),
        build=_build_diffusion,
        ranges={"t": [2, 3, 4], "question": ["alpha_bar", "variance", "mean"]},
    ),
)
