"""Input checks shared by the solvers: turn odd input into a clear ValueError, early."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite(name: str, value: Any) -> float:
    """``value`` as a finite float, or ValueError naming the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def real_array(name: str, value: Any) -> np.ndarray:
    """A floating ndarray: float32/float64 kept, ints and bools promoted to float64."""
    arr = np.asarray(value)
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise ValueError(f"{name} must be real numbers, got dtype {arr.dtype}")
    return arr


def whole_number(name: str, value: Any, minimum: int = 1) -> int:
    """A whole number ≥ ``minimum`` (a count, a size, a stride) as a Python int; integral floats
    pass (YAML check lists arrive as float64)."""
    if type(value) is int and value >= minimum:  # the common case, checked first: it is hot
        return value
    integral_float = (
        isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value)
    )
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    if not (is_int or integral_float):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name} must be ≥ {minimum}, got {number}")
    return number
