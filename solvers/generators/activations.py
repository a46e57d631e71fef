"""Activation-function problems: softmax (with temperature), sigmoid/tanh derivatives and the
vanishing gradient, ReLU and Leaky ReLU values and gradients, GELU against ReLU."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from solvers import activations
from solvers.formatting import (
    EXACT,
    fixed,
    fmt_dec,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_step,
    fmt_units,
    half_up_units,
    paren,
    power,
    sig,
    subscript,
    written,
)
from solvers.template import Candidate, Draft, Template, random_ints


def _vec(values: Sequence[float]) -> str:
    return "(" + ", ".join(fmt_plain(v) for v in values) + ")"


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logits(rng: np.random.Generator, k: int, lo: int, hi: int) -> list[int] | None:
    if k < 2 or lo >= hi:
        return None
    z = random_ints(rng, k, lo, hi)
    return None if len(set(z)) == 1 else z


def _one_hot_guess(z: Sequence[float], i: int) -> float | None:
    """1 for the unique largest logit, 0 otherwise (None when the maximum is shared)."""
    top = max(z)
    if z.count(top) > 1:
        return None
    return 1.0 if z[i] == top else 0.0


# ------------------------------------------------------------------------------ softmax_probs

E_GIVEN = 2718
"""e as a softmax prompt gives it, in thousandths (e ≈ 2.718)."""


def _milli(x: float) -> int:
    """A positive value rounded half up to 3 decimals, in thousandths (exp values: a tie needs
    e^z to be rational, which it is only at z = 0, where it is exactly 1)."""
    return math.floor(x * 1000 + 0.5)


def _share(values: Sequence[int], i: int) -> int:
    """values[i] / Σ values rounded half up to 3 decimals, in thousandths, exactly."""
    return half_up_units(values[i], sum(values), 3)


def _given_e(z: Sequence[int]) -> tuple[list[int], list[int]]:
    """e^z with e ≈ 2.718 exactly, scaled by one common factor (2718^z/1000^z times
    2718^(−min z)·1000^(max z), all integers), and each 2.718^z rounded to 3 decimals (in
    thousandths)."""
    lo, hi = min(z), max(z)
    exact = [E_GIVEN ** (v - lo) * 1000 ** (hi - v) for v in z]
    rounded = [
        half_up_units(E_GIVEN**v, 1000**v, 3) if v >= 0 else half_up_units(1000**-v, E_GIVEN**-v, 3)
        for v in z
    ]
    return exact, rounded


def _build_softmax(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    z = _logits(rng, p["classes"], p["logit_min"], p["logit_max"])
    if z is None:
        return None
    (i,) = random_ints(rng, 1, 0, len(z) - 1)
    probs = activations.softmax(np.array(z, dtype=float))
    answer = float(probs[i])
    exps = [math.exp(v) for v in z]
    fmt = fixed(3)
    # by hand: exp values to 3 decimals as the solution shows them, or e ≈ 2.718 as given
    shown = [_milli(e) for e in exps]
    given, given_rounded = _given_e(z)
    hand = {_share(shown, i), _share(given, i), _share(given_rounded, i)}
    if hand != {_milli(answer)}:
        return None
    total = sum(z)
    candidates: list[Candidate] = [
        (
            "not-normalized",
            "exp(z_i) を求めただけで、全クラスの exp の和で割っていません",
            exps[i],
        ),
        (
            "used-raw-logit-ratio",
            "exp を取らずに、ロジットの比 z_i/Σz を計算しています",
            z[i] / total if min(z) >= 0 and total > 0 else None,
        ),
        (
            "argmax-as-one",
            "最大のロジットのクラスを 1、それ以外を 0 としています（argmax と混同）",
            _one_hot_guess(z, i),
        ),
        (
            "sigmoid-instead",
            "ソフトマックスではなく、そのクラスだけのシグモイド σ(z_i) を計算しています",
            _sigmoid(z[i]),
        ),
    ]
    exp_terms = " + ".join(power("e", v) for v in z)
    exp_values = " + ".join(fmt_units(e, 3) for e in shown)
    numerator, denominator = fmt_units(shown[i], 3), fmt_units(sum(shown), 3)
    return Draft(
        params={
            "classes": len(z),
            "logit_min": p["logit_min"],
            "logit_max": p["logit_max"],
            "logits": z,
            "index": i + 1,
        },
        prompt=(
            f"ロジット z = {_vec(z)} をソフトマックス関数に入力したとき、クラス{i + 1}"
            f"（z = {fmt_plain(z[i])}）の確率を{fmt.instruction()}求めよ（e ≈ 2.718）。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "softmax(z)_i = exp(z_i) / Σ_j exp(z_j)",
            f"分母: {exp_terms} ≈ {exp_values} = {denominator}",
            f"分子: {power('e', z[i])} ≈ {numerator}",
            f"p{subscript(i + 1)} = {numerator} / {denominator} "
            f"{fmt_result(Fraction(shown[i], sum(shown)), fmt)}",
        ],
    )


# ------------------------------------------------------------------------ softmax_temperature


def _build_temperature(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    t = p["temperature"]
    z = _logits(rng, p["classes"], p["logit_min"], p["logit_max"])
    if z is None or not (isinstance(t, int | float) and t > 0 and t != 1):
        return None
    (i,) = random_ints(rng, 1, 0, len(z) - 1)
    answer = float(activations.softmax(np.array(z, dtype=float), temperature=t)[i])
    exps = [math.exp(v / t) for v in z]
    fmt = fixed(3)
    shown = [_milli(e) for e in exps]
    if _share(shown, i) != _milli(answer):
        return None
    plain = [math.exp(v) for v in z]
    sharp = [math.exp(v * t - max(z) * t) for v in z]
    candidates: list[Candidate] = [
        (
            "ignored-temperature",
            "温度 T で割るのを忘れています（T = 1 の通常のソフトマックス）",
            plain[i] / sum(plain),
        ),
        (
            "multiplied-by-temperature",
            "ロジットを T で割るべきところを T 倍しています",
            sharp[i] / sum(sharp),
        ),
        (
            "divided-probability",
            "通常のソフトマックスの確率を T で割っています（温度はロジットを割る）",
            plain[i] / sum(plain) / t,
        ),
        (
            "not-normalized",
            "exp(z_i/T) を求めただけで、全クラスの和で割っていません",
            exps[i],
        ),
        (
            "hard-label",
            "ソフトターゲットではなく、正解ラベルのような 1/0 を答えています",
            _one_hot_guess(z, i),
        ),
    ]
    numerator, denominator = fmt_units(shown[i], 3), fmt_units(sum(shown), 3)
    scaled = [Fraction(v, t) if isinstance(t, int) else written(v) / written(t) for v in z]
    return Draft(
        params={
            "temperature": t,
            "classes": len(z),
            "logit_min": p["logit_min"],
            "logit_max": p["logit_max"],
            "logits": z,
            "index": i + 1,
        },
        prompt=(
            f"知識蒸留で、教師モデルのロジット z = {_vec(z)} を温度 T = {fmt_plain(t)} の"
            f"ソフトマックス softmax(z/T) で軟らかいターゲットにする。クラス{i + 1} の確率を"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "温度付きソフトマックス: p_i = exp(z_i/T) / Σ_j exp(z_j/T)。T > 1 で分布が平らになる",
            "z/T = (" + ", ".join(fmt_rational(v) for v in scaled) + ")",
            "exp(z/T) ≈ (" + ", ".join(fmt_units(e, 3) for e in shown) + f")、和 = {denominator}",
            f"p{subscript(i + 1)} = {numerator} / {denominator} "
            f"{fmt_result(Fraction(shown[i], sum(shown)), fmt)}",
        ],
    )


# --------------------------------------------------------------------------- sigmoid_max_grad

_SIG_TEXT = "シグモイド関数 σ(x) = 1/(1+e⁻ˣ) の導関数 σ′(x) = σ(x)(1−σ(x))"
_TANH_TEXT = "tanh の導関数 tanh′(x) = 1 − tanh²(x)"


def _build_sigmoid_max(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    name, a, width = p["function"], p["lower"], p["width"]
    if name not in ("sigmoid", "tanh") or width <= 0:
        return None
    b = a + width
    grad = activations.sigmoid_grad if name == "sigmoid" else activations.tanh_grad
    other = activations.tanh_grad if name == "sigmoid" else activations.sigmoid_grad
    func = _sigmoid if name == "sigmoid" else math.tanh
    x_star = float(min(max(0, a), b))
    answer = (float(grad(x_star)), x_star)
    far = float(b if abs(b) >= abs(a) else a)
    if name == "sigmoid":
        s = _sigmoid(x_star)
        sign_error = s * (1 + s)
    else:
        sign_error = 1 + math.tanh(x_star) ** 2
    candidates: list[Candidate] = [
        (
            "assumed-max-at-zero",
            "区間を無視して、x = 0 での最大値を答えています",
            (float(grad(0.0)), 0.0),
        ),
        (
            "maximised-function",
            "導関数ではなく関数そのものの最大値（単調増加なので右端）を答えています",
            (func(b), float(b)),
        ),
        (
            "took-minimum",
            "導関数は |x| が大きいほど小さくなるのに、0 から遠い端を最大としています",
            (float(grad(far)), far),
        ),
        (
            "confused-other-function",
            "シグモイドと tanh の導関数を取り違えています",
            (float(other(x_star)), x_star),
        ),
        (
            "sign-error-in-derivative",
            "導関数の符号を間違えています（σ(1+σ) や 1+tanh² としています）",
            (sign_error, x_star),
        ),
    ]
    fmt = fixed(3)
    label = "σ′" if name == "sigmoid" else "tanh′"
    text = _SIG_TEXT if name == "sigmoid" else _TANH_TEXT
    peak = "σ′(0) = 0.25" if name == "sigmoid" else "tanh′(0) = 1"
    where = (
        f"区間が 0 を含むので x = 0 で最大: {peak}"
        if a <= 0 <= b
        else f"区間が 0 を含まないので、0 に最も近い端 x = {fmt_plain(x_star)} で最大"
    )
    return Draft(
        params={"function": name, "lower": a, "width": width},
        prompt=(
            f"{text} を区間 {fmt_plain(a)} ≤ x ≤ {fmt_plain(b)} で考える。"
            f"{label} の最大値（{fmt.instruction()}）と、最大となる x を求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"{label}(x) は x = 0 で最大の偶関数で、|x| が大きくなるほど小さくなる",
            where,
            f"{label}({fmt_plain(x_star)}) ≈ {fmt_step(answer[0], fmt)}",
        ],
        hint="（最大値, x）の順にカンマ区切りで答えてください（例: 0.25, 0）",
    )


# ------------------------------------------------------------------------- vanishing_product


def _build_vanishing(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, name, w = p["layers"], p["activation"], p["weight"]
    if name not in ("sigmoid", "tanh") or n < 2 or w <= 0:
        return None
    peak = float(activations.sigmoid_grad(0.0) if name == "sigmoid" else activations.tanh_grad(0.0))
    factor = w * peak
    exact_factor = written(w) * Fraction(peak)
    answer = exact_factor**n  # 0.075² = 0.005625 is a tie, so keep it exact
    confused = 0.5 if name == "sigmoid" else 0.25
    candidates: list[Candidate] = [
        (
            "added-instead-of-multiplied",
            "層ごとの係数を掛け合わせずに足しています",
            n * factor,
        ),
        ("off-by-one-layers", "層の数を 1 つ少なく数えています", factor ** (n - 1)),
        (
            "confused-max-derivative",
            "σ′ の最大値 0.25 と σ(0) = 0.5 や tanh′ の最大値 1 を取り違えています",
            (w * confused) ** n,
        ),
        ("ignored-weight", "重み w を掛け忘れています", peak**n if w != 1 else None),
        ("weight-not-powered", "重み w を n 回ではなく 1 回しか掛けていません", w * peak**n),
        ("divided-by-layers", "n 乗するところを n で割っています", factor / n),
    ]
    fmt = sig(3)
    fname = "シグモイド" if name == "sigmoid" else "tanh"
    peak_text = "σ′(0) = 0.25" if name == "sigmoid" else "tanh′(0) = 1"
    trend = "消失" if factor < 1 else ("爆発" if factor > 1 else "保たれる")
    return Draft(
        params={"layers": n, "activation": name, "weight": w},
        prompt=(
            f"活性化関数が{fname}、各層の重みがすべて w = {fmt_plain(w)} の {n} 層のネットワークを"
            "考える。誤差逆伝播では層ごとに w·f′(u) が勾配に掛かる。f′ が最大値をとる最も"
            f"有利な場合でも、{n} 層分の積 {power('(w·f′_max)', n)} はいくらか。{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"{fname}の導関数の最大値は {peak_text}",
            f"1 層あたりの係数: w·f′_max = {fmt_plain(w)}×{fmt_plain(peak)} = "
            f"{fmt_rational(exact_factor)}",
            f"{n} 層分掛けると {power(fmt_rational(exact_factor), n)} {fmt_result(answer, fmt)}"
            f"（1 より{'小さい' if factor < 1 else '大きい' if factor > 1 else '小さくない'}"
            f"ので勾配は{trend}）",
        ],
    )


# ------------------------------------------------------------------------- leaky_relu_values


def _build_leaky(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    x, alpha, quantity = p["x"], p["alpha"], p["quantity"]
    if quantity not in ("output", "gradient") or x == 0 or not 0 < alpha < 1:
        return None
    if quantity == "output":
        answer = float(activations.leaky_relu(x, alpha))
        if x < 0:
            candidates: list[Candidate] = [
                (
                    "treated-as-relu",
                    "ReLU と同じく負の入力を 0 にしています（Leaky ReLU は αx）",
                    0.0,
                ),
                ("positive-output-for-negative", "負の入力に対して正の値 |x| を出力しています", -x),
                ("sign-dropped", "αx の符号を落としています（負の入力なら出力も負）", -alpha * x),
                ("forgot-alpha", "負の入力に α を掛け忘れています", float(x)),
                ("gave-gradient", "出力ではなく負側の勾配 α を答えています", float(alpha)),
            ]
        else:
            candidates = [
                ("applied-alpha-to-positive", "正の入力にも α を掛けています", alpha * x),
                ("gave-gradient", "出力ではなく勾配 1 を答えています", 1.0),
                ("sign-flipped", "出力の符号を反転しています", -float(x)),
                ("gave-alpha", "傾き α をそのまま答えています", float(alpha)),
            ]
    else:
        answer = float(activations.leaky_relu_grad(x, alpha))
        if x < 0:
            candidates = [
                ("treated-as-relu", "ReLU と同じく負側の勾配を 0 にしています", 0.0),
                ("gradient-one-for-negative", "負の入力でも勾配を 1 としています", 1.0),
                ("gave-output", "勾配ではなく出力 αx を答えています", alpha * x),
                ("sign-flipped", "負側の傾きを −α としています", -float(alpha)),
            ]
        else:
            candidates = [
                ("alpha-for-positive", "正の入力の勾配を α としています", float(alpha)),
                ("gave-output", "勾配ではなく出力 x を答えています", float(x)),
                ("zero-gradient", "正の入力で勾配を 0 としています", 0.0),
                ("sign-flipped", "勾配の符号を反転しています", -1.0),
            ]
    what = "出力 f(x)" if quantity == "output" else "勾配 f′(x)"
    branch = "x > 0 なので" if x > 0 else "x ≤ 0 なので"
    if quantity == "output":
        detail = (
            f"{branch} f(x) = x = {fmt_plain(x)}"
            if x > 0
            else f"{branch} f(x) = αx = {fmt_plain(alpha)}×{paren(x)} = {fmt_plain(answer)}"
        )
    else:
        detail = f"{branch} f′(x) = 1" if x > 0 else f"{branch} f′(x) = α = {fmt_plain(alpha)}"
    return Draft(
        params={"x": x, "alpha": alpha, "quantity": quantity},
        prompt=(
            f"Leaky ReLU f(x) = x（x > 0）、αx（x ≤ 0）で α = {fmt_plain(alpha)} のとき、"
            f"x = {fmt_plain(x)} における{what} を求めよ。"
        ),
        answer=answer,
        fmt=EXACT,
        candidates=candidates,
        steps=[
            "Leaky ReLU は正の入力をそのまま通し、負の入力には小さな傾き α を掛ける"
            "（勾配は x > 0 で 1、x ≤ 0 で α）",
            detail,
        ],
    )


# ----------------------------------------------------------------------------- relu_vs_leaky


def _build_relu_vs_leaky(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    func, quantity, alpha, length, top = (
        p["function"],
        p["quantity"],
        p["alpha"],
        p["length"],
        p["value_max"],
    )
    if func not in ("relu", "leaky_relu") or quantity not in ("output_sum", "gradient_sum"):
        return None
    if length < 2 or top < 1 or not 0 < alpha < 1:
        return None
    x = [float(v) for v in random_ints(rng, length, -top, top)]
    if not (max(x) > 0 > min(x)):
        return None
    pos = sum(v > 0 for v in x)
    neg = sum(v < 0 for v in x)
    zero = length - pos - neg
    relu_out = [max(v, 0.0) for v in x]
    leaky_out = [v if v > 0 else alpha * v for v in x]
    relu_sum, leaky_sum = sum(relu_out), sum(leaky_out)
    neg_sum = sum(v for v in x if v < 0)
    arr = np.array(x)
    if quantity == "output_sum":
        fn = activations.relu(arr) if func == "relu" else activations.leaky_relu(arr, alpha)
    else:
        fn = (
            activations.relu_grad(arr)
            if func == "relu"
            else activations.leaky_relu_grad(arr, alpha)
        )
    shown = fn.tolist()
    answer = float(sum(shown))
    if func == "relu" and quantity == "output_sum":
        candidates: list[Candidate] = [
            ("kept-negatives", "負の要素もそのまま通しています", sum(x)),
            (
                "positive-output-for-negative",
                "負の要素を絶対値にして通しています",
                sum(abs(v) for v in x),
            ),
            ("gave-gradient-sum", "出力ではなく勾配の和を答えています", float(pos)),
            ("kept-only-negatives", "正負を逆にして、負の要素を通しています", neg_sum),
        ]
    elif func == "leaky_relu" and quantity == "output_sum":
        candidates = [
            ("treated-as-relu", "ReLU と同じく負の要素を 0 にしています", relu_sum),
            (
                "positive-output-for-negative",
                "負の要素に対して正の値 α|x| を出力しています",
                relu_sum - alpha * neg_sum,
            ),
            ("forgot-alpha", "負の要素に α を掛け忘れています", sum(x)),
            (
                "gave-gradient-sum",
                "出力ではなく勾配の和を答えています",
                pos + alpha * (neg + zero),
            ),
        ]
    elif func == "relu":
        candidates = [
            (
                "counted-zero-as-one",
                "x = 0 での勾配を 1 としています（PyTorch では 0）",
                float(pos + zero) if zero else None,
            ),
            ("gradient-one-for-negative", "負の要素でも勾配を 1 としています", float(length)),
            ("gave-output-sum", "勾配ではなく出力の和を答えています", relu_sum),
            ("counted-negatives", "負の要素の数を数えています", float(neg)),
            ("signed-gradient", "負の要素の勾配を −1 としています", float(pos - neg)),
        ]
    else:
        candidates = [
            ("treated-as-relu", "ReLU と同じく負の要素の勾配を 0 にしています", float(pos)),
            ("gradient-one-for-negative", "負の要素でも勾配を 1 としています", float(length)),
            ("sign-flipped", "負側の傾きを −α としています", pos - alpha * (neg + zero)),
            ("gave-output-sum", "勾配ではなく出力の和を答えています", leaky_sum),
            (
                "zero-gradient-as-one",
                "x = 0 での勾配を 1 としています（PyTorch では α）",
                pos + zero + alpha * neg if zero else None,
            ),
        ]
    name = "ReLU" if func == "relu" else f"Leaky ReLU（α = {fmt_plain(alpha)}）"
    what = "出力の総和" if quantity == "output_sum" else "各要素での勾配 f′(x_i) の総和"
    zero_rule = ""
    if quantity == "gradient_sum" and zero:
        zero_rule = (
            "x = 0 での勾配は PyTorch と同じく " + ("0" if func == "relu" else "α") + " とする。"
        )
    xs = [fmt_plain(v) for v in x]
    kind = "出力" if quantity == "output_sum" else "勾配"
    detail = f"各要素の{kind}: {_vec(shown)}、総和 {fmt_plain(answer)}"
    rule = (
        "ReLU は max(0, x)。勾配は x > 0 で 1、x ≤ 0 で 0"
        if func == "relu"
        else "Leaky ReLU は x > 0 で x、x ≤ 0 で αx。勾配は x > 0 で 1、x ≤ 0 で α"
    )
    return Draft(
        params={
            "function": func,
            "quantity": quantity,
            "alpha": alpha,
            "length": length,
            "value_max": top,
            "x": x,
        },
        prompt=(
            f"ベクトル x = ({', '.join(xs)}) の各要素に {name} を適用する。{what}を求めよ。"
            f"{zero_rule}"
        ),
        answer=answer,
        fmt=EXACT,
        candidates=candidates,
        steps=[rule, detail],
    )


# -------------------------------------------------------------------------------- gelu_value


def _phi(x: float) -> float:
    """Standard normal CDF Φ(x) in the erf form."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _build_gelu(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    x = p["x"]
    if not isinstance(x, int | float) or x == 0:
        return None
    fmt = fixed(3)
    answer = float(activations.gelu(x))
    cdf = _phi(x)
    shown = round(cdf, 4)
    # the prompt gives Φ(x) to 4 places; reject points where that rounding moves the answer
    if fmt.text(x * shown) != fmt.text(answer):
        return None
    density = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    candidates: list[Candidate] = [
        ("treated-as-relu", "ReLU と同じ max(0, x) を答えています", max(0.0, float(x))),
        ("gave-cdf", "x を掛け忘れ、Φ(x) をそのまま答えています", cdf),
        ("wrong-tail", "Φ(x) ではなく 1 − Φ(x) = Φ(−x) を掛けています", x * (1.0 - cdf)),
        ("used-density", "累積分布関数 Φ ではなく確率密度 φ(x) を掛けています", x * density),
        ("confused-with-silu", "Swish（SiLU）の x·σ(x) と混同しています", x * _sigmoid(x)),
        (
            "used-tanh-approximation",
            "厳密な erf の形ではなく tanh による近似式で計算しています",
            float(activations.gelu(x, approximate=True)),
        ),
    ]
    relu = max(0.0, float(x))
    compare = (
        f"ReLU なら {fmt_plain(relu)}。GELU は正の入力をわずかに小さくする"
        if x > 0
        else "ReLU なら 0。GELU は負の入力でも小さな負の値を返す（滑らかで x = 0 でも微分可能）"
    )
    return Draft(
        params={"x": x},
        prompt=(
            f"GELU を厳密な形 GELU(x) = x·Φ(x)（Φ は標準正規分布の累積分布関数、"
            f"Φ(x) = ½(1 + erf(x/√2))）で計算する。x = {fmt_plain(x)} のときの GELU の出力を"
            f"{fmt.instruction()}求めよ。必要なら Φ({fmt_plain(x)}) ≈ {fmt_dec(shown, 4)} を使ってよい。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "GELU(x) = x·Φ(x)：入力 x に「x 以下になる確率」Φ(x) を掛ける",
            f"Φ({fmt_plain(x)}) ≈ {fmt_dec(shown, 4)}",
            f"GELU({fmt_plain(x)}) = {fmt_plain(x)}×{fmt_dec(shown, 4)} ≈ {fmt.text(answer)}",
            compare,
        ],
    )


GENERATORS = (
    Template(
        name="softmax_probs",
        title="ソフトマックスの確率",
        topic="softmax",
        exams=("G", "E"),
        build=_build_softmax,
        ranges={"classes": [3, 4], "logit_min": [-1, 0], "logit_max": [2, 3, 4]},
    ),
    Template(
        name="softmax_temperature",
        title="温度付きソフトマックス（知識蒸留）",
        topic="distillation",
        exams=("E",),
        build=_build_temperature,
        ranges={
            "temperature": [2, 3, 4, 5, 10],
            "classes": [3, 4],
            "logit_min": [0],
            "logit_max": [4, 6, 8, 10],
        },
    ),
    Template(
        name="sigmoid_max_grad",
        title="シグモイド・tanh の微分の最大値",
        topic="sigmoid-tanh",
        exams=("G", "E"),
        build=_build_sigmoid_max,
        ranges={
            "function": ["sigmoid", "tanh"],
            "lower": [-3, -2, -1, 0, 1],
            "width": [1, 2, 3, 4],
        },
    ),
    Template(
        name="vanishing_product",
        title="勾配消失: 微分の積",
        topic="vanishing-exploding",
        exams=("G", "E"),
        build=_build_vanishing,
        ranges={
            "layers": {"min": 2, "max": 10},
            "activation": ["sigmoid", "tanh"],
            "weight": [0.5, 1, 2],
        },
    ),
    Template(
        name="leaky_relu_values",
        title="Leaky ReLU の出力と勾配",
        topic="leaky-relu-family",
        exams=("G", "E"),
        build=_build_leaky,
        ranges={
            "x": [-5, -4, -3, -2.5, -2, -1.5, -1, -0.5],
            "alpha": [0.01, 0.02, 0.05, 0.1, 0.2, 0.3],
            "quantity": ["output", "gradient"],
        },
    ),
    Template(
        name="relu_vs_leaky",
        title="ReLU と Leaky ReLU の出力・勾配",
        topic="relu",
        exams=("G", "E"),
        build=_build_relu_vs_leaky,
        ranges={
            "function": ["relu", "leaky_relu"],
            "quantity": ["output_sum", "gradient_sum"],
            "alpha": [0.01, 0.1, 0.2],
            "length": [4, 5],
            "value_max": [3, 4, 5],
        },
    ),
    Template(
        name="gelu_value",
        title="GELU の値（ReLU との比較）",
        topic="gelu",
        exams=("G", "E"),
        build=_build_gelu,
        ranges={"x": [-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3]},
    ),
)
