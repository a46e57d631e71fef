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
