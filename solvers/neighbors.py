"""Nearest neighbours and k-means, the distance-based learners: a k-NN vote and one k-means
assignment and update step.

Conventions (the prompts state them): distances that tie are ordered by the training point's
index, and a vote that ties goes to the tied class whose nearest member is closest to the query.
Cosine distance is 1 − cos θ.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from solvers._checks import real_array, whole_number

Metric = Literal["euclidean", "manhattan", "cosine"]


def _points(name: str, x: Any) -> np.ndarray:
    arr = real_array(name, x).astype(np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty 2-D array (n, d) of finite numbers")
    return arr


def distances(x_train: Any, query: Any, metric: Metric = "euclidean") -> np.ndarray:
    """Each training point's distance to ``query``.

    Raises:
        ValueError: bad shapes, an unknown metric, or a zero vector under the cosine distance.
    """
    xs = _points("x_train", x_train)
    q = real_array("query", query).astype(np.float64).ravel()
    if q.shape != (xs.shape[1],) or not np.all(np.isfinite(q)):
        raise ValueError(f"query must have {xs.shape[1]} finite coordinates")
    diff = xs - q
    if metric == "euclidean":
        return np.sqrt(np.sum(diff * diff, axis=1))
    if metric == "manhattan":
        return np.sum(np.abs(diff), axis=1)
    if metric == "cosine":
        norms = np.linalg.norm(xs, axis=1) * np.linalg.norm(q)
        if np.any(norms == 0):
            raise ValueError("the cosine distance is undefined for a zero vector")
        return 1.0 - xs @ q / norms
    raise ValueError(f"unknown metric {metric!r}; known: euclidean, manhattan, cosine")


def knn_vote(
    x_train: Any, y_train: Any, query: Any, k: int, metric: Metric = "euclidean"
) -> tuple[int, int]:
    """The k-NN prediction and its vote count, (class, votes), under the module's tie rules.

    Raises:
        ValueError: as for :func:`distances`, labels of the wrong length, or k outside 1…n.
    """
    d = distances(x_train, query, metric)
    labels = np.asarray(y_train).ravel()
    if labels.shape != d.shape:
        raise ValueError(f"y_train must have {d.size} labels")
    kk = whole_number("k", k)
    if kk > d.size:
        raise ValueError(f"k must be ≤ the number of training points ({d.size}), got {k!r}")
    # rounded so that mathematically equal distances (parallel vectors under the cosine
    # distance) tie exactly and go by index, as the convention says
    nearest = np.argsort(np.round(d, 12), kind="stable")[:kk]
    votes: dict[int, int] = {}
    first: dict[int, int] = {}
    for rank, i in enumerate(nearest.tolist()):
        c = int(labels[i])
        votes[c] = votes.get(c, 0) + 1
        first.setdefault(c, rank)
    best = max(votes.values())
    winner = min((c for c, v in votes.items() if v == best), key=first.__getitem__)
    return winner, best


def knn_predict(x_train: Any, y_train: Any, query: Any, k: int) -> int:
    """The class k-NN with the Euclidean distance predicts for ``query``.

    Raises:
        ValueError: as for :func:`knn_vote`.
    """
    return knn_vote(x_train, y_train, query, k)[0]


def kmeans_assign(x: Any, centroids: Any) -> np.ndarray:
    """Each point's nearest centroid (squared Euclidean distance; a tie goes to the lower
    index), the assignment step of k-means.

    Raises:
        ValueError: bad shapes.
    """
    xs, cs = _points("x", x), _points("centroids", centroids)
    if xs.shape[1] != cs.shape[1]:
        raise ValueError("x and centroids must have the same number of features")
    d2 = ((xs[:, None, :] - cs[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(d2, axis=1).astype(np.float64)


def kmeans_update(x: Any, labels: Any, centroids: Any) -> np.ndarray:
    """The update step of k-means: each centroid moves to the mean of its points; a centroid
    with no points stays where it was.

    Raises:
        ValueError: bad shapes or labels outside 0…k−1.
    """
    xs, cs = _points("x", x), _points("centroids", centroids)
    lab = np.asarray(labels).ravel()
    if lab.shape != (xs.shape[0],) or np.any((lab < 0) | (lab >= cs.shape[0])):
        raise ValueError("labels must give each point a centroid index")
    out = cs.copy()
    for j in range(cs.shape[0]):
        members = xs[lab == j]
        if len(members):
            out[j] = members.mean(axis=0)
    return out


def kmeans_inertia(x: Any, centroids: Any) -> float:
    """The k-means objective (inertia, scikit-learn's ``inertia_``): the sum over points of the
    squared Euclidean distance to the nearest centroid.

    Raises:
        ValueError: bad shapes.
    """
    xs, cs = _points("x", x), _points("centroids", centroids)
    if xs.shape[1] != cs.shape[1]:
        raise ValueError("x and centroids must have the same number of features")
    d2 = ((xs[:, None, :] - cs[None, :, :]) ** 2).sum(axis=2)
    return float(d2.min(axis=1).sum())


def cosine_similarity_matrix(a: Any, b: Any) -> np.ndarray:
    """cos θ between every row of a (n, d) and every row of b (m, d): (n, m).

    Raises:
        ValueError: bad shapes or a zero row.
    """
    aa, bb = _points("a", a), _points("b", b)
    if aa.shape[1] != bb.shape[1]:
        raise ValueError("a and b must have the same number of features")
    na = np.linalg.norm(aa, axis=1, keepdims=True)
    nb = np.linalg.norm(bb, axis=1, keepdims=True)
    if np.any(na == 0) or np.any(nb == 0):
        raise ValueError("cosine similarity is undefined for a zero vector")
    return (aa / na) @ (bb / nb).T
