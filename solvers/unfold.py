"""Convolution and pooling written with im2col/col2im, the way the E資格 textbooks implement them
(ゼロから作るDeep Learning, 7.4): every window becomes a row, so a layer is one matrix product.

The layout: im2col turns x (N, C, H, W) into (N·OH·OW, C·KH·KW), rows in the order (n, oh, ow)
and columns in the order (c, kh, kw); col2im adds each row back where it came from (an entry read
by two windows receives both). ``solvers.conv`` holds the same layers written with window views;
the tests hold the two to each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import real_array, whole_number


def _geometry(shape: tuple[int, ...], kh: int, kw: int, stride: int, pad: int) -> tuple[int, int]:
    if len(shape) != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {shape}")
    _, _, h, w = shape
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"the {kh}×{kw} window does not fit {h}×{w} with padding {pad}")
    return oh, ow


def im2col(x: Any, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Every KH×KW window of the zero-padded x as one row: (N·OH·OW, C·KH·KW)."""
    xa = real_array("x", x)
    kh, kw = whole_number("kh", kh), whole_number("kw", kw)
    s, p = whole_number("stride", stride), whole_number("pad", pad, 0)
    oh, ow = _geometry(xa.shape, kh, kw, s, p)
    n, c = xa.shape[:2]
    xp = np.pad(xa, ((0, 0), (0, 0), (p, p), (p, p)))
    rows = np.empty((n, oh, ow, c, kh, kw))
    for i in range(oh):
        for j in range(ow):
            rows[:, i, j] = xp[:, :, i * s : i * s + kh, j * s : j * s + kw]
    return rows.reshape(n * oh * ow, c * kh * kw)


def col2im(col: Any, shape: Any, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """The adjoint of :func:`im2col`: rows added back into an (N, C, H, W) array of ``shape``."""
    ca = real_array("col", col)
    dims = tuple(int(v) for v in np.asarray(shape).reshape(-1))
    kh, kw = whole_number("kh", kh), whole_number("kw", kw)
    s, p = whole_number("stride", stride), whole_number("pad", pad, 0)
    oh, ow = _geometry(dims, kh, kw, s, p)
    n, c, h, w = dims
    if ca.shape != (n * oh * ow, c * kh * kw):
        raise ValueError(f"col must be ({n * oh * ow}, {c * kh * kw}), got {ca.shape}")
    rows = ca.reshape(n, oh, ow, c, kh, kw)
    xp = np.zeros((n, c, h + 2 * p, w + 2 * p))
    for i in range(oh):
        for j in range(ow):
            xp[:, :, i * s : i * s + kh, j * s : j * s + kw] += rows[:, i, j]
    return xp[:, :, p : p + h, p : p + w]


def conv_forward(x: Any, w: Any, b: Any, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Convolution as im2col(x) · W_colᵀ + b, reshaped to (N, M, OH, OW); w is (M, C, KH, KW)."""
    xa, wa = real_array("x", x), real_array("w", w)
    m, _, kh, kw = wa.shape
    oh, ow = _geometry(xa.shape, kh, kw, stride, pad)
    out = im2col(xa, kh, kw, stride, pad) @ wa.reshape(m, -1).T + real_array("b", b)
    return out.reshape(xa.shape[0], oh, ow, m).transpose(0, 3, 1, 2)


def conv_backward_dx(x: Any, w: Any, dout: Any, stride: int = 1, pad: int = 0) -> np.ndarray:
    """∂L/∂x of :func:`conv_forward`: col2im(dout_rows · W_col)."""
    xa, wa, da = real_array("x", x), real_array("w", w), real_array("dout", dout)
    m, _, kh, kw = wa.shape
    rows = da.transpose(0, 2, 3, 1).reshape(-1, m)
    return col2im(rows @ wa.reshape(m, -1), xa.shape, kh, kw, stride, pad)


def conv_backward_dw(x: Any, w: Any, dout: Any, stride: int = 1, pad: int = 0) -> np.ndarray:
    """∂L/∂W of :func:`conv_forward`: (colᵀ · dout_rows)ᵀ reshaped to (M, C, KH, KW)."""
    xa, wa, da = real_array("x", x), real_array("w", w), real_array("dout", dout)
    m, _, kh, kw = wa.shape
    rows = da.transpose(0, 2, 3, 1).reshape(-1, m)
    return (im2col(xa, kh, kw, stride, pad).T @ rows).T.reshape(wa.shape)


def conv_backward_db(dout: Any) -> np.ndarray:
    """∂L/∂b: the upstream gradient summed over samples and positions, one value per filter."""
    return real_array("dout", dout).sum(axis=(0, 2, 3))


def _pool_rows(x: np.ndarray, k: int, stride: int) -> tuple[np.ndarray, int, int]:
    oh, ow = _geometry(x.shape, k, k, stride, 0)
    n, c = x.shape[:2]
    rows = im2col(x.reshape(n * c, 1, *x.shape[2:]), k, k, stride)
    return rows, oh, ow


def max_pool_forward(x: Any, k: int, stride: int | None = None) -> np.ndarray:
    """Max pooling by im2col: one row per (sample, channel, window), the max of each row."""
    xa = real_array("x", x)
    s = k if stride is None else stride
    rows, oh, ow = _pool_rows(xa, k, s)
    return rows.max(axis=1).reshape(*xa.shape[:2], oh, ow)


def max_pool_backward(x: Any, dout: Any, k: int, stride: int | None = None) -> np.ndarray:
    """∂L/∂x of max pooling: each window's gradient goes to its maximum (the first one, when the
    maximum is shared), and overlapping windows add up."""
    xa, da = real_array("x", x), real_array("dout", dout)
    s = k if stride is None else stride
    rows, _, _ = _pool_rows(xa, k, s)
    drows = np.zeros_like(rows)
    drows[np.arange(len(rows)), rows.argmax(axis=1)] = da.reshape(-1)
    n, c = xa.shape[:2]
    return col2im(drows, (n * c, 1, *xa.shape[2:]), k, k, s).reshape(xa.shape)


def avg_pool_backward(x: Any, dout: Any, k: int, stride: int | None = None) -> np.ndarray:
    """∂L/∂x of average pooling: each window's gradient shared equally, 1/k² to each input."""
    xa, da = real_array("x", x), real_array("dout", dout)
    s = k if stride is None else stride
    rows, _, _ = _pool_rows(xa, k, s)
    drows = np.repeat(da.reshape(-1, 1) / (k * k), rows.shape[1], axis=1)
    n, c = xa.shape[:2]
    return col2im(drows, (n * c, 1, *xa.shape[2:]), k, k, s).reshape(xa.shape)
