"""Model-evaluation metrics: a binary confusion matrix's rates, F-scores of a multi-class
confusion matrix, ROC curves and AUC, regression errors and k-fold split sizes.

Conventions are the usual ones (scikit-learn's): the positive class is the one a count names
(TP = positives predicted positive); a multi-class confusion matrix has the true class in rows and
the predicted class in columns; an ROC curve predicts positive when score ≥ threshold. A rate whose
denominator is 0 is undefined and raises ``ValueError`` instead of quietly becoming 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers import losses
from solvers._checks import finite, real_array, whole_number


def _counts(**counts: Any) -> tuple[int, ...]:
    return tuple(whole_number(name, value, minimum=0) for name, value in counts.items())


def _ratio(num: int, den: int, what: str) -> float:
    if den == 0:
        raise ValueError(f"{what} is undefined: its denominator is 0")
    return num / den


def accuracy(tp: int, fp: int, fn: int, tn: int) -> float:
    """正解率 (TP + TN)/(TP + FP + FN + TN): the share of all samples classified right.

    Raises:
        ValueError: a count that is not a whole number ≥ 0, or no samples at all.
    """
    tp, fp, fn, tn = _counts(tp=tp, fp=fp, fn=fn, tn=tn)
    return _ratio(tp + tn, tp + fp + fn + tn, "accuracy")


def precision(tp: int, fp: int) -> float:
    """適合率 TP/(TP + FP): of the samples predicted positive, the share that are positive.

    Raises:
        ValueError: a bad count, or nothing predicted positive.
    """
    tp, fp = _counts(tp=tp, fp=fp)
    return _ratio(tp, tp + fp, "precision")


def recall(tp: int, fn: int) -> float:
    """再現率 (sensitivity, TPR) TP/(TP + FN): of the positive samples, the share found.

    Raises:
        ValueError: a bad count, or no positive samples.
    """
    tp, fn = _counts(tp=tp, fn=fn)
    return _ratio(tp, tp + fn, "recall")


def specificity(tn: int, fp: int) -> float:
    """特異度 (TNR = 1 − FPR) TN/(TN + FP): of the negative samples, the share kept negative.

    Raises:
        ValueError: a bad count, or no negative samples.
    """
    tn, fp = _counts(tn=tn, fp=fp)
    return _ratio(tn, tn + fp, "specificity")


def balanced_accuracy(tp: int, fp: int, fn: int, tn: int) -> float:
    """バランス正解率 (recall + specificity)/2: accuracy that an imbalanced class ratio cannot
    inflate (predicting everything negative scores 0.5).

    Raises:
        ValueError: a bad count, or a class with no samples.
    """
    return (recall(tp, fn) + specificity(tn, fp)) / 2


def f_beta(tp: int, fp: int, fn: int, beta: float = 1.0) -> float:
    """F_β = (1 + β²)·TP / ((1 + β²)·TP + β²·FN + FP): the weighted harmonic mean of precision
    and recall (recall counts β times as much), written in counts so that TP = 0 gives 0.

    Raises:
        ValueError: a bad count, β not > 0, or TP = FP = FN = 0 (nothing to score).
    """
    tp, fp, fn = _counts(tp=tp, fp=fp, fn=fn)
    b = finite("beta", beta)
    if b <= 0:
        raise ValueError(f"beta must be > 0, got {beta!r}")
    b2 = b * b
    den = (1 + b2) * tp + b2 * fn + fp
    if den == 0:
        raise ValueError("F-score is undefined: TP, FP and FN are all 0")
    return (1 + b2) * tp / den


def f1_score(tp: int, fp: int, fn: int) -> float:
    """F1 = 2TP/(2TP + FP + FN), the harmonic mean of precision and recall.

    Raises:
        ValueError: as for :func:`f_beta`.
    """
    return f_beta(tp, fp, fn, 1.0)


def confusion_counts(y_true: Any, y_pred: Any, positive: Any = 1) -> tuple[int, int, int, int]:
    """(TP, FP, FN, TN) of two label sequences, ``positive`` being the positive class.

    Raises:
        ValueError: the sequences differ in length or are empty.
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or t.shape != p.shape or t.size == 0:
        raise ValueError(
            f"y_true and y_pred must be non-empty 1-D of one length: {t.shape}, {p.shape}"
        )
    is_t, is_p = t == positive, p == positive
    return (
        int(np.sum(is_t & is_p)),
        int(np.sum(~is_t & is_p)),
        int(np.sum(is_t & ~is_p)),
        int(np.sum(~is_t & ~is_p)),
    )


def precision_recall(y_true: Any, y_pred: Any) -> tuple[float, float]:
    """(precision, recall) of 0/1 predictions against 0/1 labels, 1 being the positive class.

    Raises:
        ValueError: as for :func:`confusion_counts`, or no predicted or no actual positive.
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred)
    return precision(tp, fp), recall(tp, fn)


def _matrix(matrix: Any) -> np.ndarray:
    m = real_array("matrix", matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise ValueError(f"matrix must be square K×K with K ≥ 2, got shape {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m < 0) or np.any(m != np.rint(m)):
        raise ValueError("matrix must hold whole-number counts ≥ 0")
    return m


def per_class_f1(matrix: Any) -> np.ndarray:
    """Each class's F1 (one-vs-rest) from a K×K confusion matrix, true class in rows.

    Raises:
        ValueError: not a square matrix of counts, or a class that is neither present nor predicted.
    """
    m = _matrix(matrix)
    tp = np.diag(m)
    fp = m.sum(axis=0) - tp
    fn = m.sum(axis=1) - tp
    den = 2 * tp + fp + fn
    if np.any(den == 0):
        raise ValueError("F1 is undefined for a class that is neither present nor predicted")
    return 2 * tp / den


def macro_f1(matrix: Any) -> float:
    """Macro-average F1: the plain mean of the per-class F1 (every class weighs the same).

    Raises:
        ValueError: as for :func:`per_class_f1`.
    """
    return float(np.mean(per_class_f1(matrix)))


def micro_f1(matrix: Any) -> float:
    """Micro-average F1: F1 of the TP, FP and FN summed over classes. In single-label
    classification every error is one FP and one FN, so it equals the accuracy.

    Raises:
        ValueError: not a square matrix of counts, or an empty one.
    """
    m = _matrix(matrix)
    tp = float(np.trace(m))
    errors = float(m.sum()) - tp
    if tp + errors == 0:
        raise ValueError("micro F1 is undefined for an empty matrix")
    return 2 * tp / (2 * tp + 2 * errors)


def _scored(scores: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    s = real_array("scores", scores)
    y = np.asarray(labels)
    if s.ndim != 1 or y.shape != s.shape:
        raise ValueError(f"scores and labels must be 1-D of one length: {s.shape}, {y.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 (negative) or 1 (positive)")
    y = y.astype(bool)
    if y.all() or not y.any():
        raise ValueError("ROC needs at least one positive and one negative sample")
    return s, y


def roc_points(scores: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """The ROC curve's corners (FPR, TPR), from (0, 0) to (1, 1).

    The threshold runs down through every distinct score; a sample is predicted positive when its
    score ≥ threshold, so tied scores enter together (a diagonal step).

    Args:
        scores: (n,) real scores, higher meaning more likely positive.
        labels: (n,) 1 for positive, 0 for negative.

    Raises:
        ValueError: shapes differ, a score is not finite, a label not 0/1, or one class is absent.
    """
    s, y = _scored(scores, labels)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tps = np.cumsum(y)
    fps = np.cumsum(~y)
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]), s.size - 1]
    tpr = np.r_[0, tps[ends]] / tps[-1]
    fpr = np.r_[0, fps[ends]] / fps[-1]
    return fpr, tpr


def roc_auc(scores: Any, labels: Any) -> float:
    """Area under :func:`roc_points` by the trapezoid rule.

    Raises:
        ValueError: as for :func:`roc_points`.
    """
    fpr, tpr = roc_points(scores, labels)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def auc_mann_whitney(scores: Any, labels: Any) -> float:
    """AUC as the probability that a random positive outscores a random negative (a tie counts
    ½): the Mann–Whitney U over P·N, from average ranks. Equal to :func:`roc_auc`.

    Raises:
        ValueError: as for :func:`roc_points`.
    """
    s, y = _scored(scores, labels)
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    average_rank = upper - (counts - 1) / 2
    pos = int(y.sum())
    neg = y.size - pos
    u = float(np.sum(average_rank[inverse][y])) - pos * (pos + 1) / 2
    return u / (pos * neg)


def _pair(y_true: Any, y_pred: Any) -> np.ndarray:
    a, b = real_array("y_true", y_true), real_array("y_pred", y_pred)
    if a.shape != b.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("y_true and y_pred must not be empty")
    return b - a


def mse(y_true: Any, y_pred: Any) -> float:
    """平均二乗誤差 (MSE): the mean of (y_pred − y_true)².

    Raises:
        ValueError: shapes differ (no broadcasting) or the input is empty.
    """
    return losses.mse(y_pred, y_true)


def rmse(y_true: Any, y_pred: Any) -> float:
    """二乗平均平方根誤差 (RMSE): √MSE, in the unit of y.

    Raises:
        ValueError: as for :func:`mse`.
    """
    return math.sqrt(mse(y_true, y_pred))


def mae(y_true: Any, y_pred: Any) -> float:
    """平均絶対誤差 (MAE): the mean of |y_pred − y_true|.

    Raises:
        ValueError: as for :func:`mse`.
    """
    return float(np.mean(np.abs(_pair(y_true, y_pred))))


def kfold_sizes(n_samples: int, k: int) -> tuple[tuple[int, int], ...]:
    """(training size, validation size) of each fold of k-fold cross-validation.

    The validation folds partition the samples; as in scikit-learn's ``KFold``, every fold gets
    ⌊n/k⌋ samples and the first n mod k folds one more.

    Raises:
        ValueError: k < 2 or more folds than samples.
    """
    n = whole_number("n_samples", n_samples)
    folds = whole_number("k", k, minimum=2)
    if folds > n:
        raise ValueError(f"k must be ≤ n_samples ({n}), got {folds}")
    base, extra = divmod(n, folds)
    sizes = [base + 1 if i < extra else base for i in range(folds)]
    return tuple((n - v, v) for v in sizes)


def average_precision(hits: Any, n_positives: int, interpolated: bool = False) -> float:
    """Average precision of a ranked list of detections (or retrieved items).

    Args:
        hits: 1 for a true positive, 0 for a false positive, highest score first.
        n_positives: ground-truth objects G (≥ the number of hits; those never detected count).
        interpolated: False for the non-interpolated AP, (1/G)·Σ P@k over the ranks k of the true
            positives (scikit-learn's ``average_precision_score``); True for the all-point
            interpolated AP of PASCAL VOC 2010+, where each precision is first replaced by the
            highest precision at any later rank (the precision envelope).

    Raises:
        ValueError: hits not 0/1, G < 1, or more hits than G.
    """
    h = np.asarray(hits, dtype=float).reshape(-1)
    if not np.isin(h, (0.0, 1.0)).all():
        raise ValueError("hits must be 0 or 1")
    g = whole_number("n_positives", n_positives)
    if h.sum() > g:
        raise ValueError(f"{int(h.sum())} hits but only {g} positives")
    if len(h) == 0:
        return 0.0
    precision = np.cumsum(h) / np.arange(1, len(h) + 1)
    if interpolated:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float((precision * h).sum() / g)


def mean_average_precision(scores: Any, labels: Any) -> float:
    """mAP of a multi-label ranking: for each class (column) rank the samples by score, take the
    non-interpolated :func:`average_precision` over that class's positives, and average over the
    classes. Tied scores keep the samples' order (stable sort).

    Args:
        scores: (N, K); labels: (N, K) of 0/1, every class with at least one positive.

    Raises:
        ValueError: shapes differ, labels not 0/1, or a class without a positive.
    """
    s, y = real_array("scores", scores), np.asarray(labels)
    if s.ndim != 2 or y.shape != s.shape:
        raise ValueError(f"scores and labels must be (N, K) of one shape, got {s.shape}, {y.shape}")
    if not np.all(np.isin(y, (0, 1))) or np.any(y.sum(axis=0) == 0):
        raise ValueError("labels must be 0/1 with at least one positive per class")
    aps = []
    for k in range(s.shape[1]):
        hits = y[np.argsort(-s[:, k], kind="stable"), k]
        aps.append(average_precision(hits, int(hits.sum())))
    return float(np.mean(aps))
