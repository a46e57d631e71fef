"""solvers.conv against nested-loop references, finite differences and textbook golden values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.conv import (
    avg_pool2d,
    conv2d,
    conv2d_backward,
    conv_params,
    effective_kernel,
    global_avg_pool,
    global_sum_pool,
    max_pool2d,
    output_area_ratio,
    output_size,
    output_size_ceil,
    pool_params,
    receptive_field_growth,
    slide_ratio,
    stacked_conv_params,
    stacked_receptive_field,
)

FAST = settings(max_examples=40, deadline=None)


def ref_conv2d(x, w, b, stride, padding, dilation):
    """Textbook definition, one output pixel at a time."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * padding, wd + 2 * padding))
    xp[:, :, padding : padding + h, padding : padding + wd] = x
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, m, oh, ow))
    for i_n in range(n):
        for i_m in range(m):
            for r in range(oh):
                for q in range(ow):
                    acc = 0.0 if b is None else b[i_m]
                    for i_c in range(c):
                        for i in range(kh):
                            for j in range(kw):
                                acc += (
                                    xp[
                                        i_n,
                                        i_c,
                                        r * stride + i * dilation,
                                        q * stride + j * dilation,
                                    ]
                                    * w[i_m, i_c, i, j]
                                )
                    out[i_n, i_m, r, q] = acc
    return out


def ref_pool(x, kernel, stride, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - kernel) // stride + 1, (w - kernel) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for i_n in range(n):
        for i_c in range(c):
            for r in range(oh):
                for q in range(ow):
                    patch = x[
                        i_n, i_c, r * stride : r * stride + kernel, q * stride : q * stride + kernel
                    ]
                    out[i_n, i_c, r, q] = reduce(patch)
    return out


@st.composite
def conv_cases(draw):
    k = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2))
    s = draw(st.integers(1, 3))
    p = draw(st.integers(0, 2))
    span = d * (k - 1) + 1
    h = draw(st.integers(max(1, span - 2 * p), 7))
    w = draw(st.integers(max(1, span - 2 * p), 7))
    n, c, m = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((m, c, k, k))
    b = rng.standard_normal(m) if draw(st.booleans()) else None
    return x, wt, b, s, p, d


# --- size formulas -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((32, 3, 1, 1), 32),
        ((224, 7, 2, 3), 112),
        ((5, 3), 3),
        ((28, 5), 24),
        ((7, 3, 2), 3),
        ((112, 3, 2, 1), 56),
        ((4, 2, 2), 2),
        ((5, 3, 1, 0, 2), 1),
        ((8, 3, 1, 2, 2), 8),
    ],
)
def test_output_size_golden(args, expected):
    assert output_size(*args) == expected
    assert type(output_size(*args)) is int


def test_output_size_keywords_and_integral_floats():
    assert output_size(size=224, kernel=7, stride=2, padding=3) == 112
    assert output_size(size=32.0, kernel=3.0, padding=1.0) == 32


def test_effective_kernel_golden():
    assert effective_kernel(3, 2) == 5
    assert effective_kernel(3, 1) == 3
    assert effective_kernel(kernel=3, dilation=4) == 9
    assert effective_kernel(1, 7) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(size=5, kernel=7),
        dict(size=5, kernel=3, dilation=3),
        dict(size=5, kernel=3, stride=0),
        dict(size=-1, kernel=1),
        dict(size=5, kernel=0),
        dict(size=5, kernel=3, padding=-1),
        dict(size=5, kernel=2.5),
        dict(size=5, kernel=True),
    ],
)
def test_output_size_rejects_invalid(kwargs):
    with pytest.raises(ValueError):
        output_size(**kwargs)


@given(
    size=st.integers(1, 300),
    kernel=st.integers(1, 11),
    stride=st.integers(1, 5),
    padding=st.integers(0, 5),
    dilation=st.integers(1, 4),
)
@FAST
def test_output_size_counts_window_positions(size, kernel, stride, padding, dilation):
    span = dilation * (kernel - 1) + 1
    if span > size + 2 * padding:
        with pytest.raises(ValueError):
            output_size(size, kernel, stride, padding, dilation)
        return
    positions = len(range(0, size + 2 * padding - span + 1, stride))
    assert output_size(size, kernel, stride, padding, dilation) == positions


def test_stacked_receptive_field_golden():
    assert stacked_receptive_field([3, 3]) == 5
    assert stacked_receptive_field([3, 3, 3]) == 7
    assert stacked_receptive_field([2, 2], strides=[2, 2]) == 4
    assert stacked_receptive_field([3, 3, 3], dilations=[1, 2, 4]) == 15
    assert stacked_receptive_field([7, 3, 3], strides=[2, 2, 1]) == 7 + 2 * 2 + 2 * 4
    assert stacked_receptive_field(kernels=[5]) == 5


def test_stacked_receptive_field_rejects_invalid():
    with pytest.raises(ValueError):
        stacked_receptive_field([])
    with pytest.raises(ValueError):
        stacked_receptive_field([3, 3], strides=[1])
    with pytest.raises(ValueError):
        stacked_receptive_field([3, 0])
    with pytest.raises(ValueError):
        stacked_receptive_field([3, 3], dilations=[1, 0])


@given(
    kernels=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    data=st.data(),
)
@FAST
def test_stacked_receptive_field_matches_probe(kernels, data):
    """An impulse in the gradient of one output pixel lights up exactly the receptive field."""
    n = len(kernels)
    strides = data.draw(st.lists(st.integers(1, 2), min_size=n, max_size=n))
    dilations = data.draw(st.lists(st.integers(1, 2), min_size=n, max_size=n))
    field = stacked_receptive_field(kernels, dilations=dilations, strides=strides)
    size = field + 4
    xs = [np.ones((1, 1, size, 1))]
    ws = []
    for k, d, s in zip(kernels, dilations, strides, strict=True):
        ws.append(np.ones((1, 1, k, 1)))
        xs.append(conv2d(xs[-1], ws[-1], stride=(s, 1), dilation=(d, 1)))
    grad = np.zeros_like(xs[-1])
    grad[0, 0, 0, 0] = 1.0
    for i in reversed(range(n)):
        grad, _, _ = conv2d_backward(
            xs[i], ws[i], grad, stride=(strides[i], 1), dilation=(dilations[i], 1)
        )
    touched = np.flatnonzero(grad[0, 0, :, 0])
    assert touched[-1] - touched[0] + 1 == field


def test_conv_params_golden():
    assert conv_params(3, 3, 64) == 3 * 3 * 3 * 64 + 64
    assert conv_params(kernel=3, c_in=64, c_out=128, bias=False) == 73728
    assert conv_params((1, 7), 16, 32) == 7 * 16 * 32 + 32
    assert conv_params(np.array([3.0, 3.0]), 1, 1, bias=False) == 9
    with pytest.raises(ValueError):
        conv_params(0, 3, 3)
    with pytest.raises(ValueError):
        conv_params((3, 3, 3), 3, 3)


def test_conv_params_matches_weight_shapes():
    w = np.zeros((8, 4, 3, 5))
    b = np.zeros(8)
    assert conv_params((3, 5), 4, 8) == w.size + b.size


# --- conv2d ------------------------------------------------------------------------------------


@given(conv_cases())
@FAST
def test_conv2d_matches_loops(case):
    x, w, b, s, p, d = case
    out = conv2d(x, w, b, stride=s, padding=p, dilation=d)
    expected_shape = (
        x.shape[0],
        w.shape[0],
        output_size(x.shape[2], w.shape[2], s, p, d),
        output_size(x.shape[3], w.shape[3], s, p, d),
    )
    assert out.shape == expected_shape
    np.testing.assert_allclose(out, ref_conv2d(x, w, b, s, p, d), rtol=1e-10, atol=1e-10)


def test_conv2d_known_values():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    out = conv2d(x, w)
    np.testing.assert_array_equal(out, np.full((1, 1, 3, 3), -5.0))
    edge = conv2d(x, np.ones((1, 1, 3, 3)), b=np.array([1.0]), padding=1)
    assert edge[0, 0, 0, 0] == 0 + 1 + 4 + 5 + 1
    assert edge.shape == (1, 1, 4, 4)


def test_conv2d_is_cross_correlation_not_convolution():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 0, 0] = 1.0
    w = np.arange(9.0).reshape(1, 1, 3, 3)
    assert conv2d(x, w, padding=2)[0, 0, 2, 2] == w[0, 0, 0, 0]
    assert conv2d(x, w, padding=2)[0, 0, 0, 0] == w[0, 0, 2, 2]


def test_conv2d_rectangular_pairs():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 6, 9))
    w = rng.standard_normal((3, 2, 2, 3))
    out = conv2d(x, w, stride=(1, 2), padding=(0, 1), dilation=(2, 1))
    assert out.shape == (1, 3, output_size(6, 2, 1, 0, 2), output_size(9, 3, 2, 1, 1))
    xp = np.pad(x, ((0, 0), (0, 0), (0, 0), (1, 1)))
    r, q = 1, 2
    patch = xp[0, :, r : r + 3 : 2, 2 * q : 2 * q + 3]
    assert out[0, 1, r, q] == pytest.approx(np.sum(patch * w[1]))


def test_conv2d_dtypes():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((2, 2, 3, 3))
    out32 = conv2d(x.astype(np.float32), w.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, conv2d(x, w), rtol=1e-5, atol=1e-5)
    ints = conv2d(np.ones((1, 1, 3, 3), dtype=int), np.ones((1, 1, 2, 2), dtype=int))
    assert ints.dtype == np.float64
    np.testing.assert_array_equal(ints, np.full((1, 1, 2, 2), 4.0))


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "b_shape", "kwargs"),
    [
        ((1, 3, 5, 5), (2, 2, 3, 3), None, {}),
        ((3, 5, 5), (2, 3, 3, 3), None, {}),
        ((1, 3, 5, 5), (2, 3, 3), None, {}),
        ((1, 3, 2, 2), (2, 3, 3, 3), None, {}),
        ((1, 3, 5, 5), (2, 3, 3, 3), (3,), {}),
        ((1, 3, 5, 5), (2, 3, 3, 3), None, {"stride": 0}),
        ((1, 3, 5, 5), (2, 3, 3, 3), None, {"padding": -1}),
        ((1, 3, 5, 5), (2, 3, 3, 3), None, {"dilation": 3}),
        ((0, 3, 5, 5), (2, 3, 3, 3), None, {}),
    ],
)
def test_conv2d_rejects_invalid(x_shape, w_shape, b_shape, kwargs):
    b = None if b_shape is None else np.zeros(b_shape)
    with pytest.raises(ValueError):
        conv2d(np.zeros(x_shape), np.zeros(w_shape), b, **kwargs)


def test_conv2d_rejects_complex():
    with pytest.raises(ValueError):
        conv2d(np.zeros((1, 1, 3, 3), dtype=complex), np.zeros((1, 1, 1, 1)))


# --- conv2d_backward ---------------------------------------------------------------------------


def numeric_grad(f, a, h=1e-6):
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + h
        up = f()
        a[idx] = old - h
        down = f()
        a[idx] = old
        g[idx] = (up - down) / (2 * h)
    return g


@given(conv_cases())
@settings(max_examples=15, deadline=None)
def test_conv2d_backward_matches_finite_differences(case):
    x, w, b, s, p, d = case
    b = np.zeros(w.shape[0]) if b is None else b
    rng = np.random.default_rng(7)
    g = rng.standard_normal(conv2d(x, w, b, s, p, d).shape)

    def loss():
        return float(np.sum(conv2d(x, w, b, s, p, d) * g))

    dx, dw, db = conv2d_backward(x, w, g, stride=s, padding=p, dilation=d)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dw, numeric_grad(loss, w), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(db, numeric_grad(loss, b), rtol=1e-5, atol=1e-6)


def test_conv2d_backward_rejects_wrong_grad_shape():
    x, w = np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3))
    with pytest.raises(ValueError, match="grad_out"):
        conv2d_backward(x, w, np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError):
        conv2d_backward(x, w, np.zeros((1, 1, 3, 3)), stride=0)


def test_conv2d_backward_float32():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((2, 2, 3, 3))
    g = rng.standard_normal((1, 2, 3, 3))
    got = conv2d_backward(x.astype(np.float32), w.astype(np.float32), g.astype(np.float32))
    want = conv2d_backward(x, w, g)
    for a, e in zip(got, want, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-4)


# --- pooling -----------------------------------------------------------------------------------


@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    kernel=st.integers(1, 4),
    stride=st.one_of(st.none(), st.integers(1, 3)),
    seed=st.integers(0, 2**32 - 1),
)
@FAST
def test_pools_match_loops(n, c, h, w, kernel, stride, seed):
    x = np.random.default_rng(seed).standard_normal((n, c, h, w))
    if kernel > min(h, w):
        with pytest.raises(ValueError):
            max_pool2d(x, kernel, stride)
        with pytest.raises(ValueError):
            avg_pool2d(x, kernel, stride)
        return
    s = kernel if stride is None else stride
    np.testing.assert_array_equal(max_pool2d(x, kernel, stride), ref_pool(x, kernel, s, np.max))
    np.testing.assert_allclose(avg_pool2d(x, kernel, stride), ref_pool(x, kernel, s, np.mean))
    assert max_pool2d(x, kernel, stride).shape[2:] == (
        output_size(h, kernel, s),
        output_size(w, kernel, s),
    )


def test_pool_golden():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(max_pool2d(x, 2), [[[[5.0, 7.0], [13.0, 15.0]]]])
    np.testing.assert_array_equal(avg_pool2d(x, kernel=2), [[[[2.5, 4.5], [10.5, 12.5]]]])
    assert max_pool2d(np.zeros((1, 1, 5, 5)), 2).shape == (1, 1, 2, 2)
    assert max_pool2d(np.zeros((1, 1, 5, 5)), 3, stride=1).shape == (1, 1, 3, 3)
    assert max_pool2d(np.zeros((1, 1, 32, 32), dtype=np.float32), 2).dtype == np.float32


def test_pool_rejects_invalid():
    with pytest.raises(ValueError):
        max_pool2d(np.zeros((1, 4, 4)), 2)
    with pytest.raises(ValueError):
        avg_pool2d(np.zeros((1, 1, 4, 4)), 0)
    with pytest.raises(ValueError):
        avg_pool2d(np.zeros((1, 1, 4, 4)), 2, stride=0)


def test_global_avg_pool():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5, 4, 6))
    gap = global_avg_pool(x)
    assert gap.shape == (3, 5)
    for n in range(3):
        for c in range(5):
            assert gap[n, c] == pytest.approx(sum(x[n, c].ravel()) / 24)
    np.testing.assert_allclose(gap, avg_pool2d(x, (4, 6))[:, :, 0, 0])
    with pytest.raises(ValueError):
        global_avg_pool(np.zeros((3, 5)))
    # the sum is the mean before dividing by H·W, and a convolution with an all-ones kernel
    np.testing.assert_allclose(global_sum_pool(x), gap * 24)
    ones = np.eye(5)[:, :, None, None] * np.ones((1, 1, 4, 6))
    np.testing.assert_allclose(global_sum_pool(x), conv2d(x, ones)[:, :, 0, 0])
    with pytest.raises(ValueError):
        global_sum_pool(np.zeros((3, 5)))


def test_global_sum_pool_worked_example():
    x = [[[[2, 3, 1, 4], [1, 2, 5, 3], [4, 1, 2, 1], [3, 2, 3, 2]]]]
    np.testing.assert_array_equal(global_sum_pool(x), [[39]])


def test_slide_ratio_by_hand_and_its_floor_is_the_output_size():
    assert slide_ratio(10, 3, stride=2) == 3.5
    assert slide_ratio(32, 3, padding=1) == 31.0


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 64), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3)
)
def test_slide_ratio_floor_plus_one_is_output_size(n, k, s, p, d):
    """…and output_area_ratio counts the positions of a real conv2d output on the same draws."""
    if d * (k - 1) + 1 > n + 2 * p:
        with pytest.raises(ValueError):
            slide_ratio(n, k, s, p, d)
        with pytest.raises(ValueError):
            output_area_ratio(n, k, s, p, d)
        return
    assert int(np.floor(slide_ratio(n, k, s, p, d))) + 1 == output_size(n, k, s, p, d)
    out = conv2d(np.zeros((1, 1, n, n)), np.zeros((1, 1, k, k)), stride=s, padding=p, dilation=d)
    assert output_area_ratio(n, k, s, p, d) == pytest.approx(out[0, 0].size / n**2)


def test_receptive_field_growth_by_hand():
    assert receptive_field_growth(3, jump=2) == 4
    assert receptive_field_growth(3, jump=1, dilation=2) == 4


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 7), st.integers(1, 3)), min_size=1, max_size=5))
def test_receptive_field_growth_sums_to_the_stacked_field(layers):
    kernels, strides = [k for k, _ in layers], [s for _, s in layers]
    field, jump = 1, 1
    for k, s in layers:
        field += receptive_field_growth(k, jump)
        jump *= s
    assert field == stacked_receptive_field(kernels, strides=strides)


def test_pool_params_are_zero_like_the_trainable_layers_say():
    from solvers.cnn import GlobalAvgPool, MaxPool2d

    assert pool_params() == pool_params(2) == pool_params((3, 2)) == 0
    assert MaxPool2d(2).params() == () and GlobalAvgPool().params() == ()
    with pytest.raises(ValueError):
        pool_params(0)


@pytest.mark.parametrize("bad", [(0, 3), (3, 0)])
def test_receptive_field_growth_invalid(bad):
    with pytest.raises(ValueError):
        receptive_field_growth(*bad)


def test_output_area_ratio_worked_examples():
    assert output_area_ratio(32, 2, 2) == 0.25  # 2×2 pooling, stride 2: 16×16 of 32×32
    assert output_area_ratio(32, 3, 2, 1) == 0.25  # 3×3 conv, stride 2, padding 1
    assert output_area_ratio(32, 3, 1, 1) == 1.0  # "same" padding keeps every position
    assert output_area_ratio(5, 3) == pytest.approx(9 / 25)


def test_output_size_ceil_worked_example():
    assert output_size_ceil(11, 2, 2) == 6  # the slip an item shows; floor mode gives 5
    assert output_size(11, 2, 2) == 5
    assert output_size_ceil(10, 2, 2) == 5  # no fraction: both modes agree


@FAST
@given(st.integers(1, 40), st.integers(1, 5), st.integers(1, 4), st.data())
def test_output_size_ceil_matches_pytorch_ceil_mode(size, kernel, stride, data):
    torch = pytest.importorskip("torch")
    padding = data.draw(st.integers(0, kernel // 2))
    if kernel > size + 2 * padding:
        return
    pool = torch.nn.MaxPool2d(kernel, stride, padding, ceil_mode=True)
    out = pool(torch.zeros(1, 1, size, size)).shape[-1]
    assert output_size_ceil(size, kernel, stride, padding) == out
    assert output_size_ceil(size, kernel, stride, padding) >= output_size(
        size, kernel, stride, padding
    )


def test_stacked_conv_params_is_vggs_argument():
    assert stacked_conv_params(3, 64, 3, bias=False) == 110_592
    assert conv_params(7, 64, 64, bias=False) == 200_704
    assert stacked_conv_params(3, 64, 3) == 3 * conv_params(3, 64, 64)
    with pytest.raises(ValueError):
        stacked_conv_params(3, 64, 0)
