"""The generated-problem contract: problems, their choices, the mistakes behind wrong answers,
and :func:`check`, which grades an already parsed answer.

A wrong answer is diagnosed by recomputing what each known mistake gives for *this* problem (a
:class:`Misconception`) and seeing which one the answer matches. :func:`check` never parses text
(that is ``quizapp.grading``'s job) and never raises. Nothing here imports NumPy: grading a
hand-written card must not pay for it. The machinery that builds problems is :mod:`solvers.template`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

Answer = float | tuple[float, ...]
Range = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Misconception:
    """A named mistake and the number it produces for one problem."""

    code: str
    """Stable slug, e.g. ``forgot-plus-one``."""
    label: str
    """Japanese explanation of the mistake, shown as feedback."""
    value: Answer
    """What the mistake gives for this problem."""


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice rendering of a problem."""

    text: str
    value: Answer
    correct: bool
    misconception: str | None
    """Code of the mistake this option embodies; None for the correct option."""


@dataclass(frozen=True)
class Problem:
    """One generated problem, reproducible from (generator, seed, ranges)."""

    generator: str
    seed: int
    params: dict[str, Any]
    prompt: str
    answer: Answer
    answer_text: str
    rel_tol: float
    abs_tol: float
    unit: str
    choices: tuple[Choice, ...]
    misconceptions: tuple[Misconception, ...]
    solution: str
    hint: str
    digits: int = 0
    """Significant figures the answer is graded to (0: ``rel_tol``/``abs_tol`` apply instead).
    Each compared value then gets half a unit of its own last digit, so a mistake that differs
    from the answer in the third figure is told apart even when the answer starts with a 9."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`check`."""

    correct: bool
    misconception: Misconception | None
    """The mistake that explains a wrong answer, if one does."""


def half_unit(x: float, digits: int) -> float:
    """Half a unit of the last of ``digits`` significant figures of ``x`` (0.00784 → 0.000005),
    with a hair of slack for float noise; 0 for 0."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    exponent = int(f"{x:.{digits - 1}e}".rpartition("e")[2])
    return 0.5 * 10.0 ** (exponent - digits + 1) * (1 + 1e-9)


def _close_scalar(a: Any, b: float, rel_tol: float, abs_tol: float, digits: int = 0) -> bool:
    if isinstance(a, tuple | list | str | bytes):
        return False
    try:
        x = float(a)
    except (TypeError, ValueError, OverflowError):
        return False
    if not math.isfinite(x):
        return False
    if digits:
        return abs(x - b) <= half_unit(b, digits)
    # two ulps of slack: past 2³⁶ or so a displayed decimal such as 137438953472.9688 is itself
    # stored a few ulps off, which alone could push it past a half-unit abs_tol
    return math.isclose(x, b, rel_tol=rel_tol, abs_tol=abs_tol + 2 * math.ulp(b))


def close(value: Any, target: Answer, rel_tol: float, abs_tol: float, digits: int = 0) -> bool:
    """Whether ``value`` matches ``target`` within the tolerances, element-wise for tuples.

    With ``digits``, each target element instead allows half a unit of its own last significant
    figure (:func:`half_unit`). Anything that is not a finite number (or a tuple of them of the
    right length) is not close.
    """
    if isinstance(target, tuple):
        if not isinstance(value, tuple | list) or len(value) != len(target):
            return False
        for v, t in zip(value, target, strict=True):
            if not _close_scalar(v, t, rel_tol, abs_tol, digits):
                return False
        return True
    return _close_scalar(value, target, rel_tol, abs_tol, digits)


def check(problem: Problem, value: Answer) -> Verdict:
    """Grade an already parsed answer and, when it is wrong, name the mistake it matches.

    Args:
        problem: the problem answered.
        value: a float, or a tuple of floats for a multi-value answer.

    Returns:
        ``Verdict(True, None)`` within the problem's tolerance of the answer; otherwise the first
        misconception whose value matches (same tolerances), or None. NaN, infinities, non-numbers
        and tuples of the wrong length are simply wrong.
    """
    rel, absolute, digits = problem.rel_tol, problem.abs_tol, problem.digits
    if close(value, problem.answer, rel, absolute, digits):
        return Verdict(True, None)
    for mistake in problem.misconceptions:
        if close(value, mistake.value, rel, absolute, digits):
            return Verdict(False, mistake)
    return Verdict(False, None)


class Generator(Protocol):
    """What ``solvers.generators.REGISTRY`` maps a name to."""

    name: str
    title: str
    topic: str
    exams: tuple[str, ...]
    ranges: Mapping[str, Range]

    def generate(self, seed: int, ranges: Mapping[str, Range] | None = None) -> Problem:
        """The problem for ``seed``; same seed and ranges ⇒ identical problem."""
        ...


def frozen_ranges(ranges: Mapping[str, Range]) -> Mapping[str, Range]:
    """``ranges`` read-only: lists become tuples, {min, max} and the whole mapping proxies."""
    return MappingProxyType({name: _freeze(spec) for name, spec in ranges.items()})


def _freeze(spec: Range) -> Range:
    if isinstance(spec, Mapping):
        return MappingProxyType(dict(spec))
    return tuple(spec)
