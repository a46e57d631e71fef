"""The option item: 2–6 options, one or more keyed, each with its rationale; with ``code:``, the
E資格 コード穴埋め whose options fill a blank in a listing and are run against solvers."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

from quizapp.grading import Grade
from quizapp.items import ItemBase
from quizapp.kinds.base import Asking, ItemKind, Problems, feedback_options, html_text
from quizapp.question import AnswerKey, KeyOption, OptionFeedback, Question, original, positions

CODE_BLANK = "____"
NO_CHOICE = "選択肢を1つ以上選んでください"


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
class Choice(ItemBase):
    """A multiple-choice item; ``answer`` holds 1-based option numbers."""

    default_seconds: ClassVar[int] = 45
    kind: Literal["choice"] = "choice"
    options: list[Option]
    answer: int | list[int]
    code: CodeSpec | None = None

    @property
    def correct(self) -> frozenset[int]:
        """0-based indexes of the correct options."""
        nums = [self.answer] if isinstance(self.answer, int) else self.answer
        return frozenset(n - 1 for n in nums)


def grade_choice(item: Choice, selected: Iterable[int]) -> Grade:
    """``selected``: 0-based indexes into ``item.options`` (the UI maps shuffled keys back)."""
    chosen = frozenset(selected)
    answer = ",".join(str(i + 1) for i in sorted(chosen))
    expected = ",".join(str(i + 1) for i in sorted(item.correct))
    valid = all(0 <= i < len(item.options) for i in chosen)
    hint = "" if chosen else NO_CHOICE
    return Grade(valid and chosen == item.correct, answer, expected, hint=hint)


def chosen_options(answer: str) -> set[int]:
    """The original option indexes in a logged choice answer ("1,3")."""
    return {int(part) - 1 for part in answer.split(",") if part.strip().isdecimal()}


class ChoiceKind(ItemKind):
    name = "choice"
    item_type = Choice
    schema = "quizapp.kinds.choice_schema"
    parts = {"options": Option, "code": CodeSpec}

    def problems(
        self,
        item: Any,
        raw: Mapping[str, Any],
        at: Any,
        generators: Any,
        generate: bool,
    ) -> Problems:
        problems: Problems = []
        nums = [item.answer] if isinstance(item.answer, int) else item.answer
        if not nums:
            problems.append(("answer: at least one correct option is needed", at("answer")))
        for n in nums:
            if not 1 <= n <= len(item.options):
                problems.append(
                    (f"answer: option {n} out of range 1–{len(item.options)}", at("answer"))
                )
        if len(set(nums)) != len(nums):
            problems.append(("answer: an option is listed twice", at("answer")))
        texts = [o.text for o in item.options]
        if len(set(texts)) != len(texts):
            problems.append(("options: two options have the same text", at("options")))
        if item.code is not None and item.code.template.count(CODE_BLANK) != 1:
            problems.append(
                (f"code.template: must contain exactly one {CODE_BLANK} blank", at("code"))
            )
        return problems

    def code(self, item: Choice) -> CodeSpec | None:
        return item.code

    def ask(self, item: Choice, number: int, asking: Asking) -> Question:
        order = list(range(len(item.options)))
        if item.code is None:
            asking.rng.shuffle(order)
        return Question(
            number,
            item.id,
            "choice",
            item.topic,
            item.prompt,
            item.expected_seconds,
            item,
            options=tuple(item.options[i].text for i in order),
            order=tuple(order),
            multi=len(item.correct) > 1,
            code=item.code.template.rstrip() if item.code is not None else "",
            item_kind=self.name,
        )

    def grade(self, question: Question, response: Any) -> Grade:
        return grade_choice(question.item, {original(question, p) for p in positions(response)})

    def as_shown(self, question: Question, grade: Grade, response: Any) -> Grade:
        """The log keeps original option numbers; the learner sees the shuffled ones."""
        chosen = sorted(p for p in positions(response) if 0 <= p < len(question.order))
        correct = sorted(question.order.index(i) for i in question.item.correct)
        return replace(
            grade,
            answer=",".join(str(p + 1) for p in chosen),
            expected=",".join(str(p + 1) for p in correct),
        )

    def options(self, question: Question, response: Any) -> tuple[OptionFeedback, ...]:
        item: Choice = question.item
        shown = [
            (item.options[i].text, item.options[i].rationale, i in item.correct)
            for i in question.order
        ]
        return feedback_options(question, shown, response)

    def in_mock(self, item: Choice, exam: str, generators: Mapping[str, Any]) -> bool:
        return len(item.options) == 4 and (item.code is None or exam == "E")

    def answer_key(self, item: Choice, common: dict[str, Any], given: str | None) -> AnswerKey:
        chosen = chosen_options(given) if given is not None else set()
        options = tuple(
            KeyOption(o.text, o.rationale, i in item.correct, i in chosen)
            for i, o in enumerate(item.options)
        )
        every = set(range(len(item.options)))
        shown = "、".join(f"{i + 1}. {item.options[i].text}" for i in sorted(chosen & every))
        return AnswerKey(
            **common,
            expected="、".join(f"{i + 1}. {item.options[i].text}" for i in sorted(item.correct)),
            code=item.code.template.rstrip() if item.code is not None else "",
            options=options,
            given=(shown or given) if given is not None else None,
        )

    def logged_answer(self, item: Choice, answer: str) -> str:
        numbers = answer.split(",")
        if not all(n.isdecimal() and 1 <= int(n) <= len(item.options) for n in numbers):
            return answer
        return " / ".join(item.options[int(n) - 1].text for n in numbers)

    def search_parts(self, item: Choice, generators: Any) -> dict[str, str]:
        return {"options": "\n".join(f"{o.text}\n{o.rationale}" for o in item.options)}

    def words(self, item: Choice) -> list[str]:
        return [p for o in item.options for p in (o.text, o.rationale)]

    def coverage_label(self, item: Choice) -> str:
        return "code" if item.code is not None else self.name

    def anki_fields(self, item: Choice) -> tuple[str, str]:
        code = f"<pre>{html.escape(item.code.template)}</pre>" if item.code else ""
        options = "".join(f"<li>{html_text(o.text)}</li>" for o in item.options)
        front = f"{html_text(item.prompt)}{code}<ol>{options}</ol>"
        back = (
            "<ol>"
            + "".join(
                f"<li>{'<b>正解</b> ' if i in item.correct else ''}{html_text(o.rationale)}</li>"
                for i, o in enumerate(item.options)
            )
            + "</ol>"
        )
        return front, back


KIND = ChoiceKind()
