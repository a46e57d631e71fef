"""The machinery every generator shares to turn random parameters into a :class:`Problem`.

A :class:`Template` draws parameters from its ranges with a per-seed random stream, lets its
``build`` function compute the answer and the values real mistakes give, and turns those into
choices and diagnosable misconceptions (:func:`build_choices`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from solvers.formatting import Exact, NumberFormat
from solvers.problem import (
    Answer,
    Choice,
    Misconception,
    Problem,
    Range,
    close,
    frozen_ranges,
    half_unit,
)

Candidate = tuple[str, str, Answer | None]

N_DISTRACTORS = 3
MAX_ATTEMPTS = 200


def _as_answer(value: Any, like: Answer) -> Answer | None:
    """``value`` as a finite float, or a tuple of them shaped like ``like``; None otherwise."""
    if value is None:
        return None
    if isinstance(like, tuple):
        if not isinstance(value, tuple) or len(value) != len(like):
            return None
        floats = tuple(float(v) for v in value)
        return floats if all(math.isfinite(v) for v in floats) else None
    if isinstance(value, tuple):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _same(a: Answer, b: Answer, rel_tol: float, abs_tol: float) -> bool:
    """Closeness of two already validated answers of the same form."""
    isclose = math.isclose
    if isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):  # type: ignore[arg-type]
            if not isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol):
                return False
        return True
    return isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)  # type: ignore[arg-type]


def build_choices(
    rng: np.random.Generator,
    answer: Answer,
    answer_text: str,
    candidates: Sequence[Candidate],
    fmt: Callable[[Answer], str],
    rel_tol: float,
    abs_tol: float,
    n_distractors: int = N_DISTRACTORS,
    digits: int = 0,
) -> tuple[tuple[Choice, ...], tuple[Misconception, ...]] | None:
    """Turn candidate mistakes into misconceptions and a seeded set of choices.

    A candidate is dropped when its value is None, not finite or not shaped like the answer,
    matches the answer, matches an earlier kept candidate (within the tolerances), or would be
    displayed with the same text as one of them, so that every kept mistake is diagnosed as itself
    by :func:`check`.

    Args:
        rng: the problem's generator; consumed in a fixed way, so the result is seeded.
        answer, answer_text: the correct value and its display.
        candidates: (code, Japanese label, value) in priority order.
        fmt: how a value is displayed.
        rel_tol, abs_tol, digits: the problem's tolerances (see :func:`close`).
        n_distractors: wrong options to show.

    Returns:
        (choices, misconceptions): the correct choice and ``n_distractors`` picks among the kept
        mistakes in a seeded order, and every kept mistake in candidate order; None when fewer than
        ``n_distractors`` mistakes survive.
    """
    kept: list[Misconception] = []
    values: list[Answer] = [answer]
    texts = [answer_text]
    scalar = not isinstance(answer, tuple)
    isclose = math.isclose
    # half a unit of each kept scalar value's last figure, computed once per value
    units = [half_unit(answer, digits)] if digits and scalar else []  # type: ignore[arg-type]
    for code, label, raw in candidates:
        if units:
            value = _as_answer(raw, answer)
            if value is None:
                continue
            duplicate = any(
                abs(value - other) <= unit  # type: ignore[operator]
                for other, unit in zip(values, units, strict=True)
            )
        elif digits:
            value = _as_answer(raw, answer)
            if value is None:
                continue
            duplicate = any(close(value, other, 0.0, 0.0, digits) for other in values)
        elif scalar and isinstance(raw, float | int) and not isinstance(raw, bool):
            value: Answer | None = float(raw)
            if not math.isfinite(value):
                continue
            duplicate = False
            for other in values:
                if isclose(value, other, rel_tol=rel_tol, abs_tol=abs_tol):  # type: ignore[arg-type]
                    duplicate = True
                    break
        else:
            value = _as_answer(raw, answer)
            if value is None:
                continue
            duplicate = False
            for other in values:
                if _same(value, other, rel_tol, abs_tol):
                    duplicate = True
                    break
        if duplicate:
            continue
        text = fmt(value)
        if text not in texts:
            values.append(value)
            texts.append(text)
            kept.append(Misconception(code, label, value))
            if units:
                units.append(half_unit(value, digits))  # type: ignore[arg-type]
    if len(kept) < n_distractors:
        return None
    keys = rng.random(len(kept) + n_distractors + 1).tolist()
    picked = sorted(sorted(range(len(kept)), key=keys.__getitem__)[:n_distractors])
    options = [Choice(answer_text, answer, True, None)] + [
        Choice(texts[i + 1], kept[i].value, False, kept[i].code) for i in picked
    ]
    order_keys = keys[len(kept) :]
    order = sorted(range(len(options)), key=order_keys.__getitem__)
    return tuple(options[i] for i in order), tuple(kept)


def _check_range(name: str, spec: Any) -> Range:
    if isinstance(spec, Mapping):
        if set(spec) != {"min", "max"}:
            raise ValueError(f"range for {name!r} must be a list or {{min, max}}, got {spec!r}")
        lo, hi = spec["min"], spec["max"]
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in (lo, hi)
        )
        if not numbers or lo > hi:
            raise ValueError(f"range for {name!r} needs finite numbers min ≤ max, got {spec!r}")
        return spec
    if isinstance(spec, str | bytes) or not isinstance(spec, Sequence):
        raise ValueError(f"range for {name!r} must be a list or {{min, max}}, got {spec!r}")
    if len(spec) == 0:
        raise ValueError(f"range for {name!r} is empty")
    return spec


def resolve_ranges(
    defaults: Mapping[str, Range], overrides: Mapping[str, Range] | None
) -> dict[str, Range]:
    """The generator's default ranges with ``overrides`` replacing whole entries.

    Raises:
        ValueError: an unknown parameter name, an empty list, or a malformed {min, max}.
    """
    merged = dict(defaults)
    if overrides:
        unknown = sorted(set(overrides) - set(defaults))
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}; known: {sorted(defaults)}")
        merged.update(overrides)
    return {name: _check_range(name, spec) for name, spec in merged.items()}


_MASK64 = (1 << 64) - 1


class _SplitMixSeed(ISeedSequence):
    """Seeds a bit generator from an integer with splitmix64 instead of NumPy's SeedSequence:
    the same per-seed determinism at a fifth of the cost (SeedSequence's hashing took ~20 µs, a
    tenth of a whole hand-calculation problem)."""

    __slots__ = ("seed",)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        wide = np.dtype(dtype).itemsize == 8
        x, words = self.seed & _MASK64, []
        for _ in range(n_words if wide else (n_words + 1) // 2):
            x = (x + 0x9E3779B97F4A7C15) & _MASK64
            z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
            words.append(z ^ (z >> 31))
        state = np.array(words, dtype=np.uint64)
        return state if wide else state.view(np.uint32)[:n_words]


def seeded_rng(seed: int) -> np.random.Generator:
    """The random stream of one problem: a PCG64 generator fixed by ``seed``."""
    return np.random.Generator(np.random.PCG64(_SplitMixSeed(int(seed))))


Compiled = tuple[tuple[str, int, Any, Any], ...]
_LIST, _INT, _FLOAT = 0, 1, 2


def _compile(spec: Mapping[str, Range]) -> Compiled:
    """Validated ranges as (name, kind, a, b) rows that :func:`_draw` can sample quickly."""
    rows: list[tuple[str, int, Any, Any]] = []
    for name, s in spec.items():
        if isinstance(s, Mapping):
            lo, hi = s["min"], s["max"]
            if isinstance(lo, int) and isinstance(hi, int):
                rows.append((name, _INT, lo, hi - lo + 1))
            else:
                rows.append((name, _FLOAT, float(lo), float(hi) - float(lo)))
        else:
            values = tuple(v.item() if isinstance(v, np.generic) else v for v in s)
            rows.append((name, _LIST, values, len(values)))
    return tuple(rows)


def _draw(rng: np.random.Generator, compiled: Compiled) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for u, (name, kind, a, b) in zip(rng.random(len(compiled)).tolist(), compiled, strict=True):
        if kind == _LIST:
            out[name] = a[min(int(u * b), b - 1)]
        elif kind == _INT:
            out[name] = a + min(int(u * b), b - 1)
        else:
            out[name] = a + u * b
    return out


def draw_params(rng: np.random.Generator, spec: Mapping[str, Range]) -> dict[str, Any]:
    """One value for every parameter from a single draw of ``rng``: a list gives one of its
    values, {min, max} an integer in min…max (both ints) or a float in [min, max)."""
    return _draw(rng, _compile(spec))


def random_ints(rng: np.random.Generator, count: int, lo: int, hi: int) -> list[int]:
    """``count`` integers uniform on lo…hi inclusive, from one draw of ``rng`` (plain ints,
    cheaper than ``rng.integers`` for the handful a hand-calculation problem needs)."""
    span = hi - lo + 1
    return [lo + min(int(u * span), span - 1) for u in rng.random(count).tolist()]


@dataclass(frozen=True)
class Draft:
    """A problem before its choices are built: what a template's ``build`` function returns."""

    params: dict[str, Any]
    prompt: str
    answer: Answer | Exact | tuple[float | Exact, ...]
    """The answer; a rational one as a ``Fraction``, so that its display rounds a tie such as
    1.3225 the way the prompt says (the problem carries it as a float)."""
    fmt: NumberFormat
    candidates: Sequence[Candidate]
    steps: Sequence[str]
    hint: str = ""
    unit: str = ""
    answer_text: str | None = None
    """Overrides ``fmt.text(answer)`` when the answer needs a special display."""


Build = Callable[[dict[str, Any], np.random.Generator], Draft | None]


def _as_float(value: Any) -> Answer:
    if isinstance(value, tuple):
        return tuple(float(v) for v in value)
    return float(value)


def _numbered(steps: Sequence[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1))


@dataclass(frozen=True)
class Template:
    """A generator defined by a ``build`` function from drawn parameters to a :class:`Draft`.

    ``generate`` draws every parameter from the (possibly narrowed) ranges, calls ``build`` and
    retries with fresh draws when ``build`` rejects the parameters (returns None) or fewer than
    three distinct mistakes survive.
    """

    name: str
    title: str
    topic: str
    exams: tuple[str, ...]
    build: Build = field(repr=False)
    ranges: Mapping[str, Range] = field(default_factory=dict)

    _defaults: Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        frozen = frozen_ranges(self.ranges)
        object.__setattr__(self, "ranges", frozen)
        object.__setattr__(self, "_defaults", _compile(resolve_ranges(frozen, None)))

    def generate(self, seed: int, ranges: Mapping[str, Range] | None = None) -> Problem:
        """The problem for ``seed`` within ``ranges`` (defaults for parameters not given).

        Raises:
            ValueError: a negative or non-integer seed, an unknown parameter name, an empty or
                malformed range, or ranges that admit no valid problem.
        """
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        compiled = _compile(resolve_ranges(self.ranges, ranges)) if ranges else self._defaults
        rng = seeded_rng(seed)
        for _ in range(MAX_ATTEMPTS):
            draft = self.build(_draw(rng, compiled), rng)
            if draft is None:
                continue
            fmt = draft.fmt
            answer_text = draft.answer_text or fmt.text(draft.answer)
            answer = _as_float(draft.answer)
            digits = fmt.digits if fmt.kind == "sig" else 0
            built = build_choices(
                rng,
                answer,
                answer_text,
                draft.candidates,
                fmt.text,
                fmt.rel_tol,
                fmt.abs_tol,
                digits=digits,
            )
            if built is None:
                continue
            choices, mistakes = built
            return Problem(
                generator=self.name,
                seed=int(seed),
                params=draft.params,
                prompt=draft.prompt,
                answer=answer,
                answer_text=answer_text,
                rel_tol=fmt.rel_tol,
                abs_tol=fmt.abs_tol,
                unit=draft.unit,
                choices=choices,
                misconceptions=mistakes,
                solution=_numbered([*draft.steps, f"答え: {answer_text}{draft.unit}"]),
                hint=draft.hint or fmt.hint(),
                digits=digits,
            )
        shown = dict(resolve_ranges(self.ranges, ranges))
        raise ValueError(f"{self.name}: no valid problem within ranges {shown}")
