"""The YAML of a fill-in (pydantic: imported only to validate)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from quizapp.itemschema import ItemBase, Model


class Blank(Model):
    answers: list[str] | None = Field(default=None, min_length=1)
    """Every accepted spelling: Japanese, English, abbreviation."""
    number: float | None = None
    """For a numeric blank: the value (backed by a ``check:``)."""
    rel_tol: float = 0.0
    abs_tol: float = 1e-9

    @model_validator(mode="after")
    def _one_form(self) -> Blank:
        if (self.answers is None) == (self.number is None):
            raise ValueError("a blank needs either `answers` or `number`")
        return self


class Fill(ItemBase):
    kind: Literal["fill"]
    blanks: list[Blank] = Field(min_length=1)


MODEL = Fill
