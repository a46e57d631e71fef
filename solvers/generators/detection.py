"""Object-detection problems: the IoU of two boxes, how many boxes survive NMS, and the average
precision of a ranked list of detections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from solvers.formatting import INTEGER, fixed, fmt_plain, fmt_rational, fmt_result
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)
_LETTERS = "ABCDEFGH"
_THRESHOLDS = {0.3: (3, 10), 0.5: (1, 2)}


def _box_text(b: tuple[int, int, int, int]) -> str:
    return "(" + ", ".join(str(v) for v in b) + ")"


def _overlap(a: tuple[int, ...], b: tuple[int, ...], one: int) -> tuple[int, int, int]:
    """(intersection, area a, area b) with ``one`` added to each side length (1 for inclusive
    pixel coordinates)."""
    w = min(a[2], b[2]) - max(a[0], b[0]) + one
    h = min(a[3], b[3]) - max(a[1], b[1]) + one
    inter = max(w, 0) * max(h, 0)
    area = lambda r: (r[2] - r[0] + one) * (r[3] - r[1] + one)  # noqa: E731
    return inter, area(a), area(b)


def _iou(a: tuple[int, ...], b: tuple[int, ...], one: int = 0) -> Fraction:
    inter, aa, ab = _overlap(a, b, one)
    return Fraction(inter, aa + ab - inter)


_CONVENTIONS = {
    False: "座標は連続値で、幅は x2 − x1、高さは y2 − y1 とする",
    True: "座標は画素の番号で両端の画素を含み、幅は x2 − x1 + 1、高さは y2 − y1 + 1 とする",
}


def _build_iou(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    inclusive = p["inclusive"]
    x1, y1, w, h, dx, dy, w2, h2 = random_ints(rng, 8, 0, 6)
    w, h, w2, h2 = 2 + w % 5, 2 + h % 5, 2 + w2 % 5, 2 + h2 % 5
    a = (x1, y1, x1 + w, y1 + h)
    bx, by = x1 + dx - 3, y1 + dy - 3
    b = (bx, by, bx + w2, by + h2)
    if min(b) < 0 or a == b:
        return None
    one = 1 if inclusive else 0
    inter, aa, ab = _overlap(a, b, one)
    if inter == 0 or inter in (aa, ab):
        return None
    union = aa + ab - inter
    answer = Fraction(inter, union)
    candidates: list[Candidate] = [
        (
            "over-area-sum",
            "和集合ではなく面積の和で割っています（重なりを二重に数えた分母）",
            inter / (aa + ab),
        ),
        ("dice", "Dice 係数 2|A∩B|/(|A|+|B|) を計算しています", 2 * inter / (aa + ab)),
        ("over-smaller", "小さい方のボックスの面積で割っています", inter / min(aa, ab)),
        ("over-larger", "大きい方のボックスの面積で割っています", inter / max(aa, ab)),
        (
            "other-pixel-convention",
            "幅・高さの数え方（+1 の有無）を取り違えています",
            float(_iou(a, b, 1 - one)),
        ),
    ]
    wi = min(a[2], b[2]) - max(a[0], b[0]) + one
    hi = min(a[3], b[3]) - max(a[1], b[1]) + one
    plus = " + 1" if inclusive else ""
    return Draft(
        params={"inclusive": inclusive, "a": list(a), "b": list(b)},
        prompt=(
            f"物体検出の予測ボックス A = {_box_text(a)} と正解ボックス B = {_box_text(b)}"
            f"（(x1, y1, x2, y2) は左上と右下の座標。{_CONVENTIONS[inclusive]}）の IoU を"
            f"{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            f"面積: A = {aa}、B = {ab}",
            f"重なり: 幅 min({a[2]}, {b[2]}) − max({a[0]}, {b[0]}){plus} = {wi}、"
            f"高さ min({a[3]}, {b[3]}) − max({a[1]}, {b[1]}){plus} = {hi}、面積 {inter}",
            f"和集合 = {aa} + {ab} − {inter} = {union}",
            f"IoU = {inter}/{union} {fmt_result(answer, _FIXED3)}",
        ],
    )


# ------------------------------------------------------------------------------------ NMS


def _greedy(order: Iterable[int], removes: list[int]) -> list[int]:
    """The boxes greedy NMS keeps, visiting ``order``; bit b of ``removes[a]`` says that a kept
    box a removes box b."""
    kept: list[int] = []
    alive = -1
    for top in order:
        if alive >> top & 1:
            kept.append(top)
            alive &= ~removes[top]
    return kept


_NMS_BOXES = tuple(
    (x, dy, x + 3 + w, dy + 2 + h)
    for x in (*range(3), *range(7, 10))
    for dy in range(3)
    for w in (0, 1)
    for h in (0, 1)
)
"""Every box the NMS problems draw: x from one of two clusters, a width 3–4 and height 2–3."""
_SCORES = tuple(round(0.5 + 0.05 * v, 2) for v in range(10))


@cache
def _nms_pairs(num: int, den: int) -> tuple[tuple[tuple[int, int, bool, bool], ...], ...]:
    """For every two boxes of ``_NMS_BOXES``: (intersection, union, IoU > num/den, IoU ≥
    num/den), computed once per threshold instead of for every draw."""
    rows = []
    for a in _NMS_BOXES:
        row = []
        for b in _NMS_BOXES:
            inter, aa, ab = _overlap(a, b, 0)
            union = aa + ab - inter
            row.append((inter, union, inter * den > num * union, inter * den >= num * union))
        rows.append(tuple(row))
    return tuple(rows)


def _nms_masks(
    ids: Sequence[int],
    rank: Sequence[int],
    table: tuple[tuple[tuple[int, int, bool, bool], ...], ...],
) -> tuple[list[int], list[int], list[int], list[int]]:
    """For boxes ``ids`` (listing order) with score ranks ``rank`` (0 = highest): the removal
    masks under > and under ≥ (bit b of ``over[a]``: box a removes box b, a itself included), the
    visiting order by score and the boxes kept."""
    n = len(ids)
    over = [sum(1 << b for b, o in enumerate(ids) if table[a][o][2]) for a in ids]
    at_least = [sum(1 << b for b, o in enumerate(ids) if table[a][o][3]) for a in ids]
    by_score = sorted(range(n), key=rank.__getitem__)
    return over, at_least, by_score, _greedy(by_score, over)


def _nms_mistakes(
    rank: Sequence[int], over: list[int], at_least: list[int], by_score: list[int], kept: list[int]
) -> list[float]:
    """The counts of the named mistakes, in the order of the candidates of :func:`_build_nms`."""
    n = len(rank)
    higher = [sum(1 << o for o in range(n) if rank[o] < rank[m]) for m in range(n)]
    return [
        float(len(_greedy(by_score, at_least))),
        float(len(_greedy(range(n), over))),
        float(sum(1 for m in range(n) if not over[m] & higher[m])),
        float(1 + (((1 << n) - 1) & ~over[by_score[0]]).bit_count()),
        float(n - len(kept)),
        float((sum(m.bit_count() for m in over) - n) // 2),
    ]


_FAMILY_SIZE = 256
_FAMILY_SEED = 20240601


@cache
def _nms_family(n: int, num: int, den: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Layouts (box ids in listing order, score rank of each box) on which NMS keeps neither one
    box nor all and the named mistakes give at least three distinct wrong counts.

    Most random layouts fail that (about 5 draws per kept one), so they are searched once per
    box count and threshold, from a fixed seed; a problem then picks one and draws the score
    values, a mirror and a translation, none of which changes any IoU or the score order."""
    table = _nms_pairs(num, den)
    rng = np.random.default_rng(_FAMILY_SEED + 100 * n + num * 7 + den)
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for _ in range(64 * _FAMILY_SIZE):
        u = rng.random(2 * n).tolist()
        pool, places = list(range(len(_NMS_BOXES))), list(range(n))
        ids = tuple(pool.pop(int(x * len(pool))) for x in u[:n])
        rank = tuple(places.pop(int(x * len(places))) for x in u[n:])
        over, at_least, by_score, kept = _nms_masks(ids, rank, table)
        if len(kept) in (1, n):
            continue
        wrong = set(_nms_mistakes(rank, over, at_least, by_score, kept)) - {len(kept)}
        if len(wrong) >= 3:
            found.append((ids, rank))
            if len(found) == _FAMILY_SIZE:
                break
    return tuple(found)


def _build_nms(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, t = p["boxes"], p["threshold"]
    num, den = _THRESHOLDS[t] if t in _THRESHOLDS else Fraction(repr(t)).as_integer_ratio()
    family = _nms_family(n, num, den)
    if not family:
        return None
    u = rng.random(n + 4).tolist()
    ids, rank = family[int(u[0] * len(family))]
    # n different scores (0.50…0.95 in steps of 0.05), the highest to rank 0
    levels = list(range(10))
    drawn = sorted((levels.pop(int(x * len(levels))) for x in u[1 : n + 1]), reverse=True)
    score = [_SCORES[drawn[r]] for r in rank]
    flip_x, flip_y, shift = u[n + 1] < 0.5, u[n + 2] < 0.5, int(u[n + 3] * 3)
    boxes = []
    for m in ids:
        x1, y1, x2, y2 = _NMS_BOXES[m]
        x1, x2 = (13 - x2, 13 - x1) if flip_x else (x1, x2)
        y1, y2 = (5 - y2, 5 - y1) if flip_y else (y1, y2)
        boxes.append((x1 + shift, y1, x2 + shift, y2))
    table = _nms_pairs(num, den)
    pairs_of = [[table[a][b] for b in ids] for a in ids]
    over, at_least, by_score, kept = _nms_masks(ids, rank, table)
    if len(kept) in (1, n):
        return None
    texts = [
        ("greater-or-equal", "IoU が閾値と等しいボックスも除去しています（除去は > のとき）"),
        ("not-sorted", "スコア順に並べ替えず、記載順に処理しています"),
        ("removed-still-suppress", "除去済みのボックスにも他のボックスを除去させています"),
        ("only-top-box", "最高スコアのボックスとの IoU だけで判定し、残りを繰り返していません"),
        ("counted-removed", "除去されたボックスの数を答えています"),
        ("overlapping-pairs", "IoU が閾値を超える組の数を答えています"),
    ]
    values = _nms_mistakes(rank, over, at_least, by_score, kept)
    candidates: list[Candidate] = [
        (name, text, value) for (name, text), value in zip(texts, values, strict=True)
    ]
    if len(set(values) - {len(kept)}) < 3:
        return None

    def iou_text(a: int, b: int) -> str:
        return fmt_rational(Fraction(pairs_of[a][b][0], pairs_of[a][b][1]))

    listing = "、".join(
        f"{_LETTERS[m]} {_box_text(boxes[m])} スコア {fmt_plain(score[m])}" for m in range(n)
    )
    order_text = " > ".join(_LETTERS[m] for m in by_score)
    lines = []
    alive = list(by_score)
    while alive:
        top = alive.pop(0)
        gone = [i for i in alive if over[top] >> i & 1]
        alive = [i for i in alive if i not in gone]
        detail = "、".join(f"{_LETTERS[i]}（IoU {iou_text(top, i)}）" for i in gone)
        equal = "、".join(
            f"{_LETTERS[i]}（IoU {iou_text(top, i)}）"
            for i in alive
            if pairs_of[top][i][2] != pairs_of[top][i][3]  # IoU exactly at the threshold
        )
        lines.append(
            f"{_LETTERS[top]} を残す"
            + (f"。{detail}を除去" if gone else "")
            + (f"。{equal}は閾値と等しい（> ではない）ので残す" if equal else "")
        )
    return Draft(
        params={"boxes": n, "threshold": t, "coords": [list(b) for b in boxes], "scores": score},
        prompt=(
            f"同じクラスの検出 {listing} に、IoU 閾値 {fmt_plain(t)} の NMS（スコアの高い順に"
            f"ボックスを残し、残したボックスとの IoU が閾値より大きい（>）ボックスを除去する。"
            f"座標は (x1, y1, x2, y2)、幅は x2 − x1）を適用する。最後に残るボックスの数を求めよ。"
        ),
        answer=float(len(kept)),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"スコア順: {order_text}",
            *lines,
            "残るのは " + "、".join(_LETTERS[m] for m in kept) + f" の {len(kept)} 個",
        ],
    )


# ------------------------------------------------------------------------------------- AP


def _precisions(hits: list[int]) -> list[Fraction]:
    out, tp = [], 0
    for k, h in enumerate(hits, start=1):
        tp += h
        out.append(Fraction(tp, k))
    return out


def _build_ap(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, missed, interpolated = p["detections"], p["missed"], p["interpolated"]
    hits = [1 if u < 0.55 else 0 for u in rng.random(n).tolist()]
    hits[0] = hits[0] if sum(hits) > 1 else 1
    tp = sum(hits)
    if tp < 2 or tp == n:
        return None
    g = tp + missed
    prec = _precisions(hits)
    env = [max(prec[k:]) for k in range(n)]
    plain = sum((pr for pr, h in zip(prec, hits, strict=True) if h), Fraction(0)) / g
    interp = sum((e for e, h in zip(env, hits, strict=True) if h), Fraction(0)) / g
    answer = interp if interpolated else plain
    used = env if interpolated else prec
    candidates: list[Candidate] = [
        (
            "divided-by-hits",
            "正解物体数 G ではなく検出できた TP の数で割っています",
            float(answer * g / tp) if missed else None,
        ),
        (
            "other-interpolation",
            "補間の有無を取り違えています",
            float(plain if interpolated else interp),
        ),
        (
            "mean-over-ranks",
            "全順位の適合率を平均しています（TP の順位だけを使う）",
            float(sum(used, Fraction(0)) / n),
        ),
        ("final-precision", "最後の順位の適合率を答えています", float(prec[-1])),
        ("final-recall", "最後の順位の再現率を答えています", float(Fraction(tp, g))),
    ]
    marks = " ".join("TP" if h else "FP" for h in hits)
    ranks = [k + 1 for k, h in enumerate(hits) if h]
    terms = " + ".join(fmt_rational(used[k - 1]) for k in ranks)
    rule = (
        "各順位の適合率を、それ以降の順位の適合率の最大値に置き換えてから（全点補間、PASCAL VOC 2010 以降）"
        if interpolated
        else "補間はせず"
    )
    steps = [
        "各順位 k の適合率 P@k = "
        + "、".join(f"{k}: {fmt_rational(pr)}" for k, pr in enumerate(prec, start=1)),
    ]
    if interpolated:
        steps.append("後ろからの最大値（補間適合率）= " + "、".join(fmt_rational(e) for e in env))
    steps.append(
        f"TP の順位 {', '.join(map(str, ranks))} の値の和 {terms}、これを G = {g} で割る"
        f" {fmt_result(answer, _FIXED3)}"
    )
    return Draft(
        params={"detections": n, "missed": missed, "interpolated": interpolated, "hits": hits},
        prompt=(
            f"あるクラスの正解物体は G = {g} 個ある。検出をスコアの高い順に並べると {marks} であった"
            f"（TP は IoU 0.5 以上で未対応の正解に一致したもの）。{rule}、再現率が 1/G 増えるごとの"
            f"適合率の和を G で割った AP を{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="box_iou",
        title="2 つのボックスの IoU",
        topic="e-object-detection",
        exams=("E",),
        build=_build_iou,
        ranges={"inclusive": [False, True]},
    ),
    Template(
        name="nms_survivors",
        title="NMS で残るボックス",
        topic="e-object-detection",
        exams=("E",),
        build=_build_nms,
        ranges={"boxes": [5, 6], "threshold": [0.3, 0.5]},
    ),
    Template(
        name="average_precision",
        title="順位付きの検出結果から AP",
        topic="e-object-detection",
        exams=("E",),
        build=_build_ap,
        ranges={"detections": [5, 6, 7, 8], "missed": [0, 1, 2], "interpolated": [False, True]},
    ),
)
