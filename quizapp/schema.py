"""The YAML format of the question bank: pydantic models, used only at the edge.

What every item has, topics and the syllabus; each kind adds its own model in
``quizapp.kinds.<kind>_schema``, found through the kind registry (:mod:`quizapp.kinds`). The
loader (:mod:`quizapp.loader`) validates each YAML item with these and hands the app plain
dataclasses (:mod:`quizapp.items` and the kinds' modules, built by :func:`to_item`). The models also give
``quizapp schema`` its JSON Schema, with each field's docstring as its description.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    Field,
    model_validator,
)

from quizapp import items, kinds
from quizapp.itemschema import SLUG, SYLLABUS_ID, Check, ItemBase, Model, Source

__all__ = ["SLUG", "SYLLABUS_ID", "Check", "ItemBase", "Model", "Source"]


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
