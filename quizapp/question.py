"""What the learner is shown of a card and told after answering it: a :class:`Question`, its
:class:`Feedback`, and an item's :class:`AnswerKey` when it is looked up. Each item kind
(:mod:`quizapp.kinds`) builds these; the session and the UI only read them."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from quizapp.grading import Grade
from solvers.problem import Problem

if TYPE_CHECKING:
    from quizapp.store import CardState  # a type only: building a bank opens no store

Form = Literal["trap", "choice", "fill", "numeric"]
"""How a question is answered: o/x, option keys, one box per blank, one number box."""


@dataclass(frozen=True)
class Question:
    """One showing of a card: for a generator, a fresh instance with its own seed."""

    number: int
    card_key: str
    kind: Form
    topic: str
    prompt: str
    expected_seconds: float
    item: Any = None
    """The bank item shown (for a generated card: the item framing the problem, if any)."""
    problem: Problem | None = None
    options: tuple[str, ...] = ()
    """Choice texts in the order shown."""
    order: tuple[int, ...] = ()
    """order[i] is the original index of the option shown at position i."""
    multi: bool = False
    """Several options are correct: the learner toggles options before submitting."""
    blanks: int = 0
    code: str = ""
    """A code listing shown under the prompt."""
    stem: str = ""
    """A linked set's shared scenario or listing, shown above the prompt."""
    item_kind: str = ""
    """The name of the item kind that asked it (:data:`quizapp.kinds.KINDS`): it grades it."""

    @property
    def exams(self) -> tuple[str, ...]:
        return tuple(self.item.exams) if self.item is not None else ("E",)


@dataclass(frozen=True)
class OptionFeedback:
    text: str
    rationale: str
    correct: bool
    chosen: bool


@dataclass(frozen=True)
class Feedback:
    question: Question
    grade: Grade
    explanation: str
    options: tuple[OptionFeedback, ...] = ()
    solution: str = ""
    review_id: int = 0
    card: CardState | None = None
    """The card's state after the answer; None when the answer left it out of FSRS."""
    rating: int = 0
    """The fsrs rating in effect: automatic grading's, or the learner's after a self-rating."""
    auto_rating: int = 0
    """What automatic grading rated."""

    @property
    def diagnosis(self) -> str:
        m = self.grade.misconception
        return m.label if m is not None and not self.grade.correct else ""


def positions(response: Any) -> list[int]:
    """Display positions (0-based) in an option response; anything unreadable becomes -1."""
    if isinstance(response, int):
        return [response]
    if isinstance(response, str):
        return [int(c) - 1 for c in response if c.isdecimal()]
    if not isinstance(response, Iterable):
        return [-1]
    out = []
    for r in response:
        try:
            out.append(operator.index(r))
        except TypeError:
            out.append(-1)
    return out


def original(question: Question, position: int) -> int:
    """The original option index shown at ``position``; -1 (never valid) when out of range."""
    return question.order[position] if 0 <= position < len(question.order) else -1


@dataclass(frozen=True)
class KeyOption:
    text: str
    rationale: str
    correct: bool
    chosen: bool = False
    """The learner picked it in the logged answer."""


@dataclass(frozen=True)
class AnswerKey:
    card_key: str
    item_id: str | None
    topic: str
    exams: tuple[str, ...]
    prompt: str
    expected: str
    """The right answer as text (a choice's: the option numbers with their text)."""
    code: str = ""
    """A code item's template."""
    stem: str = ""
    """A linked set's shared scenario or listing, shown above the prompt."""
    options: tuple[KeyOption, ...] = ()
    explanation: str = ""
    solution: str = ""
    given: str | None = None
    """The learner's logged answer, as shown to them (None: looked up, not answered)."""
    correct: bool | None = None
    """Whether that answer was right."""
    diagnosis: str = ""
    """The mistake a wrong generated answer matches."""
    note: str = ""
    """What else to know: a ○× item's trap, or why the problem could not be made again."""
    seed: int | None = None
    """The seed a generated problem was made with."""
