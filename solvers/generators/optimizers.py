"""Optimiser and initialisation problems: Xavier/He initial scales, and one step of Nesterov
momentum, Adam with bias correction, AdaGrad or RMSprop by hand."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from solvers.formatting import (
    fixed,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_step,
    half_up_units,
    paren,
    superscript,
    written,
)
from solvers.generators._logs import units_text
from solvers.generators._roots import ROOT_PLACES, sqrt_units
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED4 = fixed(4)
_ROOT3 = math.sqrt(3)


# ------------------------------------------------------------------------------- init_scale

_SCHEME = {"xavier": "Xavier（Glorot）", "he": "He（Kaiming）"}
_CONVENTION = {
    "xavier": "Xavier は n_in と n_out の両方を使う Glorot の定義で、分散 2/(n_in + n_out) とする",
    "he": "He は n_in を使う定義（fan_in モード）で、分散 2/n_in とする",
}
_FANS_OUT = (32, 64, 100, 128, 200, 256, 512)


def _build_init(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    scheme, variant, k = p["scheme"], p["variant"], p["k"]
    if scheme not in _SCHEME or variant not in ("normal", "uniform") or k < 2 or k % 2:
        return None
    c = 2 if variant == "normal" else 6
    total = c * k * k
    (j,) = random_ints(rng, 1, 1, 7)
    if scheme == "xavier":
        fan_in = total * j // 8
        fan_out = total - fan_in
    else:
        fan_in = total
        fan_out = _FANS_OUT[min(j - 1, len(_FANS_OUT) - 1)]
    answer = Fraction(1, k)
    normal = variant == "normal"
    var_xavier, var_he = 2 / (fan_in + fan_out), 2 / fan_in
    other_var = var_he if scheme == "xavier" else var_xavier
    spread = 1.0 if normal else _ROOT3
    candidates: list[Candidate] = [
        ("forgot-sqrt", "平方根を取り忘れています", float(answer) ** 2),
        (
            "other-scheme",
            "Xavier と He の式を取り違えています"
            + ("（He は n_in だけを使う）" if scheme == "xavier" else "（Xavier は n_in + n_out）"),
            spread * math.sqrt(other_var),
        ),
        (
            "other-variant",
            "正規分布の標準偏差 σ と一様分布の上限 a を取り違えています（a = √3 σ）",
            float(answer) * (_ROOT3 if normal else 1 / _ROOT3),
        ),
        ("lecun", "LeCun の初期化（分散 1/n_in）を使っています", spread * math.sqrt(1 / fan_in)),
    ]
    if scheme == "he":
        candidates.append(
            (
                "used-fan-out",
                "n_in の代わりに n_out を使っています",
                spread * math.sqrt(2 / fan_out),
            )
        )
    else:
        candidates.append(
            (
                "forgot-two",
                "分子の 2 を忘れています（分散は 2/(n_in + n_out)）",
                spread * math.sqrt(1 / (fan_in + fan_out)),
            )
        )
    what = "標準偏差 σ" if normal else "上限 a（一様分布 U(−a, a)）"
    dist = "正規分布" if normal else "一様分布"
    formula = {
        ("xavier", "normal"): "σ = √(2/(n_in + n_out))",
        ("xavier", "uniform"): "a = √(6/(n_in + n_out))",
        ("he", "normal"): "σ = √(2/n_in)",
        ("he", "uniform"): "a = √(6/n_in)",
    }[scheme, variant]
    denominator = f"({fan_in} + {fan_out})" if scheme == "xavier" else str(fan_in)
    return Draft(
        params={"scheme": scheme, "variant": variant, "k": k, "fan_in": fan_in, "fan_out": fan_out},
        prompt=(
            f"入力ユニット数 n_in = {fan_in}、出力ユニット数 n_out = {fan_out} の全結合層の重みを "
            f"{_SCHEME[scheme]}の初期化で{dist}から生成する（{_CONVENTION[scheme]}）。その{what}を"
            f"{_FIXED4.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED4,
        candidates=candidates,
        steps=[
            f"{_SCHEME[scheme]}の{dist}版: {formula}"
            + (
                "（一様分布 U(−a, a) の分散は a²/3 なので、分散をそろえると a = √3σ）"
                if not normal
                else ""
            ),
            f"{formula.split(' = ')[0]} = √({c}/{denominator}) = √(1/{k * k}) = 1/{k} "
            f"{fmt_result(answer, _FIXED4)}",
        ],
    )


# --------------------------------------------------------------------------- nesterov_step


def _quadratic(a: float) -> str:
    """L(w) = ½aw² and its gradient, with a coefficient of 1 left unwritten."""
    if a == 1:
        return "L(w) = ½w²（∇L(w) = w）"
    return f"L(w) = ½×{fmt_plain(a)}×w²（∇L(w) = {fmt_plain(a)}w）"


def _build_nesterov(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    lr, mu, a = p["lr"], p["momentum"], p["curvature"]
    if lr <= 0 or not 0 < mu < 1 or a <= 0:
        return None
    w_units, v_units = random_ints(rng, 2, -30, 30)
    if w_units == 0 or v_units == 0:
        return None
    w, v = Fraction(w_units, 10), Fraction(v_units, 10)
    eta, m, c = written(lr), written(mu), written(a)
    ahead = w + m * v
    g = c * ahead
    v_new = m * v - eta * g
    answer = w + v_new
    wf, vf = float(w), float(v)

    def step(grad: float, keep: float = mu, rate: float = lr) -> float:
        return wf + keep * vf - rate * grad

    candidates: list[Candidate] = [
        (
            "classical-momentum",
            "先読み位置ではなく現在の w で勾配を計算しています（通常のモーメンタム）",
            step(a * wf),
        ),
        (
            "lookahead-without-mu",
            "先読み位置を w + v としています（μ を掛け忘れ）",
            step(a * (wf + vf)),
        ),
        (
            "gradient-ascent",
            "勾配の符号が逆です（勾配を足しています）",
            wf + mu * vf + lr * float(g),
        ),
        (
            "forgot-lr",
            "勾配に学習率 η を掛け忘れています",
            step(float(g), rate=1.0) if a != 1 else None,  # always 0 when ∇L(w) = w
        ),
        (
            "returned-velocity",
            "更新後の速度 v を答えています（w ← w + v まで進めていない）",
            float(v_new),
        ),
        ("no-momentum", "モーメンタムを使わない SGD の更新をしています", wf - lr * a * wf),
    ]
    return Draft(
        params={"lr": lr, "momentum": mu, "curvature": a, "w": float(w), "v": float(v)},
        prompt=(
            f"損失 {_quadratic(a)}を Nesterov の加速勾配法 "
            "v ← μv − η∇L(w + μv)、w ← w + v で最小化する。現在 w = "
            f"{fmt_plain(float(w))}、v = {fmt_plain(float(v))}、学習率 η = {fmt_plain(lr)}、"
            f"モーメンタム係数 μ = {fmt_plain(mu)} のとき、1 回更新した後の w を"
            f"{_FIXED4.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED4,
        candidates=candidates,
        steps=[
            f"先読み位置 w + μv = {fmt_plain(float(w))} + {fmt_plain(mu)}×{paren(fmt_plain(float(v)))} "
            f"= {fmt_rational(ahead)}",
            f"そこでの勾配 ∇L = {fmt_plain(a)}×{paren(fmt_rational(ahead))} = {fmt_rational(g)}",
            f"v ← {fmt_plain(mu)}×{paren(fmt_plain(float(v)))} − {fmt_plain(lr)}×"
            f"{paren(fmt_rational(g))} = {fmt_rational(v_new)}",
            f"w ← {fmt_plain(float(w))} + {paren(fmt_rational(v_new))} {fmt_result(answer, _FIXED4)}",
        ],
    )


# -------------------------------------------------------------------------------- adam_step


@lru_cache(maxsize=8192)
def _dec(x: Fraction) -> str:
    return fmt_rational(x, 12)


def _units(x: Fraction, places: int) -> int:
    return half_up_units(x.numerator, x.denominator, places)


_BIAS = {t: (1000 - 9**t * 10 ** (3 - t), 10**9 - 999**t * 1000 ** (3 - t)) for t in (1, 2, 3)}
"""(1 − 0.9ᵗ in 10⁻³, 1 − 0.999ᵗ in 10⁻⁹) for the steps the problems ask about."""


def _build_adam(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    t, lr = p["t"], p["lr"]
    if t not in _BIAS or lr <= 0:
        return None
    w_units, g_units, m_units, v_units = random_ints(rng, 4, -20, 20)
    if g_units == 0:
        return None
    # in integers: m in 10⁻², v in 10⁻⁴, m′ in 10⁻³, v′ in 10⁻⁷, 1 − β₁ᵗ in 10⁻³, 1 − β₂ᵗ in 10⁻⁹
    m_u, v_u = (0, 0) if t == 1 else (m_units, abs(v_units) + 1)
    m_new_u = 9 * m_u + 10 * g_units
    v_new_u = 999 * v_u + 100 * g_units * g_units
    c1_u, c2_u = _BIAS[t]
    m_hat = Fraction(m_new_u, c1_u)
    v_hat = Fraction(100 * v_new_u, c2_u)
    ratio = float(m_hat) / math.sqrt(v_hat)
    wf = w_units / 10
    answer = wf - lr * ratio
    # by hand: m̂ and v̂ written to 4 decimals, √v̂ of that to 4 decimals
    mh = half_up_units(m_new_u, c1_u, 4)
    vh = half_up_units(100 * v_new_u, c2_u, 4)
    if vh <= 0:
        return None
    root = sqrt_units(vh, 10**4, ROOT_PLACES)
    eta = written(lr)
    num, den = eta.numerator * mh, eta.denominator * root  # η·m̂/√v̂ = num/den
    hand_units = half_up_units(w_units * den - 10 * num, 10 * den, 4)
    if hand_units != half_up_units(*answer.as_integer_ratio(), 4) or _near(answer, 4):
        return None
    hand_step = Fraction(num, den)
    hand = Fraction(w_units, 10) - hand_step
    m, v = Fraction(m_u, 100), Fraction(v_u, 10**4)
    m_new, v_new = Fraction(m_new_u, 1000), Fraction(v_new_u, 10**7)
    c1, c2 = Fraction(c1_u, 1000), Fraction(c2_u, 10**9)
    mf, vf, gf = m_new_u / 1000, v_new_u / 10**7, g_units / 10
    mhf, vhf = float(m_hat), float(v_hat)
    candidates: list[Candidate] = [
        (
            "no-bias-correction",
            "バイアス補正をせずに m、v をそのまま使っています",
            wf - lr * mf / math.sqrt(vf),
        ),
        (
            "corrected-m-only",
            "m だけバイアス補正し、v は補正していません",
            wf - lr * mhf / math.sqrt(vf),
        ),
        (
            "corrected-v-only",
            "v だけバイアス補正し、m は補正していません",
            wf - lr * mf / math.sqrt(vhf),
        ),
        ("forgot-sqrt", "v̂ の平方根を取り忘れています", wf - lr * mhf / vhf),
        ("sign-flipped", "更新の符号が逆です", wf + lr * ratio),
        ("used-gradient", "m̂ の代わりに今回の勾配 g を使っています", wf - lr * gf / math.sqrt(vhf)),
        ("plain-sgd", "Adam ではなく通常の SGD（w − ηg）で更新しています", wf - lr * gf),
    ]
    power = superscript(t)
    return Draft(
        params={
            "t": t,
            "lr": lr,
            "w": wf,
            "grad": gf,
            "m": float(m),
            "v": float(v),
        },
        prompt=(
            f"Adam（β₁ = 0.9、β₂ = 0.999、ε は無視する）で重み w = {fmt_plain(wf)} を更新する。"
            f"ステップ t = {t}（1 から数える）の直前のモーメントは m = {_dec(m)}、"
            f"v = {_dec(v)}、今回の勾配は g = {fmt_plain(gf)}、学習率 η = {fmt_plain(lr)} である。"
            "m ← β₁m + (1 − β₁)g、v ← β₂v + (1 − β₂)g²、m̂ = m/(1 − β₁ᵗ)、v̂ = v/(1 − β₂ᵗ)、"
            f"w ← w − η·m̂/√v̂ として、更新後の w を{_FIXED4.instruction()}求めよ"
            "（m̂、v̂ と √v̂ は小数第4位まで求めて使ってよい）。"
        ),
        answer=answer,
        fmt=_FIXED4,
        candidates=candidates,
        steps=[
            f"m = 0.9×{paren(_dec(m))} + 0.1×{paren(fmt_plain(gf))} = {_dec(m_new)}、"
            f"v = 0.999×{_dec(v)} + 0.001×{paren(fmt_plain(gf))}² = {_dec(v_new)}",
            f"1 − 0.9{power} = {_dec(c1)}、1 − 0.999{power} = {_dec(c2)}",
            f"m̂ = {_dec(m_new)}/{_dec(c1)} ≈ {units_text(mh, 4)}、"
            f"v̂ = {_dec(v_new)}/{_dec(c2)} ≈ {units_text(vh, 4)}、"
            f"√v̂ ≈ {units_text(root, ROOT_PLACES)}",
            f"η·m̂/√v̂ ≈ {fmt_plain(lr)}×{paren(units_text(mh, 4))}/{units_text(root, ROOT_PLACES)} "
            f"≈ {fmt_step(hand_step, _FIXED4, 6)}",
            f"w ← {fmt_plain(wf)} − {paren(fmt_step(hand_step, _FIXED4, 6))} "
            f"≈ {fmt_step(hand, _FIXED4, 6)}",
        ],
    )


def _near(x: float, places: int) -> bool:
    scaled = abs(x) * 10**places
    return abs(scaled - math.floor(scaled) - 0.5) < 1e-6


# ----------------------------------------------------------------------- adaptive_lr_step


def _build_adaptive(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    method, lr, rho = p["method"], p["lr"], p["rho"]
    if method not in ("adagrad", "rmsprop") or lr <= 0 or not 0 < rho < 1:
        return None
    w_units, g_units, h_units = random_ints(rng, 3, -20, 20)
    if g_units == 0:
        return None
    w, g, h = Fraction(w_units, 10), Fraction(g_units, 10), Fraction(abs(h_units) + 1, 100)
    r = written(rho)
    adagrad = method == "adagrad"
    h_new = h + g * g if adagrad else r * h + (1 - r) * g * g
    eta = written(lr)
    answer = float(w) - lr * float(g) / math.sqrt(h_new)
    hh = _units(h_new, 6)
    root = sqrt_units(hh, 10**6, ROOT_PLACES)
    hand_step = eta * g * 10**ROOT_PLACES / root
    hand = w - hand_step
    if _units(hand, 4) != half_up_units(*answer.as_integer_ratio(), 4) or _near(answer, 4):
        return None
    wf, gf, hf, hnf = float(w), float(g), float(h), float(h_new)
    rf = rho
    candidates: list[Candidate] = [
        ("forgot-sqrt", "h の平方根を取り忘れています", wf - lr * gf / hnf),
        (
            "used-old-h",
            "更新前の h で割っています（h を先に更新する）",
            wf - lr * gf / math.sqrt(hf),
        ),
        ("sign-flipped", "更新の符号が逆です", wf + lr * gf / math.sqrt(hnf)),
        (  # AdaGrad's prompt states no ρ, so RMSprop's rule is no mistake it can make
            "other-method",
            "AdaGrad の式（単純な累積和）で h を更新しています",
            None if adagrad else wf - lr * gf / math.sqrt(hf + gf * gf),
        ),
        ("plain-sgd", "h で割らない通常の SGD（w − ηg）で更新しています", wf - lr * gf),
    ]
    if not adagrad:
        swapped = (1 - rf) * hf + rf * gf * gf
        candidates.append(
            ("swapped-rho", "ρ と 1 − ρ を取り違えています", wf - lr * gf / math.sqrt(swapped))
        )
    rule = "h ← h + g²" if adagrad else f"h ← ρh + (1 − ρ)g²（ρ = {fmt_plain(rho)}）"
    name = "AdaGrad" if adagrad else "RMSprop"
    h_line = (
        f"h = {fmt_rational(h)} + {paren(fmt_plain(gf))}² = {fmt_rational(h_new)}"
        if adagrad
        else f"h = {fmt_plain(rho)}×{fmt_rational(h)} + {fmt_rational(1 - r)}×{paren(fmt_plain(gf))}² "
        f"= {fmt_rational(h_new)}"
    )
    return Draft(
        params={"method": method, "lr": lr, "rho": rho, "w": wf, "grad": gf, "h": hf},
        prompt=(
            f"{name}（{rule}、w ← w − η·g/√h、ε は無視する）で、重み w = {fmt_plain(wf)}、"
            f"これまでの h = {fmt_rational(h)}、今回の勾配 g = {fmt_plain(gf)}、学習率 "
            f"η = {fmt_plain(lr)} のとき、更新後の w を{_FIXED4.instruction()}求めよ"
            "（√h は小数第4位まで求めて使ってよい）。"
        ),
        answer=answer,
        fmt=_FIXED4,
        candidates=candidates,
        steps=[
            h_line,
            f"√h ≈ {units_text(root, ROOT_PLACES)}",
            f"η·g/√h ≈ {fmt_plain(lr)}×{paren(fmt_plain(gf))}/{units_text(root, ROOT_PLACES)} "
            f"≈ {fmt_step(hand_step, _FIXED4, 6)}",
            f"w ← {fmt_plain(wf)} − {paren(fmt_step(hand_step, _FIXED4, 6))} "
            f"≈ {fmt_step(hand, _FIXED4, 6)}",
        ],
    )


GENERATORS = (
    Template(
        name="init_scale",
        title="Xavier / He 初期化の標準偏差と一様分布の範囲",
        topic="e-optimizers-init",
        exams=("E",),
        build=_build_init,
        ranges={
            "scheme": ["xavier", "he"],
            "variant": ["normal", "uniform"],
            "k": [4, 8, 10, 16, 20],
        },
    ),
    Template(
        name="nesterov_step",
        title="Nesterov の加速勾配法の 1 ステップ",
        topic="e-optimizers-init",
        exams=("E",),
        build=_build_nesterov,
        ranges={"lr": [0.1, 0.2, 0.05], "momentum": [0.5, 0.8, 0.9], "curvature": [0.5, 1, 2]},
    ),
    Template(
        name="adam_step",
        title="バイアス補正付き Adam の 1 ステップ",
        topic="e-optimizers-init",
        exams=("E",),
        build=_build_adam,
        ranges={"t": [1, 2, 3], "lr": [0.01, 0.05, 0.1]},
    ),
    Template(
        name="adaptive_lr_step",
        title="AdaGrad / RMSprop の 1 ステップ",
        topic="e-optimizers-init",
        exams=("E",),
        build=_build_adaptive,
        ranges={"method": ["adagrad", "rmsprop"], "lr": [0.01, 0.1], "rho": [0.9, 0.99]},
    ),
)
