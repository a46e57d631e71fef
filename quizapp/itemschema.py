"""What every bank item's YAML has, as pydantic models (the edge): the base each kind's model in
``quizapp.kinds.<kind>_schema`` extends. Apart from :mod:`quizapp.schema`, which builds the
kinds' union from the registry, so that a kind's model never imports the registry back."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


SYLLABUS_ID = r"^(G-[TL]\d{2}|E-\d\.\d)$"


class Source(Model):
    """Where the facts come from: a seed note and its heading, or a published reference."""

    doc: str | None = None
    """File name of the seed note the facts come from."""
    section: str | None = None
    """Heading in that note, copied exactly (without the leading # marks)."""
    ref: str | None = None
    """A reference beyond the notes: paper (authors, year), official documentation, a standard,
    a law and article, or a guideline with its publisher and year."""

    @model_validator(mode="after")
    def _one_form(self) -> Source:
        if (self.doc is None) != (self.section is None):
            raise ValueError("a seed source needs both `doc` and `section`")
        if (self.doc is None) == (self.ref is None):
            raise ValueError("a source is either a seed note (`doc`, `section`) or a `ref`")
        return self


class Check(Model):
    """A number stated by a hand-written item, recomputed with a solvers function."""

    fn: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    """``module.function`` inside the solvers package, e.g. ``conv.output_size``."""
    args: dict[str, Any] = {}
    """Keyword arguments; lists become float64 arrays."""
    expect: float | list[Any]
    """Expected value (a list for tuple or array results)."""
    pick: int | None = None
    """Index of the element to compare when the function returns a tuple."""
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9


class ItemBase(Model):
    """What every kind of item has; each kind's model (``quizapp.kinds.<kind>_schema``) adds its
    own fields."""

    id: str = Field(pattern=SLUG)
    """Stable slug, unique across the bank; never reused once retired."""
    exams: list[Literal["G", "E"]] = Field(min_length=1)
    topic: str
    """A topic id from questionbank/topics.yaml."""
    tags: list[str] = []
    difficulty: Literal[1, 2, 3]
    prompt: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    source: Source
    syllabus: list[Annotated[str, Field(pattern=SYLLABUS_ID)]] = []
    """Syllabus ids the item serves, narrowing its topic's (e.g. ``[G-L01]``); empty: the topic's."""
    as_of: date | None = None
    """When the law or guideline the item states was last checked (required for law and ethics)."""
    check: list[Check] = []
    seconds: int | None = Field(default=None, gt=0, le=3600)
    """Expected answer time in seconds (≤ 3600); a right but much slower answer is graded Hard."""

    @field_serializer("as_of")
    def _iso(self, value: date | None) -> str | None:
        return None if value is None else value.isoformat()
