"""Sequential, the TinyCNN model the training loop, benchmarks and generators run, and the
benchmark's reference network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from solvers.cnn.convolution import Conv2d, MaxPool2d
from solvers.cnn.layers import GlobalAvgPool, Layer, Linear, Param, ReLU


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
