"""Pinned diagnoses shared by the diagnosis tests: a :class:`Case` fixes a generator's parameters
with range overrides and names the mistake one wrong answer makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from solvers.generators import REGISTRY
from solvers.problem import Problem, Verdict, check

Value = float | tuple[float, ...]
Calc = Value | Callable[[dict[str, Any]], Value]


@dataclass(frozen=True)
class Case:
    """One pinned diagnosis: ``wrong`` on generator ``name`` with ``pinned`` parameters is
    ``code``; ``answer`` is the right answer. Either may be computed from the problem's params
    (for the parts the generator draws itself, e.g. logits)."""

    name: str
    pinned: dict[str, Any]
    answer: Calc
    wrong: Calc
    code: str
    seed: int = 0
    marks: tuple = field(default=())


def make(name: str, pinned: dict[str, Any], seed: int = 0) -> Problem:
    """The problem of ``name`` with every parameter in ``pinned`` fixed to one value."""
    p = REGISTRY[name].generate(seed, {k: [v] for k, v in pinned.items()})
    for k, v in pinned.items():
        assert p.params[k] == v, (k, p.params[k], v)
    return p


def value(calc: Calc, params: dict[str, Any]) -> Value:
    return calc(params) if callable(calc) else calc


def params_of(cases: dict[str, Case]) -> list:
    """``cases`` as pytest params, each with its key as id."""
    return [pytest.param(case, id=key, marks=case.marks) for key, case in cases.items()]


def assert_diagnosed(case: Case) -> None:
    """The right answer is graded correct and the wrong one is named as ``case.code``."""
    p = make(case.name, case.pinned, case.seed)
    answer = value(case.answer, p.params)
    assert p.answer == pytest.approx(answer, rel=1e-9, abs=1e-12)
    assert check(p, answer) == Verdict(True, None)
    wrong = value(case.wrong, p.params)
    verdict = check(p, wrong)
    assert verdict.correct is False
    assert verdict.misconception is not None, f"{wrong!r} matched no mistake"
    assert verdict.misconception.code == case.code
    assert verdict.misconception.label  # Japanese feedback for the student
