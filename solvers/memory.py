"""Memory for model states: parameters in a given number format, and ZeRO's per-GPU accounting.

Sizes are in bytes (1 GB = 10⁹ bytes here; divide by 2³⁰ for GiB). Activations are not counted.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

from solvers._checks import finite, whole_number

BYTES_PER_PARAM = MappingProxyType(
    {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}
)
"""Bytes one parameter takes in each supported number format."""


def _count(name: str, value: Any) -> float:
    number = finite(name, value)
    if number < 0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")
    return number


def param_memory_bytes(n_params: float, dtype: str) -> float:
    """Bytes needed to store ``n_params`` parameters in ``dtype``.

    Example: 7×10⁹ parameters in fp16 take 1.4×10¹⁰ bytes (14 GB).

    Args:
        n_params: number of parameters, ≥ 0.
        dtype: one of "fp32", "fp16", "bf16", "int8", "int4".

    Raises:
        ValueError: an unknown dtype or a negative or non-finite count.
    """
    n = _count("n_params", n_params)
    if dtype not in BYTES_PER_PARAM:
        raise ValueError(f"dtype must be one of {sorted(BYTES_PER_PARAM)}, got {dtype!r}")
    return n * BYTES_PER_PARAM[dtype]


def zero_memory_per_gpu(
    n_params: float,
    n_gpus: int,
    stage: int,
    bytes_param: float = 2,
    bytes_grad: float = 2,
    bytes_optim: float = 12,
) -> float:
    """Model-state memory per GPU under ZeRO data parallelism (Rajbhandari et al., 2020).

    The defaults are the paper's mixed-precision Adam accounting for Ψ parameters: fp16 parameters
    (2Ψ), fp16 gradients (2Ψ) and fp32 optimizer states (12Ψ: master weights, momentum, variance).
    Each stage partitions one more of these across the N GPUs:

    * stage 0 (plain data parallelism): (2 + 2 + 12)Ψ
    * stage 1 (optimizer states): (2 + 2)Ψ + 12Ψ/N
    * stage 2 (+ gradients): 2Ψ + (2 + 12)Ψ/N
    * stage 3 (+ parameters): (2 + 2 + 12)Ψ/N

    Example: Ψ = 7.5×10⁹ on 64 GPUs needs 120 GB, 31.4 GB, 16.6 GB and 1.9 GB per GPU.

    Raises:
        ValueError: stage not 0–3, n_gpus not an integer ≥ 1, or a negative or non-finite size.
    """
    psi = _count("n_params", n_params)
    gpus = finite("n_gpus", n_gpus)
    if isinstance(n_gpus, bool) or not gpus.is_integer() or gpus < 1:
        raise ValueError(f"n_gpus must be an integer ≥ 1, got {n_gpus!r}")
    if isinstance(stage, bool) or stage not in (0, 1, 2, 3):
        raise ValueError(f"stage must be 0, 1, 2 or 3, got {stage!r}")
    sizes = [
        _count(name, value)
        for name, value in (
            ("bytes_param", bytes_param),
            ("bytes_grad", bytes_grad),
            ("bytes_optim", bytes_optim),
        )
    ]
    # stage k partitions the last k of (optimizer states, gradients, parameters)
    partitioned = [False, False, False]
    for i in range(int(stage)):
        partitioned[2 - i] = True
    per_param = math.fsum(
        b / gpus if part else b for b, part in zip(sizes, partitioned, strict=True)
    )
    return psi * per_param


def ring_allreduce_factor(n_gpus: int) -> float:
    """Data each GPU sends in a ring All-Reduce, in multiples of the gradient's size: 2(N − 1)/N.

    Reduce-Scatter and All-Gather each pass N − 1 of the N shards to the next GPU, so the traffic
    per GPU stays just under twice the gradient however many GPUs join (64 GPUs: 1.97), which is
    why the ring scales where a parameter server does not.

    Raises:
        ValueError: n_gpus not an integer ≥ 1.
    """
    n = whole_number("n_gpus", n_gpus)
    return 2 * (n - 1) / n


def activation_memory_bytes(batch: int, shape: Any, dtype: str) -> float:
    """Bytes of one layer's output activations kept for the backward pass: batch × the product
    of the per-sample shape (C, H, W or tokens × width) × the bytes of ``dtype``.

    Example: batch 32 of 64×112×112 in fp16 take 32·64·112·112·2 = 51,380,224 bytes.

    Raises:
        ValueError: a size < 1 or an unknown dtype.
    """
    n = whole_number("batch", batch)
    for i, extent in enumerate(shape):
        n *= whole_number(f"shape[{i}]", extent)
    return param_memory_bytes(n, dtype)


def attention_scores_bytes(batch: int, heads: int, tokens: int, dtype: str) -> float:
    """Bytes of the attention weight matrices one self-attention layer keeps: B·h·n² values."""
    n = whole_number("tokens", tokens)
    return activation_memory_bytes(batch, (whole_number("heads", heads), n, n), dtype)


def allreduce_bytes_per_gpu(gradient_bytes: float, n_gpus: int, algorithm: str = "ring") -> float:
    """Bytes each GPU sends per step to average the gradients of data parallelism.

    * ``ring``: Reduce-Scatter then All-Gather, 2(N − 1)/N × the gradient (see
      :func:`ring_allreduce_factor`).
    * ``parameter_server``: what the server receives, N × the gradient (it then sends N copies
      of the parameters back): the bottleneck that grows with N.

    Raises:
        ValueError: an unknown algorithm, a negative size, or N < 1.
    """
    size = _count("gradient_bytes", gradient_bytes)
    if algorithm == "ring":
        return size * ring_allreduce_factor(n_gpus)
    if algorithm == "parameter_server":
        return size * whole_number("n_gpus", n_gpus)
    raise ValueError(f"algorithm must be 'ring' or 'parameter_server', got {algorithm!r}")


def pipeline_bytes_per_step(
    batch: int, tokens: int, hidden: int, stages: int, dtype: str = "fp16"
) -> float:
    """Bytes crossing stage boundaries per training step of a model split layer-wise across
    ``stages`` GPUs (pipeline model parallelism): each of the stages − 1 boundaries passes the
    activations B·n·d forward and their gradient, of the same size, backward.

    Raises:
        ValueError: a size < 1 or an unknown dtype.
    """
    boundaries = whole_number("stages", stages) - 1
    return 2 * boundaries * activation_memory_bytes(batch, (tokens, hidden), dtype)
