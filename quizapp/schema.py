"""The YAML format of the question bank: pydantic models, used only at the edge.

The loader (:mod:`quizapp.loader`) validates each YAML item with these and hands the app plain
dataclasses (:mod:`quizapp.items`, built by :func:`to_item`). The models also give
``quizapp schema`` its JSON Schema, with each field's docstring as its description.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from quizapp import items

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Source(_Model):
    doc: str
    """File name of the seed note the facts come from."""
    section: str
    """Heading in that note, copied exactly (without the leading # marks)."""


class Check(_Model):
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


class Option(_Model):
    text: str = Field(min_length=1)
    """What the learner sees (for a code item: the line substituted for ____)."""
    rationale: str = Field(min_length=1)
    """Why it is right, or for a wrong option what it actually describes."""


class CodeSpec(_Model):
    """An E資格 コード穴埋め: each option is substituted for ____ and run against solvers."""

    template: str
    entry: str
    """Name of the function the template defines."""
    reference: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    """``module.function`` in solvers that the keyed option must agree with."""
    cases: list[list[Any]] = Field(min_length=1)
    """Positional argument lists; lists become float64 arrays."""


class Blank(_Model):
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


class _ItemBase(_Model):
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
    check: list[Check] = []
    seconds: int | None = Field(default=None, gt=0, le=3600)
    """Expected answer time in seconds (≤ 3600); a right but much slower answer is graded Hard."""


class Trap(_ItemBase):
    kind: Literal["trap"]
    truth: bool
    """Whether the ○× statement in ``prompt`` is true."""
    confused_with: str = Field(min_length=1)
    """What the statement is commonly mixed up with."""


class Choice(_ItemBase):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=6)
    answer: int | list[int]
    """1-based number(s) of the correct option(s)."""
    code: CodeSpec | None = None


class Fill(_ItemBase):
    kind: Literal["fill"]
    blanks: list[Blank] = Field(min_length=1)


class Generated(_ItemBase):
    kind: Literal["generated"]
    generator: str
    """Registry name of a solvers generator."""
    params: dict[str, Any] = {}
    """Ranges narrowing the generator's defaults: a list of values or {min, max}."""


Item = Annotated[Trap | Choice | Fill | Generated, Field(discriminator="kind")]
ITEM = TypeAdapter(Item)
"""Validates one item mapping into its kind's model (``kind`` picks the model)."""


class BankFile(_Model):
    """The schema of one topic file (used for ``quizapp schema``)."""

    items: list[Item]


class Topic(_Model):
    id: str = Field(pattern=SLUG)
    title: str
    area: str
    """G検定 syllabus area."""
    seeds: list[str] = []


class TopicsFile(_Model):
    topics: list[Topic] = Field(min_length=1)


def to_item(model: Trap | Choice | Fill | Generated) -> items.Item:
    """A validated item as the app's dataclass, built as the bank cache builds it."""
    return items.item_from(model.model_dump())


def to_topic(model: Topic) -> items.Topic:
    return items.Topic(**model.model_dump())


def json_schema() -> dict[str, Any]:
    """JSON Schema of a bank file, for editor completion (``quizapp schema``)."""
    schema = BankFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "quizapp question bank file"
    return schema
