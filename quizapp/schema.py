"""The YAML format of the question bank: pydantic models, used only at the edge.

What every item has, topics and the syllabus; each kind adds its own model in
``quizapp.kinds.<kind>_schema``, found through the kind registry (:mod:`quizapp.kinds`). The
loader (:mod:`quizapp.loader`) validates each YAML item with these and hands the app plain
dataclasses (:mod:`quizapp.items` and the kinds' modules, built by :func:`to_item`). The models also give
``quizapp schema`` its JSON Schema, with each field's docstring as its description.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    model_validator,
)

from quizapp import items, kinds

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


class Topic(Model):
    id: str = Field(pattern=SLUG)
    title: str
    area: str
    """G検定 syllabus area."""
    seeds: list[str] = []
    syllabus: list[Annotated[str, Field(pattern=SYLLABUS_ID)]] = []
    """The syllabus ids (questionbank/syllabus.yaml) the topic serves, e.g. ``[G-T12, E-3.1]``."""
    advanced: bool = False
    """Beyond both syllabi (発展): no syllabus ids, and every item is tagged 発展."""


class TopicsFile(Model):
    topics: list[Topic] = Field(min_length=1)


class Area(Model):
    name: str
    share: float = Field(gt=0)
    """Estimated percent of the exam's questions (JDLA publishes no official counts)."""
    folder: str = Field(pattern=SLUG)
    """The bank folder holding the topic files of this area."""


class Exam(Model):
    id: Literal["G", "E"]
    name: str
    syllabus: str
    """Which edition of the official syllabus."""
    questions: int = Field(gt=0)
    minutes: int = Field(gt=0)
    areas: list[Area] = Field(min_length=1)


class SyllabusItem(Model):
    id: str = Field(pattern=SYLLABUS_ID)
    exam: Literal["G", "E"]
    area: str
    title: str
    keywords: list[str] = []
    """The official keywords (G検定) or concepts (E資格) the item must teach."""
    examined: bool = True
    """False for parts the syllabus marks optional (出題対象外)."""


class SyllabusFile(Model):
    exams: list[Exam] = Field(min_length=1)
    items: list[SyllabusItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SyllabusFile:
        areas = {e.id: {a.name for a in e.areas} for e in self.exams}
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("a syllabus id is listed twice")
        for item in self.items:
            if item.area not in areas.get(item.exam, set()):
                raise ValueError(f"{item.id}: area {item.area!r} is not an area of {item.exam}")
            if not item.id.startswith(f"{item.exam}-"):
                raise ValueError(f"{item.id}: the id does not start with its exam {item.exam}")
        return self


def to_item(model: ItemBase) -> ItemBase:
    """A validated item as the app's dataclass, built as the bank cache builds it."""
    return kinds.item_from(model.model_dump())  # type: ignore[return-value]


def item_model(kind: str) -> type[ItemBase]:
    """The model validating an item of ``kind`` (a name in :data:`quizapp.kinds.KINDS`)."""
    return kinds.KINDS[kind].model()


def to_topic(model: Topic) -> items.Topic:
    return items.Topic(**model.model_dump())


def json_schema() -> dict[str, Any]:
    """JSON Schema of a bank file, for editor completion (``quizapp schema``): an item is one of
    the registered kinds' models, told apart by ``kind``."""
    models = tuple(kind.model() for kind in kinds.KINDS.values())
    item = Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007

    class BankFile(Model):
        """The schema of one topic file (used for ``quizapp schema``)."""

        items: list[item]  # type: ignore[valid-type]

    schema = BankFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "quizapp question bank file"
    return schema
