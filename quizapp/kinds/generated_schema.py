"""The YAML of a generated item (pydantic: imported only to validate)."""

from __future__ import annotations

from typing import Any, Literal

from quizapp.itemschema import ItemBase


class Generated(ItemBase):
    kind: Literal["generated"]
    generator: str
    """Registry name of a solvers generator."""
    params: dict[str, Any] = {}
    """Ranges narrowing the generator's defaults: a list of values or {min, max}."""


MODEL = Generated
