"""The YAML of a ○× trap (pydantic: imported only to validate)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from quizapp.itemschema import ItemBase


class Trap(ItemBase):
    kind: Literal["trap"]
    truth: bool
    """Whether the ○× statement in ``prompt`` is true."""
    confused_with: str = Field(min_length=1)
    """What the statement is commonly mixed up with."""


MODEL = Trap
