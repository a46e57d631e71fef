"""Named mistakes of the evaluation, statistics and reinforcement-learning generators, pinned by
hand: the right answer and one wrong answer worked out here by an independent formula (often from
the data the generator drew, read back from the problem's params), and check() names the mistake."""

from __future__ import annotations

import math
import statistics as stdlib
from typing import Any

import pytest

from solvers.problem import Verdict, check

from .pinned import Case, assert_diagnosed, make, params_of

P = dict[str, Any]

# --------------------------------------------------------------------- model evaluation

COUNTS = {"scenario": "spam", "tp": 40, "fp": 10, "fn": 20, "tn": 30}  # P = 0.8, R = 2/3
PRECISION = {**COUNTS, "question": "precision"}
RECALL = {**COUNTS, "question": "recall"}
F1 = {**COUNTS, "question": "f1"}
SPECIFICITY = {**COUNTS, "question": "specificity"}
IMBALANCED = {"question": "accuracy", "total": 1000, "positives": 20}
ALL_NEGATIVE = {"question": "all_negative", "total": 1000, "positives": 20}


def _accuracy(a: P) -> float:
    tn = a["total"] - a["positives"] - a["fp"]
    return 100 * (a["tp"] + tn) / a["total"]


def _class_f1(m: list[list[int]]) -> list[float]:
    k = len(m)
    out = []
    for c in range(k):
        precision = m[c][c] / sum(m[r][c] for r in range(k))
        recall = m[c][c] / sum(m[c])
        out.append(2 * precision * recall / (precision + recall))
    return out


def _micro(a: P) -> float:
    m = a["matrix"]
    return sum(m[i][i] for i in range(len(m))) / sum(map(sum, m))


def _auc(a: P) -> float:
    pairs = [
        (s, t)
        for s, y in zip(a["scores"], a["labels"], strict=True)
        for t, z in zip(a["scores"], a["labels"], strict=True)
        if y and not z
    ]
    return sum(s > t for s, t in pairs) / len(pairs)


def _errors(a: P) -> list[int]:
    return [b - c for b, c in zip(a["y_hat"], a["y"], strict=True)]


def _mse(a: P, ddof: int = 0) -> float:
    e = _errors(a)
    return sum(v * v for v in e) / (len(e) - ddof)


def _kfold_val(a: P) -> int:
    n, k, fold = a["n_samples"], a["k"], a["fold"]
    return n // k + (1 if fold <= n % k else 0)


CASES: dict[str, Case] = {
    "precision/swapped-with-recall": Case(
        "precision_recall_f1", PRECISION, 0.8, 40 / 60, "swapped-precision-recall"
    ),
    "precision/accuracy": Case("precision_recall_f1", PRECISION, 0.8, 0.7, "used-accuracy"),
    "recall/swapped-with-precision": Case(
        "precision_recall_f1", RECALL, 40 / 60, 0.8, "swapped-precision-recall"
    ),
    "f1/arithmetic-mean": Case(
        "precision_recall_f1", F1, 80 / 110, (0.8 + 40 / 60) / 2, "arithmetic-mean"
    ),
    "f1/forgot-two": Case("precision_recall_f1", F1, 80 / 110, 40 / 110, "forgot-factor-two"),
    "specificity/false-positive-rate": Case(
        "precision_recall_f1", SPECIFICITY, 0.75, 0.25, "false-positive-rate"
    ),
    "imbalanced/baseline": Case(
        "imbalanced_accuracy", IMBALANCED, _accuracy, 98.0, "all-negative-baseline"
    ),
    "imbalanced/recall": Case(
        "imbalanced_accuracy", IMBALANCED, _accuracy, lambda a: 100 * a["tp"] / 20, "used-recall"
    ),
    "all-negative/positive-rate": Case(
        "imbalanced_accuracy", ALL_NEGATIVE, 98.0, 2.0, "positive-rate"
    ),
    "macro-f1/micro": Case(
        "macro_micro_f1",
        {"question": "macro", "classes": 3, "count_max": 5},
        lambda a: sum(_class_f1(a["matrix"])) / 3,
        _micro,
        "used-micro",
    ),
    "micro-f1/macro": Case(
        "macro_micro_f1",
        {"question": "micro", "classes": 3, "count_max": 10},
        _micro,
        lambda a: sum(_class_f1(a["matrix"])) / 3,
        "used-macro",
    ),
    "roc-auc/reversed": Case(
        "roc_auc",
        {"positives": 3, "negatives": 3},
        _auc,
        lambda a: 1 - _auc(a),
        "reversed-order",
    ),
    "roc-auc/all-pairs": Case(
        "roc_auc",
        {"positives": 3, "negatives": 3},
        _auc,
        lambda a: _auc(a) * 9 / 15,
        "divided-by-all-pairs",
    ),
    "rmse/forgot-root": Case(
        "regression_errors",
        {"question": "rmse", "n": 4, "error_max": 3},
        lambda a: math.sqrt(_mse(a)),
        _mse,
        "forgot-root",
    ),
    "mse/n-minus-1": Case(
        "regression_errors",
        {"question": "mse", "n": 5, "error_max": 3},
        _mse,
        lambda a: _mse(a, ddof=1),
        "divided-by-n-minus-1",
    ),
    "mae/forgot-abs": Case(
        "regression_errors",
        {"question": "mae", "n": 5, "error_max": 3},
        lambda a: sum(map(abs, _errors(a))) / 5,
        lambda a: sum(_errors(a)) / 5,
        "forgot-abs",
    ),
    "kfold/swapped": Case(
        "kfold_sizes",
        {"n_samples": 103, "k": 5, "question": "training"},
        lambda a: 103 - _kfold_val(a),
        _kfold_val,
        "swapped-train-validation",
    ),
    "kfold-total/counted-validation": Case(
        "kfold_sizes",
        {"n_samples": 100, "k": 5, "question": "training_total"},
        400.0,
        500.0,
        "counted-validation",
    ),
}

# ---------------------------------------------------------------------------- statistics


def _x(a: P) -> list[int]:
    return a["x"]


CASES.update(
    {
        "variance/sample-instead-of-population": Case(
            "descriptive_stats",
            {"question": "variance", "n": 5, "value_max": 12},
            lambda a: stdlib.pvariance(_x(a)),
            lambda a: stdlib.variance(_x(a)),
            "used-sample-variance",
        ),
        "unbiased-variance/divided-by-n": Case(
            "descriptive_stats",
            {"question": "unbiased_variance", "n": 6, "value_max": 12},
            lambda a: stdlib.variance(_x(a)),
            lambda a: stdlib.pvariance(_x(a)),
            "used-population-variance",
        ),
        "std/forgot-root": Case(
            "descriptive_stats",
            {"question": "std", "n": 5, "value_max": 20},
            lambda a: stdlib.pstdev(_x(a)),
            lambda a: stdlib.pvariance(_x(a)),
            "forgot-root",
        ),
        "median/lower-middle": Case(
            "descriptive_stats",
            {"question": "median", "n": 6, "value_max": 20},
            lambda a: stdlib.median(_x(a)),
            lambda a: stdlib.median_low(_x(a)),
            "lower-middle",
            seed=3,
        ),
        "mode/count": Case(
            "descriptive_stats",
            {"question": "mode", "n": 7, "value_max": 9},
            lambda a: stdlib.mode(_x(a)),
            lambda a: _x(a).count(stdlib.mode(_x(a))),
            "used-count",
        ),
        "sma/window-too-long": Case(
            "moving_average",
            {"kind": "sma", "length": 8, "window": 3, "alpha": 0.5},
            lambda a: sum(a["x"][a["day"] - 3 : a["day"]]) / 3,
            lambda a: sum(a["x"][a["day"] - 4 : a["day"]]) / 4,
            "window-too-long",
            seed=1,
        ),
        "ema/swapped-alpha": Case(
            "moving_average",
            {"kind": "ema", "length": 6, "window": 3, "alpha": 0.3},
            lambda a: _ema(a["x"][: a["day"]], 0.3),
            lambda a: _ema(a["x"][: a["day"]], 0.7),
            "swapped-alpha",
        ),
        "correlation/r-squared": Case(
            "correlation",
            {"n": 5, "noise": 2},
            lambda a: stdlib.correlation(a["x"], a["y"]),
            lambda a: stdlib.correlation(a["x"], a["y"]) ** 2,
            "squared",
        ),
        "correlation/uncentered": Case(
            "correlation",
            {"n": 5, "noise": 2},
            lambda a: stdlib.correlation(a["x"], a["y"]),
            lambda a: _cosine(a["x"], a["y"]),
            "uncentered",
        ),
        "cosine/dot-only": Case(
            "vector_similarity",
            {"question": "cosine", "dim": 3},
            lambda a: _cosine(a["a"], a["b"]),
            lambda a: float(sum(u * v for u, v in zip(a["a"], a["b"], strict=True))),
            "dot-only",
        ),
        "euclidean/forgot-root": Case(
            "vector_similarity",
            {"question": "euclidean", "dim": 4},
            lambda a: math.dist(a["a"], a["b"]),
            lambda a: math.dist(a["a"], a["b"]) ** 2,
            "forgot-root",
        ),
        "manhattan/forgot-abs": Case(
            "vector_similarity",
            {"question": "manhattan", "dim": 4},
            lambda a: float(sum(abs(u - v) for u, v in zip(a["a"], a["b"], strict=True))),
            lambda a: float(sum(u - v for u, v in zip(a["a"], a["b"], strict=True))),
            "forgot-abs",
        ),
    }
)


def _ema(x: list[int], alpha: float) -> float:
    s = x[0]
    for v in x[1:]:
        s = alpha * v + (1 - alpha) * s
    return s


def _cosine(a: list[int], b: list[int]) -> float:
    dot = sum(u * v for u, v in zip(a, b, strict=True))
    return dot / math.sqrt(sum(u * u for u in a) * sum(v * v for v in b))


# ---------------------------------------------------------------------------- probability

BAYES = {
    "prevalence": 0.01,
    "sensitivity": 0.9,
    "false_positive_rate": 0.05,
    "given": "false_positive_rate",
}
BAYES_SPEC = {**BAYES, "given": "specificity"}  # stated as specificity 95 %


def _poisson(a: P, factorial: bool = True) -> float:
    lam, k = a["lam"], a["k"]
    return lam**k * math.exp(-lam) / (math.factorial(k) if factorial else 1)


CASES.update(
    {
        "bayes/confused-conditionals": Case(
            "bayes_posterior", BAYES, 0.009 / 0.0585, 0.9, "confused-conditionals"
        ),
        "bayes/base-rate-neglect": Case(
            "bayes_posterior", BAYES, 0.009 / 0.0585, 0.9 / 0.95, "ignored-prior"
        ),
        "bayes/specificity-as-fpr": Case(
            "bayes_posterior",
            BAYES_SPEC,
            0.009 / 0.0585,
            0.009 / (0.009 + 0.95 * 0.99),
            "specificity-as-false-positive-rate",
        ),
        "binomial/forgot-combination": Case(
            "binomial_probability",
            {"question": "exactly", "trials": 5, "p": 0.3},
            lambda a: math.comb(5, a["k"]) * 0.3 ** a["k"] * 0.7 ** (5 - a["k"]),
            lambda a: 0.3 ** a["k"] * 0.7 ** (5 - a["k"]),
            "forgot-combination",
        ),
        "binomial/forgot-complement": Case(
            "binomial_probability",
            {"question": "at_least_one", "trials": 4, "p": 0.3},
            1 - 0.7**4,
            0.7**4,
            "forgot-complement",
        ),
        "poisson/forgot-factorial": Case(
            "poisson_probability",
            {"lam": 2, "k_max": 4},
            _poisson,
            lambda a: _poisson(a, factorial=False),
            "forgot-factorial",
            seed=2,
        ),
    }
)

# ------------------------------------------------------------------ reinforcement learning

RETURN = {"length": 4, "gamma": 0.9, "start": 0}


def _g(a: P, first: int = 0) -> float:
    return sum(a["gamma"] ** (k + first) * r for k, r in enumerate(a["rewards"][a["start"] :]))


def _q(a: P, bootstrap: float, gamma: float | None = None) -> float:
    g = a["gamma"] if gamma is None else gamma
    return a["q"] + a["alpha"] * (a["reward"] + g * bootstrap - a["q"])


Q_LEARNING = {"algorithm": "q_learning", "alpha": 0.1, "gamma": 0.9, "actions": 3}
SARSA = {**Q_LEARNING, "algorithm": "sarsa"}


def _taken(a: P) -> float:
    return a["next_q"][a["next_action"] - 1]


CASES.update(
    {
        "return/discounted-first-reward": Case(
            "discounted_return", RETURN, _g, lambda a: _g(a, first=1), "discounted-first-reward"
        ),
        "return/undiscounted": Case(
            "discounted_return", RETURN, _g, lambda a: float(sum(a["rewards"])), "undiscounted"
        ),
        "epsilon-greedy/forgot-random-share": Case(
            "epsilon_greedy",
            {"actions": 4, "epsilon": 0.1, "question": "greedy"},
            0.925,
            0.9,
            "forgot-random-share",
        ),
        "epsilon-greedy/excluded-greedy": Case(
            "epsilon_greedy",
            {"actions": 4, "epsilon": 0.1, "question": "other"},
            0.025,
            0.1 / 3,
            "excluded-greedy",
        ),
        "q-learning/sarsa-target": Case(
            "q_learning_update",
            Q_LEARNING,
            lambda a: _q(a, max(a["next_q"])),
            lambda a: _q(a, _taken(a)),
            "used-sarsa-target",
        ),
        "q-learning/forgot-gamma": Case(
            "q_learning_update",
            Q_LEARNING,
            lambda a: _q(a, max(a["next_q"])),
            lambda a: _q(a, max(a["next_q"]), gamma=1),
            "forgot-gamma",
        ),
        "sarsa/max-target": Case(
            "q_learning_update",
            SARSA,
            lambda a: _q(a, _taken(a)),
            lambda a: _q(a, max(a["next_q"])),
            "used-max-target",
        ),
        "td0/forgot-alpha": Case(
            "td0_update",
            {"alpha": 0.5, "gamma": 0.9},
            lambda a: a["v"] + 0.5 * (a["reward"] + 0.9 * a["next_v"] - a["v"]),
            lambda a: a["reward"] + 0.9 * a["next_v"],
            "forgot-alpha",
        ),
    }
)


@pytest.mark.parametrize("case", params_of(CASES))
def test_named_mistake_is_diagnosed(case: Case):
    assert_diagnosed(case)


UNEXPLAINED = [
    pytest.param("precision_recall_f1", PRECISION, 0.5, id="precision"),
    pytest.param("bayes_posterior", BAYES, 0.5, id="bayes"),
    pytest.param(
        "epsilon_greedy",
        {"actions": 4, "epsilon": 0.1, "question": "greedy"},
        0.5,
        id="epsilon-greedy",
    ),
]


@pytest.mark.parametrize(("name", "pinned", "wrong"), UNEXPLAINED)
def test_answer_matching_no_mistake_is_just_wrong(name, pinned, wrong):
    assert check(make(name, pinned), wrong) == Verdict(False, None)
