"""2-D convolution and pooling on NCHW arrays, plus the size formulas the exams ask about.

Convolution is cross-correlation exactly as ``torch.nn.functional.conv2d`` defines it (no kernel
flip). All array functions share one windowing helper (a strided view, no copy until the
contraction), so forward, backward and pooling agree on which input pixels each output pixel sees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from solvers._checks import real_array, whole_number

IntOrPair = int | tuple[int, int] | Sequence[int]


def _pair(name: str, value: Any, minimum: int) -> tuple[int, int]:
    """Accept an int or a pair (height, width) and return a validated pair of ints."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        items = list(np.asarray(value).ravel()) if isinstance(value, np.ndarray) else list(value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a (height, width) pair, got {value!r}")
        return whole_number(name, items[0], minimum), whole_number(name, items[1], minimum)
    single = whole_number(name, value, minimum)
    return single, single


def effective_kernel(kernel: int, dilation: int) -> int:
    """Span of a dilated kernel: a 3-tap kernel with dilation 2 covers 5 input pixels.

    Returns:
        dilation·(kernel−1)+1.

    Raises:
        ValueError: kernel or dilation < 1.
    """
    k = whole_number("kernel", kernel, 1)
    d = whole_number("dilation", dilation, 1)
    return d * (k - 1) + 1


def output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length of a convolution or pooling along one axis (PyTorch floor mode).

    Returns:
        ⌊(size + 2·padding − dilation·(kernel−1) − 1)/stride⌋ + 1.

    Raises:
        ValueError: a size below its minimum (size, kernel, stride, dilation ≥ 1; padding ≥ 0) or a
            dilated kernel wider than the padded input, which would give an empty output.
    """
    n = whole_number("size", size, 1)
    s = whole_number("stride", stride, 1)
    p = whole_number("padding", padding, 0)
    k_eff = effective_kernel(kernel, dilation)
    if k_eff > n + 2 * p:
        raise ValueError(
            f"kernel span {k_eff} is larger than the padded input {n}+2·{p}={n + 2 * p}; "
            "the output would be empty"
        )
    return (n + 2 * p - k_eff) // s + 1


def stacked_receptive_field(
    kernels: Sequence[int],
    dilations: Sequence[int] | None = None,
    strides: Sequence[int] | None = None,
) -> int:
    """Receptive field of one output pixel after a stack of conv/pool layers (first layer first).

    Uses the standard recurrence r ← r + (k_eff − 1)·j, j ← j·stride, starting from r = 1, j = 1,
    so three 3×3 stride-1 layers see 7 pixels and two 2×2 stride-2 pools see 4.

    Args:
        kernels: kernel size of each layer.
        dilations: dilation of each layer (default all 1).
        strides: stride of each layer (default all 1).

    Raises:
        ValueError: empty stack, lengths that differ, or a size < 1.
    """
    ks = list(kernels)
    if not ks:
        raise ValueError("kernels must name at least one layer")
    ds = [1] * len(ks) if dilations is None else list(dilations)
    ss = [1] * len(ks) if strides is None else list(strides)
    if len(ds) != len(ks) or len(ss) != len(ks):
        raise ValueError(
            f"kernels, dilations and strides must have the same length, "
            f"got {len(ks)}, {len(ds)}, {len(ss)}"
        )
    field, jump = 1, 1
    for k, d, s in zip(ks, ds, ss, strict=True):
        field += (effective_kernel(k, d) - 1) * jump
        jump *= whole_number("stride", s, 1)
    return field


def conv_params(kernel: IntOrPair, c_in: int, c_out: int, bias: bool = True) -> int:
    """Learnable parameters of a standard 2-D convolution layer.

    Returns:
        kh·kw·c_in·c_out, plus c_out when ``bias``.

    Raises:
        ValueError: a size < 1.
    """
    kh, kw = _pair("kernel", kernel, 1)
    ci = whole_number("c_in", c_in, 1)
    co = whole_number("c_out", c_out, 1)
    return kh * kw * ci * co + (co if bias else 0)


def stacked_conv_params(kernel: IntOrPair, channels: int, layers: int, bias: bool = True) -> int:
    """Learnable parameters of ``layers`` convolutions of the same kernel and width in a row.

    VGG's argument: three 3×3 layers see 7×7 like one 7×7 layer, with 3·9·C² weights against
    49·C² (C = 64: 110,592 against 200,704).

    Raises:
        ValueError: a size or layer count < 1 or not an integer.
    """
    return whole_number("layers", layers) * conv_params(kernel, channels, channels, bias)


def _windows(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Read-only view (N, C, OH, OW, KH, KW) of the input pixels each output pixel sees."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    n, c, h, w = x.shape
    s0, s1, s2, s3 = x.strides
    # as_strided with the shape sliding_window_view would give (it costs a third as much and
    # _conv_geometry has already checked that the window fits)
    view = as_strided(
        x,
        (n, c, h - span_h + 1, w - span_w + 1, span_h, span_w),
        (s0, s1, s2, s3, s2, s3),
        writeable=False,
    )
    return view[:, :, ::sh, ::sw, ::dh, ::dw]


def _check_nchw(name: str, x: np.ndarray) -> None:
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got shape {x.shape}")
    if 0 in x.shape:
        raise ValueError(f"{name} must not have an empty axis, got shape {x.shape}")


def _conv_geometry(
    x: np.ndarray, w: np.ndarray, stride: IntOrPair, padding: IntOrPair, dilation: IntOrPair
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate conv inputs and return (stride, padding, dilation, output size) pairs."""
    _check_nchw("x", x)
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (M, C, KH, KW), got shape {w.shape}")
    if 0 in w.shape:
        raise ValueError(f"w must not have an empty axis, got shape {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"channel mismatch: x has {x.shape[1]} input channels, w expects {w.shape[1]}"
        )
    s = _pair("stride", stride, 1)
    p = _pair("padding", padding, 0)
    d = _pair("dilation", dilation, 1)
    out = (
        output_size(x.shape[2], w.shape[2], s[0], p[0], d[0]),
        output_size(x.shape[3], w.shape[3], s[1], p[1], d[1]),
    )
    return s, p, d, out


def _pad(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d(
    x: Any,
    w: Any,
    b: Any = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """2-D cross-correlation as PyTorch's ``conv2d`` computes it (zero padding, no kernel flip).

    Args:
        x: input (N, C, H, W).
        w: weights (M, C, KH, KW).
        b: optional bias (M,).
        stride, padding, dilation: int or (height, width) pair.

    Returns:
        Output (N, M, OH, OW) with OH, OW given by :func:`output_size`, in the floating dtype that
        x, w and b promote to (float64 for integer inputs).

    Raises:
        ValueError: wrong ranks, mismatched channels or bias length, invalid sizes, empty output.
    """
    xa, wa = real_array("x", x), real_array("w", w)
    s, p, d, _ = _conv_geometry(xa, wa, stride, padding, dilation)
    dtypes = [xa.dtype, wa.dtype]
    ba = None
    if b is not None:
        ba = real_array("b", b)
        if ba.shape != (wa.shape[0],):
            raise ValueError(f"b must have shape ({wa.shape[0]},), got {ba.shape}")
        dtypes.append(ba.dtype)
    dtype = np.result_type(*dtypes)
    cols = _windows(_pad(xa.astype(dtype, copy=False), p), wa.shape[2:], s, d)
    out = np.tensordot(cols, wa.astype(dtype, copy=False), axes=([1, 4, 5], [1, 2, 3]))
    out = out.transpose(0, 3, 1, 2)
    if ba is not None:
        out = out + ba.astype(dtype, copy=False)[None, :, None, None]
    return np.ascontiguousarray(out)


def conv2d_backward(
    x: Any,
    w: Any,
    grad_out: Any,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a :func:`conv2d` layer given the upstream gradient ∂L/∂out.

    Args:
        x: the forward input (N, C, H, W).
        w: the forward weights (M, C, KH, KW).
        grad_out: ∂L/∂out, shape (N, M, OH, OW).
        stride, padding, dilation: as in the forward call.

    Returns:
        (dx, dw, db) with the shapes of x, w and (M,).

    Raises:
        ValueError: as for :func:`conv2d`, or ``grad_out`` not shaped like the forward output.
    """
    xa, wa, ga = real_array("x", x), real_array("w", w), real_array("grad_out", grad_out)
    s, p, d, (oh, ow) = _conv_geometry(xa, wa, stride, padding, dilation)
    expected = (xa.shape[0], wa.shape[0], oh, ow)
    if ga.shape != expected:
        raise ValueError(f"grad_out must have the forward output shape {expected}, got {ga.shape}")
    dtype = np.result_type(xa.dtype, wa.dtype, ga.dtype)
    xa, wa, ga = (a.astype(dtype, copy=False) for a in (xa, wa, ga))
    xp = _pad(xa, p)
    cols = _windows(xp, wa.shape[2:], s, d)
    dw = np.tensordot(ga, cols, axes=([0, 2, 3], [0, 2, 3]))
    db = ga.sum(axis=(0, 2, 3))
    dcols = np.tensordot(ga, wa, axes=([1], [0]))  # (N, OH, OW, C, KH, KW)
    dxp = np.zeros_like(xp)
    (sh, sw), (dh, dwid) = s, d
    for i in range(wa.shape[2]):
        for j in range(wa.shape[3]):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols_ = slice(j * dwid, j * dwid + sw * (ow - 1) + 1, sw)
            dxp[:, :, rows, cols_] += dcols[..., i, j].transpose(0, 3, 1, 2)
    ph, pw = p
    dx = dxp[:, :, ph : ph + xa.shape[2], pw : pw + xa.shape[3]]
    return np.ascontiguousarray(dx), dw, db


def _pool_windows(x: Any, kernel: IntOrPair, stride: IntOrPair | None) -> np.ndarray:
    xa = real_array("x", x)
    _check_nchw("x", xa)
    k = _pair("kernel", kernel, 1)
    s = k if stride is None else _pair("stride", stride, 1)
    for axis, (extent, kk, ss) in enumerate(zip(xa.shape[2:], k, s, strict=True)):
        try:
            output_size(extent, kk, ss)
        except ValueError as err:
            raise ValueError(f"pooling along axis {axis + 2}: {err}") from None
    return _windows(xa, k, s, (1, 1))


def max_pool2d(x: Any, kernel: IntOrPair, stride: IntOrPair | None = None) -> np.ndarray:
    """Max pooling without padding, floor mode; ``stride`` defaults to ``kernel``.

    Returns:
        (N, C, OH, OW) with OH = ⌊(H − kernel)/stride⌋ + 1.

    Raises:
        ValueError: input not 4-D, kernel larger than the input, invalid sizes.
    """
    return np.ascontiguousarray(_pool_windows(x, kernel, stride).max(axis=(4, 5)))


def avg_pool2d(x: Any, kernel: IntOrPair, stride: IntOrPair | None = None) -> np.ndarray:
    """Average pooling without padding, floor mode; ``stride`` defaults to ``kernel``.

    Returns:
        (N, C, OH, OW) with OH = ⌊(H − kernel)/stride⌋ + 1.

    Raises:
        ValueError: input not 4-D, kernel larger than the input, invalid sizes.
    """
    return np.ascontiguousarray(_pool_windows(x, kernel, stride).mean(axis=(4, 5)))


def global_avg_pool(x: Any) -> np.ndarray:
    """Global average pooling (GAP): the mean of each channel's H×W map.

    Returns:
        (N, C).

    Raises:
        ValueError: input not 4-D or with an empty axis.
    """
    return _feature_maps(x).mean(axis=(2, 3))


def _feature_maps(x: Any) -> np.ndarray:
    xa = real_array("x", x)
    _check_nchw("x", xa)
    return xa


def global_sum_pool(x: Any) -> np.ndarray:
    """The sum of each channel's H×W map: global average pooling before dividing by H·W.

    GAP is this divided by the pixel count; the undivided sum, shaped (N, C), is what a learner
    who forgets to divide reports, and the running total a hand calculation of GAP passes through.
    Raises ValueError as :func:`global_avg_pool` does.
    """
    return _feature_maps(x).sum(axis=(2, 3))


def slide_ratio(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> float:
    """(n + 2p − k_eff)/s before the floor: how many strides the kernel slides across the input.

    :func:`output_size` is ⌊this⌋ + 1. A fraction means the last positions would stick out of the
    padded input, so those edge pixels are never covered (W=10, F=3, P=0, S=2 gives 3.5 → 4).

    Raises:
        ValueError: as for :func:`output_size`.
    """
    output_size(size, kernel, stride, padding, dilation)  # the same validation
    n, s, p = int(size), int(stride), int(padding)
    return (n + 2 * p - effective_kernel(kernel, dilation)) / s


def output_size_ceil(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length with the fraction rounded up, as PyTorch's ``ceil_mode=True`` pooling does.

    ⌈(n + 2p − k_eff)/s⌉ + 1, less one when the last window would start in the right padding
    (PyTorch's rule). Items set floor mode and show this as the slip of rounding up
    (11 with a 2×2 window and stride 2: 6 instead of 5).

    Raises:
        ValueError: as for :func:`output_size`.
    """
    out = math.ceil(slide_ratio(size, kernel, stride, padding, dilation)) + 1
    if (out - 1) * int(stride) >= int(size) + int(padding):
        out -= 1
    return out


def output_area_ratio(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> float:
    """Output positions of a square map as a share of its input positions: (W_out/W)².

    This is what a stride or a pooling window does to the element count and hence to the work of
    the layers that follow (2×2 pooling with stride 2 on 32×32 keeps 16×16: 1/4), while the
    layer's parameter count does not change.

    Raises:
        ValueError: as for :func:`output_size`.
    """
    out = output_size(size, kernel, stride, padding, dilation)
    return (out / whole_number("size", size)) ** 2


def receptive_field_growth(kernel: int, jump: int, dilation: int = 1) -> int:
    """How much one layer widens the receptive field: (k_eff − 1)·jump.

    ``jump`` is the product of the strides of the layers before it: after a stride-2 layer, a 3×3
    kernel adds (3 − 1)·2 = 4 input pixels, not 2. One step of :func:`stacked_receptive_field`.

    Raises:
        ValueError: a kernel, jump or dilation < 1 or not an integer.
    """
    return (effective_kernel(kernel, dilation) - 1) * whole_number("jump", jump, 1)


def pool_params(kernel: IntOrPair | None = None) -> int:
    """Learnable parameters of a pooling layer (max, average or global average): always 0.

    A network's parameter count sums its layers; pooling only takes the max or the mean of a
    window, so it contributes nothing, whatever its window. Forgetting the layer *after* a GAP is
    the mistake that leaves only this 0. ``kernel`` (None for global pooling) is only validated.

    Raises:
        ValueError: a kernel < 1 or not an integer.
    """
    if kernel is not None:
        _pair("kernel", kernel, 1)
    return 0
