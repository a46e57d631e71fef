"""The evaluation, statistics and reinforcement-learning generators agree with their solvers.

The generators compute their answers exactly (fractions, so that a tie rounds as the prompt says);
the NumPy solvers (``solvers.metrics``, ``statistics``, ``rl``) are the reference each answer is
held to here, over many seeds. Narrowed ranges are respected, and ranges with no valid problem
say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from solvers import metrics, rl, statistics
from solvers.generators import REGISTRY
from tests.solvers.narrowing import failed_narrowings

from .test_generators import assert_invariants

P = dict[str, Any]


def _rates(a: P) -> float:
    tp, fp, fn, tn = a["tp"], a["fp"], a["fn"], a["tn"]
    return {
        "precision": lambda: metrics.precision(tp, fp),
        "recall": lambda: metrics.recall(tp, fn),
        "f1": lambda: metrics.f1_score(tp, fp, fn),
        "specificity": lambda: metrics.specificity(tn, fp),
    }[a["question"]]()


def _imbalanced(a: P) -> float:
    n, pos, tp, fp = a["total"], a["positives"], a["tp"], a["fp"]
    counts = (tp, fp, pos - tp, n - pos - fp)
    if a["question"] == "all_negative":
        return 100 * metrics.accuracy(0, 0, pos, n - pos)
    if a["question"] == "accuracy":
        return 100 * metrics.accuracy(*counts)
    return 100 * metrics.balanced_accuracy(*counts)


def _macro_micro(a: P) -> float:
    f = metrics.macro_f1 if a["question"] == "macro" else metrics.micro_f1
    return f(a["matrix"])


def _roc(a: P) -> float:
    auc = metrics.roc_auc(a["scores"], a["labels"])
    assert auc == pytest.approx(metrics.auc_mann_whitney(a["scores"], a["labels"]))
    return auc


def _regression(a: P) -> float:
    f = {"mse": metrics.mse, "rmse": metrics.rmse, "mae": metrics.mae}[a["question"]]
    return f(a["y"], a["y_hat"])


def _kfold(a: P) -> float:
    sizes = metrics.kfold_sizes(a["n_samples"], a["k"])
    train, val = sizes[a["fold"] - 1]
    return {
        "validation": val,
        "training": train,
        "training_total": sum(t for t, _ in sizes),
    }[a["question"]]


def _descriptive(a: P) -> float:
    x, question = a["x"], a["question"]
    if question == "mode":
        (mode,) = statistics.mode(x)
        return mode
    if question in ("mean", "median"):
        return getattr(statistics, question)(x)
    ddof = 1 if question.startswith("unbiased") else 0
    f = statistics.variance if question.endswith("variance") else statistics.std
    return f(x, ddof)


def _moving(a: P) -> float:
    if a["kind"] == "sma":
        return statistics.moving_average(a["x"], a["window"])[a["day"] - a["window"]]
    return statistics.exponential_moving_average(a["x"], a["alpha"])[a["day"] - 1]


def _similarity(a: P) -> float:
    f = {
        "cosine": statistics.cosine_similarity,
        "euclidean": statistics.euclidean,
        "manhattan": statistics.manhattan,
    }[a["question"]]
    return f(a["a"], a["b"])


def _binomial(a: P) -> float:
    if a["question"] == "at_least_one":
        return 1 - statistics.binomial_pmf(0, a["trials"], a["p"])
    return statistics.binomial_pmf(a["k"], a["trials"], a["p"])


def _q_update(a: P) -> float:
    if a["algorithm"] == "q_learning":
        return rl.q_learning_update(a["q"], a["reward"], a["next_q"], a["alpha"], a["gamma"])
    taken = a["next_q"][a["next_action"] - 1]
    return rl.sarsa_update(a["q"], a["reward"], taken, a["alpha"], a["gamma"])


SOLVERS: dict[str, Callable[[P], float]] = {
    "precision_recall_f1": _rates,
    "imbalanced_accuracy": _imbalanced,
    "macro_micro_f1": _macro_micro,
    "roc_auc": _roc,
    "regression_errors": _regression,
    "kfold_sizes": _kfold,
    "descriptive_stats": _descriptive,
    "moving_average": _moving,
    "correlation": lambda a: statistics.pearson(a["x"], a["y"]),
    "vector_similarity": _similarity,
    "bayes_posterior": lambda a: statistics.bayes_posterior(
        a["prevalence"], a["sensitivity"], a["false_positive_rate"]
    ),
    "binomial_probability": _binomial,
    "poisson_probability": lambda a: statistics.poisson_pmf(a["k"], a["lam"]),
    "discounted_return": lambda a: rl.returns(a["rewards"], a["gamma"])[a["start"]],
    "epsilon_greedy": lambda a: rl.epsilon_greedy_probs(a["q"], a["epsilon"])[a["action"] - 1],
    "q_learning_update": _q_update,
    "td0_update": lambda a: rl.td0_update(a["v"], a["reward"], a["next_v"], a["alpha"], a["gamma"]),
}
NAMES = list(SOLVERS)


def test_every_new_family_generator_has_a_solver_reference():
    families = {"classification", "evaluation", "statistics", "similarity", "probability", "rl"}
    assert {name for name, gen in REGISTRY.items() if gen.family in families} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_answer_agrees_with_the_solver(name):
    for seed in range(60):
        p = REGISTRY[name].generate(seed)
        assert p.answer == pytest.approx(float(SOLVERS[name](p.params)), rel=1e-9, abs=1e-12), (
            seed,
            p.prompt,
        )


NARROWED = [
    pytest.param("precision_recall_f1", {"question": ["f1"], "scenario": ["defect"]}, id="f1"),
    pytest.param("imbalanced_accuracy", {"question": ["all_negative"], "total": [2000]}, id="imb"),
    pytest.param("descriptive_stats", {"question": ["unbiased_std"], "n": [8]}, id="std"),
    pytest.param("moving_average", {"kind": ["ema"], "alpha": [0.6]}, id="ema"),
    pytest.param("kfold_sizes", {"n_samples": [1003], "k": [10]}, id="kfold"),
    pytest.param("q_learning_update", {"algorithm": ["sarsa"], "actions": [3]}, id="sarsa"),
    pytest.param("poisson_probability", {"lam": [0.5], "k_max": [3]}, id="poisson"),
]


@pytest.mark.parametrize(("name", "ranges"), NARROWED)
def test_narrowed_ranges_are_respected(name, ranges):
    for seed in range(6):
        p = REGISTRY[name].generate(seed, ranges)
        for param, allowed in ranges.items():
            assert p.params[param] in allowed
        assert_invariants(p, name, seed)
        assert p.answer == pytest.approx(float(SOLVERS[name](p.params)), rel=1e-9, abs=1e-12)


OUT_OF_DOMAIN = [
    pytest.param("kfold_sizes", {"n_samples": [5], "k": [10]}, id="more-folds-than-samples"),
    pytest.param("imbalanced_accuracy", {"total": [200], "positives": [200]}, id="no-negatives"),
    pytest.param("bayes_posterior", {"prevalence": [0]}, id="zero-prevalence"),
    pytest.param("descriptive_stats", {"question": ["range"]}, id="unknown-question"),
    pytest.param("epsilon_greedy", {"actions": [1]}, id="one-action"),
    pytest.param("discounted_return", {"length": [2], "start": [1]}, id="start-at-last-reward"),
]


@pytest.mark.parametrize(("name", "ranges"), OUT_OF_DOMAIN)
def test_out_of_domain_ranges_raise(name, ranges):
    with pytest.raises(ValueError, match="no valid problem"):
        REGISTRY[name].generate(0, ranges)


@pytest.mark.parametrize("name", NAMES)
def test_every_combination_of_listed_values_has_problems(name):
    """A bank item may narrow each list range to any of its values; every such narrowing must
    still give problems with three distinct mistakes (the loader tries five seeds)."""
    failed = failed_narrowings(REGISTRY[name])
    assert not failed, f"{len(failed)} narrowings give no problem, e.g. {failed[:3]}"
