"""What a bank item is at run time: plain frozen dataclasses.

The YAML format and its validation live in :mod:`quizapp.schema` (pydantic, at the edge); the
loader turns each validated item into one of these. The app works only with these classes, so a
start with a warm bank cache imports neither pydantic nor PyYAML. A test keeps the fields of both
in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_SECONDS = {"trap": 20, "choice": 45, "fill": 40, "generated": 90}
CODE_BLANK = "____"


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
class Option:
    """One option of a choice item, with why it is right or what it really describes."""

    text: str
    rationale: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CodeSpec:
    """An E資格 code fill-in: each option is put in ``template`` and run against ``reference``."""

    template: str
    entry: str
    reference: str
    cases: list[list[Any]]


@dataclass(frozen=True, kw_only=True, slots=True)
class Blank:
    """One blank of a fill item: accepted spellings, or a number with its tolerance."""

    answers: list[str] | None = None
    number: float | None = None
    rel_tol: float = 0.0
    abs_tol: float = 1e-9


@dataclass(frozen=True, kw_only=True, slots=True)
class _ItemBase:
    """What every kind of item has."""

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
        return self.seconds or DEFAULT_SECONDS[self.kind]  # type: ignore[attr-defined]


@dataclass(frozen=True, kw_only=True, slots=True)
class Trap(_ItemBase):
    """A ○× statement built on a common confusion."""

    kind: Literal["trap"] = "trap"
    truth: bool
    confused_with: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Choice(_ItemBase):
    """A multiple-choice item; ``answer`` holds 1-based option numbers."""

    kind: Literal["choice"] = "choice"
    options: list[Option]
    answer: int | list[int]
    code: CodeSpec | None = None

    @property
    def correct(self) -> frozenset[int]:
        """0-based indexes of the correct options."""
        nums = [self.answer] if isinstance(self.answer, int) else self.answer
        return frozenset(n - 1 for n in nums)


@dataclass(frozen=True, kw_only=True, slots=True)
class Fill(_ItemBase):
    """A fill-in item whose prompt marks its blanks 【1】, 【2】, …"""

    kind: Literal["fill"] = "fill"
    blanks: list[Blank]


@dataclass(frozen=True, kw_only=True, slots=True)
class Generated(_ItemBase):
    """A slot for fresh problems from a solvers generator, narrowed by ``params``."""

    kind: Literal["generated"] = "generated"
    generator: str
    params: dict[str, Any] = field(default_factory=dict)


Item = Trap | Choice | Fill | Generated


@dataclass(frozen=True, kw_only=True, slots=True)
class Topic:
    """A topic of topics.yaml: id, title and G検定 syllabus area."""

    id: str
    title: str
    area: str
    seeds: list[str] = field(default_factory=list)
    syllabus: list[str] = field(default_factory=list)
    advanced: bool = False


KINDS: dict[str, type[Item]] = {
    "trap": Trap,
    "choice": Choice,
    "fill": Fill,
    "generated": Generated,
}
PARTS: dict[str, type] = {
    "source": Source,
    "check": Check,
    "options": Option,
    "code": CodeSpec,
    "blanks": Blank,
}
"""The item fields that hold parts (one, or a list), and the class of each part."""


def item_from(data: dict[str, Any]) -> Item:
    """An item from its fields as plain data, parts as mappings: what the bank cache keeps and
    what a validated schema model dumps.

    Raises:
        LookupError, TypeError: ``data`` is not an item's fields."""
    for key, part in PARTS.items():
        value = data.get(key)
        if isinstance(value, list):
            data[key] = [part(**v) for v in value]
        elif value is not None:
            data[key] = part(**value)
    return KINDS[data["kind"]](**data)
