"""Training and evaluating a Sequential: softmax cross-entropy, the optimizers, the loop.

The losses and the optimizer steps are solvers.losses' and solvers.optim's (in place, in the
parameters' dtype), so a worked example and a training run compute the same numbers. Parameters
are updated in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from solvers.cnn.layers import Param, _positive_int
from solvers.cnn.model import Sequential
from solvers.losses import cross_entropy_with_grad
from solvers.optim import adam_update_, torch_momentum_update_

OptimizerName = Literal["adam", "sgd"]


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
