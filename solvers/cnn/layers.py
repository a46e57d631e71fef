"""The TinyCNN's building blocks: the Param and Layer contract, weight initialisation, and the
layers without a sliding window (fully connected, activations, global pooling, flatten, batch norm).

Every layer keeps what its backward pass needs from the last forward call, like autograd's saved
tensors, so ``backward`` must follow the ``forward`` it differentiates. Gradients are overwritten
(not accumulated) by each backward pass. BatchNorm2d uses the biased batch variance for
normalisation and the unbiased one for the running estimate, as PyTorch does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

Init = Literal["he", "xavier"]
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
