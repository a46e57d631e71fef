"""solvers.segmentation: transposed convolution as the adjoint of convolution, its output size,
and U-Net's sizes against the paper's figure."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.conv import conv2d, output_size
from solvers.segmentation import conv_transpose2d, transposed_output_size, unet_sizes

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(
    st.integers(2, 6), st.integers(1, 4), st.integers(1, 3), st.integers(0, 1), st.integers(0, 99)
)
def test_transposed_conv_is_the_adjoint_of_conv(n, k, s, p, seed):
    rng = np.random.default_rng(seed)
    size = transposed_output_size(n, k, s, p) if (n - 1) * s - 2 * p + k >= 1 else None
    if size is None or output_size(size, k, s, p) != n:
        return
    x = rng.normal(size=(1, 2, n, n))
    w = rng.normal(size=(2, 3, k, k))
    y = rng.normal(size=(1, 3, size, size))
    up = conv_transpose2d(x, w, s, p)
    assert up.shape == (1, 3, size, size)
    # <convᵀ(x), y> = <x, conv(y)> with the same weights (w as conv weights: (C_in=3 → C_out=2))
    down = conv2d(y, w, stride=s, padding=p)
    assert np.sum(up * y) == pytest.approx(np.sum(x * down))


def test_transposed_output_size_values():
    assert transposed_output_size(16, 4, 2, 1) == 32
    assert transposed_output_size(7, 3, 2, 1, 1) == 14
    assert transposed_output_size(1, 64, 32, 16) == 32  # FCN-32s-like upsampling of one pixel
    with pytest.raises(ValueError):
        transposed_output_size(4, 3, 2, 0, 2)


def test_unet_paper_sizes():
    assert unet_sizes(572, 4) == (568, 280, 136, 64, 28, 52, 100, 196, 388)
    assert unet_sizes(256, 4, padded=True) == (256, 128, 64, 32, 16, 32, 64, 128, 256)
    with pytest.raises(ValueError):
        unet_sizes(570, 4)
