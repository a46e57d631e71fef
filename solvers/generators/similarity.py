"""Similarity problems: the correlation coefficient of paired data, and the cosine similarity,
Euclidean and Manhattan distances of two vectors."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import (
    INTEGER,
    fixed,
    fmt_fixed,
    fmt_int,
    fmt_rational,
    fmt_result,
    fmt_step,
    fmt_units,
    paren,
)
from solvers.generators._roots import (
    ROOT_PLACES,
    exact_sqrt,
    over_root_by_hand,
    over_root_units,
    sqrt_units,
)
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED2 = fixed(2)
_FIXED3 = fixed(3)


def _tuple(values: list[int]) -> str:
    return "(" + ", ".join(fmt_int(v) for v in values) + ")"


# -------------------------------------------------------------------------------- correlation


def _whole_mean(values: list[int], n: int) -> list[int] | None:
    """``values`` with the last one moved so that the sum is a multiple of n (an integer mean)."""
    shift = sum(values) % n
    out = [*values[:-1], values[-1] - shift]
    return out if out[-1] >= 0 else None


def _build_correlation(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, noise = p["n"], p["noise"]
    if n < 3 or noise < 0:
        return None
    x = _whole_mean(random_ints(rng, n, 1, 10), n)
    (slope,) = random_ints(rng, 1, 0, 1)
    e = random_ints(rng, n, -noise, noise)
    if x is None:
        return None
    y = _whole_mean([(v if slope else 11 - v) + d + noise for v, d in zip(x, e, strict=True)], n)
    if y is None:
        return None
    mx, my = sum(x) // n, sum(y) // n
    dx, dy = [v - mx for v in x], [v - my for v in y]
    sxy = sum(a * b for a, b in zip(dx, dy, strict=True))
    sxx, syy = sum(a * a for a in dx), sum(b * b for b in dy)
    if sxy == 0 or sxx == 0 or syy == 0:
        return None
    fmt = _FIXED2
    truth = over_root_units(sxy, sxx, syy, fmt.digits)
    if over_root_by_hand(sxy, sxx, syy, fmt.digits) != {truth}:
        return None
    root = exact_sqrt(Fraction(sxx * syy))
    r = sxy / math.sqrt(sxx * syy)
    answer: Fraction | float = Fraction(sxy) / root if root is not None else r
    if root is None and fmt_fixed(r, fmt.digits) != fmt_units(truth, fmt.digits):
        return None
    raw = sum(a * b for a, b in zip(x, y, strict=True))
    candidates: list[Candidate] = [
        ("covariance-only", "共分散で止めています（標準偏差の積で割っていない）", sxy / n),
        (
            "mixed-ddof",
            "共分散を n − 1 で、標準偏差を n で割っています（そろえれば打ち消し合う）",
            r * n / (n - 1),
        ),
        (
            "uncentered",
            "平均を引かずに計算しています（それはコサイン類似度）",
            raw / math.sqrt(sum(a * a for a in x) * sum(b * b for b in y)),
        ),
        ("squared", "決定係数 r² を答えています", r * r),
        ("forgot-root", "分母の平方根を取り忘れています", sxy / (sxx * syy)),
    ]
    root_text = (
        fmt_int(root.numerator)
        if root is not None
        else fmt_units(sqrt_units(sxx * syy, 1, ROOT_PLACES), ROOT_PLACES)
    )
    return Draft(
        params={"n": n, "noise": noise, "x": x, "y": y},
        prompt=(
            f"{n} 組のデータ x = {_tuple(x)}、y = {_tuple(y)} の相関係数（ピアソンの積率相関係数）"
            f"を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"平均: x̄ = {sum(x)}/{n} = {mx}、ȳ = {sum(y)}/{n} = {my}",
            f"偏差: x − x̄ = {_tuple(dx)}、y − ȳ = {_tuple(dy)}",
            f"偏差積の和 Sxy = {fmt_int(sxy)}、偏差平方和 Sxx = {sxx}、Syy = {syy}",
            f"r = Sxy/√(Sxx·Syy) = {fmt_int(sxy)}/√{sxx * syy} {'=' if root is not None else '≈'} "
            f"{fmt_int(sxy)}/{root_text} {fmt_result(answer, fmt) if root is not None else '≈ ' + fmt_step(answer, fmt)}",
        ],
    )


# ------------------------------------------------------------------------- vector_similarity


def _build_similarity(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, dim = p["question"], p["dim"]
    if question not in ("cosine", "euclidean", "manhattan") or dim < 2:
        return None
    a, b = random_ints(rng, dim, -2, 5), random_ints(rng, dim, -2, 5)
    d = [u - v for u, v in zip(a, b, strict=True)]
    dot = sum(u * v for u, v in zip(a, b, strict=True))
    na, nb = sum(u * u for u in a), sum(v * v for v in b)
    sq = sum(v * v for v in d)
    if na == 0 or nb == 0 or sq == 0 or dot == 0:
        return None
    steps = [f"a − b = {_tuple(d)}"]
    if question == "cosine":
        fmt = _FIXED3
        truth = over_root_units(dot, na, nb, fmt.digits)
        if over_root_by_hand(dot, na, nb, fmt.digits) != {truth}:
            return None
        root = exact_sqrt(Fraction(na * nb))
        c = dot / math.sqrt(na * nb)
        answer: Fraction | float = Fraction(dot) / root if root is not None else c
        if root is None and fmt_fixed(c, fmt.digits) != fmt_units(truth, fmt.digits):
            return None
        l1 = sum(abs(u) for u in a) * sum(abs(v) for v in b)
        candidates: list[Candidate] = [
            ("dot-only", "内積のまま答えています（ノルムの積で割っていない）", float(dot)),
            ("forgot-root", "ノルムの二乗（‖a‖²‖b‖²）で割っています", dot / (na * nb)),
            ("l1-norms", "ノルムを成分の絶対値の和（L1）で計算しています", dot / l1),
            ("one-norm", "片方のベクトルのノルムでしか割っていません", dot / math.sqrt(na)),
        ]
        root_text = (
            fmt_int(root.numerator)
            if root is not None
            else fmt_units(sqrt_units(na * nb, 1, ROOT_PLACES), ROOT_PLACES)
        )
        products = " + ".join(
            f"{paren(fmt_int(u))}×{paren(fmt_int(v))}" for u, v in zip(a, b, strict=True)
        )
        steps = [
            f"内積 a·b = {products} = {fmt_int(dot)}",
            f"‖a‖² = {na}、‖b‖² = {nb}",
            f"cos θ = a·b/(‖a‖‖b‖) = {fmt_int(dot)}/√({na}×{nb}) {'=' if root is not None else '≈'} {fmt_int(dot)}/{root_text} "
            + (fmt_result(answer, fmt) if root is not None else "≈ " + fmt_step(answer, fmt)),
        ]
        ask = "コサイン類似度"
    elif question == "euclidean":
        fmt = _FIXED2
        root = exact_sqrt(Fraction(sq))
        if root is not None:
            answer, shown = root, f"= {fmt_rational(root)}"
        else:
            answer = math.sqrt(sq)
            if fmt_fixed(answer, 2) != fmt_units(sqrt_units(sq, 1, 2), 2):
                return None
            shown = "≈ " + fmt_step(answer, fmt)
        candidates = [
            ("forgot-root", "平方根を取り忘れています（距離の二乗）", float(sq)),
            (
                "used-manhattan",
                "差の絶対値の和（マンハッタン距離）を計算しています",
                float(sum(abs(v) for v in d)),
            ),
            (
                "norm-difference",
                "ベクトルの長さの差 |‖a‖ − ‖b‖| を計算しています",
                abs(math.sqrt(na) - math.sqrt(nb)),
            ),
            ("sum-then-square", "差を足してから二乗しています", math.sqrt(sum(d) ** 2)),
        ]
        steps.append(
            f"差の二乗和 = {' + '.join(paren(fmt_int(v)) + '²' for v in d)} = {sq}、√{sq} {shown}"
        )
        ask = "ユークリッド距離"
    else:
        fmt = INTEGER
        answer = Fraction(sum(abs(v) for v in d))
        candidates = [
            ("forgot-abs", "絶対値を取り忘れています（正負の差が打ち消し合う）", float(sum(d))),
            ("squared", "差の二乗和（ユークリッド距離の二乗）を計算しています", float(sq)),
            (
                "chebyshev",
                "差の絶対値の最大値（チェビシェフ距離）を答えています",
                float(max(abs(v) for v in d)),
            ),
            ("sum-of-sums", "成分の和どうしの差を取っています", float(abs(sum(a) - sum(b)))),
        ]
        steps.append(
            f"マンハッタン距離 = Σ|aᵢ − bᵢ| = {' + '.join(str(abs(v)) for v in d)} = {fmt_int(answer)}"
        )
        ask = "マンハッタン距離（L1 距離）"
    return Draft(
        params={"question": question, "dim": dim, "a": a, "b": b},
        prompt=f"2 つのベクトル a = {_tuple(a)}、b = {_tuple(b)} の{ask}を{fmt.instruction()}求めよ。",
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="correlation",
        title="相関係数",
        topic="math-statistics",
        exams=("G",),
        build=_build_correlation,
        ranges={"n": [4, 5, 6], "noise": [1, 2, 3]},
    ),
    Template(
        name="vector_similarity",
        title="コサイン類似度とユークリッド・マンハッタン距離",
        topic="math-statistics",
        exams=("G",),
        build=_build_similarity,
        ranges={"question": ["cosine", "euclidean", "manhattan"], "dim": [3, 4]},
    ),
)
