"""Model-compression problems: INT8 quantization, model memory by number format, magnitude
pruning, and low-rank factorisation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers import compression, memory, quantization
from solvers.formatting import (
    EXACT,
    INTEGER,
    fixed,
    fmt_dec,
    fmt_int,
    fmt_plain,
    fmt_sig,
    paren,
    sig,
)
from solvers.template import Candidate, Draft, Template, random_ints

# ---------------------------------------------------------------------------- int8_quantization

_INT_HINT = "整数で答えてください"


def _int_range(signed: bool) -> tuple[int, int]:
    return (-128, 127) if signed else (0, 255)


def _range_text(signed: bool) -> str:
    return "INT8（符号付き、−128〜127）" if signed else "UINT8（符号なし、0〜255）"


def _zero_point(x_min: float, x_max: float, signed: bool, levels: int = 255) -> int:
    """Zero point as :func:`quantization.affine_params` computes it, for another level count."""
    qmin, qmax = _int_range(signed)
    lo, hi = min(x_min, 0.0), max(x_max, 0.0)
    return min(max(qmin - round(lo * levels / (hi - lo)), qmin), qmax)


def _scale_problem(p: dict[str, Any]) -> Draft | None:
    x_min, x_max, signed = p["x_min"], p["x_max"], p["signed"]
    scale, _ = quantization.affine_params(x_min, x_max, signed=signed)
    width = x_max - x_min
    candidates: list[Candidate] = [
        ("used-256-levels", "段階の数を 2⁸ = 256 としています（間隔の数は 255）", width / 256),
        (
            "used-symmetric-range",
            "対称量子化の式 max|x|/127 を使っています",
            max(abs(x_min), abs(x_max)) / 127,
        ),
        ("inverted-scale", "スケールの分子と分母が逆です（255/幅）", 255 / width),
        ("used-signed-max", "幅を 255 ではなく 127 で割っています", width / 127),
        ("bits-as-levels", "幅をビット数 8 で割っています", width / 8),
    ]
    fmt = sig(3)
    return Draft(
        params={**p, "question": "scale"},
        prompt=(
            f"値の範囲 [{fmt_plain(x_min)}, {fmt_plain(x_max)}] の実数を、非対称（アフィン）量子化で"
            f"{_range_text(signed)}に写す。スケール s = (x_max − x_min)/(q_max − q_min) を"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=scale,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "8 ビットの整数は 256 通り、隣り合う値の間隔は 255 個なので q_max − q_min = 255",
            f"s = ({fmt_plain(x_max)} − {paren(x_min)})/255 = {fmt_plain(width)}/255 "
            f"= {fmt_dec(scale, 6)}",
        ],
    )


def _zero_point_problem(p: dict[str, Any]) -> Draft | None:
    x_min, x_max, signed = p["x_min"], p["x_max"], p["signed"]
    scale, zp = quantization.affine_params(x_min, x_max, signed=signed)
    qmin, _ = _int_range(signed)
    exact = -x_min * 255 / (x_max - x_min)
    if abs(exact - math.floor(exact) - 0.5) < 1e-9:
        return None  # a tie: rounding conventions would disagree
    candidates: list[Candidate] = [
        ("forgot-zero-point", "ゼロ点を 0 としています（非対称量子化では 0 にならない）", 0.0),
        ("no-rounding", "ゼロ点を整数に丸めていません", qmin + exact),
        ("sign-flipped", "x_min/s の符号を逆にしています", float(qmin - round(exact))),
        (
            "unsigned-range",
            "符号付き（−128〜127）と符号なし（0〜255）の範囲を取り違えています",
            float(_zero_point(x_min, x_max, not signed)),
        ),
        ("rounded-up", "四捨五入ではなく切り上げています", float(qmin + math.ceil(exact))),
        (
            "used-256-levels",
            "スケールを幅/256 として計算しています（間隔の数は 255）",
            float(_zero_point(x_min, x_max, signed, levels=256)),
        ),
    ]
    return Draft(
        params={**p, "question": "zero_point"},
        prompt=(
            f"値の範囲 [{fmt_plain(x_min)}, {fmt_plain(x_max)}] の実数を、非対称（アフィン）量子化で"
            f"{_range_text(signed)}に写す。実数 0 に対応する整数（ゼロ点）z = q_min − round(x_min/s)"
            "を求めよ（s = (x_max − x_min)/255）。"
        ),
        answer=float(zp),
        fmt=EXACT,
        candidates=candidates,
        steps=[
            f"s = ({fmt_plain(x_max)} − {paren(x_min)})/255 = {fmt_dec(scale, 6)}",
            f"x_min/s = {fmt_plain(x_min)}×255/{fmt_plain(x_max - x_min)} = {fmt_dec(-exact, 3)}、"
            f"四捨五入して {fmt_plain(round(-exact))}",
            f"z = {fmt_plain(qmin)} − {paren(round(-exact))} = {fmt_plain(zp)}",
        ],
        hint=_INT_HINT,
    )


def _quantize_problem(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    s, z, signed = p["q_scale"], p["q_zero"], p["signed"]
    qmin, qmax = _int_range(signed)
    if not qmin <= z <= qmax or s <= 0:
        return None
    k, f = random_ints(rng, 2, -60, 63)
    frac = (0.2, 0.3, 0.7, 0.8)[f % 4]
    x = round(s * (k + frac), 6)
    ratio = x / s
    answer = float(quantization.quantize(x, s, z, signed=signed))
    raw = round(ratio) + z
    candidates: list[Candidate] = [
        (
            "forgot-zero-point",
            "ゼロ点 z を足し忘れています",
            float(min(max(round(ratio), qmin), qmax)),
        ),
        ("no-rounding", "x/s を整数に丸めていません", ratio + z),
        (
            "truncated",
            "四捨五入ではなく切り捨てています",
            float(min(max(math.floor(ratio) + z, qmin), qmax)),
        ),
        (
            "multiplied-by-scale",
            "スケールで割るべきところを掛けています",
            float(min(max(round(x * s) + z, qmin), qmax)),
        ),
        (
            "forgot-clamp",
            f"表現範囲 [{fmt_int(qmin)}, {fmt_int(qmax)}] にクリップしていません",
            float(raw) if not qmin <= raw <= qmax else None,
        ),
        (
            "subtracted-zero-point",
            "ゼロ点を引いています（量子化では足し、逆量子化で引く）",
            float(min(max(round(ratio) - z, qmin), qmax)),
        ),
    ]
    clamp = "" if qmin <= raw <= qmax else f"、範囲外なので {int(answer)} にクリップ"
    return Draft(
        params={**p, "question": "quantize", "x": x},
        prompt=(
            f"スケール s = {fmt_plain(s)}、ゼロ点 z = {fmt_int(z)} の{_range_text(signed)}量子化"
            "（q = clamp(round(x/s) + z)）で、実数 x = "
            f"{fmt_plain(x)} を量子化した整数 q を求めよ。"
        ),
        answer=answer,
        fmt=EXACT,
        candidates=candidates,
        steps=[
            f"x/s = {fmt_plain(x)}/{fmt_plain(s)} = {fmt_plain(round(ratio, 6))}、"
            f"四捨五入して {fmt_int(round(ratio))}",
            f"ゼロ点を足して {fmt_int(round(ratio))} + {paren(fmt_int(z))} = {fmt_int(raw)}{clamp}",
        ],
        hint=_INT_HINT,
    )


def _build_int8(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question = p["question"]
    if not isinstance(p["signed"], bool):
        return None
    if question == "quantize":
        return _quantize_problem(p, rng)
    if p["x_min"] > 0 or p["x_max"] <= 0:
        return None
    if question == "scale":
        return _scale_problem(p)
    if question == "zero_point":
        return _zero_point_problem(p)
    return None


# ------------------------------------------------------------------------------- model_memory

_DTYPE_TEXT = {"fp32": "FP32", "fp16": "FP16", "bf16": "BF16", "int8": "INT8", "int4": "INT4"}
_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}


def _build_model_memory(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n_b, dtype = p["n_params_billion"], p["dtype"]
    if dtype not in _DTYPE_TEXT or n_b <= 0:
        return None
    n = n_b * 1e9
    bytes_ = memory.param_memory_bytes(n, dtype)
    answer = bytes_ / 1e9
    per = memory.BYTES_PER_PARAM[dtype]
    candidates: list[Candidate] = [
        (
            "bits-as-bytes",
            "ビット数をそのままバイト数としています（1 バイト = 8 ビット）",
            n * _BITS[dtype] / 1e9,
        ),
        (
            "used-gib",
            "2³⁰ バイト（GiB）で割っています（ここでは 1 GB = 10⁹ バイト）",
            bytes_ / 2**30,
        ),
        (
            "ignored-dtype",
            "数値形式に関係なく FP32（4 バイト）で計算しています",
            n * 4 / 1e9 if dtype != "fp32" else None,
        ),
        ("bytes-divided-by-eight", "バイト数をさらに 8 で割っています", bytes_ / 8 / 1e9),
        ("off-by-thousand", "MB の値を GB として答えています（1000 倍ずれ）", answer * 1000),
    ]
    fmt = sig(3)
    name = _DTYPE_TEXT[dtype]
    return Draft(
        params={"n_params_billion": n_b, "dtype": dtype},
        prompt=(
            f"パラメータ数 {fmt_plain(n_b)}B（{fmt_sig(n, 3)}）のモデルの重みを {name} で保持する"
            "ときのメモリ量は何 GB か（重みのみ、1 GB = 10⁹ バイト）。"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        unit="GB",
        steps=[
            f"{name} は 1 パラメータあたり {_BITS[dtype]} ビット = {fmt_plain(per)} バイト",
            f"{fmt_sig(n, 3)} × {fmt_plain(per)} = {fmt_sig(bytes_, 3)} バイト",
            f"10⁹ で割って {fmt.text(answer)} GB",
        ],
    )


# ----------------------------------------------------------------------------- pruning_sparsity


Matrix = list[list[float]]


def _weights(rng: np.random.Generator, size: int, zeros: int) -> Matrix | None:
    """size×size weights with distinct magnitudes from 0.05…0.95, random signs, ``zeros`` zeros."""
    n = size * size
    if size < 2 or zeros >= n or n > 19 or zeros < 0:
        return None
    draws = rng.random(19 + 2 * n).tolist()
    steps = sorted(range(1, 20), key=draws.__getitem__)[:n]
    flat = [
        round(k * 0.05 * (-1 if u < 0.5 else 1), 2) for k, u in zip(steps, draws[19:], strict=False)
    ]
    for i in sorted(range(n), key=draws[19 + n :].__getitem__)[:zeros]:
        flat[i] = 0.0
    return [flat[i * size : (i + 1) * size] for i in range(size)]


def _percent(count: int, n: int) -> float:
    return 100.0 * count / n


def _threshold_problem(p: dict[str, Any], w: Matrix) -> Draft | None:
    t = p["threshold"]
    flat = [v for row in w for v in row]
    n = len(flat)
    below = [abs(v) < t - 1e-12 for v in flat]
    pruned = np.array([0.0 if b else v for v, b in zip(flat, below, strict=True)])
    answer = 100.0 * compression.sparsity(pruned)
    zeros = flat.count(0.0)
    equal = any(abs(abs(v) - t) < 1e-12 for v in flat)
    candidates: list[Candidate] = [
        (
            "pruned-by-value",
            "絶対値ではなく値そのもので比べています（負の重みをすべて消しています）",
            _percent(sum(v < t - 1e-12 for v in flat), n),
        ),
        ("gave-density", "0 でない重みの割合（密度）を答えています", 100.0 - answer),
        (
            "ignored-existing-zeros",
            "元から 0 だった重みを数えていません",
            _percent(sum(below) - zeros, n) if zeros else None,
        ),
        (
            "threshold-inclusive",
            "しきい値と等しい重みも消しています（「未満」なので残る）",
            _percent(sum(abs(v) <= t + 1e-12 for v in flat), n) if equal else None,
        ),
        (
            "pruned-largest",
            "絶対値が大きい重みを消しています",
            _percent(n - sum(below) + zeros, n),
        ),
    ]
    fmt = fixed(2)
    count = sum(below)
    return Draft(
        params={**p, "question": "threshold", "w": w},
        prompt="\n".join(
            [
                "次の重み行列に、絶対値が "
                f"{fmt_plain(t)} 未満の重みを 0 にする剪定（マグニチュードプルーニング）を行う。",
                _matrix(w),
                f"剪定後のスパース率（0 である重みの割合、%）を{fmt.instruction()}求めよ。",
            ]
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        unit="%",
        steps=[
            f"|w| < {fmt_plain(t)} の重みは 0 になる（元から 0 の重みも 0 のまま数える）",
            f"剪定後に 0 の重み: {count} 個 / 全 {n} 個",
            f"スパース率 = {count}/{n} × 100 = {fmt.text(answer)}%",
        ],
        hint="% の数値で答えてください（例: 43.75）",
    )


def _magnitude_problem(p: dict[str, Any], w: Matrix) -> Draft | None:
    s = p["sparsity_percent"]
    flat = [v for row in w for v in row]
    n = len(flat)
    k = s * n / 100
    if not float(k).is_integer() or not 0 < k < n:
        return None
    k = int(k)
    kept = compression.magnitude_prune(np.array(w), s / 100)
    answer = float(kept.sum())
    by_mag = sorted(range(n), key=lambda i: abs(flat[i]))
    by_value = sorted(range(n), key=flat.__getitem__)
    total = sum(flat)
    removed = [flat[i] for i in by_mag[:k]]
    candidates: list[Candidate] = [
        (
            "pruned-by-value",
            "絶対値ではなく値の小さい順（負の大きい順）に消しています",
            total - sum(flat[i] for i in by_value[:k]),
        ),
        (
            "pruned-largest",
            "絶対値の大きい重みを消しています",
            total - sum(flat[i] for i in by_mag[n - k :]),
        ),
        ("summed-pruned", "残った重みではなく、消した重みの総和を答えています", sum(removed)),
        (
            "summed-magnitudes",
            "残った重みの絶対値を足しています（符号を無視）",
            sum(abs(flat[i]) for i in by_mag[k:]),
        ),
        (
            "kept-fraction-swapped",
            "消す割合と残す割合を逆にしています",
            total - sum(flat[i] for i in by_mag[: n - k]) if 2 * k != n else None,
        ),
    ]
    fmt = fixed(2)
    return Draft(
        params={**p, "question": "magnitude", "w": w},
        prompt="\n".join(
            [
                f"次の重み行列（{n} 個）に、絶対値の小さい順に {s}% の重みを 0 にするマグニチュード"
                "プルーニングを行う。",
                _matrix(w),
                f"剪定後に残る重みの総和を{fmt.instruction()}求めよ。",
            ]
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"{n} 個の {s}% = {k} 個を、絶対値の小さい順に 0 にする",
            f"0 にする重み: {', '.join(fmt_plain(v) for v in removed)}",
            f"全体の総和 {fmt.text(total)} から消した重みの和 {fmt.text(sum(removed))} を引いて "
            f"{fmt.text(answer)}",
        ],
        hint="数で答えてください（例: −0.35）",
    )


def _matrix(w: Matrix) -> str:
    cells = [[fmt_plain(v) for v in row] for row in w]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("  " + " ".join(c.rjust(width) for c in row) for row in cells)


def _build_pruning(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    w = _weights(rng, p["size"], p["zeros"])
    if w is None:
        return None
    if p["question"] == "threshold":
        return _threshold_problem(p, w)
    if p["question"] == "magnitude":
        return _magnitude_problem(p, w)
    return None


# ------------------------------------------------------------------------------ low_rank_params


def _build_low_rank(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    m, n, r, question = p["m"], p["n"], p["rank"], p["question"]
    if r > min(m, n) or question not in ("params", "ratio"):
        return None
    params = compression.low_rank_params(m, n, r)
    ratio = compression.low_rank_ratio(m, n, r)
    shape = f"{m}×{n} の重み行列 W を、ランク r = {r} の 2 つの行列の積 W ≈ AB（A: {m}×{r}、B: {r}×{n}）で近似する。"
    if question == "params":
        candidates: list[Candidate] = [
            ("product-not-sum", "r(m+n) ではなく r×m×n と掛けています", float(r * m * n)),
            ("one-factor-only", "片方の行列 A（m×r）しか数えていません", float(m * r)),
            (
                "counted-singular-values",
                "SVD の特異値 r 個も数えています（AB の 2 行列なら不要）",
                float(params + r),
            ),
            ("rank-squared", "ランクの 2 乗 r² としています", float(r * r)),
            ("original-size", "元の行列のパラメータ数 m×n のままです", float(m * n)),
        ]
        return Draft(
            params={"m": m, "n": n, "rank": r, "question": question},
            prompt=f"{shape}近似後のパラメータ数を求めよ（バイアスは除く）。",
            answer=float(params),
            fmt=INTEGER,
            candidates=candidates,
            steps=[
                "A は m×r、B は r×n なので、パラメータ数は mr + rn = r(m+n)",
                f"{r}×({m}+{n}) = {fmt_int(params)}（元は {m}×{n} = {fmt_int(m * n)}）",
            ],
        )
    candidates = [
        ("inverted-ratio", "比が逆です（元の行列 / 近似後）", 1 / ratio),
        ("rank-over-size", "ランクの比 r/min(m, n) を答えています", r / min(m, n)),
        ("one-factor-ratio", "片方の行列 A（m×r）しか数えていません", m * r / (m * n)),
        ("squared-rank-ratio", "近似後のパラメータ数を r² としています", r * r / (m * n)),
    ]
    fmt = sig(3)
    return Draft(
        params={"m": m, "n": n, "rank": r, "question": question},
        prompt=(
            f"{shape}近似後のパラメータ数は元の行列の何倍か（バイアスは除く）。"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=ratio,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "近似後は r(m+n) 個、元は m×n 個",
            f"{r}×({m}+{n}) / ({m}×{n}) = {fmt_int(params)}/{fmt_int(m * n)} = {fmt_dec(ratio, 5)}",
        ],
    )


GENERATORS = (
    Template(
        name="int8_quantization",
        title="INT8 量子化のスケール・ゼロ点・量子化値",
        topic="quantization",
        exams=("E",),
        build=_build_int8,
        ranges={
            "question": ["scale", "zero_point", "quantize"],
            "signed": [True, False],
            "x_min": [-2, -1, -0.5, 0],
            "x_max": [1, 2, 4, 6],
            "q_scale": [0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
            "q_zero": [0, 3, 10, 25, 100],
        },
    ),
    Template(
        name="model_memory",
        title="モデルの重みのメモリ量",
        topic="quantization",
        exams=("G", "E"),
        build=_build_model_memory,
        ranges={
            "n_params_billion": [0.35, 1.3, 3, 7, 13, 70],
            "dtype": ["fp32", "fp16", "bf16", "int8", "int4"],
        },
    ),
    Template(
        name="pruning_sparsity",
        title="プルーニングとスパース率",
        topic="pruning",
        exams=("G", "E"),
        build=_build_pruning,
        ranges={
            "question": ["threshold", "magnitude"],
            "size": [4],
            "zeros": [0, 1, 2],
            "threshold": [0.2, 0.3, 0.4, 0.5],
            "sparsity_percent": [25, 50, 75],
        },
    ),
    Template(
        name="low_rank_params",
        title="低ランク近似のパラメータ数",
        topic="low-rank",
        exams=("E",),
        build=_build_low_rank,
        ranges={
            "m": [64, 128, 256, 512, 768, 1024, 4096],
            "n": [64, 128, 256, 512, 768, 1024, 4096],
            "rank": [4, 8, 16, 32, 64],
            "question": ["params", "ratio"],
        },
    ),
)
