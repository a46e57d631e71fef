"""solvers.detection: IoU against counting unit cells, NMS against a brute-force definition, and
average precision (solvers.metrics) against its sums written out."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.detection import box_area, iou, nms
from solvers.metrics import average_precision

FAST = settings(max_examples=80, deadline=None)


def _cells(box, inclusive):
    x1, y1, x2, y2 = box
    end = 1 if inclusive else 0
    return {(x, y) for x in range(x1, x2 + end) for y in range(y1, y2 + end)}


box = st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(1, 5), st.integers(1, 5)).map(
    lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])
)


@FAST
@given(box, box, st.booleans())
def test_iou_counts_unit_cells(a, b, inclusive):
    ca, cb = _cells(a, inclusive), _cells(b, inclusive)
    assert iou(a, b, inclusive) == pytest.approx(len(ca & cb) / len(ca | cb))
    assert iou(a, b, inclusive) == pytest.approx(iou(b, a, inclusive))
    assert box_area(a, inclusive)[0] == len(ca)


def test_iou_known_values():
    assert iou((0, 0, 4, 4), (2, 2, 6, 6)) == pytest.approx(1 / 7)
    assert iou((0, 0, 4, 4), (2, 2, 6, 6), inclusive=True) == pytest.approx(9 / 41)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0
    with pytest.raises(ValueError):
        iou((2, 0, 1, 1), (0, 0, 1, 1))


def _brute_nms(boxes, scores, t):
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    alive = set(order)
    kept = []
    for i in order:
        if i not in alive:
            continue
        kept.append(i)
        alive -= {j for j in alive if j != i and iou(boxes[i], boxes[j]) > t}
        alive.discard(i)
    return kept


@FAST
@given(st.lists(box, min_size=1, max_size=6), st.sampled_from([0.3, 0.5, 0.7]), st.data())
def test_nms_matches_the_definition(boxes, t, data):
    scores = data.draw(st.permutations(range(len(boxes))))
    assert nms(boxes, scores, t).tolist() == _brute_nms(boxes, scores, t)


def test_nms_keeps_a_box_at_exactly_the_threshold():
    boxes = [(0, 0, 2, 1), (1, 0, 3, 1)]  # IoU 1/3
    assert nms(boxes, [0.9, 0.8], 1 / 3).tolist() == [0, 1]
    assert nms(boxes, [0.9, 0.8], 0.3).tolist() == [0]
    with pytest.raises(ValueError):
        nms(boxes, [0.9], 0.5)


@FAST
@given(st.lists(st.integers(0, 1), min_size=1, max_size=10), st.integers(0, 3))
def test_average_precision_sums(hits, missed):
    g = sum(hits) + missed
    if g == 0:
        return
    prec = [Fraction(sum(hits[: k + 1]), k + 1) for k in range(len(hits))]
    plain = sum((p for p, h in zip(prec, hits, strict=True) if h), Fraction(0)) / g
    assert average_precision(hits, g) == pytest.approx(float(plain))
    envelope = [max(prec[k:]) for k in range(len(prec))]
    # all-point interpolation: area under the envelope, step by recall increments of 1/G
    area = sum((e for e, h in zip(envelope, hits, strict=True) if h), Fraction(0)) / g
    assert average_precision(hits, g, interpolated=True) == pytest.approx(float(area))
    assert average_precision(hits, g, interpolated=True) >= average_precision(hits, g) - 1e-12


def test_average_precision_known_value():
    # TP FP TP: P@1 = 1, P@3 = 2/3; G = 2 → (1 + 2/3)/2 = 5/6
    assert average_precision([1, 0, 1], 2) == pytest.approx(5 / 6)
    with pytest.raises(ValueError):
        average_precision([1, 1], 1)
