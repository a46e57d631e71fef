"""The evaluation, statistics and reinforcement-learning generators' answers worked out again
from what their problems state, in exact arithmetic and independently of ``solvers`` (the
textbook formula, written out here)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from itertools import product

from solvers.problem import Problem

from .hand_numbers import CTX, Value, dec, exp, q, sqrt


def _over_root(num: Fraction, square: Fraction) -> Value:
    """num/√square, a Fraction when the root is rational."""
    root = sqrt(square)
    if isinstance(root, Fraction):
        return num / root
    return CTX.divide(dec(num), root)


# --------------------------------------------------------------------- model evaluation


def _rates(p: Problem) -> Value:
    a = p.params
    tp, fp, fn, tn = a["tp"], a["fp"], a["fn"], a["tn"]
    precision, recall = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 1 / ((1 / precision + 1 / recall) / 2),  # the harmonic mean
        "specificity": Fraction(tn, tn + fp),
    }[a["question"]]


def _imbalanced(p: Problem) -> Value:
    a = p.params
    n, positives, tp, fp = a["total"], a["positives"], a["tp"], a["fp"]
    tn = n - positives - fp
    if a["question"] == "all_negative":
        return Fraction(100 * (n - positives), n)
    if a["question"] == "accuracy":
        return Fraction(100 * (tp + tn), n)
    return (Fraction(tp, positives) + Fraction(tn, n - positives)) * 50


def _macro_micro(p: Problem) -> Value:
    m = p.params["matrix"]
    k = len(m)
    if p.params["question"] == "micro":
        tp = sum(m[i][i] for i in range(k))
        errors = sum(map(sum, m)) - tp
        return Fraction(2 * tp, 2 * tp + 2 * errors)
    f1 = []
    for c in range(k):
        precision = Fraction(m[c][c], sum(m[r][c] for r in range(k)))
        recall = Fraction(m[c][c], sum(m[c]))
        f1.append(2 * precision * recall / (precision + recall))
    return sum(f1, Fraction(0)) / k


def _roc_auc(p: Problem) -> Value:
    """The trapezoid area under the ROC curve, walked threshold by threshold."""
    scores, labels = p.params["scores"], p.params["labels"]
    pos, neg = sum(labels), len(labels) - sum(labels)
    ranked = sorted(zip(scores, labels, strict=True), key=lambda s: -q(s[0]))
    area, tpr, fpr = Fraction(0), Fraction(0), Fraction(0)
    for _, label in ranked:  # scores are distinct: one sample per threshold
        if label:
            tpr += Fraction(1, pos)
        else:
            area += tpr * Fraction(1, neg)
            fpr += Fraction(1, neg)
    assert fpr == 1 and tpr == 1
    pairs = sum(
        Fraction(1) if q(a) > q(b) else Fraction(0)
        for (a, x), (b, y) in product(zip(scores, labels, strict=True), repeat=2)
        if x and not y
    )
    assert area == pairs / (pos * neg), "the trapezoids and the pair count disagree"
    return area


def _regression(p: Problem) -> Value:
    a = p.params
    errors = [q(b) - q(c) for b, c in zip(a["y_hat"], a["y"], strict=True)]
    n = len(errors)
    if a["question"] == "mae":
        return sum((abs(e) for e in errors), Fraction(0)) / n
    mse = sum((e * e for e in errors), Fraction(0)) / n
    return mse if a["question"] == "mse" else sqrt(mse)


def _kfold(p: Problem) -> Value:
    a = p.params
    n, k, fold = a["n_samples"], a["k"], a["fold"]
    folds = [n // k + (1 if i < n % k else 0) for i in range(k)]
    assert sum(folds) == n
    if a["question"] == "validation":
        return Fraction(folds[fold - 1])
    if a["question"] == "training":
        return Fraction(n - folds[fold - 1])
    return Fraction(sum(n - v for v in folds))


# ---------------------------------------------------------------------------- statistics


def _descriptive(p: Problem) -> Value:
    a = p.params
    x = [q(v) for v in a["x"]]
    n = len(x)
    mean = sum(x, Fraction(0)) / n
    question = a["question"]
    if question == "mean":
        return mean
    if question == "median":
        s = sorted(x)
        return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    if question == "mode":
        (value, _), *_ = Counter(x).most_common(1)
        return value
    ddof = 1 if question.startswith("unbiased") else 0
    variance = sum(((v - mean) ** 2 for v in x), Fraction(0)) / (n - ddof)
    return variance if question.endswith("variance") else sqrt(variance)


def _moving_average(p: Problem) -> Value:
    a = p.params
    x, day = [q(v) for v in a["x"]], a["day"]
    if a["kind"] == "sma":
        w = a["window"]
        return sum(x[day - w : day], Fraction(0)) / w
    alpha = q(a["alpha"])
    s = x[0]
    for v in x[1:day]:
        s = alpha * v + (1 - alpha) * s
    return s


def _correlation(p: Problem) -> Value:
    x, y = [q(v) for v in p.params["x"]], [q(v) for v in p.params["y"]]
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum(((a - mx) * (b - my) for a, b in zip(x, y, strict=True)), Fraction(0))
    sxx = sum(((a - mx) ** 2 for a in x), Fraction(0))
    syy = sum(((b - my) ** 2 for b in y), Fraction(0))
    return _over_root(sxy, sxx * syy)


def _similarity(p: Problem) -> Value:
    a, b = [q(v) for v in p.params["a"]], [q(v) for v in p.params["b"]]
    diff = [u - v for u, v in zip(a, b, strict=True)]
    question = p.params["question"]
    if question == "manhattan":
        return sum((abs(d) for d in diff), Fraction(0))
    if question == "euclidean":
        return sqrt(sum((d * d for d in diff), Fraction(0)))
    dot = sum((u * v for u, v in zip(a, b, strict=True)), Fraction(0))
    return _over_root(
        dot, sum((u * u for u in a), Fraction(0)) * sum((v * v for v in b), Fraction(0))
    )


def _bayes(p: Problem) -> Value:
    a = p.params
    prior, sens, fpr = q(a["prevalence"]), q(a["sensitivity"]), q(a["false_positive_rate"])
    return sens * prior / (sens * prior + fpr * (1 - prior))


def _binomial(p: Problem) -> Value:
    a = p.params
    n, prob = a["trials"], q(a["p"])

    def pmf(k: int) -> Fraction:
        return math.comb(n, k) * prob**k * (1 - prob) ** (n - k)

    if a["question"] == "at_least_one":
        return sum((pmf(k) for k in range(1, n + 1)), Fraction(0))
    return pmf(a["k"])


def _poisson(p: Problem) -> Value:
    lam, k = q(p.params["lam"]), p.params["k"]
    return CTX.multiply(dec(lam**k / math.factorial(k)), exp(-lam))


# ------------------------------------------------------------------ reinforcement learning


def _return(p: Problem) -> Value:
    a = p.params
    g = q(a["gamma"])
    rewards = [q(r) for r in a["rewards"]][a["start"] :]
    total = Fraction(0)
    for r in reversed(rewards):  # G_t = r_(t+1) + γG_(t+1)
        total = r + g * total
    return total


def _epsilon_greedy(p: Problem) -> Value:
    a = p.params
    values = [q(v) for v in a["q"]]
    eps, n = q(a["epsilon"]), len(values)
    chosen = a["action"] - 1
    greedy = values[chosen] == max(values)
    return (1 - eps if greedy else Fraction(0)) + eps / n


def _q_update(p: Problem) -> Value:
    a = p.params
    nexts = [q(v) for v in a["next_q"]]
    bootstrap = max(nexts) if a["algorithm"] == "q_learning" else nexts[a["next_action"] - 1]
    value = q(a["q"])
    return value + q(a["alpha"]) * (a["reward"] + q(a["gamma"]) * bootstrap - value)


def _td0(p: Problem) -> Value:
    a = p.params
    v = q(a["v"])
    return v + q(a["alpha"]) * (a["reward"] + q(a["gamma"]) * q(a["next_v"]) - v)


EXACT_STATS: dict[str, Callable[[Problem], Value]] = {
    "precision_recall_f1": _rates,
    "imbalanced_accuracy": _imbalanced,
    "macro_micro_f1": _macro_micro,
    "roc_auc": _roc_auc,
    "regression_errors": _regression,
    "kfold_sizes": _kfold,
    "descriptive_stats": _descriptive,
    "moving_average": _moving_average,
    "correlation": _correlation,
    "vector_similarity": _similarity,
    "bayes_posterior": _bayes,
    "binomial_probability": _binomial,
    "poisson_probability": _poisson,
    "discounted_return": _return,
    "epsilon_greedy": _epsilon_greedy,
    "q_learning_update": _q_update,
    "td0_update": _td0,
}
"""Generator name → its answer recomputed from the problem."""
