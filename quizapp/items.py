"""What every bank item is at run time, whatever its kind: plain frozen dataclasses.

Each kind's own dataclass (``Trap``, ``Choice``…) lives in its module of :mod:`quizapp.kinds` and
extends :class:`ItemBase`. The YAML format and its validation are pydantic models at the edge
(:mod:`quizapp.schema` and the kinds' ``*_schema`` modules); the app works only with these
classes, so a start with a warm bank cache imports neither pydantic nor PyYAML. A test keeps the
fields of both in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal


@dataclass(frozen=True, kw_only=True, slots=True)
class Source:
    """Where an item's facts come from: a seed note and the heading in it, or a reference."""

    doc: str | None = None
    section: str | None = None
    ref: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Check:
    """A number the item states, recomputed by ``fn`` (a solvers function) in the tests."""

    fn: str
    args: dict[str, Any] = field(default_factory=dict)
    expect: float | list[Any]
    pick: int | None = None
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemBase:
    """What every kind of item has."""

    default_seconds: ClassVar[int] = 60
    """The expected answer time of the kind, when the item gives none."""

    id: str
    exams: list[Literal["G", "E"]]
    topic: str
    tags: list[str] = field(default_factory=list)
    difficulty: Literal[1, 2, 3]
    prompt: str
    explanation: str
    source: Source
    syllabus: list[str] = field(default_factory=list)
    as_of: str | None = None
    check: list[Check] = field(default_factory=list)
    seconds: int | None = None

    @property
    def expected_seconds(self) -> int:
        """The author's estimate, else the kind's default; a right but much slower answer is
        graded Hard."""
        return self.seconds or self.default_seconds


@dataclass(frozen=True, kw_only=True, slots=True)
class Topic:
    """A topic of topics.yaml: id, title and G検定 syllabus area."""

    id: str
    title: str
    area: str
    seeds: list[str] = field(default_factory=list)
    syllabus: list[str] = field(default_factory=list)
    advanced: bool = False


PARTS: dict[str, type] = {"source": Source, "check": Check}
"""The fields every item holds parts in (one, or a list), and the class of each part; a kind
adds its own (:attr:`quizapp.kinds.base.ItemKind.parts`)."""
