"""Transformer problems: attention weights and outputs of tiny Q/K/V (with or without the causal
mask), the parameters of multi-head attention and of an encoder block, and sinusoidal positional
encoding."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

import numpy as np

from solvers import transformer
from solvers.formatting import (
    EXACT,
    INTEGER,
    fixed,
    fmt_int,
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_units,
    half_up_units,
    power,
    subscript,
)
from solvers.template import N_DISTRACTORS, Candidate, Draft, Template, random_ints

E_GIVEN = 2718
"""e as the prompt gives it, in thousandths (e ≈ 2.718)."""


@lru_cache(maxsize=4096)
def _vec(values: tuple[int, ...]) -> str:
    """A small integer vector as the prompt writes it; few distinct ones, so cached."""
    return "(" + ", ".join(fmt_plain(v) for v in values) + ")"


def _milli_exp(t: int) -> int:
    """e^t rounded half up to 3 decimals, in thousandths (irrational but at t = 0: no ties)."""
    return math.floor(math.exp(t) * 1000 + 0.5)


def _given_e(shifted: Sequence[int]) -> tuple[list[int], list[int]]:
    """e^t (t ≤ 0) with e = 2.718 exactly, all scaled by one integer factor, and each 2.718^t
    rounded to 3 decimals (in thousandths)."""
    deepest = -min(shifted)
    exact = [1000 ** (-t) * E_GIVEN ** (deepest + t) for t in shifted]
    rounded = [half_up_units(1000 ** (-t), E_GIVEN ** (-t), 3) for t in shifted]
    return exact, rounded


def _softmax(values: Sequence[float]) -> list[float]:
    top = max(values)
    e = [math.exp(v - top) for v in values]
    total = sum(e)
    return [v / total for v in e]


# ------------------------------------------------------------------------ attention


def _scores(q: list[list[int]], k: list[list[int]], root: int) -> list[list[int]] | None:
    """QKᵀ/√d_k as integers, or None when some score is not whole."""
    out = []
    for qi in q:
        row = []
        for kj in k:
            dot = sum(a * b for a, b in zip(qi, kj, strict=True))
            if dot % root:
                return None
            row.append(dot // root)
        out.append(row)
    return out


_ROW_TRIES = 16
_WEIGHT_FMT, _OUTPUT_FMT = fixed(3), fixed(2)


@cache
def _hand_paths_agree(row: tuple[int, ...], j: int, col: tuple[int, ...] | None) -> bool:
    """Whether every hand path (exp to 3 decimals, e ≈ 2.718 exactly or rounded, exp without
    the shift; for the output also the weights written to 3 or 4 decimals) rounds to the answer:
    weight j of softmax(row), or Σ weight·col when ``col`` is given. The same checks as
    :func:`_build_attention` makes, cached by row so that its draw loop can apply them cheaply."""
    top = max(row)
    shifted = [t - top for t in row]
    weights = _softmax(row)
    paths = [[_milli_exp(t) for t in shifted], *_given_e(shifted), [_milli_exp(t) for t in row]]
    if col is None:
        truth = math.floor(weights[j] * 1000 + 0.5)
        return all(half_up_units(w[j], sum(w), 3) == truth for w in paths)
    truth = math.floor(sum(w * x for w, x in zip(weights, col, strict=True)) * 100 + 0.5)
    for w in paths:
        if half_up_units(sum(a * x for a, x in zip(w, col, strict=True)), sum(w), 2) != truth:
            return False
    for places in (3, 4):
        units = [half_up_units(a, sum(paths[0]), places) for a in paths[0]]
        mixed = sum(a * x for a, x in zip(units, col, strict=True))
        if half_up_units(mixed, 10**places, 2) != truth:
            return False
    return True


def _build_attention(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, d_k, causal, question = p["tokens"], p["d_k"], p["causal"], p["question"]
    root = math.isqrt(d_k)
    if root * root != d_k or n < 2 or question not in ("weight", "output"):
        return None
    # with d_k = 4, even keys make every q·k/√d_k whole: the exponents stay integers
    step = 2 if d_k > 1 else 1
    lo, hi = (-1, 1) if d_k > 1 else (-2, 2)
    # every integer of the draw from one call of rng: q and k entries, v entries, then i, j, c
    span = hi - lo + 1
    u = rng.random(2 * n * d_k + 2 * n + 3).tolist()
    ints = [lo + int(x * span) for x in u[: 2 * n * d_k]]
    q = [ints[r * d_k : (r + 1) * d_k] for r in range(n)]
    k = [[step * x for x in ints[(n + r) * d_k : (n + r + 1) * d_k]] for r in range(n)]
    vs = [int(x * 7) - 3 for x in u[2 * n * d_k : 2 * n * d_k + 2 * n]]
    v = [vs[2 * r : 2 * r + 2] for r in range(n)]
    first = 1 if causal else 0
    i = first + int(u[-3] * (n - first))
    seen = list(range(i + 1)) if causal else list(range(n))
    j, c = int(u[-2] * len(seen)), int(u[-1] * 2)
    # the row asked about must have two different whole scores at most 4 apart on which every
    # hand path lands on the answer; most draws that fail do so here, so q_i and the keys it sees
    # (and, for the output, their v entries) are redrawn in place rather than the whole problem
    for _ in range(_ROW_TRIES):
        dots = [sum(a * b for a, b in zip(q[i], k[m], strict=True)) for m in seen]
        spread = max(dots) - min(dots)
        if 0 < spread <= 4 * root and all(d % root == 0 for d in dots):
            col = None if question == "weight" else tuple(v[m][c] for m in seen)
            if _hand_paths_agree(tuple(d // root for d in dots), j, col):
                break
        w = [lo + int(x * span) for x in rng.random(d_k * (1 + len(seen))).tolist()]
        q[i] = w[:d_k]
        for r, m in enumerate(seen, start=1):
            k[m] = [step * x for x in w[r * d_k : (r + 1) * d_k]]
        if question == "output":
            for m, x in zip(seen, rng.random(len(seen)).tolist(), strict=True):
                v[m][c] = int(x * 7) - 3
    else:
        return None
    s = _scores(q, k, root)
    if s is None:
        return None
    row = [s[i][j] for j in seen]  # two different scores on which every hand path agrees
    top = max(row)
    shifted = [t - top for t in row]
    weights = _softmax(row)
    shown = [_milli_exp(t) for t in shifted]
    if question == "weight":
        fmt = _WEIGHT_FMT
        answer = weights[j]
    else:
        fmt = _OUTPUT_FMT
        answer = sum(w * v[m][c] for w, m in zip(weights, seen, strict=True))

    def pick(w: Sequence[float], keys: Sequence[int] = seen) -> float:
        if question == "weight":
            return w[keys.index(seen[j])]
        return sum(a * v[m][c] for a, m in zip(w, keys, strict=True))

    raw = [sum(a * b for a, b in zip(q[i], k[m], strict=True)) for m in range(n)]  # unscaled q·k
    full = _softmax([s[i][m] for m in range(n)])
    column_keys = [m for m in range(n) if not causal or m >= seen[j]]
    column = _softmax([s[m][seen[j]] for m in column_keys])
    column_weight = column[column_keys.index(i)]
    candidates: list[Candidate] = [
        (
            "forgot-scaling",
            "√d_k で割り忘れています（QKᵀ をそのままソフトマックスに入れている）",
            pick(_softmax([raw[m] for m in seen])) if d_k > 1 else None,
        ),
        (
            "divided-by-dk",
            "√d_k ではなく d_k で割っています",
            pick(_softmax([raw[m] / d_k for m in seen])) if d_k > 1 else None,
        ),
        (
            "mask-after-softmax",
            "マスクをソフトマックスの後に掛けています（未来のキーまで分母に入り、和が 1 にならない）",
            pick(full[: i + 1]) if causal else None,
        ),
    ]
    if question == "weight":
        exps = math.exp(row[j])
        candidates += [
            (
                "softmax-over-queries",
                "ソフトマックスをクエリ方向（列方向）に取っています（正しくはキー方向、各行で和が 1）",
                column_weight,
            ),
            ("not-normalized", "exp を取っただけで、全キーの和で割っていません", exps),
            (
                "sigmoid-instead",
                "ソフトマックスではなくスコアのシグモイドを取っています",
                1 / (1 + math.exp(-row[j])),
            ),
        ]
    else:
        candidates += [
            (
                "weighted-keys",
                "重みを V ではなく K に掛けて足しています",
                sum(w * k[m][c] for w, m in zip(weights, seen, strict=True)) if d_k > 1 else None,
            ),
            (
                "scores-as-weights",
                "ソフトマックスを取らず、スコアをそのまま重みにしています",
                sum(t * v[m][c] for t, m in zip(row, seen, strict=True)),
            ),
            (
                "forgot-normalization",
                "exp(スコア) を全キーの和で割らずに重みにしています",
                sum(math.exp(t) * v[m][c] for t, m in zip(row, seen, strict=True)),
            ),
            (
                "hard-attention",
                "スコア最大のキーの v だけを取っています（argmax）",
                float(v[seen[row.index(top)]][c]) if row.count(top) == 1 else None,
            ),
            (
                "uniform-weights",
                "重みを均等（V の平均）にしています（スコアを使っていない）",
                sum(v[m][c] for m in seen) / len(seen),
            ),
        ]
    shown_wrong = {
        fmt.text(value) for _, _, value in candidates if value is not None and math.isfinite(value)
    } - {fmt.text(answer)}
    if len(shown_wrong) < N_DISTRACTORS:
        return None  # too few distinct wrong choices: skip the texts of a draw never shown
    sub = subscript
    listing = "、".join(
        f"q{sub(m + 1)} = {_vec(tuple(q[m]))}、k{sub(m + 1)} = {_vec(tuple(k[m]))}、v{sub(m + 1)} = {_vec(tuple(v[m]))}"
        for m in range(n)
    )
    mask = (
        "デコーダの因果マスクを使い、トークン i はキー 1…i だけを参照する（それより後のキーのスコアは"
        " −∞ としてからソフトマックスを取る）。"
        if causal
        else ""
    )
    if question == "weight":
        ask = (
            f"トークン {i + 1} のクエリがトークン {seen[j] + 1} のキーに向ける注意の重み "
            f"α{sub(i + 1)}{sub(seen[j] + 1)} "
        )
    else:
        ask = f"トークン {i + 1} の出力ベクトルの第 {c + 1} 成分"
    scaled = "" if root == 1 else f"/√{d_k}"
    score_terms = "、".join(
        f"q{sub(i + 1)}·k{sub(m + 1)}{scaled} = {fmt_int(s[i][m])}" for m in seen
    )
    exp_line = " + ".join(power("e", t) for t in shifted)
    steps = [
        f"スコア: {score_terms}" + ("（d_k = 1 なので割る必要はない）" if root == 1 else ""),
        f"最大値 {fmt_int(top)} を引いて exp: {exp_line} ≈ "
        + " + ".join(fmt_units(a, 3) for a in shown)
        + f" = {fmt_units(sum(shown), 3)}",
    ]
    if question == "weight":
        steps.append(
            f"α{sub(i + 1)}{sub(seen[j] + 1)} = {fmt_units(shown[j], 3)} / "
            f"{fmt_units(sum(shown), 3)} {fmt_result(Fraction(shown[j], sum(shown)), fmt)}"
        )
    else:
        units = [half_up_units(a, sum(shown), 4) for a in shown]
        steps.append("重み: " + "、".join(fmt_units(u, 4) for u in units) + "（各 exp を和で割る）")
        mixed = sum(u * v[m][c] for u, m in zip(units, seen, strict=True))
        steps.append(
            f"出力の第 {c + 1} 成分 = Σ α·v = "
            + " + ".join(
                f"{fmt_units(u, 4)}×{fmt_plain(v[m][c]) if v[m][c] >= 0 else '(' + fmt_plain(v[m][c]) + ')'}"
                for u, m in zip(units, seen, strict=True)
            )
            + f" {fmt_result(Fraction(mixed, 10**4), fmt)}"
        )
    return Draft(
        params={
            "tokens": n,
            "d_k": d_k,
            "causal": causal,
            "question": question,
            "q": q,
            "k": k,
            "v": v,
            "query": i + 1,
            "key": seen[j] + 1,
            "component": c + 1,
        },
        prompt=(
            f"自己注意 Attention(Q, K, V) = softmax(QKᵀ/√d_k)V（ソフトマックスは各クエリについて"
            f"キー方向に取る）を、{n} トークン、d_k = {d_k} で計算する。{listing}。{mask}"
            f"{ask}を{fmt.instruction()}求めよ（e ≈ 2.718）。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# ------------------------------------------------------------------------ parameter counts


def _build_mha(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    d, h, bias = p["d_model"], p["heads"], p["bias"]
    if d % h:
        return None
    answer = transformer.mha_params(d, h, bias)
    b = 4 * d if bias else 0
    dh = d // h
    candidates: list[Candidate] = [
        ("per-head-full", "ヘッドごとに d×d の行列を持つと考え、h 倍しています", float(h * answer)),
        (
            "forgot-output-projection",
            "出力射影 W_O を数え忘れています",
            float(3 * d * d + 3 * b // 4),
        ),
        (
            "bias-mistake",
            "バイアスの有無を取り違えています",
            float(4 * d * d + (0 if bias else 4 * d)),
        ),
        (
            "one-head-only",
            "1 ヘッド分（d × d/h の射影）しか数えていません",
            float(4 * d * dh + (4 * dh if bias else 0)),
        ),
        ("qkv-only-squared", "W_Q, W_K, W_V の 3 つだけを d² と数えています", float(3 * d * d)),
    ]
    with_bias = "各射影にバイアスあり" if bias else "バイアスなし"
    steps = [
        f"W_Q, W_K, W_V, W_O はヘッド数によらずそれぞれ d×d = {d}×{d}（各ヘッドは d/h = {dh} 列ずつを使う）",
        f"重み: 4 × {fmt_int(d * d)} = {fmt_int(4 * d * d)}",
    ]
    if bias:
        steps.append(f"バイアス: 4 × {d} = {fmt_int(4 * d)}、合計 {fmt_int(answer)}")
    return Draft(
        params={"d_model": d, "heads": h, "bias": bias},
        prompt=(
            f"d_model = {d}、ヘッド数 h = {h} のマルチヘッドアテンション層（Q, K, V への射影と"
            f"出力射影 W_O、{with_bias}）の学習可能なパラメータ数を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=steps,
    )


def _build_encoder(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    d, h, ratio = p["d_model"], p["heads"], p["ff_ratio"]
    if d % h:
        return None
    f = ratio * d
    answer = transformer.encoder_block_params(d, f, h, True)
    mha = 4 * d * d + 4 * d
    ffn = 2 * d * f + f + d
    norms = 4 * d
    candidates: list[Candidate] = [
        ("forgot-layernorm", "LayerNorm のパラメータ（γ, β）を数え忘れています", float(mha + ffn)),
        (
            "one-layernorm",
            "LayerNorm を 1 つ分（2d）しか数えていません（ブロックには 2 つある）",
            float(mha + ffn + 2 * d),
        ),
        ("forgot-ffn-bias", "FFN のバイアスを数え忘れています", float(mha + 2 * d * f + norms)),
        ("ffn-one-layer", "FFN を 1 層（d×d_ff）と数えています", float(mha + d * f + f + norms)),
        (
            "forgot-output-projection",
            "アテンションの出力射影 W_O を数え忘れています",
            float(answer - d * d - d),
        ),
        (
            "per-head-full",
            "アテンションの射影をヘッドごとに d×d と数えています",
            float(answer + (h - 1) * mha),
        ),
    ]
    return Draft(
        params={"d_model": d, "heads": h, "ff_ratio": ratio},
        prompt=(
            f"Transformer エンコーダの 1 ブロック（d_model = {d}、ヘッド数 {h} のマルチヘッド"
            f"アテンション、d_ff = {fmt_int(f)} の 2 層 FFN、LayerNorm 2 つ。線形層はすべてバイアス"
            f"あり、LayerNorm は γ と β を持つ）の学習可能なパラメータ数を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"アテンション: 4d² + 4d = 4×{fmt_int(d * d)} + 4×{d} = {fmt_int(mha)}",
            f"FFN: d×d_ff + d_ff + d_ff×d + d = 2×{d}×{fmt_int(f)} + {fmt_int(f)} + {d}"
            f" = {fmt_int(ffn)}",
            f"LayerNorm 2 つ: 2 × 2d = {fmt_int(norms)}",
            f"合計 {fmt_int(mha)} + {fmt_int(ffn)} + {fmt_int(norms)} = {fmt_int(answer)}",
        ],
    )


# ------------------------------------------------------------------- positional encoding


def _pow10(e: int) -> str:
    return "1" if e == 0 else fmt_int(10**e)


_DIM_AS_I = "次元番号をそのまま i とみなし、2i を次元番号の 2 倍にしています"


def _angle(pos: int, e: Fraction) -> Fraction | None:
    """pos/10000^e when 4e is whole (10000^e = 10^(4e)), else None."""
    four = 4 * e
    if four.denominator != 1:
        return None
    return Fraction(pos, 10 ** int(four)) if four >= 0 else Fraction(pos * 10 ** int(-four))


def _build_positional(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    d, pos, question = p["d_model"], p["pos"], p["question"]
    dims = [k for k in range(2, d) if (4 * (k - k % 2)) % d == 0]
    if not dims or question not in ("angle", "value"):
        return None
    (pick,) = random_ints(rng, 1, 0, len(dims) - 1)
    k = dims[pick]
    two_i = k - k % 2
    e = Fraction(two_i, d)
    angle = _angle(pos, e)
    assert angle is not None
    power10 = int(4 * e)
    as_i = _angle(pos, Fraction(2 * k, d))
    half = _angle(pos, Fraction(two_i // 2, d))
    trig = "sin" if k % 2 == 0 else "cos"
    other = "cos" if trig == "sin" else "sin"
    formula = (
        "PE(pos, 2i) = sin(pos/10000^(2i/d_model))、PE(pos, 2i+1) = cos(pos/10000^(2i/d_model))"
    )
    steps = [
        f"次元 {k} は{'偶数' if trig == 'sin' else '奇数'}なので {trig}、2i = {two_i}",
        f"10000^(2i/d_model) = 10000^({two_i}/{d}) = 10^{power10} = {_pow10(power10)}",
        f"角度 = {pos}/{_pow10(power10)} = {fmt_rational(angle)}",
    ]
    if question == "angle":
        fmt = EXACT
        answer: Fraction | float = angle
        candidates: list[Candidate] = [
            ("used-dim-as-i", _DIM_AS_I, float(as_i) if as_i is not None else None),
            (
                "i-not-2i",
                "指数を 2i/d ではなく i/d にしています",
                float(half) if half is not None else None,
            ),
            ("multiplied", "10000^(2i/d) で割るべきところを掛けています", float(pos * 10**power10)),
            ("forgot-denominator", "10000^(2i/d) で割り忘れています（角度 = pos）", float(pos)),
        ]
        ask = f"この {trig} の引数（角度、ラジアン）"
        table = ""
    else:
        fmt = fixed(4)
        dim_as_i = as_i is not None and as_i != angle
        alt = as_i if dim_as_i else (angle * 10 if power10 > 0 else angle / 10)
        wrong, wrong_label = (
            ("used-dim-as-i", _DIM_AS_I)
            if dim_as_i
            else ("power-of-ten-off", "10000^(2i/d_model) を 10 倍取り違えています")
        )
        values = {
            (f, a): (math.sin if f == "sin" else math.cos)(float(a))
            for f in ("sin", "cos")
            for a in (angle, alt)
        }
        answer = values[(trig, angle)]
        shown = {key: fixed(4).text(val) for key, val in values.items()}
        if fixed(4).text(answer) != shown[(trig, angle)]:
            return None
        candidates = [
            (
                "swapped-sin-cos",
                f"{'偶数' if trig == 'sin' else '奇数'}次元に {other} を使っています",
                values[(other, angle)],
            ),
            (wrong, wrong_label, values[(trig, alt)]),
            (
                f"{wrong}-and-swapped",
                f"{wrong_label}。さらに {other} を使っています",
                values[(other, alt)],
            ),
            ("angle-itself", f"{trig} を取らずに角度そのものを答えています", float(angle)),
        ]
        order = sorted(values, key=lambda key: (float(key[1]), key[0]))
        table = (
            "（必要なら "
            + "、".join(f"{f}({fmt_rational(a)}) ≈ {shown[(f, a)]}" for f, a in order)
            + " を使ってよい）"
        )
        ask = "この位置エンコーディングの値"
        steps.append(f"PE = {trig}({fmt_rational(angle)}) ≈ {shown[(trig, angle)]}")
    return Draft(
        params={"d_model": d, "pos": pos, "question": question, "dim": k},
        prompt=(
            f"正弦波の位置エンコーディング {formula} を、d_model = {d} で用いる。位置 pos = {pos}"
            f"（先頭を 0 とする）、次元 {k}（0 から数える）について、{ask}を"
            f"{fmt.instruction()}求めよ。{table}"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="attention_weights",
        title="Scaled Dot-Product Attention の重みと出力",
        topic="transformer",
        exams=("E",),
        build=_build_attention,
        ranges={
            "tokens": [2, 3],
            "d_k": [1, 4],
            "causal": [False, True],
            "question": ["weight", "output"],
        },
    ),
    Template(
        name="mha_params",
        title="マルチヘッドアテンションのパラメータ数",
        topic="transformer",
        exams=("E",),
        build=_build_mha,
        ranges={
            "d_model": [64, 128, 256, 512, 768, 1024],
            "heads": [2, 4, 8, 16],
            "bias": [True, False],
        },
    ),
    Template(
        name="encoder_block_params",
        title="Transformer エンコーダブロックのパラメータ数",
        topic="transformer",
        exams=("E",),
        build=_build_encoder,
        ranges={"d_model": [64, 128, 256, 512, 768], "heads": [4, 8], "ff_ratio": [2, 4]},
    ),
    Template(
        name="positional_encoding",
        title="正弦波の位置エンコーディング",
        topic="transformer",
        exams=("E",),
        build=_build_positional,
        ranges={
            "d_model": [4, 8, 16],
            "pos": {"min": 1, "max": 30},
            "question": ["angle", "value"],
        },
    ),
)
