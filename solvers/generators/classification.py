"""Confusion-matrix problems: precision, recall, F1 and specificity, accuracy on imbalanced data,
and macro and micro F1 of three classes."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import fixed, fmt_int, fmt_rational, fmt_result
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED1 = fixed(1)
_FIXED3 = fixed(3)

SCENARIOS = {
    "spam": ("スパム判定モデル", "スパム", "通常メール"),
    "disease": ("病気の診断モデル", "病気あり", "病気なし"),
    "defect": ("不良品検出モデル", "不良品", "良品"),
}
"""scenario → (the model, the positive class, the negative class)."""


def _ratio(num: int, den: int) -> str:
    return f"{fmt_int(num)}/{fmt_int(den)}"


def _reduced(num: int, den: int) -> str:
    """num/den as written, then in lowest terms or as a decimal when that is shorter to read."""
    exact = fmt_rational(Fraction(num, den))
    written = _ratio(num, den)
    return written if exact == written else f"{written} = {exact}"


def _counts_text(pos: str, neg: str, tp: int, fp: int, fn: int, tn: int) -> str:
    return (
        f"実際に{pos}で{pos}と予測 {tp} 件、実際は{neg}だが{pos}と予測 {fp} 件、"
        f"実際は{pos}だが{neg}と予測 {fn} 件、実際に{neg}で{neg}と予測 {tn} 件"
    )


def _mapping(pos: str, neg: str, tp: int, fp: int, fn: int, tn: int) -> str:
    return (
        f"{pos}を陽性とすると TP = {tp}（{pos}→{pos}）、FP = {fp}（{neg}→{pos}）、"
        f"FN = {fn}（{pos}→{neg}）、TN = {tn}（{neg}→{neg}）"
    )


# ------------------------------------------------------------------------ precision_recall_f1

_RATES = {
    "precision": "適合率（precision）",
    "recall": "再現率（recall）",
    "f1": " F 値（F1 スコア）",
    "specificity": "特異度（specificity）",
}


def _rate_steps(question: str, tp: int, fp: int, fn: int, tn: int) -> tuple[Fraction, str]:
    """The exact rate and the step that computes it from the counts."""
    if question == "precision":
        value = Fraction(tp, tp + fp)
        text = f"適合率 = TP/(TP + FP) = {tp}/({tp} + {fp}) = {_ratio(tp, tp + fp)}"
    elif question == "recall":
        value = Fraction(tp, tp + fn)
        text = f"再現率 = TP/(TP + FN) = {tp}/({tp} + {fn}) = {_ratio(tp, tp + fn)}"
    elif question == "specificity":
        value = Fraction(tn, tn + fp)
        text = f"特異度 = TN/(TN + FP) = {tn}/({tn} + {fp}) = {_ratio(tn, tn + fp)}"
    else:
        value = Fraction(2 * tp, 2 * tp + fp + fn)
        text = (
            f"F1 = 2PR/(P + R) = 2TP/(2TP + FP + FN) = {2 * tp}/({2 * tp} + {fp} + {fn}) "
            f"= {_ratio(2 * tp, 2 * tp + fp + fn)}"
        )
    return value, text


def _build_rates(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, scenario = p["question"], p["scenario"]
    tp, fp, fn, tn = p["tp"], p["fp"], p["fn"], p["tn"]
    if question not in _RATES or scenario not in SCENARIOS or min(tp, fp, fn, tn) < 1:
        return None
    model, pos, neg = SCENARIOS[scenario]
    n = tp + fp + fn + tn
    prec, rec = tp / (tp + fp), tp / (tp + fn)
    spec, acc = tn / (tn + fp), (tp + tn) / n
    accuracy: Candidate = ("used-accuracy", "正解率 (TP + TN)/全件 を答えています", acc)
    if question == "precision":
        candidates: list[Candidate] = [
            ("swapped-precision-recall", "再現率 TP/(TP + FN) と取り違えています", rec),
            accuracy,
            ("divided-by-all", "全件数で割っています（分母は陽性と予測した件数）", tp / n),
            (
                "negative-predictive-value",
                "陰性側の適合率 TN/(TN + FN) を計算しています",
                tn / (tn + fn),
            ),
            (
                "false-discovery-rate",
                "FP/(TP + FP)（誤って陽性とした割合）を答えています",
                1 - prec,
            ),
        ]
    elif question == "recall":
        candidates = [
            ("swapped-precision-recall", "適合率 TP/(TP + FP) と取り違えています", prec),
            ("used-specificity", "特異度 TN/(TN + FP)（陰性側の再現率）を計算しています", spec),
            accuracy,
            ("divided-by-all", "全件数で割っています（分母は実際に陽性の件数）", tp / n),
            ("miss-rate", "FN/(TP + FN)（見逃した割合）を答えています", 1 - rec),
        ]
    elif question == "specificity":
        candidates = [
            ("used-recall", "再現率 TP/(TP + FN)（陽性側）と取り違えています", rec),
            (
                "false-positive-rate",
                "偽陽性率 FP/(TN + FP) を答えています（特異度 = 1 − 偽陽性率）",
                1 - spec,
            ),
            (
                "negative-predictive-value",
                "TN/(TN + FN)（陰性と予測した中の正解率）を計算しています",
                tn / (tn + fn),
            ),
            accuracy,
        ]
    else:
        candidates = [
            (
                "arithmetic-mean",
                "適合率と再現率の相加平均 (P + R)/2 を取っています（F1 は調和平均）",
                (prec + rec) / 2,
            ),
            ("forgot-factor-two", "PR/(P + R) と、2 を掛け忘れています", prec * rec / (prec + rec)),
            accuracy,
            ("product", "適合率と再現率の積 P×R を答えています", prec * rec),
            (
                "geometric-mean",
                "相乗平均 √(PR) を取っています（F1 は調和平均）",
                (prec * rec) ** 0.5,
            ),
        ]
    fmt = _FIXED3
    answer, step = _rate_steps(question, tp, fp, fn, tn)
    steps = [_mapping(pos, neg, tp, fp, fn, tn)]
    if question == "f1":
        steps.append(f"適合率 P = {_reduced(tp, tp + fp)}、再現率 R = {_reduced(tp, tp + fn)}")
    steps.append(f"{step} {fmt_result(answer, fmt)}")
    return Draft(
        params={"question": question, "scenario": scenario, "tp": tp, "fp": fp, "fn": fn, "tn": tn},
        prompt=(
            f"{model}をテストデータで評価した。{pos}を陽性として、実際と予測の組ごとの件数は"
            f"{_counts_text(pos, neg, tp, fp, fn, tn)}であった。このモデルの{_RATES[question]}を"
            f"{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# ------------------------------------------------------------------------ imbalanced_accuracy


def _build_imbalanced(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, n, positives = p["question"], p["total"], p["positives"]
    if question not in ("accuracy", "balanced_accuracy", "all_negative") or not 0 < positives < n:
        return None
    negatives = n - positives
    (tp,) = random_ints(rng, 1, 1, positives - 1)
    (fp,) = random_ints(rng, 1, 1, max(1, negatives // 10))
    fn, tn = positives - tp, negatives - fp
    if tn < 1 or fn < 1:
        return None
    rec, spec = Fraction(tp, positives), Fraction(tn, negatives)
    acc = Fraction(tp + tn, n)
    baseline = Fraction(negatives, n)
    fmt = _FIXED1
    pct = 100
    steps = [
        f"TP = {tp}、FN = {positives} − {tp} = {fn}、FP = {fp}、TN = {fmt_int(negatives)} − {fp} = {fmt_int(tn)}"
    ]
    if question == "accuracy":
        answer = acc * pct
        ask = "このモデルの正解率（accuracy）"
        candidates: list[Candidate] = [
            ("used-recall", "再現率 TP/(TP + FN) を答えています", float(rec) * pct),
            (
                "forgot-true-negatives",
                "TN（真陰性）を数え忘れています：TP/(TP + FP + FN)",
                tp / (tp + fp + fn) * pct,
            ),
            (
                "all-negative-baseline",
                "全件を陰性と予測した場合の正解率（陰性の割合）を答えています",
                float(baseline) * pct,
            ),
            (
                "used-balanced-accuracy",
                "バランス正解率（再現率と特異度の平均）を答えています",
                float(rec + spec) / 2 * pct,
            ),
            ("used-precision", "適合率 TP/(TP + FP) を答えています", tp / (tp + fp) * pct),
        ]
        steps.append(
            f"正解率 = (TP + TN)/全件 = ({tp} + {fmt_int(tn)})/{fmt_int(n)} = {_ratio(tp + tn, n)}、"
            f"×100 {fmt_result(answer, fmt)}%"
        )
    elif question == "balanced_accuracy":
        answer = (rec + spec) / 2 * pct
        ask = "このモデルのバランス正解率（再現率と特異度の平均）"
        candidates = [
            (
                "used-accuracy",
                "ふつうの正解率 (TP + TN)/全件 を答えています（陰性の多さに引きずられる）",
                float(acc) * pct,
            ),
            ("recall-only", "再現率だけを答えています", float(rec) * pct),
            ("specificity-only", "特異度だけを答えています", float(spec) * pct),
            (
                "used-precision",
                "再現率ではなく適合率と特異度の平均を取っています",
                (tp / (tp + fp) + float(spec)) / 2 * pct,
            ),
        ]
        steps += [
            f"再現率 = TP/(TP + FN) = {tp}/{positives} = {fmt_rational(rec)}、"
            f"特異度 = TN/(TN + FP) = {fmt_int(tn)}/{fmt_int(negatives)} = {fmt_rational(spec)}",
            f"バランス正解率 = ({fmt_rational(rec)} + {fmt_rational(spec)})/2、×100 "
            f"{fmt_result(answer, fmt)}%",
        ]
    else:
        answer = baseline * pct
        ask = "すべてを陰性と予測するモデルの正解率（accuracy）"
        candidates = [
            (
                "positive-rate",
                "陽性の割合を答えています（全件陰性なら当たるのは陰性の件数）",
                positives / n * pct,
            ),
            ("recall-zero", "陽性を 1 件も当てられないので 0% としています（それは再現率）", 0.0),
            ("balanced-accuracy", "バランス正解率（この場合 50%）と取り違えています", 50.0),
            (
                "used-model",
                "問われたモデルではなく、分類モデルの正解率を答えています",
                float(acc) * pct,
            ),
        ]
        steps.append(
            f"全件を陰性と予測すると当たるのは陰性の {fmt_int(negatives)} 件: {fmt_int(negatives)}/{fmt_int(n)}、"
            f"×100 {fmt_result(answer, fmt)}%（陽性を 1 件も見つけないのに高い）"
        )
    return Draft(
        params={"question": question, "total": n, "positives": positives, "tp": tp, "fp": fp},
        prompt=(
            f"ある病気の検査データ {fmt_int(n)} 件のうち陽性（病気あり）は {positives} 件しかない。"
            f"分類モデルは陽性 {positives} 件のうち {tp} 件を陽性と判定し、陰性 {fmt_int(negatives)} 件の"
            f"うち {fp} 件を誤って陽性と判定した。{ask}を百分率で{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
        unit="%",
    )


# ---------------------------------------------------------------------------- macro_micro_f1


def _build_macro_micro(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, k, top = p["question"], p["classes"], p["count_max"]
    if question not in ("macro", "micro") or k < 2 or top < 2:
        return None
    cells = random_ints(rng, k * k, 0, top)
    m = [cells[i * k : (i + 1) * k] for i in range(k)]
    for i in range(k):
        m[i][i] += top  # the diagonal dominates, as for a useful classifier
    tp = [m[i][i] for i in range(k)]
    pred = [sum(m[r][c] for r in range(k)) for c in range(k)]
    true = [sum(row) for row in m]
    n = sum(true)
    sums = [pred[c] + true[c] for c in range(k)]
    f1 = [2 * tp[c] / sums[c] for c in range(k)]
    macro_p = sum(tp[c] / pred[c] for c in range(k)) / k
    macro_r = sum(tp[c] / true[c] for c in range(k)) / k
    weighted = sum(f * t for f, t in zip(f1, true, strict=True)) / n
    f1_of_means = 2 * macro_p * macro_r / (macro_p + macro_r)
    micro, macro = sum(tp) / n, sum(f1) / k
    fmt = _FIXED3
    if question == "macro":
        den = math.prod(sums)
        answer = Fraction(sum(2 * tp[c] * (den // sums[c]) for c in range(k)), k * den)
        f1_texts = [fmt_rational(Fraction(2 * tp[c], sums[c])) for c in range(k)]
        per_class = "、".join(
            f"クラス{c + 1}: 2×{tp[c]}/({pred[c]} + {true[c]}) = {f1_texts[c]}" for c in range(k)
        )
        candidates: list[Candidate] = [
            (
                "used-micro",
                "マイクロ平均（全クラスの TP・FP・FN を合算、ここでは正解率）を答えています",
                micro,
            ),
            (
                "weighted-by-support",
                "各クラスのサンプル数で重み付けしています（weighted 平均）",
                weighted,
            ),
            (
                "f1-of-averages",
                "適合率と再現率をそれぞれ平均してから F1 にしています",
                f1_of_means,
            ),
            ("averaged-precision", "各クラスの適合率の平均を答えています", macro_p),
        ]
        steps = [
            "各クラスの F1 = 2TP/(2TP + FP + FN) = 2TP/(予測数 + 実際数): " + per_class,
            f"マクロ平均 F1 = ({' + '.join(f1_texts)})/{k} {fmt_result(answer, fmt)}",
        ]
        ask = "マクロ平均 F1（各クラスの F1 の単純平均）"
    else:
        answer = Fraction(sum(tp), n)
        candidates = [
            ("used-macro", "マクロ平均（クラスごとの F1 の平均）を答えています", macro),
            (
                "weighted-by-support",
                "各クラスの F1 をサンプル数で重み付け平均しています",
                weighted,
            ),
            ("averaged-precision", "各クラスの適合率の平均を答えています", macro_p),
            ("averaged-recall", "各クラスの再現率の平均を答えています", macro_r),
        ]
        steps = [
            f"TP の合計 = {' + '.join(map(str, tp))} = {sum(tp)}、誤りは 1 件ごとに FP と FN に 1 ずつ"
            f"数えられるので FP 合計 = FN 合計 = {n} − {sum(tp)} = {n - sum(tp)}",
            f"マイクロ平均 F1 = 2×{sum(tp)}/(2×{sum(tp)} + 2×{n - sum(tp)}) = {sum(tp)}/{n} "
            f"{fmt_result(answer, fmt)}（単一ラベル分類では正解率と同じ）",
        ]
        ask = "マイクロ平均 F1（全クラスの TP・FP・FN を合算して求める F1）"
    rows = "、".join(f"実際クラス{r + 1}: ({', '.join(map(str, m[r]))})" for r in range(k))
    return Draft(
        params={"question": question, "classes": k, "count_max": top, "matrix": m},
        prompt=(
            f"{k} クラス分類の混同行列（行が実際のクラス、列が予測クラス 1〜{k} の件数）が "
            f"{rows} であった。{ask}を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="precision_recall_f1",
        title="混同行列から適合率・再現率・F 値",
        topic="model-evaluation",
        exams=("G", "E"),
        build=_build_rates,
        ranges={
            "question": ["precision", "recall", "f1", "specificity"],
            "scenario": list(SCENARIOS),
            "tp": {"min": 5, "max": 80},
            "fp": {"min": 1, "max": 40},
            "fn": {"min": 1, "max": 40},
            "tn": {"min": 10, "max": 120},
        },
    ),
    Template(
        name="imbalanced_accuracy",
        title="不均衡データの正解率",
        topic="model-evaluation",
        exams=("G", "E"),
        build=_build_imbalanced,
        ranges={
            "question": ["accuracy", "balanced_accuracy", "all_negative"],
            "total": [200, 500, 1000, 2000],
            "positives": [5, 10, 20, 25, 40, 50],
        },
    ),
    Template(
        name="macro_micro_f1",
        title="多クラス分類のマクロ平均・マイクロ平均 F1",
        topic="model-evaluation",
        exams=("E",),
        build=_build_macro_micro,
        ranges={"question": ["macro", "micro"], "classes": [3], "count_max": [5, 8, 10]},
    ),
)
