"""Model-evaluation problems beyond a confusion matrix: ROC-AUC of a score list, the regression
errors MSE, RMSE and MAE of a few predictions, and the data sizes of k-fold cross-validation."""

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
    fmt_plain,
    fmt_rational,
    fmt_result,
    fmt_step,
    fmt_units,
    half_up_units,
)
from solvers.generators._roots import exact_sqrt, sqrt_units
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED2 = fixed(2)
_FIXED3 = fixed(3)


def _tuple(values: list[int]) -> str:
    return "(" + ", ".join(fmt_int(v) for v in values) + ")"


# ------------------------------------------------------------------------------------ roc_auc

_SCORE_GRID = [round(0.05 * i, 2) for i in range(1, 20)]


def _build_roc_auc(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n_pos, n_neg = p["positives"], p["negatives"]
    if n_pos < 1 or n_neg < 1 or n_pos + n_neg > len(_SCORE_GRID):
        return None
    n = n_pos + n_neg
    keys = rng.random(len(_SCORE_GRID) + n).tolist()
    picked = sorted(sorted(range(len(_SCORE_GRID)), key=keys.__getitem__)[:n], reverse=True)
    scores = [_SCORE_GRID[i] for i in picked]
    label_order = sorted(range(n), key=keys[len(_SCORE_GRID) :].__getitem__)
    labels = [0] * n
    for i in label_order[:n_pos]:
        labels[i] = 1
    pairs = n_pos * n_neg
    for _ in range(2):
        pos = [s for s, y in zip(scores, labels, strict=True) if y]
        neg = [s for s, y in zip(scores, labels, strict=True) if not y]
        wins_each = [sum(1 for b in neg if b < a) for a in pos]
        wins = sum(wins_each)
        if 2 * wins >= pairs:
            break
        labels.reverse()  # against scores in falling order: every pair turns, AUC → 1 − AUC
    if not pairs < 2 * wins < 2 * pairs:  # a model better than chance, not a perfect one
        return None
    answer = Fraction(wins, pairs)
    correct_at_half = sum(1 for s, y in zip(scores, labels, strict=True) if (s >= 0.5) == bool(y))
    fmt = _FIXED3
    candidates: list[Candidate] = [
        (
            "reversed-order",
            "陰性のスコアが陽性より高い組を数えています（1 − AUC）",
            1 - wins / pairs,
        ),
        (
            "accuracy-at-threshold",
            "閾値 0.5 での正解率を答えています（AUC は閾値によらない）",
            correct_at_half / n,
        ),
        (
            "divided-by-all-pairs",
            f"全サンプルの組 {n}C2 = {n * (n - 1) // 2} で割っています（分母は陽性×陰性の組数）",
            wins / (n * (n - 1) // 2),
        ),
        (
            "recall-at-threshold",
            "閾値 0.5 での再現率（TPR）を答えています",
            sum(1 for s in pos if s >= 0.5) / n_pos,
        ),
        (
            "counted-all-positives",
            "陽性より低いスコアの全サンプル（陽性も含む）を数えています",
            sum(sum(1 for b in scores if b < a) for a in pos) / pairs,
        ),
    ]
    names = "ABCDEFGHIJKLMNOPQRS"
    listing = "、".join(
        f"{names[i]} {fmt_plain(s)}（{'陽性' if y else '陰性'}）"
        for i, (s, y) in enumerate(zip(scores, labels, strict=True))
    )
    pos_names = [names[i] for i, y in enumerate(labels) if y]
    detail = "、".join(f"{name}: {w} 個" for name, w in zip(pos_names, wins_each, strict=True))
    return Draft(
        params={"positives": n_pos, "negatives": n_neg, "scores": scores, "labels": labels},
        prompt=(
            f"二値分類モデルが {n} 件のサンプルに出したスコア（陽性らしさ）と正解ラベルは {listing} "
            "であった。閾値を動かして描いた ROC 曲線の AUC を"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "AUC は「ランダムに選んだ陽性のスコアが、ランダムに選んだ陰性のスコアより高い確率」"
            "に等しい（ROC 曲線の下の台形の面積の和と一致）",
            f"陽性ごとに、それより低いスコアの陰性の数: {detail}。合計 {wins} 組",
            f"陽性×陰性の組は {n_pos}×{n_neg} = {pairs} 組なので AUC = {wins}/{pairs} "
            f"{fmt_result(answer, fmt)}",
        ],
    )


# --------------------------------------------------------------------------- regression_errors

_ERRORS = {
    "mse": "平均二乗誤差 MSE",
    "rmse": "二乗平均平方根誤差 RMSE",
    "mae": "平均絶対誤差 MAE",
}


def _build_regression(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, n, spread = p["question"], p["n"], p["error_max"]
    if question not in _ERRORS or n < 2 or spread < 1:
        return None
    y = random_ints(rng, n, 1, 20)
    e = random_ints(rng, n, -spread, spread)
    if e.count(0) > n // 2 or (sum(e) == 0 and question == "mae"):
        return None
    y_hat = [a + b for a, b in zip(y, e, strict=True)]
    sq = sum(v * v for v in e)
    ab = sum(abs(v) for v in e)
    mse = Fraction(sq, n)
    fmt = _FIXED2
    root_shown = ""
    if question == "rmse":
        exact = exact_sqrt(mse)
        if exact is not None:
            answer: Fraction | float = exact
            root_shown = f"= {fmt_rational(exact)}"
        else:
            answer = math.sqrt(sq / n)
            truth = sqrt_units(sq, n, 2)
            # by hand: √ of the MSE written to 4 decimals (the learner's calculator input)
            if fmt_fixed(answer, 2) != fmt_units(truth, 2) or (
                sqrt_units(half_up_units(sq, n, 4), 10**4, 2) != truth
            ):
                return None
            root_shown = "≈ " + fmt_step(answer, fmt)
    elif question == "mse":
        answer = mse
    else:
        answer = Fraction(ab, n)
    rmse, mae, signed = math.sqrt(sq / n), ab / n, sum(e) / n
    candidates: list[Candidate]
    if question == "mse":
        candidates = [
            ("used-absolute", "二乗せずに絶対値の平均（MAE）を計算しています", mae),
            ("took-root", "平方根を取っています（それは RMSE）", rmse),
            ("forgot-mean", "n で割り忘れています（二乗誤差の和）", float(sq)),
            ("divided-by-n-minus-1", "n − 1 で割っています（MSE は n で割る）", sq / (n - 1)),
            ("squared-mean-error", "誤差の平均を二乗しています（打ち消し合う）", signed**2),
        ]
    elif question == "rmse":
        candidates = [
            ("forgot-root", "平方根を取り忘れています（それは MSE）", sq / n),
            ("used-absolute", "絶対値の平均（MAE）を答えています", mae),
            ("root-of-sum", "n で割らずに二乗和の平方根を取っています", math.sqrt(sq)),
            ("divided-by-n-minus-1", "n − 1 で割っています", math.sqrt(sq / (n - 1))),
            ("mean-then-root-of-abs", "絶対誤差の平均の平方根を取っています", math.sqrt(mae)),
        ]
    else:
        candidates = [
            ("forgot-abs", "絶対値を取り忘れています（正負の誤差が打ち消し合う）", signed),
            ("squared", "二乗誤差の平均（MSE）を答えています", sq / n),
            ("used-rmse", "RMSE を答えています", rmse),
            ("forgot-mean", "n で割り忘れています（絶対誤差の和）", float(ab)),
        ]
    errors = _tuple(e)
    steps = [f"誤差 ŷ − y = {errors}"]
    if question == "mae":
        steps += [
            f"絶対誤差 |ŷ − y| = {_tuple([abs(v) for v in e])}、和 = {ab}",
            f"MAE = {ab}/{n} {fmt_result(answer, fmt)}",
        ]
    else:
        steps.append(f"二乗誤差 = {_tuple([v * v for v in e])}、和 = {sq}")
        if question == "mse":
            steps.append(f"MSE = {sq}/{n} {fmt_result(mse, fmt)}")
        else:
            shown = fmt_rational(mse)
            steps.append(f"MSE = {sq}/{n} = {shown}")
            steps.append(f"RMSE = √MSE = √{f'({shown})' if '/' in shown else shown} {root_shown}")
    return Draft(
        params={"question": question, "n": n, "error_max": spread, "y": y, "y_hat": y_hat},
        prompt=(
            f"回帰モデルの実測値が y = {_tuple(y)}、予測値が ŷ = {_tuple(y_hat)} であった。"
            f"{_ERRORS[question]} を{fmt.instruction()}求めよ（平均はデータ数 {n} で割る）。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# -------------------------------------------------------------------------------- kfold_sizes

_KFOLD_QUESTIONS = ("validation", "training", "training_total")


def _build_kfold(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, k, question = p["n_samples"], p["k"], p["question"]
    if question not in _KFOLD_QUESTIONS or not 2 <= k <= n:
        return None
    base, extra = divmod(n, k)
    (fold,) = random_ints(rng, 1, 1, k)
    val = base + 1 if fold <= extra else base
    other = base if fold <= extra else base + 1
    last_gets_rest = base + extra if fold == k else base
    train = n - val
    rule = (
        f"順に {k} 個の分割（fold）に分け、{fmt_int(n)} を {k} で割った余りの件数だけ先頭の分割から 1 件ずつ"
        "多く割り当てる（scikit-learn の KFold と同じ）"
    )
    sizes = f"⌊{fmt_int(n)}/{k}⌋ = {base}、余り {extra}"
    if question == "validation":
        answer = val
        ask = f"{fold} 番目の分割を検証に使う回の、検証データの件数"
        candidates: list[Candidate] = [
            ("swapped-train-validation", "訓練データの件数と取り違えています", float(train)),
            (
                "remainder-to-wrong-folds",
                "余りを割り当てる分割を取り違えています",
                float(other) if extra else None,
            ),
            (
                "remainder-in-last-fold",
                "余りをすべて最後の分割に入れています",
                float(last_gets_rest),
            ),
            ("divided-by-k-minus-1", f"{k} − 1 で割っています", float(n // (k - 1))),
            ("leave-one-out", "1 件ずつ検証する leave-one-out と混同しています", 1.0),
            ("fold-count-as-size", "分割数 k を件数と取り違えています", float(k)),
        ]
        result = f"{fold} 番目は{'余りの 1 件を含み ' if fold <= extra else ''}{val} 件"
    elif question == "training":
        answer = train
        ask = f"{fold} 番目の分割を検証に使う回の、訓練データの件数"
        candidates = [
            ("swapped-train-validation", "検証データの件数と取り違えています", float(val)),
            (
                "dropped-remainder",
                "(k − 1) × ⌊n/k⌋ と、余りを落としています",
                float((k - 1) * base),
            ),
            (
                "remainder-to-wrong-folds",
                "余りを割り当てる分割を取り違えています",
                float(n - other) if extra else None,
            ),
            (
                "remainder-in-last-fold",
                "余りをすべて最後の分割に入れています",
                float(n - last_gets_rest),
            ),
            ("all-folds-total", "全 k 回の訓練件数の合計を答えています", float(n * (k - 1))),
            ("kept-validation", "検証データを除き忘れています（全件）", float(n)),
            ("subtracted-k", "分割数 k を検証データの件数として引いています", float(n - k)),
        ]
        result = f"検証が {val} 件なので訓練は {fmt_int(n)} − {val} = {fmt_int(train)} 件"
    else:
        answer = n * (k - 1)
        ask = f"{k} 回の学習すべてで訓練に使われるデータ件数の合計（同じデータも回ごとに数える）"
        candidates = [
            ("counted-validation", "検証データも数えています（n × k）", float(n * k)),
            ("counted-once", "各データを 1 回だけ数えています", float(n)),
            ("one-round", "1 回分の訓練件数を答えています", float(train)),
            (
                "dropped-remainder",
                "余りを落として k(k − 1)⌊n/k⌋ としています",
                float(k * (k - 1) * base) if extra else None,
            ),
            ("k-minus-1-rounds", "学習回数を k − 1 回と数えています", float((k - 1) * train)),
        ]
        result = f"各データはちょうど 1 回検証に、{k} − 1 回訓練に使われるので {fmt_int(n)}×{k - 1} = {fmt_int(answer)} 件"
    return Draft(
        params={"n_samples": n, "k": k, "question": question, "fold": fold},
        prompt=f"{fmt_int(n)} 件のデータで {k} 分割交差検証を行う。データを{rule}。{ask}を求めよ。",
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"検証用の分割の大きさ: {sizes} なので、1〜{extra} 番目は {base + 1} 件、"
            f"残りは {base} 件"
            if extra
            else f"検証用の分割の大きさ: {fmt_int(n)}/{k} = {base} 件ずつ",
            result,
        ],
    )


GENERATORS = (
    Template(
        name="roc_auc",
        title="スコアの並びから ROC-AUC",
        topic="model-evaluation",
        exams=("G", "E"),
        build=_build_roc_auc,
        ranges={"positives": [2, 3, 4], "negatives": [2, 3, 4]},
    ),
    Template(
        name="regression_errors",
        title="回帰の評価指標 MSE・RMSE・MAE",
        topic="model-evaluation",
        exams=("G", "E"),
        build=_build_regression,
        ranges={"question": list(_ERRORS), "n": [3, 4, 5, 6], "error_max": [2, 3, 4]},
    ),
    Template(
        name="kfold_sizes",
        title="k-分割交差検証のデータ件数",
        topic="model-evaluation",
        exams=("G", "E"),
        build=_build_kfold,
        ranges={
            "n_samples": [50, 99, 100, 103, 150, 203, 250, 498, 1000, 1003],
            "k": [3, 4, 5, 6, 7, 8, 10],
            "question": list(_KFOLD_QUESTIONS),
        },
    ),
)
