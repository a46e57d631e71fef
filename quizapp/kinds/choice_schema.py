"""The YAML of an option item and its code fill-in (pydantic: imported only to validate)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from quizapp.itemschema import ItemBase, Model


class Option(Model):
    text: str = Field(min_length=1)
    """What the learner sees (for a code item: the line substituted for ____)."""
    rationale: str = Field(min_length=1)
    """Why it is right, or for a wrong option what it actually describes."""


class CodeSpec(Model):
    """An E資格 コード穴埋め: each option is substituted for ____ and run against solvers."""

    template: str
    entry: str
    """Name of the function the template defines."""
    reference: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    """``module.function`` in solvers that the keyed option must agree with."""
    cases: list[list[Any]] = Field(min_length=1)
    """Positional argument lists; lists become float64 arrays."""


class Choice(ItemBase):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=6)
    answer: int | list[int]
    """1-based number(s) of the correct option(s)."""
    code: CodeSpec | None = None


MODEL = Choice
