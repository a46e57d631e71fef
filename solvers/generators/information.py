"""Information-theory problems on small distributions: entropy, cross-entropy, KL and JS
divergence (in bits or nats, with the logarithms the learner needs listed in the prompt), and
the perplexity of a language model's token probabilities."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import fixed, fmt_int, fmt_plain, fmt_result
from solvers.generators._logs import (
    LOG_PLACES,
    clashes,
    hand_rounds_to,
    log_entry,
    log_name,
    log_units,
    near_tie,
    signed,
    units_text,
)
from solvers.template import Candidate, Draft, Template

_FIXED3 = fixed(3)
_LN2 = math.log(2)
_UNITS = ("bits", "nats")
_UNIT_WORD = {"bits": "ビット（底 2 の対数）", "nats": "ナット（自然対数）"}
_SCALE = 10 ** (LOG_PLACES + 1)
"""Hand sums of (k/10)·(log units of 10⁻⁴) are counts of 10⁻⁵."""


def _tenths(rng: np.random.Generator, n: int) -> list[int]:
    """n positive integers summing to 10: a distribution in steps of 0.1."""
    keys = rng.random(9).tolist()
    cuts = sorted(sorted(range(1, 10), key=lambda i: keys[i - 1])[: n - 1])
    return [b - a for a, b in zip([0, *cuts], [*cuts, 10], strict=True)]


def _plogq(p: list[int], q: list[int], unit: str) -> float:
    """Σ p log q of two tenths distributions, exactly in floats, in ``unit``."""
    total = sum(a / 10 * math.log(b / 10) for a, b in zip(p, q, strict=True) if a)
    return total / _LN2 if unit == "bits" else total


def _apart(candidates: list[Candidate], answer: float) -> list[Candidate]:
    """The candidates without those within 0.005 of the answer, so that a choice tests the
    concept rather than the third decimal."""
    return [
        (c, label, v if v is None or abs(v - answer) >= 0.005 else None)
        for c, label, v in candidates
    ]


def _other_base(value: float, unit: str) -> Candidate:
    if unit == "bits":
        return ("used-natural-log", "自然対数で計算しています（ビットは底 2 の対数）", value * _LN2)
    return ("used-log2", "底 2 の対数で計算しています（ナットは自然対数）", value / _LN2)


def _dist_text(ks: list[int]) -> str:
    return "(" + ", ".join(fmt_plain(k / 10) for k in ks) + ")"


def _table(values: set[tuple[int, int]], unit: str) -> str:
    """The prompt's list of logarithms, for values num/den (den 10 or 20) in increasing order,
    each once."""
    twentieths = {n * (20 // d) for n, d in values}
    return "、".join(log_entry(fmt_plain(j / 20), j, 20, unit) for j in sorted(twentieths))


def _accept(hand: int, den: int, exact: float, shown: list[int]) -> bool:
    """The hand sum rounds to the answer, and no shown 5-decimal value passes for it."""
    return (
        not near_tie(exact, 3)
        and hand_rounds_to(hand, den, exact, 3)
        and not clashes(shown, LOG_PLACES + 1, exact, 3)
    )


def _lead(unit: str, table: str) -> str:
    return f"対数の値は {table} を用い、答えは{_UNIT_WORD[unit]}で"


# ------------------------------------------------------------------------------------ entropy


def _build_entropy(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, unit = p["outcomes"], p["unit"]
    if not 2 <= n <= 5 or unit not in _UNITS:
        return None
    ks = _tenths(rng, n)
    logs = [log_units(k, 10, unit) for k in ks]
    terms = [-k * lg for k, lg in zip(ks, logs, strict=True)]
    hand = sum(terms)
    answer = -_plogq(ks, ks, unit)
    if not _accept(hand, _SCALE, answer, terms):
        return None
    log = math.log2 if unit == "bits" else math.log
    candidates: list[Candidate] = [
        ("forgot-minus", "先頭のマイナスを付け忘れています（H = −Σ p log p）", -answer),
        _other_base(answer, unit),
        (
            "unweighted",
            "確率で重み付けせずに −log p を足しています",
            -sum(log(k / 10) for k in ks),
        ),
        ("gini-impurity", "ジニ不純度 1 − Σ p² を答えています", 1 - sum((k / 10) ** 2 for k in ks)),
        ("max-entropy", f"一様分布のエントロピー log {n}（最大値）を答えています", log(n)),
        (
            "used-log10",
            "常用対数（log₁₀）で計算しています",
            -sum(k / 10 * math.log10(k / 10) for k in ks),
        ),
    ]
    name = log_name(unit)
    shown = [
        f"−{fmt_plain(k / 10)}×{signed(lg, LOG_PLACES)} = {units_text(t, LOG_PLACES + 1)}"
        for k, lg, t in zip(ks, logs, terms, strict=True)
    ]
    table = _table({(k, 10) for k in ks}, unit)
    return Draft(
        params={"outcomes": n, "unit": unit, "p": [k / 10 for k in ks]},
        prompt=(
            f"確率分布 P = {_dist_text(ks)} のエントロピー H(P) = −Σ p {name} p を求めよ。"
            f"{_lead(unit, table)}{_FIXED3.instruction()}答えよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            f"各項 −p {name} p: " + "、".join(shown),
            f"H(P) ≈ {' + '.join(units_text(t, LOG_PLACES + 1) for t in terms)} "
            f"= {units_text(hand, LOG_PLACES + 1)}",
        ],
    )


# ------------------------------------------------------------------------- cross-entropy, KL


def _two(rng: np.random.Generator, n: int) -> tuple[list[int], list[int]] | None:
    p, q = _tenths(rng, n), _tenths(rng, n)
    return None if p == q else (p, q)


def _build_cross_entropy(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, unit = p["outcomes"], p["unit"]
    if not 2 <= n <= 5 or unit not in _UNITS:
        return None
    pair = _two(rng, n)
    if pair is None:
        return None
    ps, qs = pair
    logs_q = [log_units(k, 10, unit) for k in qs]
    terms = [-a * lg for a, lg in zip(ps, logs_q, strict=True)]
    hand = sum(terms)
    answer = -_plogq(ps, qs, unit)
    if not _accept(hand, _SCALE, answer, terms):
        return None
    h_p = -_plogq(ps, ps, unit)
    log = math.log2 if unit == "bits" else math.log
    candidates: list[Candidate] = [
        (
            "swapped-arguments",
            "P と Q を入れ替えて −Σ q log p を計算しています",
            -_plogq(qs, ps, unit),
        ),
        ("entropy-of-p", "P 自身のエントロピー H(P) を答えています", h_p),
        ("kl-divergence", "KL ダイバージェンス H(P, Q) − H(P) を答えています", answer - h_p),
        ("forgot-minus", "先頭のマイナスを付け忘れています", -answer),
        _other_base(answer, unit),
        ("unweighted", "p で重み付けせずに −log q を足しています", -sum(log(k / 10) for k in qs)),
    ]
    name = log_name(unit)
    shown = [
        f"−{fmt_plain(a / 10)}×{signed(lg, LOG_PLACES)} = {units_text(t, LOG_PLACES + 1)}"
        for a, lg, t in zip(ps, logs_q, terms, strict=True)
    ]
    table = _table({(k, 10) for k in ps + qs}, unit)
    return Draft(
        params={"outcomes": n, "unit": unit, "p": [k / 10 for k in ps], "q": [k / 10 for k in qs]},
        prompt=(
            f"真の分布 P = {_dist_text(ps)}、モデルの分布 Q = {_dist_text(qs)} の交差エントロピー "
            f"H(P, Q) = −Σ p {name} q を求めよ。{_lead(unit, table)}{_FIXED3.instruction()}答えよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            f"各項 −p {name} q（p は P、q は Q の確率）: " + "、".join(shown),
            f"H(P, Q) ≈ {' + '.join(units_text(t, LOG_PLACES + 1) for t in terms)} "
            f"= {units_text(hand, LOG_PLACES + 1)}",
        ],
    )


def _build_kl(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, unit = p["outcomes"], p["unit"]
    if not 2 <= n <= 5 or unit not in _UNITS:
        return None
    pair = _two(rng, n)
    if pair is None:
        return None
    ps, qs = pair
    diffs = [log_units(a, 10, unit) - log_units(b, 10, unit) for a, b in zip(ps, qs, strict=True)]
    terms = [a * d for a, d in zip(ps, diffs, strict=True)]
    hand = sum(terms)
    answer = _plogq(ps, ps, unit) - _plogq(ps, qs, unit)
    if not _accept(hand, _SCALE, answer, terms):
        return None
    reverse = _plogq(qs, qs, unit) - _plogq(qs, ps, unit)
    log = math.log2 if unit == "bits" else math.log
    candidates: list[Candidate] = [
        ("reversed-kl", "KL(Q‖P) を計算しています（KL は非対称）", reverse),
        ("flipped-ratio", "log(q/p) で計算しています（符号が逆）", -answer),
        ("cross-entropy", "交差エントロピー H(P, Q) を答えています", -_plogq(ps, qs, unit)),
        (
            "unweighted",
            "p で重み付けせずに log(p/q) を足しています",
            sum(log(a / b) for a, b in zip(ps, qs, strict=True)),
        ),
        _other_base(answer, unit),
        ("symmetrised", "KL(P‖Q) と KL(Q‖P) の平均を取っています", (answer + reverse) / 2),
    ]
    candidates = _apart(candidates, answer)
    name = log_name(unit)
    shown = [
        f"{fmt_plain(a / 10)}×{signed(d, LOG_PLACES)} = {units_text(t, LOG_PLACES + 1)}"
        for a, d, t in zip(ps, diffs, terms, strict=True)
    ]
    table = _table({(k, 10) for k in ps + qs}, unit)
    return Draft(
        params={"outcomes": n, "unit": unit, "p": [k / 10 for k in ps], "q": [k / 10 for k in qs]},
        prompt=(
            f"分布 P = {_dist_text(ps)} と Q = {_dist_text(qs)} について、KL ダイバージェンス "
            f"KL(P‖Q) = Σ p {name}(p/q) を求めよ。{_lead(unit, table)}{_FIXED3.instruction()}答えよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            f"{name}(p/q) = {name} p − {name} q を表の値で求め、p を掛ける: " + "、".join(shown),
            f"KL(P‖Q) ≈ {' + '.join(signed(t, LOG_PLACES + 1) for t in terms)} "
            f"= {units_text(hand, LOG_PLACES + 1)}",
        ],
    )


# ------------------------------------------------------------------------------------- JS


def _build_js(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, unit = p["outcomes"], p["unit"]
    if not 2 <= n <= 4 or unit not in _UNITS:
        return None
    pair = _two(rng, n)
    if pair is None:
        return None
    ps, qs = pair
    js_ = [a + b for a, b in zip(ps, qs, strict=True)]  # m = j/20
    lm = [log_units(j, 20, unit) for j in js_]
    kl_pm = [a * (log_units(a, 10, unit) - m) for a, m in zip(ps, lm, strict=True)]
    kl_qm = [b * (log_units(b, 10, unit) - m) for b, m in zip(qs, lm, strict=True)]
    a_units, b_units = sum(kl_pm), sum(kl_qm)
    hand = a_units + b_units  # 2·JS in 10⁻⁵
    scale = 1.0 / _LN2 if unit == "bits" else 1.0

    def kl(x: list[int], y: list[float]) -> float:
        return scale * sum(a / 10 * math.log(a / 10 / b) for a, b in zip(x, y, strict=True))

    ms = [j / 20 for j in js_]
    kl_p, kl_q = kl(ps, ms), kl(qs, ms)
    answer = (kl_p + kl_q) / 2
    if not _accept(hand, 2 * _SCALE, answer, [*kl_pm, *kl_qm, a_units, b_units]):
        return None
    pq, qp = kl(ps, [b / 10 for b in qs]), kl(qs, [a / 10 for a in ps])
    log2_in_unit = 1.0 if unit == "bits" else _LN2
    candidates: list[Candidate] = [
        ("used-kl", "JS ではなく KL(P‖Q) を計算しています", pq),
        (
            "symmetrised-kl",
            "KL(P‖Q) と KL(Q‖P) の平均を取っています（M を使っていない）",
            (pq + qp) / 2,
        ),
        ("forgot-half", "2 つの KL を 1/2 倍せずに足しています", 2 * answer),
        ("mixture-not-halved", "M = P + Q と 2 で割らずに計算しています", answer - log2_in_unit),
        ("one-side-only", "KL(P‖M) だけを答えています", kl_p),
        _other_base(answer, unit),
    ]
    candidates = _apart(candidates, answer)
    name = log_name(unit)
    values = {(k, 10) for k in ps + qs} | {(j, 20) for j in js_}
    table = _table(values, unit)
    return Draft(
        params={"outcomes": n, "unit": unit, "p": [k / 10 for k in ps], "q": [k / 10 for k in qs]},
        prompt=(
            f"分布 P = {_dist_text(ps)} と Q = {_dist_text(qs)} の JS ダイバージェンス "
            "JS(P‖Q) = ½KL(P‖M) + ½KL(Q‖M)（M = (P + Q)/2、KL(P‖M) = Σ p "
            f"{name}(p/m)）を求めよ。{_lead(unit, table)}{_FIXED3.instruction()}答えよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=[
            "M = (P + Q)/2 = (" + ", ".join(fmt_plain(m) for m in ms) + ")",
            f"KL(P‖M) ≈ {' + '.join(signed(t, LOG_PLACES + 1) for t in kl_pm)} "
            f"= {units_text(a_units, LOG_PLACES + 1)}",
            f"KL(Q‖M) ≈ {' + '.join(signed(t, LOG_PLACES + 1) for t in kl_qm)} "
            f"= {units_text(b_units, LOG_PLACES + 1)}",
            f"JS ≈ ({units_text(a_units, LOG_PLACES + 1)} + {signed(b_units, LOG_PLACES + 1)})/2 "
            f"= {units_text(5 * hand, LOG_PLACES + 2)}",
        ],
    )


# -------------------------------------------------------------------------------- perplexity

_DENOMINATORS = range(2, 21)


def _products() -> dict[tuple[int, int], tuple[tuple[int, ...], ...]]:
    """(tokens, perplexity) → the sorted tuples of 1/p (2…20, not all equal) whose geometric
    mean is that whole perplexity."""
    out: dict[tuple[int, int], list[tuple[int, ...]]] = {}
    for n in (2, 3, 4):
        for ks in itertools.combinations_with_replacement(_DENOMINATORS, n):
            if len(set(ks)) == 1:
                continue
            prod = math.prod(ks)
            r = round(prod ** (1 / n))
            if r**n == prod:
                out.setdefault((n, r), []).append(ks)
    return {key: tuple(v) for key, v in out.items()}


_PRODUCTS = _products()


def _build_perplexity(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, r = p["tokens"], p["perplexity"]
    choices = _PRODUCTS.get((n, r))
    if not choices:
        return None
    u = rng.random(n + 1).tolist()
    base = choices[min(int(u[0] * len(choices)), len(choices) - 1)]
    ks = [k for _, k in sorted(zip(u[1:], base, strict=True))]
    answer = Fraction(r)
    product = math.prod(ks)
    probs = [1 / k for k in ks]
    candidates: list[Candidate] = [
        ("arithmetic-mean", "1/p の算術平均を取っています（幾何平均が正しい）", sum(ks) / n),
        ("forgot-root", f"{n} 乗根を取らず、1/p の積を答えています", float(product)),
        ("inverse-of-mean-prob", "確率の算術平均の逆数を取っています", n / sum(probs)),
        ("forgot-inverse", "逆数を取らず、確率の幾何平均を答えています", 1 / r),
        (
            "base-mismatch",
            "平均交差エントロピーを自然対数で求め、2 を底に戻しています",
            2 ** math.log(r),
        ),
        ("max-inverse", "最も小さい確率の逆数だけを見ています", float(max(ks))),
    ]
    fmt = fixed(2)
    shown = ", ".join(f"1/{k}" for k in ks)
    return Draft(
        params={"tokens": n, "perplexity": r, "inverse_probs": ks},
        prompt=(
            f"言語モデルがテスト文の {n} 個のトークンそれぞれに、実際に現れたトークンの確率として "
            f"{shown} を与えた。パープレキシティ PP = exp(−(1/N) Σ ln pᵢ)"
            f"（N はトークン数）を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            "exp(−(1/N) Σ ln pᵢ) = (Π 1/pᵢ)^(1/N): 確率の逆数の幾何平均",
            f"Π 1/pᵢ = {'×'.join(str(k) for k in ks)} = {fmt_int(product)} = {r}{_power(n)}",
            f"PP = ({fmt_int(product)})^(1/{n}) {fmt_result(answer, fmt)}",
        ],
    )


def _power(n: int) -> str:
    return {2: "²", 3: "³", 4: "⁴"}[n]


GENERATORS = (
    Template(
        name="entropy_value",
        title="離散分布のエントロピー",
        topic="information-theory",
        exams=("E",),
        build=_build_entropy,
        ranges={"outcomes": [2, 3, 4], "unit": list(_UNITS)},
    ),
    Template(
        name="cross_entropy_dist",
        title="2 つの分布の交差エントロピー",
        topic="information-theory",
        exams=("E",),
        build=_build_cross_entropy,
        ranges={"outcomes": [2, 3, 4], "unit": list(_UNITS)},
    ),
    Template(
        name="kl_divergence",
        title="KL ダイバージェンス",
        topic="information-theory",
        exams=("E",),
        build=_build_kl,
        ranges={"outcomes": [2, 3, 4], "unit": list(_UNITS)},
    ),
    Template(
        name="js_divergence",
        title="JS ダイバージェンス",
        topic="information-theory",
        exams=("E",),
        build=_build_js,
        ranges={"outcomes": [2, 3], "unit": list(_UNITS)},
    ),
    Template(
        name="perplexity",
        title="言語モデルのパープレキシティ",
        topic="e-performance-metrics",
        exams=("E",),
        build=_build_perplexity,
        ranges={"tokens": [2, 3, 4], "perplexity": [4, 6, 8, 10, 12]},
    ),
)
