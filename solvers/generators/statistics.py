"""Statistics problems: mean, median, mode, variance and standard deviation of a small data set,
and simple and exponential moving averages."""

from __future__ import annotations

import math
from collections import Counter
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
    paren,
    subscript,
    written,
)
from solvers.generators._roots import (
    ROOT_PLACES,
    exact_sqrt,
    sqrt_units,
)
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED2 = fixed(2)


def _tuple(values: list[int]) -> str:
    return "(" + ", ".join(fmt_int(v) for v in values) + ")"


def _root_step(num: int, den: int, fmt: Any) -> tuple[Fraction | float, str] | None:
    """√(num/den) as the answer and its shown value, or None when a learner who writes num/den
    to 4 decimals before the root would round the answer otherwise."""
    exact = exact_sqrt(Fraction(num, den))
    if exact is not None:
        return exact, f"= {fmt_rational(exact)}"
    value = math.sqrt(num / den)
    truth = sqrt_units(num, den, fmt.digits)
    hand = sqrt_units(half_up_units(num, den, ROOT_PLACES), 10**ROOT_PLACES, fmt.digits)
    if hand != truth or fmt_fixed(value, fmt.digits) != fmt_units(truth, fmt.digits):
        return None
    return value, "≈ " + fmt_step(value, fmt)


# -------------------------------------------------------------------------- descriptive_stats

_DESCRIPTIVE = {
    "mean": "平均値",
    "median": "中央値",
    "mode": "最頻値",
    "variance": "分散（データ数 n で割る）",
    "unbiased_variance": "不偏分散（n − 1 で割る）",
    "std": "標準偏差（分散はデータ数 n で割る）",
    "unbiased_std": "不偏分散（n − 1 で割る）の平方根として求めた標準偏差",
}
_SPREAD = ("variance", "unbiased_variance", "std", "unbiased_std")


def _median(sorted_x: list[int]) -> Fraction:
    n = len(sorted_x)
    if n % 2:
        return Fraction(sorted_x[n // 2])
    return Fraction(sorted_x[n // 2 - 1] + sorted_x[n // 2], 2)


def _mode_data(rng: np.random.Generator, n: int, top: int) -> list[int] | None:
    """n values in 1…top with one most frequent value: it appears two or three times, and with
    three another value may appear twice (so the first repeat met is not always the mode)."""
    (copies,) = random_ints(rng, 1, 2, 3)
    distinct = n - copies + 1
    if distinct > top or distinct < 2:
        return None
    keys = rng.random(top + n).tolist()
    values = sorted(range(1, top + 1), key=keys.__getitem__)[:distinct]
    x = [values[0]] * copies + values[1:]
    if copies == 3 and distinct >= 3:
        x[-1] = x[copies]  # a second value, twice
    order = sorted(range(n), key=keys[top:].__getitem__)
    return [x[i] for i in order]


def _build_descriptive(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question, n, top = p["question"], p["n"], p["value_max"]
    if question not in _DESCRIPTIVE or n < 3 or top < 2:
        return None
    x = _mode_data(rng, n, top) if question == "mode" else random_ints(rng, n, 1, top)
    if x is None:
        return None
    total = sum(x)
    if question in _SPREAD and total % n:
        # an integer mean keeps the deviations whole: move the last value to the nearest total
        # that n divides, within 1…top
        down, up = x[-1] - total % n, x[-1] + n - total % n
        x[-1] = down if down >= 1 else up
        if x[-1] > top:
            return None
        total = sum(x)
    s = sorted(x)
    counts = Counter(x).most_common()
    mode_value, mode_count = counts[0]
    if question == "mode" and (mode_count < 2 or (len(counts) > 1 and counts[1][1] == mode_count)):
        return None
    mean = Fraction(total, n)
    median = _median(s)
    dev = [v - total // n for v in x]
    q = sum(d * d for d in dev)
    mad = sum(abs(d) for d in dev) / n
    fmt = INTEGER if question == "mode" else _FIXED2
    steps: list[str] = []
    ddof = 1 if question.startswith("unbiased") else 0
    divisor = n - ddof
    if question == "mean":
        answer: Fraction | float = mean
        candidates: list[Candidate] = [
            ("used-median", "中央値を答えています", float(median)),
            ("divided-by-n-minus-1", "合計を n − 1 で割っています", total / (n - 1)),
            ("midrange", "最大値と最小値の平均を取っています", (s[0] + s[-1]) / 2),
            ("forgot-divide", "合計のまま答えています", float(total)),
        ]
        steps.append(
            f"合計 = {' + '.join(map(str, x))} = {total}、平均 = {total}/{n} {fmt_result(mean, fmt)}"
        )
    elif question == "median":
        answer = median
        middle = _median(x)  # the middle of the list as given, unsorted
        candidates = [
            (
                "unsorted-middle",
                "小さい順に並べ替えずに中央の位置の値を取っています",
                float(middle),
            ),
            ("used-mean", "平均値を答えています", float(mean)),
            ("midrange", "最大値と最小値の平均を取っています", (s[0] + s[-1]) / 2),
        ]
        if n % 2 == 0:
            candidates += [
                (
                    "lower-middle",
                    "データ数が偶数なのに中央の 2 つの平均を取らず、下側の値を取っています",
                    float(s[n // 2 - 1]),
                ),
                (
                    "upper-middle",
                    "データ数が偶数なのに中央の 2 つの平均を取らず、上側の値を取っています",
                    float(s[n // 2]),
                ),
            ]
            where = f"n = {n} は偶数なので中央の 2 つ（{n // 2} 番目と {n // 2 + 1} 番目）の平均: ({s[n // 2 - 1]} + {s[n // 2]})/2 {fmt_result(median, fmt)}"
        else:
            candidates.append(
                ("position-off-by-one", "中央の位置を 1 つずらしています", float(s[n // 2 - 1]))
            )
            where = f"n = {n} は奇数なので {n // 2 + 1} 番目の値 {s[n // 2]}"
        steps += [f"小さい順に並べると {_tuple(s)}", where]
    elif question == "mode":
        answer = Fraction(mode_value)
        repeated = next(v for i, v in enumerate(x) if v in x[:i])

        def whole(v: Fraction) -> float:
            """v as the integer the prompt asks for (四捨五入)."""
            return float(half_up_units(v.numerator, v.denominator))

        candidates = [
            ("used-count", "最頻値の値ではなく、その出現回数を答えています", float(mode_count)),
            ("used-median", "中央値（を整数に丸めた値）を答えています", whole(median)),
            ("used-mean", "平均値（を整数に丸めた値）を答えています", whole(mean)),
            ("largest-value", "最大値を答えています", float(s[-1])),
            (
                "first-repeated",
                "最初に重複した値を答えています（回数を数えていない）",
                float(repeated),
            ),
        ]
        seen = "、".join(f"{v}: {c} 回" for v, c in sorted(Counter(x).items()))
        steps += [
            f"値ごとの出現回数: {seen}",
            f"最も多く現れるのは {mode_value}（{mode_count} 回）",
        ]
    else:
        variance = Fraction(q, divisor)
        other = Fraction(q, n if ddof else n - 1)
        squares = sum(v * v for v in x)
        if question in ("variance", "unbiased_variance"):
            answer = variance
            candidates = [
                (
                    "used-sample-variance" if not ddof else "used-population-variance",
                    "n − 1 で割っています（それは不偏分散）"
                    if not ddof
                    else "n で割っています（不偏分散は n − 1 で割る）",
                    float(other),
                ),
                ("took-root", "平方根を取っています（それは標準偏差）", math.sqrt(q / divisor)),
                ("forgot-divide", "割り忘れています（偏差の二乗和）", float(q)),
                (
                    "squared-values",
                    "偏差ではなく値そのものの二乗を平均しています",
                    squares / divisor,
                ),
                ("mean-absolute-deviation", "偏差の絶対値の平均を取っています", float(mad)),
            ]
        else:
            root = _root_step(q, divisor, fmt)
            if root is None:
                return None
            answer, shown = root
            candidates = [
                ("forgot-root", "平方根を取り忘れています（それは分散）", q / divisor),
                (
                    "used-sample-std" if not ddof else "used-population-std",
                    "n − 1 で割っています（不偏分散）"
                    if not ddof
                    else "n で割っています（問題は n − 1 で割る不偏分散）",
                    math.sqrt(float(other)),
                ),
                ("mean-absolute-deviation", "偏差の絶対値の平均を取っています", float(mad)),
                ("root-of-sum", "割らずに偏差の二乗和の平方根を取っています", math.sqrt(q)),
            ]
        steps += [
            f"平均 = {total}/{n} = {total // n}",
            f"偏差 x − 平均 = {_tuple(dev)}、二乗和 = {' + '.join(paren(fmt_int(d)) + '²' for d in dev)} = {q}",
            f"{'不偏分散' if ddof else '分散'} = {q}/{divisor} "
            + (
                fmt_result(variance, fmt)
                if question in ("variance", "unbiased_variance")
                else f"= {fmt_rational(variance)}"
            ),
        ]
        if question in ("std", "unbiased_std"):
            text = fmt_rational(variance)
            steps.append(f"標準偏差 = √{f'({text})' if '/' in text else text} {shown}")
    return Draft(
        params={"question": question, "n": n, "value_max": top, "x": x},
        prompt=f"データ {_tuple(x)} の{_DESCRIPTIVE[question]}を{fmt.instruction()}求めよ。",
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# ----------------------------------------------------------------------------- moving_average


def _ema(x: list[int], alpha: Any, start: Any = None) -> list[Any]:
    """sₜ = αxₜ + (1 − α)sₜ₋₁ from s₁ = x₁ (or from s₀ = ``start``), exact for a Fraction α."""
    s = [x[0] if start is None else alpha * x[0] + (1 - alpha) * start]
    for v in x[1:]:
        s.append(alpha * v + (1 - alpha) * s[-1])
    return s


def _build_moving_average(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    kind, length, window, alpha = p["kind"], p["length"], p["window"], p["alpha"]
    if kind not in ("sma", "ema") or length < 4 or not 2 <= window < length or not 0 < alpha < 1:
        return None
    x = random_ints(rng, length, 10, 40)
    fmt = _FIXED2
    series = "、".join(f"{t + 1} 日目 {v}" for t, v in enumerate(x))
    if kind == "sma":
        (day,) = random_ints(rng, 1, window, length)
        part = x[day - window : day]
        answer = Fraction(sum(part), window)
        candidates: list[Candidate] = [
            (
                "window-too-long",
                f"{window + 1} 個の値を平均しています",
                sum(x[day - window - 1 : day]) / (window + 1) if day > window else None,
            ),
            (
                "excluded-today",
                f"その日を含めず前日までの {window} 個を平均しています",
                sum(x[day - window - 1 : day - 1]) / window if day > window else None,
            ),
            (
                "centered-window",
                "その日を中心とする区間を平均しています（後の日の値を使っている）",
                sum(x[day - 1 - window // 2 : day + window // 2]) / window
                if window % 2 and day + window // 2 <= length and day > window // 2
                else None,
            ),
            ("mean-of-all", "全期間の平均を取っています", sum(x) / length),
            (
                "divided-by-wrong-count",
                f"{window} 個の和を {window - 1} で割っています",
                sum(part) / (window - 1),
            ),
        ]
        ask = f"{day} 日目の {window} 日単純移動平均（{day} 日目を含む直近 {window} 日の平均）"
        steps = [
            f"{day - window + 1}〜{day} 日目の値: {' + '.join(map(str, part))} = {sum(part)}",
            f"{sum(part)}/{window} {fmt_result(answer, fmt)}",
        ]
        params = {
            "kind": kind,
            "length": length,
            "window": window,
            "alpha": alpha,
            "x": x,
            "day": day,
        }
    else:
        (day,) = random_ints(rng, 1, 3, min(4, length))
        a = written(alpha)
        s = _ema(x[:day], a)
        answer = s[-1]
        candidates = [
            (
                "swapped-alpha",
                "α と 1 − α を逆にしています（新しい値に掛けるのが α）",
                _ema(x[:day], 1 - alpha)[-1] if alpha != 0.5 else None,
            ),
            (
                "used-raw-previous",
                "前回の EMA ではなく前日の値そのものを使っています",
                alpha * x[day - 1] + (1 - alpha) * x[day - 2],
            ),
            (
                "started-at-zero",
                "s₀ = 0 から始めています（問題は s₁ = x₁）",
                _ema(x[:day], alpha, 0.0)[-1],
            ),
            ("simple-mean", f"1〜{day} 日目の単純平均を取っています", sum(x[:day]) / day),
        ]
        ask = f"指数移動平均 sₜ = αxₜ + (1 − α)sₜ₋₁（α = {fmt_plain(alpha)}、s₁ = x₁）の {day} 日目の値 s{subscript(day)} "
        steps = [f"s₁ = x₁ = {x[0]}"]
        for t in range(1, day):
            steps.append(
                f"s{subscript(t + 1)} = {fmt_plain(alpha)}×{x[t]} + {fmt_rational(1 - a)}×{fmt_rational(s[t - 1])} "
                + (f"= {fmt_rational(s[t])}" if t < day - 1 else fmt_result(s[t], fmt))
            )
        params = {
            "kind": kind,
            "length": length,
            "window": window,
            "alpha": alpha,
            "x": x,
            "day": day,
        }
    return Draft(
        params=params,
        prompt=f"ある商品の日ごとの販売数が {series} であった。{ask}を{fmt.instruction()}求めよ。",
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="descriptive_stats",
        title="平均・中央値・最頻値・分散・標準偏差",
        topic="math-statistics",
        exams=("G",),
        build=_build_descriptive,
        ranges={"question": list(_DESCRIPTIVE), "n": [5, 6, 7, 8], "value_max": [9, 12, 20]},
    ),
    Template(
        name="moving_average",
        title="単純移動平均と指数移動平均",
        topic="math-statistics",
        exams=("G",),
        build=_build_moving_average,
        ranges={
            "kind": ["sma", "ema"],
            "length": [6, 7, 8],
            "window": [3, 4, 5],
            "alpha": [0.2, 0.3, 0.5, 0.6],
        },
    ),
)
