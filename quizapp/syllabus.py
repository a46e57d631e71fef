"""The official scope of both exams (questionbank/syllabus.yaml) as plain data.

Coverage, the mock exam's draw and the readiness forecast all count in syllabus items and areas,
so the syllabus is part of the bank: a topic names the syllabus ids it serves, and an item is
tagged for an exam only when its topic serves that exam's syllabus.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADVANCED_TAG = "発展"
"""The tag every item of a topic beyond both syllabi carries."""
ADVANCED_FOLDER = "advanced"
"""Where the topic files beyond both syllabi live."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Area:
    """A group of syllabus items and its estimated share of the exam's questions (percent)."""

    name: str
    share: float
    folder: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Exam:
    id: str
    name: str
    syllabus: str
    questions: int
    minutes: int
    areas: list[Area]


@dataclass(frozen=True, kw_only=True, slots=True)
class SyllabusItem:
    id: str
    exam: str
    area: str
    title: str
    keywords: list[str] = field(default_factory=list)
    examined: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Syllabus:
    exams: dict[str, Exam]
    items: dict[str, SyllabusItem]

    def exams_of(self, ids: list[str]) -> set[str]:
        """The exams whose syllabus the given ids touch."""
        return {self.items[i].exam for i in ids if i in self.items}

    def area_of(self, syllabus_id: str) -> Area:
        item = self.items[syllabus_id]
        return next(a for a in self.exams[item.exam].areas if a.name == item.area)

    def folder_for(self, ids: list[str]) -> str:
        """The bank folder of a topic serving ``ids``: its first id's area's."""
        return self.area_of(ids[0]).folder if ids else ADVANCED_FOLDER


def syllabus_from(data: dict) -> Syllabus:
    """A syllabus from its plain data (what the validated model and the bank cache hold)."""
    exams = {
        e["id"]: Exam(**{**e, "areas": [Area(**a) for a in e["areas"]]}) for e in data["exams"]
    }
    return Syllabus(exams=exams, items={i["id"]: SyllabusItem(**i) for i in data["items"]})
