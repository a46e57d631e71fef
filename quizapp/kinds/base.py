"""What an item kind declares: :class:`ItemKind`, whose defaults suit a kind that is one card per
item and has no options, code or generator. A kind module subclasses it once and the registry
(:data:`quizapp.kinds.KINDS`) holds the instance."""

from __future__ import annotations

import html
import importlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from quizapp.grading import Grade
from quizapp.question import AnswerKey, OptionFeedback, Question, positions

Problems = list[tuple[str, int]]
"""(message, line) for each problem the schema alone cannot see."""


@dataclass
class Asking:
    """What a kind may use to ask a card, owned by the session that asks."""

    items: Mapping[str, Any]
    """The bank's items by id."""
    generators: Mapping[str, Any]
    rng: random.Random
    topics: tuple[str, ...] = ()
    """The topics a drill was started for."""
    as_options: bool = False
    """Offer a generated problem's options instead of a number box."""
    indexes: dict[str, Any] = field(default_factory=dict)
    """What a kind computes once per session over the items (see :meth:`ItemKind.index`)."""


class ItemKind:
    """One kind of bank item: its run-time type, schema, validation, how its cards are asked,
    graded and explained, and how it is looked up, searched and exported."""

    name: ClassVar[str]
    """The ``kind:`` value in YAML."""
    item_type: ClassVar[type]
    """The run-time dataclass (extends :class:`quizapp.items.ItemBase`)."""
    schema: ClassVar[str]
    """The module holding the pydantic ``MODEL`` (imported only to validate: the edge)."""
    parts: ClassVar[Mapping[str, type]] = {}
    """The item's own fields that hold parts (one, or a list), and each part's class."""

    def model(self) -> type:
        """The pydantic model of the kind's YAML."""
        return importlib.import_module(self.schema).MODEL

    def item_model(self) -> type:
        """The pydantic model of one bank item of the kind, as :meth:`members` gives it: the
        YAML's model, but a linked set's part for a set."""
        return self.model()

    def members(self, item: Any, raw: Any) -> list[tuple[Any, Any]]:
        """(validated model, its YAML with lines) of each bank item a YAML item stands for: the
        item itself, or each part of a linked set."""
        return [(item, raw)]

    # --- validation ------------------------------------------------------------------------

    def problems(
        self,
        item: Any,
        raw: Mapping[str, Any],
        at: Callable[[str], int],
        generators: Mapping[str, Any] | None,
        generate: bool,
    ) -> Problems:
        """What the schema alone cannot see in validated model ``item`` (``raw``: its YAML with
        lines; ``at(key)``: the line of a key)."""
        return []

    def code(self, item: Any) -> Any:
        """The item's ``code:`` spec, run in the sandbox by ``validate``; None without one."""
        return None

    def stated_numbers(self, item: Any) -> list[tuple[str, float, float, float]]:
        """(field, number, rel_tol, abs_tol) for each number the item grades against, which one
        of its ``check:`` entries must back."""
        return []

    # --- asking ----------------------------------------------------------------------------

    def owns_card(self, key: str) -> bool:
        """Whether card ``key`` is this kind's without being an item's id (a generator's)."""
        return False

    def card_key(self, item: Any) -> str:
        """The card an item is scheduled as."""
        return item.id

    def ask_card(self, key: str, number: int, asking: Asking) -> Question:
        """The question showing card ``key``."""
        return self.ask(asking.items[key], number, asking)

    def ask(self, item: Any, number: int, asking: Asking) -> Question:
        raise NotImplementedError

    def grade(self, question: Question, response: Any) -> Grade:
        raise NotImplementedError

    def as_shown(self, question: Question, grade: Grade, response: Any) -> Grade:
        """The grade as the learner sees it (shuffled option numbers, say); the log keeps
        :meth:`grade`'s."""
        return grade

    def options(self, question: Question, response: Any) -> tuple[OptionFeedback, ...]:
        """Every option shown, with its rationale and whether it was right and chosen."""
        return ()

    def feedback_parts(self, question: Question) -> dict[str, Any]:
        """The explanation and worked solution of an answered question."""
        item = question.item
        return {
            "explanation": item.explanation if item is not None else "",
            "solution": question.problem.solution if question.problem is not None else "",
        }

    def set_of(self, item: Any) -> str | None:
        """The linked set the item is a part of (asked together, drawn whole); None: alone."""
        return None

    def context(self, item: Any) -> str:
        """What the learner reads above the prompt (a linked set's stem): data, never a claim."""
        return ""

    def in_mock(self, item: Any, exam: str, generators: Mapping[str, Any]) -> bool:
        """Whether the item may appear in ``exam``'s mock, in the exam's own format."""
        return False

    # --- lookup, search, coverage, export ---------------------------------------------------

    def card_answer_key(
        self,
        items: Mapping[str, Any],
        generators: Mapping[str, Any],
        card_key: str,
        review: Any,
        item_id: str | None,
    ) -> AnswerKey | None:
        """Card ``card_key``'s answer key, with ``review``'s logged answer (``item_id``: which
        item frames a shared card); None when the bank no longer has it."""
        item = items.get(card_key)
        if item is None:
            return None
        common = {
            "card_key": card_key,
            "item_id": item.id,
            "topic": item.topic,
            "exams": tuple(item.exams),
            "prompt": item.prompt,
            "explanation": item.explanation,
            "correct": review.correct if review is not None else None,
        }
        return self.answer_key(item, common, review.answer if review is not None else None)

    def answer_key(self, item: Any, common: dict[str, Any], given: str | None) -> AnswerKey:
        """The item's answer key; ``common``: the fields every kind fills alike."""
        return AnswerKey(**common, expected="", given=given)

    def logged_answer(self, item: Any, answer: str) -> str:
        """A logged answer as the learner saw it (an option number becomes its text)."""
        return answer

    def search_parts(self, item: Any, generators: Mapping[str, Any] | None) -> dict[str, str]:
        """Searchable text beyond prompt, tags and explanation, by part (``options``, ``answer``,
        ``prompt``: added to the prompt)."""
        return {}

    def words(self, item: Any) -> list[str]:
        """Text the item teaches beyond prompt and explanation (syllabus keyword coverage)."""
        return []

    def coverage_label(self, item: Any) -> str:
        """The format counted in coverage (``code`` for a code fill-in)."""
        return self.name

    def generator(self, item: Any) -> str | None:
        """The generator whose problems the item frames."""
        return None

    def anki_fields(self, item: Any) -> tuple[str, str] | None:
        """Front and back (HTML, before the explanation) of the item's Anki note; None: not
        exported."""
        return None


def html_text(text: str) -> str:
    """Bank text as HTML for an Anki note."""
    return html.escape(text).replace("\n", "<br>")


def feedback_options(
    question: Question, shown: Sequence[tuple[str, str, bool]], response: Any
) -> tuple[OptionFeedback, ...]:
    """``shown``: (text, rationale, correct) in the order shown."""
    chosen = set(positions(response))
    return tuple(
        OptionFeedback(text, rationale, correct, pos in chosen)
        for pos, (text, rationale, correct) in enumerate(shown)
    )
