"""solvers.augmentation: CutMix label weights by hand and against a pixel mask."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.augmentation import cutmix_areas, cutmix_side_ratio_weights, cutmix_weights


def test_by_hand():
    assert cutmix_weights(32, 32, 16, 16) == (0.75, 0.25)
    assert cutmix_weights(224, 224, 224, 224) == (0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.data())
def test_matches_a_pasted_mask(h, w, data):
    bh, bw = data.draw(st.integers(1, h)), data.draw(st.integers(1, w))
    mask = np.zeros((h, w))
    mask[:bh, :bw] = 1.0  # pixels taken from the pasted image
    keep, pasted = cutmix_weights(h, w, bh, bw)
    assert pasted == pytest.approx(mask.mean())
    assert keep + pasted == pytest.approx(1.0)


@pytest.mark.parametrize("args", [(32, 32, 33, 16), (32, 32, 0, 16), (32, 32.5, 16, 16)])
def test_invalid_input_raises(args):
    with pytest.raises(ValueError):
        cutmix_weights(*args)


def test_areas_by_hand():
    assert cutmix_areas(32, 32, 16, 16) == (1024, 256)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.data())
def test_areas_are_what_the_weights_are_a_ratio_of(h, w, data):
    bh, bw = data.draw(st.integers(1, h)), data.draw(st.integers(1, w))
    image, box = cutmix_areas(h, w, bh, bw)
    assert image == np.ones((h, w)).size and box == np.ones((bh, bw)).size
    assert cutmix_weights(h, w, bh, bw)[1] == pytest.approx(box / image)


@pytest.mark.parametrize("args", [(32, 32, 33, 16), (32, 32, 0, 16), (32, 32.5, 16, 16)])
def test_areas_invalid_input_raises(args):
    with pytest.raises(ValueError):
        cutmix_areas(*args)


def test_side_ratio_slip_against_the_area_ratio():
    assert cutmix_side_ratio_weights(32, 16) == (0.5, 0.5)
    assert cutmix_weights(32, 32, 16, 16) == (0.75, 0.25)
    with pytest.raises(ValueError, match="does not fit"):
        cutmix_side_ratio_weights(16, 32)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 256), st.data())
def test_the_area_share_is_the_side_share_squared(side, data):
    box = data.draw(st.integers(1, side))
    _, side_share = cutmix_side_ratio_weights(side, box)
    _, area_share = cutmix_weights(side, side, box, box)
    assert area_share == pytest.approx(side_share**2)
