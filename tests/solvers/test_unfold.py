"""solvers.unfold (im2col/col2im layers) held to solvers.conv's window-view layers, and col2im to
the adjoint identity <im2col(x), y> = <x, col2im(y)>."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import conv, unfold

FAST = settings(max_examples=40, deadline=None)
geometry = st.tuples(
    st.integers(1, 2),
    st.integers(1, 3),
    st.integers(3, 6),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 1),
    st.integers(0, 999),
)


@FAST
@given(geometry)
def test_conv_layers_agree_with_conv(g):
    n, c, size, k, s, p, seed = g
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c, size, size))
    w = rng.normal(size=(2, c, k, k))
    b = rng.normal(size=2)
    out = unfold.conv_forward(x, w, b, s, p)
    assert out == pytest.approx(conv.conv2d(x, w, b, stride=s, padding=p))
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv.conv2d_backward(x, w, dout, stride=s, padding=p)
    assert unfold.conv_backward_dx(x, w, dout, s, p) == pytest.approx(dx)
    assert unfold.conv_backward_dw(x, w, dout, s, p) == pytest.approx(dw)
    assert unfold.conv_backward_db(dout) == pytest.approx(db)
    col = unfold.im2col(x, k, k, s, p)
    y = rng.normal(size=col.shape)
    back = unfold.col2im(y, x.shape, k, k, s, p)
    assert np.sum(col * y) == pytest.approx(np.sum(x * back))


def _numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (f(up) - f(down)) / (2 * eps)
    return g


@FAST
@given(
    st.integers(1, 2),
    st.integers(4, 6),
    st.sampled_from([(2, 2), (2, 1), (3, 2)]),
    st.integers(0, 999),
)
def test_pool_backward_is_the_finite_difference_gradient(c, size, ks, seed):
    k, s = ks
    rng = np.random.default_rng(seed)
    x = rng.permutation(c * size * size).reshape(1, c, size, size).astype(float)  # no ties
    out = unfold.max_pool_forward(x, k, s)
    assert out == pytest.approx(conv.max_pool2d(x, k, s))
    dout = rng.normal(size=out.shape)
    want = _numeric_grad(lambda v: np.sum(conv.max_pool2d(v, k, s) * dout), x)
    assert unfold.max_pool_backward(x, dout, k, s) == pytest.approx(want, abs=1e-6)
    want = _numeric_grad(lambda v: np.sum(conv.avg_pool2d(v, k, s) * dout), x)
    assert unfold.avg_pool_backward(x, dout, k, s) == pytest.approx(want, abs=1e-6)


def test_im2col_layout_rows_are_windows_in_c_kh_kw_order():
    x = np.arange(2 * 3 * 3).reshape(1, 2, 3, 3)
    col = unfold.im2col(x, 2, 2)
    assert col.shape == (4, 8)
    assert col[0].tolist() == [0, 1, 3, 4, 9, 10, 12, 13]
    assert col[3].tolist() == [4, 5, 7, 8, 13, 14, 16, 17]
