"""The sliding-window layers: Conv2d (cross-correlation, as PyTorch) and MaxPool2d.

Convolution is im2col: the flat indices of the pixels each output position reads are computed once
per input shape and cached on the layer, so a forward pass is one ``np.take`` and one batched
matmul, and the backward pass scatters with one ``np.bincount``. No Python loop runs over pixels or
samples. Pooling is floor-mode and routes the gradient to the first maximum, as PyTorch does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.cnn.layers import (
    Init,
    Layer,
    Param,
    _check_4d,
    _param,
    _positive_int,
    _saved,
    init_weights,
)

_MAX_PLANS = 4


@dataclass(eq=False, slots=True)
class _ConvPlan:
    """Index arrays and the zero-bordered input buffer for one input shape."""

    out_h: int
    out_w: int
    gather: np.ndarray  # (C·KH·KW, OH·OW) flat offsets into one padded sample
    padded: np.ndarray  # (N, C, H+2P, W+2P), borders stay zero
    scatter: np.ndarray | None = None  # (N·C·KH·KW·OH·OW,) flat offsets into the padded batch


class Conv2d(Layer):
    """2-D convolution (cross-correlation) with square kernel, zero padding and stride.

    Args:
        in_channels, out_channels: C and M.
        kernel_size: F (square F×F kernel).
        stride, padding: S and P, as in ⌊(W+2P−F)/S⌋+1.
        bias: add a learnable bias per output channel.
        init: "he" or "xavier" (fan_in = C·F², fan_out = M·F²).
        rng: the seeded generator the weights are drawn from.
        dtype: float64 (default) or float32.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        *,
        stride: int = 1,
        padding: int = 0,
        bias: bool = True,
        init: Init = "he",
        rng: np.random.Generator,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        self.in_channels = _positive_int("in_channels", in_channels)
        self.out_channels = _positive_int("out_channels", out_channels)
        self.kernel_size = _positive_int("kernel_size", kernel_size)
        self.stride = _positive_int("stride", stride)
        self.padding = _positive_int("padding", padding, 0)
        area = self.kernel_size**2
        shape = (self.out_channels, self.in_channels, self.kernel_size, self.kernel_size)
        self.weight = _param(
            "weight",
            init_weights(rng, shape, in_channels * area, out_channels * area, init, dtype),
        )
        self.bias = _param("bias", np.zeros(out_channels, dtype=dtype)) if bias else None
        self._plans: dict[tuple[int, ...], _ConvPlan] = {}
        self._cols: np.ndarray | None = None
        self._last_plan: _ConvPlan | None = None

    def __repr__(self) -> str:
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None})"
        )

    def params(self) -> tuple[Param, ...]:
        return (self.weight,) if self.bias is None else (self.weight, self.bias)

    def _plan(self, shape: tuple[int, ...]) -> _ConvPlan:
        plan = self._plans.get(shape)
        if plan is not None:
            return plan
        n, c, h, w = shape
        f, s, p = self.kernel_size, self.stride, self.padding
        hp, wp = h + 2 * p, w + 2 * p
        if f > hp or f > wp:
            raise ValueError(
                f"kernel {f}×{f} is larger than the padded input {hp}×{wp}; the output would be empty"
            )
        out_h, out_w = (hp - f) // s + 1, (wp - f) // s + 1
        ch, ki, kj = np.meshgrid(np.arange(c), np.arange(f), np.arange(f), indexing="ij")
        oy, ox = np.meshgrid(np.arange(out_h) * s, np.arange(out_w) * s, indexing="ij")
        row = ki.reshape(-1, 1) + oy.reshape(1, -1)
        col = kj.reshape(-1, 1) + ox.reshape(1, -1)
        gather = (ch.reshape(-1, 1) * hp + row) * wp + col
        if len(self._plans) >= _MAX_PLANS:
            self._plans.pop(next(iter(self._plans)))
        plan = _ConvPlan(out_h, out_w, gather, np.zeros((n, c, hp, wp), self.weight.value.dtype))
        self._plans[shape] = plan
        return plan

    def forward(self, x: np.ndarray) -> np.ndarray:
        _check_4d("Conv2d", x, self.in_channels)
        n, _, h, w = x.shape
        plan = self._plan(x.shape)
        p = self.padding
        if p:
            plan.padded[:, :, p : p + h, p : p + w] = x
            xp = plan.padded
        else:
            xp = np.ascontiguousarray(x, dtype=self.weight.value.dtype)
        cols = np.take(xp.reshape(n, -1), plan.gather, axis=1)
        out = np.matmul(self.weight.value.reshape(self.out_channels, -1), cols)
        if self.bias is not None:
            out += self.bias.value[:, None]
        self._cols, self._last_plan = cols, plan
        return out.reshape(n, self.out_channels, plan.out_h, plan.out_w)

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        cols = _saved(self, self._cols)
        plan = _saved(self, self._last_plan)
        n, c, hp, wp = plan.padded.shape
        g = np.ascontiguousarray(grad).reshape(n, self.out_channels, -1)
        self.weight.grad[...] = (
            np.matmul(g, cols.transpose(0, 2, 1)).sum(axis=0).reshape(self.weight.value.shape)
        )
        if self.bias is not None:
            self.bias.grad[...] = g.sum(axis=(0, 2))
        if not input_grad:
            return None
        p = self.padding
        if plan.scatter is None:
            per_sample = c * hp * wp
            plan.scatter = (np.arange(n).reshape(-1, 1, 1) * per_sample + plan.gather[None]).ravel()
        dcols = np.matmul(self.weight.value.reshape(self.out_channels, -1).T, g)
        dxp = np.bincount(plan.scatter, weights=dcols.ravel(), minlength=n * c * hp * wp)
        dx = dxp.reshape(n, c, hp, wp)[:, :, p : hp - p, p : wp - p]
        return np.ascontiguousarray(dx, dtype=grad.dtype)


class MaxPool2d(Layer):
    """Non-overlapping k×k max pooling (stride k, floor mode: trailing rows/columns are dropped).

    The gradient goes to the first maximum of each window (row-major), as in PyTorch. Both passes
    work on the k² strided views "pixel (i, j) of every window", so they cost k² whole-array
    operations and no copy of the input.
    """

    def __init__(self, kernel_size: int = 2) -> None:
        self.kernel_size = _positive_int("kernel_size", kernel_size)
        self._x: np.ndarray | None = None
        self._out: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"MaxPool2d({self.kernel_size})"

    def _views(self, x: np.ndarray) -> list[np.ndarray]:
        k = self.kernel_size
        oh, ow = x.shape[2] // k, x.shape[3] // k
        return [x[:, :, i : oh * k : k, j : ow * k : k] for i in range(k) for j in range(k)]

    def forward(self, x: np.ndarray) -> np.ndarray:
        _check_4d("MaxPool2d", x)
        k = self.kernel_size
        if x.shape[2] < k or x.shape[3] < k:
            raise ValueError(
                f"MaxPool2d({k}) needs an input of at least {k}×{k}, got {x.shape[2]}×{x.shape[3]}"
            )
        first, *rest = self._views(x)
        out = first.copy()
        for view in rest:
            np.maximum(out, view, out=out)
        self._x, self._out = x, out
        return out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        x = _saved(self, self._x)
        out = _saved(self, self._out)
        if not input_grad:
            return None
        dx = np.zeros(x.shape, dtype=grad.dtype)
        pending = np.ones(out.shape, dtype=bool)
        hit = np.empty(out.shape, dtype=bool)
        views = self._views(x)
        for view, dview in zip(views, self._views(dx), strict=True):
            np.equal(view, out, out=hit)
            hit &= pending
            np.multiply(grad, hit, out=dview)
            pending ^= hit
        return dx
