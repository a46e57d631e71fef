"""Learning-rate schedules and the batch-size scaling rule, as plain functions of the step.

Conventions follow PyTorch: ``CosineAnnealingLR`` (``cosine_annealing``), ``StepLR``
(``step_decay``), ``CosineAnnealingWarmRestarts`` (``sgdr_lr``, T_0 = ``cycle_len``,
T_mult = ``mult``). Steps count from 0; a step may be fractional (an epoch and a half).
"""

from __future__ import annotations

import math
from typing import Any

from solvers._checks import finite


def _non_negative(name: str, value: Any) -> float:
    number = finite(name, value)
    if number < 0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")
    return number


def _positive(name: str, value: Any) -> float:
    number = finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def _lr_pair(lr_max: Any, lr_min: Any) -> tuple[float, float]:
    hi = _non_negative("lr_max", lr_max)
    lo = _non_negative("lr_min", lr_min)
    if lo > hi:
        raise ValueError(f"lr_min must be ≤ lr_max, got {lr_min!r} > {lr_max!r}")
    return hi, lo


def _cosine(position: float, length: float, hi: float, lo: float) -> float:
    return lo + 0.5 * (hi - lo) * (1.0 + math.cos(math.pi * position / length))


def cosine_annealing(step: float, total_steps: float, lr_max: float, lr_min: float = 0.0) -> float:
    """Cosine annealing from ``lr_max`` at step 0 down to ``lr_min`` at ``total_steps``.

    Returns:
        lr_min + ½(lr_max − lr_min)(1 + cos(π·step/total_steps)); e.g. half-way it is the mean of
        the two rates.

    Raises:
        ValueError: step outside [0, total_steps], total_steps ≤ 0, a negative rate, lr_min >
            lr_max, or a non-finite argument.
    """
    t = _non_negative("step", step)
    total = _positive("total_steps", total_steps)
    if t > total:
        raise ValueError(f"step must be ≤ total_steps ({total_steps!r}), got {step!r}")
    hi, lo = _lr_pair(lr_max, lr_min)
    return _cosine(t, total, hi, lo)


def linear_warmup(step: float, warmup_steps: float, lr_base: float) -> float:
    """Linear warmup: the rate grows from 0 to ``lr_base`` over ``warmup_steps`` steps, then stays.

    Returns:
        lr_base·step/warmup_steps while step < warmup_steps, else lr_base (always lr_base when
        warmup_steps is 0).

    Raises:
        ValueError: a negative step, warmup length or rate, or a non-finite argument.
    """
    t = _non_negative("step", step)
    warmup = _non_negative("warmup_steps", warmup_steps)
    lr = _non_negative("lr_base", lr_base)
    if t >= warmup:
        return lr
    return lr * t / warmup


def linear_scaling(base_lr: float, base_batch: float, batch: float) -> float:
    """Linear scaling rule (Goyal et al.): multiply the batch by k, multiply the rate by k.

    Returns:
        base_lr·batch/base_batch; e.g. 0.1 at batch 256 becomes 0.4 at batch 1024.

    Raises:
        ValueError: a non-positive batch size, a negative rate, or a non-finite argument.
    """
    lr = _non_negative("base_lr", base_lr)
    return lr * _positive("batch", batch) / _positive("base_batch", base_batch)


def step_decay(step: float, lr0: float, gamma: float, step_size: float) -> float:
    """Step decay: the rate is multiplied by ``gamma`` every ``step_size`` steps.

    Returns:
        lr0·gamma^⌊step/step_size⌋; e.g. lr0 = 0.1, gamma = 0.1, step_size = 30 gives 0.01 from
        step 30 and 0.001 from step 60.

    Raises:
        ValueError: a negative step or rate, gamma ≤ 0, step_size ≤ 0, or a non-finite argument.
    """
    t = _non_negative("step", step)
    lr = _non_negative("lr0", lr0)
    g = _positive("gamma", gamma)
    size = _positive("step_size", step_size)
    return lr * g ** math.floor(t / size)


def sgdr_lr(
    step: float, cycle_len: float, lr_max: float, lr_min: float = 0.0, mult: int = 1
) -> float:
    """Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter).

    The first cycle lasts ``cycle_len`` steps, each next one ``mult`` times longer; within a cycle
    the rate follows :func:`cosine_annealing` and at the start of the next it jumps back to
    ``lr_max``.

    Returns:
        lr_min + ½(lr_max − lr_min)(1 + cos(π·t_cur/T_i)), with T_i the current cycle's length and
        t_cur the steps since it began.

    Raises:
        ValueError: a negative step, cycle_len ≤ 0, mult not an integer ≥ 1, bad rates, or a
            non-finite argument.
    """
    t = _non_negative("step", step)
    length = _positive("cycle_len", cycle_len)
    hi, lo = _lr_pair(lr_max, lr_min)
    if isinstance(mult, bool | str) or not float(finite("mult", mult)).is_integer() or mult < 1:
        raise ValueError(f"mult must be an integer ≥ 1, got {mult!r}")
    factor = int(mult)
    if factor == 1:
        position = math.fmod(t, length)
    else:
        # cycles end at length·(factor^n − 1)/(factor − 1); find the one that contains t
        n = math.floor(math.log(t * (factor - 1) / length + 1.0, factor))
        start = length * (factor**n - 1) / (factor - 1)
        if start > t:
            n -= 1
        elif t >= start + length * factor**n:
            n += 1
        start = length * (factor**n - 1) / (factor - 1)
        position, length = t - start, length * factor**n
    return _cosine(position, length, hi, lo)


def exponential_decay(step: float, lr0: float, gamma: float, step_size: float) -> float:
    """Smooth exponential decay, lr0·gamma^(step/step_size): the rate falls by ``gamma`` over every
    ``step_size`` steps without the stairs of :func:`step_decay` (TF ``ExponentialDecay`` with
    ``staircase=False``).

    Raises:
        ValueError: a negative step or rate, gamma ≤ 0, step_size ≤ 0, or a non-finite argument.
    """
    t = _non_negative("step", step)
    lr = _non_negative("lr0", lr0)
    g = _positive("gamma", gamma)
    return lr * g ** (t / _positive("step_size", step_size))


def sqrt_scaling(base_lr: float, base_batch: float, batch: float) -> float:
    """Square-root scaling rule: multiply the batch by k, multiply the rate by √k (used with
    Adam-type optimizers), where :func:`linear_scaling` multiplies it by k.

    Raises:
        ValueError: a non-positive batch size, a negative rate, or a non-finite argument.
    """
    lr = _non_negative("base_lr", base_lr)
    return lr * math.sqrt(_positive("batch", batch) / _positive("base_batch", base_batch))


def step_decay_count(step: float, step_size: float) -> int:
    """How many decays a :func:`step_decay` schedule has applied by ``step``: ⌊step/step_size⌋.

    The learning rate is lr0·γ^count, so it falls in stairs; at epoch 65 with decays every 30
    epochs the count is 2 (at 30 and 60), not 65/30 ≈ 2.17 and not 3.

    Raises:
        ValueError: a negative step, a non-positive step_size, or a non-finite argument.
    """
    return math.floor(_non_negative("step", step) / _positive("step_size", step_size))
