"""The linked set (E資格's 3–4 questions around one scenario or code listing): a shared ``stem``
and 2–4 choice parts.

The set is a container, not a card. The loader expands it into its parts (:meth:`CaseKind.members`),
each a bank item with its own id, graded and scheduled as its own card, carrying the set's id and
stem: a part is always shown under its stem, a drill asks a set's parts together and in order
(:func:`quizapp.queues.keep_sets_together`) and the mock draws a set whole (:mod:`quizapp.mock`).
"""

from __future__ import annotations

import html
import importlib
from dataclasses import dataclass, replace
from typing import Any, Literal

from quizapp.kinds.base import Asking
from quizapp.kinds.choice import Choice, ChoiceKind
from quizapp.question import AnswerKey, Question


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseChoice(Choice):
    """One part of a linked set: a choice item that knows its set and the stem it is asked under."""

    kind: Literal["case"] = "case"  # type: ignore[assignment]
    case_id: str
    stem: str


class CaseKind(ChoiceKind):
    """A part grades, explains and enters the mock as the choice item it is; the set adds its
    stem wherever the part is shown, searched or exported."""

    name = "case"
    item_type = CaseChoice
    schema = "quizapp.kinds.case_schema"

    def item_model(self) -> type:
        return importlib.import_module(self.schema).MEMBER

    def members(self, item: Any, raw: Any) -> list[tuple[Any, Any]]:
        return list(zip(item.members(), raw["parts"], strict=True))

    def set_of(self, item: CaseChoice) -> str:
        return item.case_id

    def context(self, item: CaseChoice) -> str:
        return item.stem

    def ask(self, item: CaseChoice, number: int, asking: Asking) -> Question:
        return replace(super().ask(item, number, asking), stem=item.stem)

    def answer_key(self, item: CaseChoice, common: dict[str, Any], given: str | None) -> AnswerKey:
        return replace(super().answer_key(item, common, given), stem=item.stem)

    def search_parts(self, item: CaseChoice, generators: Any) -> dict[str, str]:
        return {**super().search_parts(item, generators), "prompt": item.stem}

    def words(self, item: CaseChoice) -> list[str]:
        return [item.stem, *super().words(item)]

    def anki_fields(self, item: CaseChoice) -> tuple[str, str]:
        front, back = super().anki_fields(item)
        stem = f'<div style="white-space: pre-wrap">{html.escape(item.stem)}</div><hr>'
        return stem + front, back


KIND = CaseKind()
