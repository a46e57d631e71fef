"""A procedurally generated toy image data set for the TinyCNN experiments (nothing is downloaded).

Four classes of single-channel images: horizontal bars, vertical bars, a diagonal line and a
"+" cross, each at a random position and thickness, with Gaussian pixel noise. Orientation is the
only cue, so a small CNN with 3×3 filters and global average pooling can learn it, while the noise
and random placement keep it from being a lookup table.
"""

from __future__ import annotations

import numpy as np

CLASS_NAMES: tuple[str, ...] = ("横線", "縦線", "斜線", "十字")
"""Japanese class names, indexed by label."""

MIN_SIZE = 6


def _bar_masks(rng: np.random.Generator, n: int, size: int, vertical: bool) -> np.ndarray:
    """Boolean (n, size, size) masks of one bar each, 1–2 pixels thick, spanning most of the image."""
    rows = np.arange(size)[None, :, None]
    cols = np.arange(size)[None, None, :]
    thick = rng.integers(1, 3, size=n)[:, None, None]
    start = rng.integers(0, size - 2, size=n)[:, None, None]
    start = np.minimum(start, size - thick)
    lo = rng.integers(0, 3, size=n)[:, None, None]
    hi = size - rng.integers(0, 3, size=n)[:, None, None]
    across, along = (cols, rows) if vertical else (rows, cols)
    return (across >= start) & (across < start + thick) & (along >= lo) & (along < hi)


def _diagonal_masks(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Boolean (n, size, size) masks of one diagonal or anti-diagonal line, 1–2 pixels thick."""
    rows = np.arange(size)[None, :, None]
    cols = np.arange(size)[None, None, :]
    thick = rng.integers(1, 3, size=n)[:, None, None]
    reach = max(1, size // 4)
    offset = rng.integers(-reach, reach + 1, size=n)[:, None, None]
    anti = rng.integers(0, 2, size=n).astype(bool)[:, None, None]
    along = np.where(anti, rows + cols - (size - 1), rows - cols) - offset
    return (along >= 0) & (along < thick)


def make_shapes(
    n: int, seed: int, size: int = 12, noise: float = 0.15
) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``n`` labelled images of bars, diagonals and crosses.

    Labels cycle through the four classes before being shuffled, so every class appears
    ⌊n/4⌋ or ⌈n/4⌉ times. Strokes have intensity 0.8–1.0 on a 0 background; N(0, noise²) is
    added to every pixel.

    Args:
        n: number of images (≥ 1).
        seed: seed of the NumPy generator; the same seed gives the same arrays.
        size: image height and width (≥ 6).
        noise: standard deviation of the pixel noise (≥ 0).

    Returns:
        (X, y): X float64 of shape (n, 1, size, size), y int64 of shape (n,) with labels indexing
        :data:`CLASS_NAMES`.

    Raises:
        ValueError: n < 1, size < 6 or a negative / non-finite noise.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if int(size) != size or size < MIN_SIZE:
        raise ValueError(f"size must be an integer ≥ {MIN_SIZE}, got {size!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")
    n, size = int(n), int(size)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n, dtype=np.int64) % len(CLASS_NAMES))
    horizontal = _bar_masks(rng, n, size, vertical=False)
    vertical = _bar_masks(rng, n, size, vertical=True)
    diagonal = _diagonal_masks(rng, n, size)
    label = y[:, None, None]
    mask = np.where(
        label == 0,
        horizontal,
        np.where(label == 1, vertical, np.where(label == 2, diagonal, horizontal | vertical)),
    )
    intensity = rng.uniform(0.8, 1.0, size=n)[:, None, None]
    images = mask * intensity + rng.normal(0.0, noise, size=(n, size, size))
    return images[:, None, :, :].astype(np.float64), y
