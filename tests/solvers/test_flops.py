"""solvers.flops: golden counts, the MobileNet ratio, and counts measured by running conv2d."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers.conv import conv2d, conv_params, output_size
from solvers.flops import (
    conv_macs,
    depthwise_separable_macs,
    depthwise_separable_params,
    depthwise_separable_ratio,
    fc_params,
)

FAST = settings(max_examples=50, deadline=None)
sizes = st.integers(1, 64)
kernels = st.sampled_from([1, 3, 5, 7])


def test_golden_counts():
    assert conv_macs(112, 112, 3, 32, 64) == 231_211_008
    assert conv_macs(h_out=56, w_out=56, kernel=(1, 1), c_in=64, c_out=256) == 51_380_224
    assert depthwise_separable_macs(112, 112, 3, 32, 64) == 112 * 112 * 9 * 32 + 112 * 112 * 32 * 64
    assert depthwise_separable_ratio(3, 256) == pytest.approx(1 / 256 + 1 / 9)
    assert depthwise_separable_ratio(kernel=3, c_out=1024) == pytest.approx(0.11209, abs=1e-5)
    assert depthwise_separable_params(3, 32, 64) == 9 * 32 + 32 * 64
    assert depthwise_separable_params(3, 32, 64, bias=True) == 9 * 32 + 32 * 64 + 32 + 64
    assert fc_params(784, 100) == 78_500
    assert fc_params(n_in=4096, n_out=1000, bias=False) == 4_096_000
    assert type(depthwise_separable_ratio(3, 64)) is float
    assert type(conv_macs(1, 1, 1, 1, 1)) is int


@given(h=sizes, w=sizes, c_in=st.integers(1, 512), c_out=st.integers(1, 512), k=kernels)
@FAST
def test_ratio_equals_macs_ratio(h, w, c_in, c_out, k):
    ratio = depthwise_separable_macs(h, w, k, c_in, c_out) / conv_macs(h, w, k, c_in, c_out)
    assert depthwise_separable_ratio(k, c_out) == pytest.approx(ratio, rel=1e-12)
    params_ratio = depthwise_separable_params(k, c_in, c_out) / conv_params(
        k, c_in, c_out, bias=False
    )
    assert depthwise_separable_ratio(k, c_out) == pytest.approx(params_ratio, rel=1e-12)


@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    k=st.integers(1, 3),
    c_in=st.integers(1, 4),
    c_out=st.integers(1, 4),
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
)
@FAST
def test_counts_agree_with_running_conv2d(h, w, k, c_in, c_out, stride, padding):
    """With all-ones inputs and weights each output value is its number of multiply-adds."""
    assume(k <= min(h, w) + 2 * padding)
    oh, ow = output_size(h, k, stride, padding), output_size(w, k, stride, padding)
    x = np.ones((1, c_in, h, w))
    # Padding contributes zeros, so count the MACs on a padded all-ones input instead.
    xp = np.ones((1, c_in, h + 2 * padding, w + 2 * padding))
    standard = conv2d(xp, np.ones((c_out, c_in, k, k)), stride=stride)
    assert (
        standard.shape
        == conv2d(x, np.ones((c_out, c_in, k, k)), stride=stride, padding=padding).shape
    )
    assert int(standard.sum()) == conv_macs(oh, ow, k, c_in, c_out)
    depthwise = np.concatenate(
        [conv2d(xp[:, c : c + 1], np.ones((1, 1, k, k)), stride=stride) for c in range(c_in)],
        axis=1,
    )
    pointwise = conv2d(np.ones_like(depthwise), np.ones((c_out, c_in, 1, 1)))
    assert int(depthwise.sum() + pointwise.sum()) == depthwise_separable_macs(
        oh, ow, k, c_in, c_out
    )


def test_rectangular_kernels():
    assert conv_macs(10, 10, (1, 3), 4, 8) == 10 * 10 * 3 * 4 * 8
    assert depthwise_separable_ratio((1, 3), 8) == pytest.approx(1 / 8 + 1 / 3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: conv_macs(0, 10, 3, 1, 1),
        lambda: conv_macs(10, 10, 3, -1, 1),
        lambda: conv_macs(10, 10, 2.5, 1, 1),
        lambda: conv_macs(10, 10, (3, 3, 3), 1, 1),
        lambda: depthwise_separable_macs(10, 10, 3, 1, 0),
        lambda: depthwise_separable_ratio(0, 10),
        lambda: depthwise_separable_ratio(3, 0),
        lambda: depthwise_separable_params(3, 0, 4),
        lambda: fc_params(0, 10),
        lambda: fc_params(10, True),
    ],
)
def test_rejects_invalid(call):
    with pytest.raises(ValueError):
        call()
