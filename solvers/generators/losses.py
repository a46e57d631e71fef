"""Loss-function problems: cross-entropy of a softmax output against a one-hot target."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers import losses
from solvers.formatting import fixed, fmt_dec, fmt_plain
from solvers.template import Candidate, Draft, Template, random_ints

_STEP = 0.05


def _probabilities(rng: np.random.Generator, k: int, p_target: float, index: int) -> list[float]:
    """k probabilities in steps of 0.05 that sum to 1, with ``p_target`` at ``index``."""
    units = round((1.0 - p_target) / _STEP)
    keys = rng.random(units).tolist()
    cuts = sorted(sorted(range(1, units), key=keys.__getitem__)[: k - 2])
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, units], strict=True)]
    others = [round(u * _STEP, 2) for u in parts]
    return [*others[:index], p_target, *others[index:]]


def _build_cross_entropy(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    k, p_t = p["classes"], p["target_prob"]
    if k < 2 or not 0 < p_t < 1 or round((1 - p_t) / _STEP) < k - 1:
        return None
    (index,) = random_ints(rng, 1, 0, k - 1)
    probs = _probabilities(rng, k, float(p_t), index)
    answer = losses.cross_entropy_probs(np.array(probs), index)
    candidates: list[Candidate] = [
        ("sign-flipped", "マイナスを付け忘れています（E = −Σ t_k log p_k）", math.log(p_t)),
        ("used-common-log", "自然対数ではなく常用対数（log₁₀）を使っています", -math.log10(p_t)),
        ("used-log2", "自然対数ではなく底 2 の対数を使っています", -math.log2(p_t)),
        (
            "summed-all-classes",
            "正解以外のクラスの −log p_k も足しています（t_k = 0 の項は消える）",
            -sum(math.log(q) for q in probs),
        ),
        (
            "binary-form",
            "二値交差エントロピー −[t log p + (1−t) log(1−p)] を全クラスに当てはめています",
            -math.log(p_t) - sum(math.log(1 - q) for j, q in enumerate(probs) if j != index),
        ),
        ("forgot-log", "対数を取らずに 1 − p を答えています", 1 - p_t),
    ]
    fmt = fixed(3)
    onehot = ", ".join("1" if j == index else "0" for j in range(k))
    return Draft(
        params={"classes": k, "target_prob": p_t, "probs": probs, "target": index + 1},
        prompt=(
            f"{k} クラス分類で、モデルのソフトマックス出力が p = ({', '.join(fmt_plain(q) for q in probs)})、"
            f"正解がクラス{index + 1}（one-hot 表現 t = ({onehot})）であった。"
            f"交差エントロピー誤差 E = −Σ t_k log p_k（log は自然対数）を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "t は正解クラスだけ 1 なので、和の中で残るのは正解クラスの項だけ: E = −log p_正解",
            f"E = −log {fmt_plain(p_t)} = {fmt_dec(-math.log(p_t), 4)}",
        ],
    )


GENERATORS = (
    Template(
        name="cross_entropy",
        title="交差エントロピー誤差",
        topic="output-loss",
        exams=("G", "E"),
        build=_build_cross_entropy,
        ranges={
            "classes": [3, 4],
            "target_prob": [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9],
        },
    ),
)
