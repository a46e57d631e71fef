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


def size(name: str, value: Any) -> int:
    """A count ≥ 1 as a Python int; integral floats pass (YAML check lists arrive as float64)."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    integral_float = (
        isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value)
    )
    if not (isinstance(value, int | np.integer) or integral_float):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if number < 1:
        raise ValueError(f"{name} must be ≥ 1, got {number}")
    return number
