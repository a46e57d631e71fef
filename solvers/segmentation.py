"""Sizes in segmentation networks: transposed convolution (the learned upsampling of FCN and
U-Net) and the feature-map sizes of a U-Net built from unpadded 3×3 convolutions."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import real_array, whole_number


def transposed_output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0
) -> int:
    """Output length of a transposed convolution (PyTorch ``ConvTranspose2d``, dilation 1):
    (n − 1)·S − 2P + K + output_padding, the input size of the convolution it inverts.

    Example: 16 with K = 4, S = 2, P = 1 gives 32 (the usual 2× upsampling).

    Raises:
        ValueError: a bad size, output_padding not below the stride, or an output < 1.
    """
    n, k = whole_number("size", size), whole_number("kernel", kernel)
    s, p = whole_number("stride", stride), whole_number("padding", padding, 0)
    op = whole_number("output_padding", output_padding, 0)
    if op >= s:
        raise ValueError(f"output_padding must be smaller than the stride {s}, got {op}")
    out = (n - 1) * s - 2 * p + k + op
    if out < 1:
        raise ValueError(f"no output: (n − 1)·S − 2P + K + output_padding = {out}")
    return out


def conv_transpose2d(x: Any, w: Any, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Transposed convolution: every input pixel adds its value times the kernel into the output
    at stride S, then P rows and columns are cut from each side (PyTorch layout, no bias).

    Args:
        x: (N, C, H, W); w: (C, M, KH, KW).

    Returns:
        (N, M, OH, OW) with OH from :func:`transposed_output_size`.
    """
    xa, wa = real_array("x", x), real_array("w", w)
    if xa.ndim != 4 or wa.ndim != 4 or wa.shape[0] != xa.shape[1]:
        raise ValueError(f"need x (N, C, H, W) and w (C, M, KH, KW), got {xa.shape}, {wa.shape}")
    s, p = whole_number("stride", stride), whole_number("padding", padding, 0)
    n, _, h, wd = xa.shape
    _, m, kh, kw = wa.shape
    full = np.zeros((n, m, (h - 1) * s + kh, (wd - 1) * s + kw))
    for i in range(h):
        for j in range(wd):
            patch = np.tensordot(xa[:, :, i, j], wa, axes=([1], [0]))  # (N, M, KH, KW)
            full[:, :, i * s : i * s + kh, j * s : j * s + kw] += patch
    oh = transposed_output_size(h, kh, s, p)
    ow = transposed_output_size(wd, kw, s, p)
    return full[:, :, p : p + oh, p : p + ow]


def unet_sizes(size: int, depth: int, padded: bool = False) -> tuple[int, ...]:
    """Feature-map sides down and up a U-Net (Ronneberger et al., 2015): each level applies two
    3×3 convolutions (−2 each when unpadded), the encoder then halves by 2×2 max pooling, the
    decoder doubles by a 2×2 up-convolution before its two convolutions.

    Returns:
        The side after each level's convolutions: encoder levels 1…depth, the bottleneck, then
        decoder levels depth…1 (572 with depth 4 unpadded: 568, 280, 136, 64, 28, 52, 100, 196, 388).

    Raises:
        ValueError: a side that pooling would have to halve while odd, or one that vanishes.
    """
    n, levels = whole_number("size", size), whole_number("depth", depth)
    cut = 0 if padded else 4
    sides = []
    for _ in range(levels):
        n -= cut
        if n < 2 or n % 2:
            raise ValueError(f"side {n} cannot be halved by 2×2 pooling")
        sides.append(n)
        n //= 2
    n -= cut
    if n < 1:
        raise ValueError("the bottleneck has no pixels left")
    sides.append(n)
    for _ in range(levels):
        n = 2 * n - cut
        if n < 1:
            raise ValueError("the decoder has no pixels left")
        sides.append(n)
    return tuple(sides)


def unet_skip_concat(encoder: Any, decoder: Any) -> np.ndarray:
    """A U-Net skip connection without padding (Ronneberger et al., 2015): the encoder's larger
    map (N, C₁, H, W) is center-cropped to the decoder's (N, C₂, h, w) and the two are stacked on
    the channel axis, encoder first: (N, C₁ + C₂, h, w). An odd margin leaves its extra row or
    column at the bottom/right (top = (H − h) // 2).

    Raises:
        ValueError: not 4-D, different N, or a decoder map larger than the encoder's.
    """
    e, d = real_array("encoder", encoder), real_array("decoder", decoder)
    if e.ndim != 4 or d.ndim != 4 or e.shape[0] != d.shape[0]:
        raise ValueError(f"need two (N, C, H, W) maps with one N, got {e.shape} and {d.shape}")
    h, w = d.shape[2:]
    if h > e.shape[2] or w > e.shape[3]:
        raise ValueError(f"the decoder map {h}×{w} is larger than the encoder's {e.shape[2:]}")
    top, left = (e.shape[2] - h) // 2, (e.shape[3] - w) // 2
    return np.concatenate([e[:, :, top : top + h, left : left + w], d], axis=1)
