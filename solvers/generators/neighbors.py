"""k-nearest-neighbour problems: the class a k-NN vote predicts for a query, with its vote count,
under the Euclidean, Manhattan or cosine distance."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from solvers.formatting import INTEGER, fmt_dec, subscript
from solvers.template import Candidate, Draft, Template, random_ints

_N_POINTS = 8
_LABELS = (1, 1, 1, 2, 2, 2, 3, 3)
"""The classes of the training points, in a seeded order: every class present."""
_X = tuple(f"x{subscript(i + 1)}" for i in range(_N_POINTS))
_COS_MARGIN = 0.002
"""Cosine similarities a vote turns on differ by at least this much, so their 4-decimal values
(as the solution shows them) order them the same way."""
_METRIC_NAME = {
    "euclidean": "ユークリッド距離",
    "manhattan": "マンハッタン距離（各座標の差の絶対値の和）",
    "cosine": "コサイン距離 1 − cos θ（cos θ = a·q/(‖a‖‖q‖)）",
}


def _keys(points: list[tuple[int, int]], q: tuple[int, int], metric: str) -> list[float]:
    """A value per point that orders them from nearest to farthest: d² (Euclidean), the
    distance (Manhattan) or −cos θ (cosine)."""
    if metric == "euclidean":
        return [float((x - q[0]) ** 2 + (y - q[1]) ** 2) for x, y in points]
    if metric == "manhattan":
        return [float(abs(x - q[0]) + abs(y - q[1])) for x, y in points]
    qn = math.hypot(*q)
    # rounded so that parallel points tie exactly and the index rule orders them
    return [round(-(x * q[0] + y * q[1]) / (math.hypot(x, y) * qn), 12) for x, y in points]


def _order(keys: list[float]) -> list[int]:
    return sorted(range(len(keys)), key=lambda i: (keys[i], i))


def _vote(order: list[int], labels: list[int], k: int) -> tuple[tuple[int, int], list[int]]:
    """((class, votes), the classes tied at the top, nearest first): a tie goes to the class
    whose nearest member comes first in ``order``."""
    counts = [0, 0, 0, 0]
    seen: list[int] = []
    for i in order[:k]:
        c = labels[i]
        if not counts[c]:
            seen.append(c)
        counts[c] += 1
    best = max(counts)
    tied = [c for c in seen if counts[c] == best]
    return (tied[0], best), tied


def _distinct(a: float, b: float, metric: str) -> bool:
    return abs(a - b) >= _COS_MARGIN if metric == "cosine" else a != b


def _build_knn(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    k, metric = p["k"], p["metric"]
    if k not in (1, 3, 5) or metric not in _METRIC_NAME:
        return None
    lo = 1 if metric == "cosine" else 0
    coords = random_ints(rng, 2 * _N_POINTS + 2, lo, 9 if lo else 12)
    points = [(coords[2 * i], coords[2 * i + 1]) for i in range(_N_POINTS)]
    q = (coords[-2], coords[-1])
    if q in points:
        return None
    shuffle = rng.random(_N_POINTS).tolist()
    labels = [_LABELS[i] for i in sorted(range(_N_POINTS), key=shuffle.__getitem__)]
    keys = _keys(points, q, metric)
    order = _order(keys)
    if not _distinct(keys[order[k - 1]], keys[order[k]], metric):
        return None
    answer, tied = _vote(order, labels, k)
    if len(tied) > 1:
        firsts = [next(i for i in order if labels[i] == c) for c in tied[:2]]
        if not _distinct(keys[firsts[0]], keys[firsts[1]], metric):
            return None
    other = {"euclidean": "manhattan", "manhattan": "euclidean", "cosine": "euclidean"}[metric]
    other_order = _order(_keys(points, q, other))
    overall = Counter(labels).most_common()
    majority = overall[0] if overall[0][1] > overall[1][1] else None
    farthest = list(reversed(order))
    candidates: list[Candidate] = [
        ("nearest-only", "最も近い 1 点だけで決めています（k = 1）", (labels[order[0]], 1)),
        (
            f"used-{other}",
            f"{'ユークリッド' if other == 'euclidean' else 'マンハッタン'}距離で近い順を決めています",
            _vote(other_order, labels, k)[0],
        ),
        ("farthest-k", "遠い順に k 点を選んでいます", _vote(farthest, labels, k)[0]),
        ("all-points", "k 近傍ではなく学習データ全体の多数決を取っています", majority),
        (
            "ignored-tie-rule",
            "同票のときの規則（最も近い点のクラス）を使っていません",
            (tied[1], answer[1]) if len(tied) > 1 else None,
        ),
        (
            "k-plus-one",
            f"{k + 1} 個の近傍で多数決を取っています（k 個より 1 つ多い）",
            _vote(order, labels, k + 1)[0],
        ),
        (
            "other-k",
            f"k = {5 if k == 3 else 3} で多数決を取っています",
            _vote(order, labels, 5 if k == 3 else 3)[0],
        ),
    ]
    listed = "、".join(
        f"{_X[i]} = ({x}, {y})［クラス{labels[i]}］" for i, (x, y) in enumerate(points)
    )
    shown = _shown(keys, metric)
    near = "、".join(f"{_X[i]}［クラス{labels[i]}］" for i in order[:k])
    counts = Counter(labels[i] for i in order[:k])
    tally = "、".join(f"クラス{c}: {counts[c]} 票" for c in sorted(counts))
    return Draft(
        params={
            "k": k,
            "metric": metric,
            "points": [list(pt) for pt in points],
            "labels": labels,
            "query": list(q),
        },
        prompt=(
            f"学習データ {listed} がある。クエリ点 q = ({q[0]}, {q[1]}) のクラスを、"
            f"{_METRIC_NAME[metric]}による k 近傍法（k = {k}、多数決）で予測する。"
            "距離が等しい点は番号の小さい方を近いとみなし、得票数が同じクラスがあれば、その中で"
            "最も近い点を持つクラスを選ぶ。予測クラスとその得票数を (クラス, 得票数) の形で答えよ。"
        ),
        answer=(float(answer[0]), float(answer[1])),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"各点との{' ' if _STEP_NAME[metric][0].isascii() else ''}{_STEP_NAME[metric]}: "
            + "、".join(f"{_X[i]}: {s}" for i, s in enumerate(shown)),
            f"近い順に {k} 点: {near}",
            f"得票: {tally} → クラス{answer[0]}（{answer[1]} 票）",
        ],
        hint="（クラス, 得票数）の順にカンマ区切りで答えてください（例: 2, 3）",
        answer_text=f"({answer[0]}, {answer[1]})",
    )


_STEP_NAME = {
    "euclidean": "距離の 2 乗 d²（大小は d と同じ）",
    "manhattan": "マンハッタン距離",
    "cosine": "cos θ（大きいほど近い）",
}


def _shown(keys: list[float], metric: str) -> list[str]:
    if metric == "cosine":
        return [fmt_dec(-v, 4) for v in keys]
    return [str(int(v)) for v in keys]


GENERATORS = (
    Template(
        name="knn_vote",
        title="k 近傍法による予測クラス",
        topic="knn-generalization",
        exams=("E",),
        build=_build_knn,
        ranges={"k": [3, 5], "metric": ["euclidean", "manhattan", "cosine"]},
    ),
)
