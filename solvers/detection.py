"""Object-detection arithmetic: the IoU of two boxes and non-maximum suppression (NMS).

Boxes are (x1, y1, x2, y2) with x1 ≤ x2 and y1 ≤ y2. In continuous coordinates a box's width is
x2 − x1; with ``inclusive=True`` the coordinates name pixels and both ends belong to the box, so
its width is x2 − x1 + 1 (the PASCAL VOC devkit's convention).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _boxes(name: str, value: Any) -> np.ndarray:
    arr = real_array(name, value)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError(f"{name} must be (x1, y1, x2, y2) boxes, got shape {arr.shape}")
    if (arr[:, 2] < arr[:, 0]).any() or (arr[:, 3] < arr[:, 1]).any():
        raise ValueError(f"{name}: every box needs x1 ≤ x2 and y1 ≤ y2")
    return arr


def box_area(boxes: Any, inclusive: bool = False) -> np.ndarray:
    """Area of each box (width × height, +1 on each side length for pixel-inclusive boxes)."""
    b = _boxes("boxes", boxes)
    one = 1.0 if inclusive else 0.0
    return (b[:, 2] - b[:, 0] + one) * (b[:, 3] - b[:, 1] + one)


def iou_matrix(a: Any, b: Any, inclusive: bool = False) -> np.ndarray:
    """IoU of every box of ``a`` with every box of ``b``: |A ∩ B| / (|A| + |B| − |A ∩ B|)."""
    ba, bb = _boxes("a", a), _boxes("b", b)
    one = 1.0 if inclusive else 0.0
    w = np.minimum(ba[:, None, 2], bb[None, :, 2]) - np.maximum(ba[:, None, 0], bb[None, :, 0])
    h = np.minimum(ba[:, None, 3], bb[None, :, 3]) - np.maximum(ba[:, None, 1], bb[None, :, 1])
    inter = np.clip(w + one, 0, None) * np.clip(h + one, 0, None)
    union = box_area(ba, inclusive)[:, None] + box_area(bb, inclusive)[None, :] - inter
    return inter / union


def iou(a: Any, b: Any, inclusive: bool = False) -> float:
    """IoU of two boxes (0 when they do not overlap).

    Example: (0, 0, 4, 4) and (2, 2, 6, 6) overlap in 4 of 16 + 16 − 4 = 28, so IoU = 1/7.
    """
    return float(iou_matrix(a, b, inclusive)[0, 0])


def nms(boxes: Any, scores: Any, threshold: float, inclusive: bool = False) -> np.ndarray:
    """Greedy non-maximum suppression: take the highest-scoring box left, remove every remaining
    box whose IoU with it is greater than ``threshold`` (a box at exactly the threshold stays, as
    in torchvision), repeat.

    Returns:
        Indices of the kept boxes, highest score first (ties in score keep the listed order).

    Raises:
        ValueError: boxes and scores of different lengths, or a threshold outside [0, 1].
    """
    b = _boxes("boxes", boxes)
    s = real_array("scores", scores).reshape(-1)
    if len(s) != len(b):
        raise ValueError(f"{len(b)} boxes but {len(s)} scores")
    t = finite("threshold", threshold)
    if not 0 <= t <= 1:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    order = list(np.argsort(-s, kind="stable"))
    overlaps = iou_matrix(b, b, inclusive)
    kept: list[int] = []
    while order:
        top = order.pop(0)
        kept.append(int(top))
        order = [i for i in order if not overlaps[top, i] > t]
    return np.array(kept, dtype=np.int64)
