"""solvers.metrics: golden values, agreement with direct loops in exact fractions, and the
properties the definitions promise (F1 is a harmonic mean, AUC is a pair probability)."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers import metrics

FAST = settings(max_examples=60, deadline=None)
count = st.integers(0, 60)


# ----------------------------------------------------------------------- binary counts


def test_confusion_rates_golden():
    # TP 40, FP 10, FN 20, TN 30
    assert metrics.accuracy(40, 10, 20, 30) == 0.7
    assert metrics.precision(40, 10) == 0.8
    assert metrics.recall(40, 20) == pytest.approx(2 / 3)
    assert metrics.specificity(30, 10) == 0.75
    assert metrics.f1_score(40, 10, 20) == pytest.approx(80 / 110)
    assert metrics.balanced_accuracy(40, 10, 20, 30) == pytest.approx((2 / 3 + 0.75) / 2)
    # F2 weighs recall more: 5·40/(5·40 + 4·20 + 10)
    assert metrics.f_beta(40, 10, 20, beta=2) == pytest.approx(200 / 290)


def test_counts_from_labels():
    y_true = [1, 1, 0, 0, 1, 0, 0]
    y_pred = [1, 0, 0, 1, 1, 0, 0]
    assert metrics.confusion_counts(y_true, y_pred) == (2, 1, 1, 3)
    assert metrics.confusion_counts(y_true, y_pred, positive=0) == (3, 1, 1, 2)
    with pytest.raises(ValueError, match="one length"):
        metrics.confusion_counts([1, 0], [1])


@given(tp=count, fp=count, fn=count, tn=count)
@FAST
def test_rates_match_fractions(tp, fp, fn, tn):
    assume(tp + fn > 0 and tp + fp > 0 and tn + fp > 0)
    assert metrics.accuracy(tp, fp, fn, tn) == pytest.approx(
        float(Fraction(tp + tn, tp + fp + fn + tn))
    )
    p, r = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    assert metrics.precision(tp, fp) == pytest.approx(float(p))
    assert metrics.recall(tp, fn) == pytest.approx(float(r))
    assert metrics.specificity(tn, fp) == pytest.approx(float(Fraction(tn, tn + fp)))
    f1 = metrics.f1_score(tp, fp, fn)
    if tp == 0:
        assert f1 == 0
    else:
        harmonic = 2 / (1 / p + 1 / r)
        assert f1 == pytest.approx(float(harmonic))
        assert min(p, r) - 1e-12 <= f1 <= max(p, r) + 1e-12
        assert f1 <= (p + r) / 2 + 1e-12  # harmonic ≤ arithmetic


@given(tp=st.integers(1, 60), fp=count, fn=count, beta=st.floats(0.1, 10))
@FAST
def test_f_beta_is_the_weighted_harmonic_mean(tp, fp, fn, beta):
    p, r = tp / (tp + fp), tp / (tp + fn)
    expected = (1 + beta**2) * p * r / (beta**2 * p + r)
    assert metrics.f_beta(tp, fp, fn, beta) == pytest.approx(expected)
    assert min(p, r) - 1e-9 <= metrics.f_beta(tp, fp, fn, beta) <= max(p, r) + 1e-9


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: metrics.precision(0, 0), "precision is undefined"),
        (lambda: metrics.recall(0, 0), "recall is undefined"),
        (lambda: metrics.specificity(0, 0), "specificity is undefined"),
        (lambda: metrics.accuracy(0, 0, 0, 0), "accuracy is undefined"),
        (lambda: metrics.f1_score(0, 0, 0), "all 0"),
        (lambda: metrics.f_beta(1, 1, 1, beta=0), "beta must be > 0"),
        (lambda: metrics.precision(-1, 3), "≥ 0"),
        (lambda: metrics.recall(1.5, 3), "integer"),
    ],
)
def test_bad_counts_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_counts_from_yaml_floats_are_accepted():
    assert metrics.precision(4.0, 1.0) == 0.8


# ------------------------------------------------------------------------ multi-class


def _f1_by_loops(m: list[list[int]]) -> list[Fraction]:
    k = len(m)
    out = []
    for c in range(k):
        tp = m[c][c]
        fp = sum(m[r][c] for r in range(k) if r != c)
        fn = sum(m[c][j] for j in range(k) if j != c)
        out.append(Fraction(2 * tp, 2 * tp + fp + fn))
    return out


matrices = st.integers(2, 4).flatmap(
    lambda k: st.lists(
        st.lists(st.integers(0, 20), min_size=k, max_size=k), min_size=k, max_size=k
    ).filter(lambda m: all(m[i][i] > 0 for i in range(k)))
)


@given(matrices)
@FAST
def test_macro_and_micro_f1_match_loops(m):
    per = _f1_by_loops(m)
    assert metrics.per_class_f1(m) == pytest.approx([float(f) for f in per])
    assert metrics.macro_f1(m) == pytest.approx(float(sum(per) / len(per)))
    total = sum(map(sum, m))
    tp = sum(m[i][i] for i in range(len(m)))
    assert metrics.micro_f1(m) == pytest.approx(tp / total)  # = accuracy
    assert min(per) - 1e-12 <= metrics.macro_f1(m) <= max(per) + 1e-12


def test_macro_differs_from_micro_when_a_small_class_is_missed():
    m = [[90, 0, 0], [0, 8, 0], [0, 2, 0]]
    assert metrics.micro_f1(m) == pytest.approx(0.98)
    assert metrics.macro_f1(m) == pytest.approx((1 + 16 / 18 + 0) / 3)


@pytest.mark.parametrize(
    "bad", [[[1, 2, 3]], [[1]], [[1, -1], [0, 1]], [[1, 0.5], [0, 1]], [[0, 0], [0, 5]]]
)
def test_bad_matrices_raise(bad):
    with pytest.raises(ValueError):
        metrics.macro_f1(bad)


# ---------------------------------------------------------------------------- ROC / AUC


def _auc_by_pairs(scores: list[int], labels: list[int]) -> Fraction:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum(
        Fraction(1) if p > n else Fraction(1, 2) if p == n else 0 for p, n in product(pos, neg)
    )
    return wins / (len(pos) * len(neg))


scored = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < len(y)),
    )
)


@given(scored)
@FAST
def test_trapezoid_and_mann_whitney_agree_with_counting_pairs(case):
    scores, labels = case
    expected = float(_auc_by_pairs(scores, labels))
    assert metrics.roc_auc(scores, labels) == pytest.approx(expected)
    assert metrics.auc_mann_whitney(scores, labels) == pytest.approx(expected)
    fpr, tpr = metrics.roc_points(scores, labels)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)


@given(scored)
@FAST
def test_reversing_the_scores_gives_one_minus_auc(case):
    scores, labels = case
    assert metrics.roc_auc([-s for s in scores], labels) == pytest.approx(
        1 - metrics.roc_auc(scores, labels)
    )


@given(st.integers(1, 6), st.integers(1, 6))
@FAST
def test_perfectly_separated_scores_give_auc_one(n_pos, n_neg):
    scores = list(range(n_neg + n_pos))
    labels = [0] * n_neg + [1] * n_pos
    assert metrics.roc_auc(scores, labels) == 1.0
    assert metrics.auc_mann_whitney(scores, labels) == 1.0


def test_roc_points_golden():
    fpr, tpr = metrics.roc_points([0.9, 0.8, 0.7, 0.6, 0.55, 0.5], [1, 1, 0, 1, 0, 0])
    assert fpr.tolist() == pytest.approx([0, 0, 0, 1 / 3, 1 / 3, 2 / 3, 1])
    assert tpr.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])
    assert metrics.roc_auc([0.9, 0.8, 0.7, 0.6, 0.55, 0.5], [1, 1, 0, 1, 0, 0]) == pytest.approx(
        8 / 9
    )
    # a tie between a positive and a negative is a diagonal step: half a pair
    assert metrics.roc_auc([0.5, 0.5, 0.2], [1, 0, 0]) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("scores", "labels", "message"),
    [
        ([0.1, 0.2], [1, 1], "one positive and one negative"),
        ([0.1, 0.2], [1, 2], "0 \\(negative\\) or 1"),
        ([0.1], [1, 0], "one length"),
        ([0.1, float("nan")], [1, 0], "finite"),
    ],
)
def test_bad_roc_input_raises(scores, labels, message):
    with pytest.raises(ValueError, match=message):
        metrics.roc_auc(scores, labels)


# --------------------------------------------------------------------------- regression

pairs = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(-20, 20), min_size=n, max_size=n),
        st.lists(st.integers(-20, 20), min_size=n, max_size=n),
    )
)


@given(pairs)
@FAST
def test_regression_errors_match_loops(case):
    y, yhat = case
    n = len(y)
    squares = Fraction(sum((b - a) ** 2 for a, b in zip(y, yhat, strict=True)), n)
    absolute = Fraction(sum(abs(b - a) for a, b in zip(y, yhat, strict=True)), n)
    assert metrics.mse(y, yhat) == pytest.approx(float(squares))
    assert metrics.rmse(y, yhat) == pytest.approx(float(squares) ** 0.5)
    assert metrics.mae(y, yhat) == pytest.approx(float(absolute))
    assert metrics.mae(y, yhat) <= metrics.rmse(y, yhat) + 1e-12  # the power-mean inequality


def test_regression_golden_and_errors():
    assert metrics.mse([1, 2, 3], [2, 2, 5]) == pytest.approx(5 / 3)
    assert metrics.rmse([0, 0], [3, 4]) == pytest.approx(12.5**0.5)
    assert metrics.mae([1, 2, 3], [2, 2, 5]) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        metrics.mae([1, 2], [1])
    with pytest.raises(ValueError, match="empty"):
        metrics.mae([], [])


# ------------------------------------------------------------------------------- k-fold


@given(st.integers(2, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(2, n))))
@FAST
def test_kfold_validation_folds_partition_the_samples(case):
    n, k = case
    sizes = metrics.kfold_sizes(n, k)
    assert len(sizes) == k
    assert sum(v for _, v in sizes) == n
    assert all(t + v == n for t, v in sizes)
    assert max(v for _, v in sizes) - min(v for _, v in sizes) <= 1
    assert [v for _, v in sizes] == sorted((v for _, v in sizes), reverse=True)


def test_kfold_golden_and_errors():
    assert metrics.kfold_sizes(10, 3) == ((6, 4), (7, 3), (7, 3))
    assert metrics.kfold_sizes(100, 5) == ((80, 20),) * 5
    with pytest.raises(ValueError, match="k must be ≤"):
        metrics.kfold_sizes(3, 4)
    with pytest.raises(ValueError, match="≥ 2"):
        metrics.kfold_sizes(10, 1)
