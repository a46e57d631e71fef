"""The YAML of a linked set (pydantic: imported only to validate): the set as written, and each
part as the bank holds it once it has taken the set's common fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from quizapp.itemschema import SLUG, SYLLABUS_ID, Model, Source
from quizapp.kinds import choice_schema
from quizapp.kinds.choice_schema import CodeSpec, Option

__all__ = ["INHERITED", "MEMBER", "MODEL", "Case", "CaseChoice", "CodeSpec", "Option", "Part"]

INHERITED = ("exams", "topic", "tags", "difficulty", "source", "syllabus", "as_of")
"""The set's fields a part takes unless it gives its own."""


class Part(choice_schema.Choice):
    """One question of a set as written: a choice item (its own unique id, four options in
    E資格 style) whose exams, topic, tags, difficulty, source, syllabus and as_of default to the
    set's."""

    exams: list[Literal["G", "E"]] | None = Field(default=None, min_length=1)
    topic: str | None = None
    difficulty: Literal[1, 2, 3] | None = None
    source: Source | None = None


class Case(Model):
    """A linked set (E資格 style): a shared stem (a scenario, or a NumPy listing) and 2–4 parts,
    each graded and scheduled as its own card and always shown under the stem. The set has no
    prompt or explanation of its own: each part has its own."""

    id: str = Field(pattern=SLUG)
    """The set's slug, unique across the bank; each part has its own id as well."""
    kind: Literal["case"]
    exams: list[Literal["G", "E"]] = Field(min_length=1)
    topic: str
    """A topic id from questionbank/topics.yaml."""
    tags: list[str] = []
    difficulty: Literal[1, 2, 3]
    stem: str = Field(min_length=1)
    """The scenario or code every part is about, shown above each part's prompt."""
    source: Source
    syllabus: list[Annotated[str, Field(pattern=SYLLABUS_ID)]] = []
    as_of: date | None = None
    parts: list[Part] = Field(min_length=2, max_length=4)
    """The set's questions, asked in this order."""

    def members(self) -> list[CaseChoice]:
        """Each part as a full item of the bank: the set's common fields, then its own."""
        common = {name: getattr(self, name) for name in INHERITED}
        out = []
        for part in self.parts:
            own: dict[str, Any] = {name: getattr(part, name) for name in part.model_fields_set}
            data = {**common, **own, "kind": "case", "case_id": self.id, "stem": self.stem}
            out.append(CaseChoice.model_validate(data))
        return out


class CaseChoice(choice_schema.Choice):
    """A part of a set as the bank holds it: a choice item with the set's id and stem."""

    kind: Literal["case"]  # type: ignore[assignment]
    case_id: str
    stem: str


MODEL = Case
MEMBER = CaseChoice
