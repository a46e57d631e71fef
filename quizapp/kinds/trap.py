"""The ○× trap: a statement built on a common confusion, answered o or x."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from quizapp.grading import TOO_LONG, Grade, parse_truth, received, recorded
from quizapp.items import ItemBase
from quizapp.kinds.base import Asking, ItemKind, html_text
from quizapp.question import AnswerKey, Question


@dataclass(frozen=True, kw_only=True, slots=True)
class Trap(ItemBase):
    """A ○× statement built on a common confusion."""

    default_seconds: ClassVar[int] = 20
    kind: Literal["trap"] = "trap"
    truth: bool
    confused_with: str


def grade_trap(item: Trap, answer: str) -> Grade:
    expected = "○" if item.truth else "×"
    given = parse_truth(answer)
    if given is None:
        hint = TOO_LONG if received(answer) is None else "○ (o) か × (x) で答えてください"
        return Grade(False, recorded(answer), expected, hint=hint)
    return Grade(given == item.truth, "○" if given else "×", expected)


class TrapKind(ItemKind):
    name = "trap"
    item_type = Trap
    schema = "quizapp.kinds.trap_schema"

    def ask(self, item: Trap, number: int, asking: Asking) -> Question:
        return Question(
            number,
            item.id,
            "trap",
            item.topic,
            item.prompt,
            item.expected_seconds,
            item,
            item_kind=self.name,
        )

    def grade(self, question: Question, response: Any) -> Grade:
        return grade_trap(question.item, response if isinstance(response, str) else "")

    def answer_key(self, item: Trap, common: dict[str, Any], given: str | None) -> AnswerKey:
        return AnswerKey(
            **common,
            expected="○（正しい）" if item.truth else "×（誤り）",
            given=given,
            note=f"ひっかけどころ: {item.confused_with}" if item.confused_with else "",
        )

    def search_parts(self, item: Trap, generators: Any) -> dict[str, str]:
        return {"answer": item.confused_with}

    def words(self, item: Trap) -> list[str]:
        return [item.confused_with]

    def anki_fields(self, item: Trap) -> tuple[str, str]:
        front = f"{html_text(item.prompt)}<br><br>○ か × か"
        return front, f"<b>{'○' if item.truth else '×'}</b>（{html_text(item.confused_with)}）"


KIND = TrapKind()
