"""TinyCNN: a small trainable CNN in NumPy (NCHW, forward and backward), the truth behind the
architecture and vanishing-gradient experiments.

Every layer keeps what its backward pass needs from the last forward call, like autograd's saved
tensors, so ``backward`` must follow the ``forward`` it differentiates. Parameters are updated in
place by the optimizers; gradients are overwritten (not accumulated) by each backward pass.

Convolution is im2col: the flat indices of the pixels each output position reads are computed once
per input shape and cached on the layer, so a forward pass is one ``np.take`` and one batched
matmul, and the backward pass scatters with one ``np.bincount``. No Python loop runs over pixels or
samples. Conventions follow PyTorch: cross-correlation, floor-mode pooling that routes the gradient
to the first maximum, biased batch variance for normalisation and unbiased for the running
estimate, Adam's bias-corrected update.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

from solvers.losses import cross_entropy_with_grad
from solvers.optim import adam_update_, torch_momentum_update_

Init = Literal["he", "xavier"]
OptimizerName = Literal["adam", "sgd"]

_MAX_PLANS = 4
T = TypeVar("T")


@dataclass(eq=False, slots=True)
class Param:
    """A learnable array and the gradient of the loss with respect to it (same shape and dtype).

    Layers always read ``value`` and write ``grad`` through their Param, because an optimizer
    re-points both at views of its own flat buffers: hold on to the Param, not the arrays.
    """

    name: str
    value: np.ndarray
    grad: np.ndarray


def _param(name: str, value: np.ndarray) -> Param:
    return Param(name, value, np.zeros_like(value))


def _positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def init_weights(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    fan_in: int,
    fan_out: int,
    init: Init,
    dtype: np.dtype | type = np.float64,
) -> np.ndarray:
    """Draw a weight array from N(0, σ²) with He (σ² = 2/fan_in, for ReLU) or Xavier
    (σ² = 2/(fan_in + fan_out), for sigmoid/tanh) scaling.

    Raises:
        ValueError: an unknown ``init``.
    """
    if init == "he":
        std = math.sqrt(2.0 / fan_in)
    elif init == "xavier":
        std = math.sqrt(2.0 / (fan_in + fan_out))
    else:
        raise ValueError(f"init must be 'he' or 'xavier', got {init!r}")
    return (rng.standard_normal(shape) * std).astype(dtype)


class Layer:
    """Base class: a differentiable map with optional parameters.

    ``training`` switches layers that behave differently at train and test time (BatchNorm2d).
    """

    training: bool = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output and remember what backward needs."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Given ∂L/∂output, store ∂L/∂parameters and return ∂L/∂input (None if not asked for)."""
        raise NotImplementedError

    def params(self) -> tuple[Param, ...]:
        """The layer's learnable parameters, in a fixed order."""
        return ()


def _saved(layer: Layer, value: T | None) -> T:
    """What ``layer``'s forward pass stored for its backward pass.

    Raises:
        RuntimeError: backward was called before any forward.
    """
    if value is None:
        raise RuntimeError(f"{type(layer).__name__}.backward called before forward")
    return value


def _check_4d(layer: str, x: np.ndarray, channels: int | None = None) -> None:
    if x.ndim != 4:
        raise ValueError(f"{layer} expects a 4-D (N, C, H, W) input, got shape {x.shape}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(f"{layer} expects {channels} input channels, got {x.shape[1]}")


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


class Linear(Layer):
    """Fully connected layer y = x·Wᵀ + b with W of shape (out_features, in_features)."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        bias: bool = True,
        init: Init = "he",
        rng: np.random.Generator,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        self.in_features = _positive_int("in_features", in_features)
        self.out_features = _positive_int("out_features", out_features)
        self.weight = _param(
            "weight",
            init_weights(rng, (out_features, in_features), in_features, out_features, init, dtype),
        )
        self.bias = _param("bias", np.zeros(out_features, dtype=dtype)) if bias else None
        self._x: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"

    def params(self) -> tuple[Param, ...]:
        return (self.weight,) if self.bias is None else (self.weight, self.bias)

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"Linear expects input (N, {self.in_features}), got shape {x.shape}")
        self._x = x
        out = x @ self.weight.value.T
        if self.bias is not None:
            out += self.bias.value
        return out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        x = _saved(self, self._x)
        self.weight.grad[...] = grad.T @ x
        if self.bias is not None:
            self.bias.grad[...] = grad.sum(axis=0)
        return grad @ self.weight.value if input_grad else None


class ReLU(Layer):
    """max(0, x); the gradient at 0 is 0, as in PyTorch."""

    def __init__(self) -> None:
        self._out: np.ndarray | None = None

    def __repr__(self) -> str:
        return "ReLU()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._out = np.maximum(x, 0)
        return self._out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        out = _saved(self, self._out)
        return grad * (out > 0) if input_grad else None


class LeakyReLU(Layer):
    """x for x > 0, alpha·x otherwise (gradient alpha at 0, as in PyTorch)."""

    def __init__(self, alpha: float = 0.01) -> None:
        if not math.isfinite(alpha):
            raise ValueError(f"alpha must be finite, got {alpha!r}")
        self.alpha = float(alpha)
        self._mask: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"LeakyReLU({self.alpha})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return np.where(self._mask, x, x * self.alpha)

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        mask = _saved(self, self._mask)
        return np.where(mask, grad, grad * self.alpha) if input_grad else None


class Sigmoid(Layer):
    """σ(x) = 1/(1+e⁻ˣ), computed as (1 + tanh(x/2))/2 so it never overflows; σ′ = σ(1−σ) ≤ 1/4."""

    def __init__(self) -> None:
        self._out: np.ndarray | None = None

    def __repr__(self) -> str:
        return "Sigmoid()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.tanh(x * 0.5)
        out += 1
        out *= 0.5
        self._out = out
        return out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        out = _saved(self, self._out)
        return grad * out * (1 - out) if input_grad else None


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


class GlobalAvgPool(Layer):
    """Global average pooling: (N, C, H, W) → (N, C), the mean of each channel's map."""

    def __init__(self) -> None:
        self._in_shape: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        return "GlobalAvgPool()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        _check_4d("GlobalAvgPool", x)
        self._in_shape = x.shape
        n, c, h, w = x.shape
        out = x.reshape(n, c, h * w).sum(axis=2)
        out *= 1 / (h * w)
        return out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        shape = _saved(self, self._in_shape)
        if not input_grad:
            return None
        h, w = shape[2:]
        dx = np.empty(shape, dtype=grad.dtype)
        dx[...] = (grad * (1 / (h * w)))[:, :, None, None]
        return dx


class Flatten(Layer):
    """(N, …) → (N, prod(…))."""

    def __init__(self) -> None:
        self._in_shape: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        return "Flatten()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        shape = _saved(self, self._in_shape)
        return grad.reshape(shape) if input_grad else None


class BatchNorm2d(Layer):
    """Batch normalisation over (N, H, W) per channel, with learnable γ (ones) and β (zeros).

    Training mode normalises with the batch mean and biased variance and updates the running
    estimates (momentum m: r ← (1−m)·r + m·batch, the variance unbiased by n/(n−1)); eval mode
    normalises with the running estimates.
    """

    def __init__(
        self,
        channels: int,
        *,
        eps: float = 1e-5,
        momentum: float = 0.1,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        self.channels = _positive_int("channels", channels)
        if not (eps > 0 and math.isfinite(eps)):
            raise ValueError(f"eps must be a positive number, got {eps!r}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.gamma = _param("gamma", np.ones(channels, dtype=dtype))
        self.beta = _param("beta", np.zeros(channels, dtype=dtype))
        self.running_mean = np.zeros(channels, dtype=dtype)
        self.running_var = np.ones(channels, dtype=dtype)
        self._xhat: np.ndarray | None = None
        self._inv_std: np.ndarray | None = None
        self._batch_stats = True

    def __repr__(self) -> str:
        return f"BatchNorm2d({self.channels}, eps={self.eps}, momentum={self.momentum})"

    def params(self) -> tuple[Param, ...]:
        return (self.gamma, self.beta)

    def forward(self, x: np.ndarray) -> np.ndarray:
        _check_4d("BatchNorm2d", x, self.channels)
        count = x.shape[0] * x.shape[2] * x.shape[3]
        if self.training:
            if count < 2:
                raise ValueError("BatchNorm2d in training mode needs more than 1 value per channel")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
            m = self.momentum
            self.running_mean *= 1 - m
            self.running_mean += m * mean
            self.running_var *= 1 - m
            self.running_var += m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - mean[:, None, None]) * inv_std[:, None, None]
        self._xhat, self._inv_std, self._batch_stats = xhat, inv_std, self.training
        return xhat * self.gamma.value[:, None, None] + self.beta.value[:, None, None]

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        xhat = _saved(self, self._xhat)
        inv_std = _saved(self, self._inv_std)
        self.gamma.grad[...] = (grad * xhat).sum(axis=(0, 2, 3))
        self.beta.grad[...] = grad.sum(axis=(0, 2, 3))
        if not input_grad:
            return None
        scale = (self.gamma.value * inv_std)[:, None, None]
        if not self._batch_stats:
            return grad * scale
        count = grad.shape[0] * grad.shape[2] * grad.shape[3]
        mean_g = self.beta.grad[:, None, None] / count
        mean_gx = self.gamma.grad[:, None, None] / count
        return scale * (grad - mean_g - xhat * mean_gx)


class Sequential:
    """Layers applied in order; the model the training loop, benchmarks and generators use.

    Args:
        layers: the layers, first applied first.
        dtype: the floating type inputs are converted to (the layers' parameter dtype).
    """

    def __init__(self, layers: Iterable[Layer], dtype: np.dtype | type = np.float64) -> None:
        self.layers: tuple[Layer, ...] = tuple(layers)
        if not self.layers:
            raise ValueError("a Sequential model needs at least one layer")
        self.dtype = np.dtype(dtype)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"

    def labels(self) -> tuple[str, ...]:
        """One label per layer, "index:ClassName" (e.g. "0:Conv2d")."""
        return tuple(f"{i}:{type(layer).__name__}" for i, layer in enumerate(self.layers))

    @property
    def training(self) -> bool:
        """Whether the layers are in training mode (BatchNorm2d uses batch statistics)."""
        return self.layers[0].training

    def set_training(self, training: bool) -> None:
        """Switch every layer to training (True) or evaluation (False) mode."""
        for layer in self.layers:
            layer.training = training

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the batch ``x`` through every layer and return the last layer's output."""
        out = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, grad: np.ndarray) -> None:
        """Back-propagate ∂L/∂output through every layer, filling each parameter's ``grad``."""
        g = np.asarray(grad, dtype=self.dtype)
        for layer in self.layers[:0:-1]:
            upstream = layer.backward(g)
            if upstream is None:
                raise RuntimeError(f"{layer!r} returned no input gradient")
            g = upstream
        self.layers[0].backward(g, input_grad=False)

    def parameters(self) -> list[Param]:
        """All learnable parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.params()]

    def param_counts(self) -> dict[str, int]:
        """Number of learnable scalars per layer (keyed by :meth:`labels`) and under "total",
        counted from the actual arrays."""
        counts = {
            label: sum(p.value.size for p in layer.params())
            for label, layer in zip(self.labels(), self.layers, strict=True)
        }
        counts["total"] = sum(counts.values())
        return counts

    def output_shapes(self, input_shape: Sequence[int]) -> list[tuple[int, ...]]:
        """Each layer's output shape (without the batch axis) for one input of ``input_shape``.

        Runs a real forward pass of a zero batch of one in evaluation mode, so running statistics
        are untouched, then restores the previous mode.

        Raises:
            ValueError: the input does not fit the layers (wrong channels, kernel larger than
                the padded input, …).
        """
        was_training = self.training
        self.set_training(False)
        shapes: list[tuple[int, ...]] = []
        try:
            out = np.zeros((1, *input_shape), dtype=self.dtype)
            for layer in self.layers:
                out = layer.forward(out)
                shapes.append(tuple(int(d) for d in out.shape[1:]))
        finally:
            self.set_training(was_training)
        return shapes


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient, in the
    logits' dtype: :func:`solvers.losses.cross_entropy_with_grad` with the training loop's checks.

    Args:
        logits: (N, K) scores.
        y: (N,) labels in 0…K−1.

    Returns:
        (loss, ∂loss/∂logits) where the gradient is (softmax − one-hot)/N.

    Raises:
        ValueError: shapes that do not match or labels out of range.
    """
    logits, y = np.asarray(logits), np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError(f"need logits (N, K) and labels (N,), got {logits.shape} and {y.shape}")
    _check_labels(y, logits.shape[1])
    return cross_entropy_with_grad(logits, y)


def _check_labels(y: np.ndarray, classes: int) -> None:
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"labels must lie in 0…{classes - 1}")


def _flatten(params: Sequence[Param]) -> tuple[np.ndarray, np.ndarray]:
    """Move every parameter's value and gradient into one contiguous buffer each.

    Each ``Param`` is re-pointed at a view of the buffers (values copied), so the layers, which
    always read through their ``Param``, see the same numbers, and an optimizer step is a handful
    of whole-buffer operations instead of a handful per parameter.

    Raises:
        ValueError: parameters of different dtypes.
    """
    dtypes = {p.value.dtype for p in params}
    if len(dtypes) > 1:
        raise ValueError(f"all parameters must share one dtype, got {sorted(map(str, dtypes))}")
    dtype = dtypes.pop() if dtypes else np.dtype(np.float64)
    total = sum(p.value.size for p in params)
    values = np.empty(total, dtype=dtype)
    grads = np.zeros(total, dtype=dtype)
    offset = 0
    for p in params:
        end = offset + p.value.size
        value = values[offset:end].reshape(p.value.shape)
        value[...] = p.value
        grad = grads[offset:end].reshape(p.value.shape)
        grad[...] = p.grad
        p.value, p.grad = value, grad
        offset = end
    return values, grads


class SGD:
    """Stochastic gradient descent with momentum, PyTorch's form: v ← μ·v + g, p ← p − lr·v.

    Construction re-homes the parameters' arrays into one flat buffer (see :func:`_flatten`).
    """

    def __init__(self, params: Sequence[Param], lr: float, momentum: float = 0.9) -> None:
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.params = tuple(params)
        self.lr, self.momentum = float(lr), float(momentum)
        self._values, self._grads = _flatten(self.params)
        self._velocity = np.zeros_like(self._values)

    def step(self) -> None:
        """Update every parameter in place from its current gradient."""
        torch_momentum_update_(self._values, self._velocity, self._grads, self.lr, self.momentum)


class Adam:
    """Adam with PyTorch's defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) and update order:
    p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).

    Construction re-homes the parameters' arrays into one flat buffer (see :func:`_flatten`).
    """

    def __init__(
        self,
        params: Sequence[Param],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr!r}")
        if not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas must lie in [0, 1), got {betas!r}")
        self.params = tuple(params)
        self.lr, self.betas, self.eps = float(lr), (float(betas[0]), float(betas[1])), float(eps)
        self._values, self._grads = _flatten(self.params)
        self._m = np.zeros_like(self._values)
        self._v = np.zeros_like(self._values)
        self._t = 0

    def step(self) -> None:
        """Update every parameter in place from its current gradient."""
        self._t += 1
        b1, b2 = self.betas
        adam_update_(
            self._values, self._m, self._v, self._grads, self._t, self.lr, b1, b2, self.eps
        )


@dataclass(frozen=True)
class History:
    """Per-epoch mean training loss and training accuracy (measured on the batches as trained)."""

    loss: tuple[float, ...]
    acc: tuple[float, ...]


def epoch_permutations(n: int, epochs: int, seed: int) -> np.ndarray:
    """The sample order of every epoch, (epochs, n): row e is a permutation of 0…n−1 drawn from
    ``np.random.default_rng(seed)``. Batches are consecutive slices of a row, so another framework
    given this array sees exactly the same batches."""
    rng = np.random.default_rng(seed)
    return (
        np.stack([rng.permutation(n) for _ in range(epochs)]) if epochs else np.zeros((0, n), int)
    )


def make_optimizer(
    name: OptimizerName, params: Sequence[Param], lr: float, momentum: float = 0.9
) -> Adam | SGD:
    """Build "adam" (PyTorch defaults) or "sgd" (with ``momentum``) for ``params``.

    Raises:
        ValueError: an unknown name or invalid hyper-parameters.
    """
    if name == "adam":
        return Adam(params, lr=lr)
    if name == "sgd":
        return SGD(params, lr=lr, momentum=momentum)
    raise ValueError(f"optimizer must be 'adam' or 'sgd', got {name!r}")


def _check_data(X: np.ndarray, y: np.ndarray) -> None:
    if X.shape[0] != y.shape[0] or y.ndim != 1:
        raise ValueError(f"X has {X.shape[0]} samples but y has shape {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("need at least one sample")


def train(
    model: Sequential,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    optimizer: OptimizerName,
    lr: float,
    seed: int,
    momentum: float = 0.9,
) -> History:
    """Mini-batch training with softmax cross-entropy, in training mode.

    The batch order is :func:`epoch_permutations` (n, epochs, seed); the last batch of an epoch
    may be smaller. Parameters are updated in place.

    Returns:
        The per-epoch :class:`History`.

    Raises:
        ValueError: mismatched X and y, non-positive epochs or batch size, unknown optimizer.
    """
    _check_data(X, y)
    epochs = _positive_int("epochs", epochs, 0)
    batch_size = _positive_int("batch_size", batch_size)
    opt = make_optimizer(optimizer, model.parameters(), lr, momentum)
    X = np.asarray(X, dtype=model.dtype)
    y = np.asarray(y)
    out_shape = model.output_shapes(X.shape[1:])[-1]
    if len(out_shape) != 1:
        raise ValueError(f"the model must end in (N, classes) logits, got {out_shape} per sample")
    _check_labels(y, out_shape[0])
    n = X.shape[0]
    model.set_training(True)
    losses: list[float] = []
    accs: list[float] = []
    for order in epoch_permutations(n, epochs, seed):
        loss_sum, correct = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            logits = model.forward(X[idx])
            loss, grad = cross_entropy_with_grad(logits, y[idx])
            model.backward(grad)
            opt.step()
            loss_sum += loss * len(idx)
            correct += int(np.count_nonzero(logits.argmax(axis=1) == y[idx]))
        losses.append(loss_sum / n)
        accs.append(correct / n)
    return History(tuple(losses), tuple(accs))


def predict(model: Sequential, X: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Predicted labels (argmax of the logits) in evaluation mode; the mode is restored after."""
    was_training = model.training
    model.set_training(False)
    try:
        parts = [
            model.forward(X[i : i + batch_size]).argmax(axis=1)
            for i in range(0, X.shape[0], batch_size)
        ]
    finally:
        model.set_training(was_training)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def evaluate(model: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """Accuracy (fraction correct, 0–1) of the model on (X, y) in evaluation mode."""
    _check_data(X, y)
    return float(np.mean(predict(model, X) == y))


def first_layer_grad_norm(model: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """L2 norm of ∂L/∂W of the first layer that has a weight, for one batch (X, y).

    Used to show vanishing gradients: the deeper the stack of saturating activations above it,
    the smaller this norm. Runs one forward/backward in the model's current mode (in training
    mode BatchNorm2d running statistics are updated, as in a real step); parameters are unchanged.

    Raises:
        ValueError: the model has no weight parameter, or X and y do not match.
    """
    _check_data(X, y)
    logits = model.forward(X)
    _, grad = softmax_cross_entropy(logits, np.asarray(y))
    model.backward(grad)
    for p in model.parameters():
        if p.name == "weight":
            return float(np.sqrt(np.sum(p.grad.astype(np.float64) ** 2)))
    raise ValueError("the model has no layer with a weight")


def reference_net(seed: int, dtype: np.dtype | type = np.float64, classes: int = 4) -> Sequential:
    """The TinyCNN of the benchmark: conv 3×3 1→8 (P=1) → ReLU → max pool 2 → conv 3×3 8→16
    (P=1) → ReLU → GAP → FC 16→``classes``, He-initialised from ``np.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return Sequential(
        [
            Conv2d(1, 8, 3, padding=1, rng=rng, dtype=dtype),
            ReLU(),
            MaxPool2d(2),
            Conv2d(8, 16, 3, padding=1, rng=rng, dtype=dtype),
            ReLU(),
            GlobalAvgPool(),
            Linear(16, classes, init="xavier", rng=rng, dtype=dtype),
        ],
        dtype=dtype,
    )
