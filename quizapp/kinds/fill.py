"""The fill-in: a prompt with blanks 【1】, 【2】, … each taking a term (any accepted spelling) or a
number."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from quizapp.grading import (
    TOO_LONG,
    Grade,
    ParseError,
    gives_up,
    matches_any,
    parse_number,
    received,
    recorded,
)
from quizapp.items import ItemBase
from quizapp.kinds.base import Asking, ItemKind, Problems, html_text
from quizapp.question import AnswerKey, Question

BLANK_MARK = re.compile(r"【(\d+)】")


@dataclass(frozen=True, kw_only=True, slots=True)
class Blank:
    """One blank of a fill item: accepted spellings, or a number with its tolerance."""

    answers: list[str] | None = None
    number: float | None = None
    rel_tol: float = 0.0
    abs_tol: float = 1e-9


@dataclass(frozen=True, kw_only=True, slots=True)
class Fill(ItemBase):
    """A fill-in item whose prompt marks its blanks 【1】, 【2】, …"""

    default_seconds: ClassVar[int] = 40
    kind: Literal["fill"] = "fill"
    blanks: list[Blank]


def grade_fill(item: Fill, answers: Sequence[str]) -> Grade:
    results: list[bool] = []
    hint = ""
    for i, blank in enumerate(item.blanks):
        given = received(answers[i]) if i < len(answers) else ""
        if given is None:
            hint = hint or TOO_LONG
            results.append(False)
            continue
        where = f"【{i + 1}】: " if len(item.blanks) > 1 else ""
        if blank.answers is not None and not given.strip():
            hint = hint or f"{where}答えを入力してください"
            results.append(False)
            continue
        if blank.answers is not None or gives_up(given):
            results.append(blank.answers is not None and matches_any(given, blank.answers))
            continue
        try:
            value = parse_number(given)
        except ParseError as exc:
            hint = hint or f"{where}{exc}"
            results.append(False)
            continue
        assert blank.number is not None
        results.append(
            math.isclose(value, blank.number, rel_tol=blank.rel_tol, abs_tol=blank.abs_tol)
        )
    answer = " / ".join(recorded(a) for a in answers[: len(item.blanks)])
    return Grade(all(results), answer, expected_text(item), hint=hint, blanks=tuple(results))


def expected_text(item: Fill) -> str:
    """Each blank's first accepted answer."""
    return " / ".join(b.answers[0] if b.answers else f"{b.number:g}" for b in item.blanks)


class FillKind(ItemKind):
    name = "fill"
    item_type = Fill
    schema = "quizapp.kinds.fill_schema"
    parts = {"blanks": Blank}

    def problems(
        self,
        item: Any,
        raw: Mapping[str, Any],
        at: Any,
        generators: Any,
        generate: bool,
    ) -> Problems:
        marks = list(dict.fromkeys(int(m) for m in BLANK_MARK.findall(item.prompt)))
        expected = list(range(1, len(item.blanks) + 1))
        if marks == expected:
            return []
        return [
            (
                f"prompt: blanks must be marked {''.join(f'【{n}】' for n in expected)} "
                f"in order (found {''.join(f'【{n}】' for n in marks) or 'none'})",
                at("prompt"),
            )
        ]

    def stated_numbers(self, item: Fill) -> list[tuple[str, float, float, float]]:
        return [
            (f"blanks.{n}", blank.number, blank.rel_tol, blank.abs_tol)
            for n, blank in enumerate(item.blanks, start=1)
            if blank.number is not None
        ]

    def ask(self, item: Fill, number: int, asking: Asking) -> Question:
        return Question(
            number,
            item.id,
            "fill",
            item.topic,
            item.prompt,
            item.expected_seconds,
            item,
            blanks=len(item.blanks),
            item_kind=self.name,
        )

    def grade(self, question: Question, response: Any) -> Grade:
        if isinstance(response, str):
            answers = [response]
        elif isinstance(response, Sequence):
            answers = ["" if a is None else str(a) for a in response]
        else:
            answers = []
        return grade_fill(question.item, answers)

    def answer_key(self, item: Fill, common: dict[str, Any], given: str | None) -> AnswerKey:
        others = [a for b in item.blanks if b.answers for a in b.answers[1:]]
        return AnswerKey(
            **common,
            expected=expected_text(item),
            given=given,
            note=f"ほかに正解とする書き方: {'、'.join(others)}" if others else "",
        )

    def search_parts(self, item: Fill, generators: Any) -> dict[str, str]:
        return {
            "answer": "\n".join(
                "\n".join(b.answers) if b.answers else f"{b.number:g}" for b in item.blanks
            )
        }

    def words(self, item: Fill) -> list[str]:
        return [a for b in item.blanks for a in (b.answers or [])]

    def anki_fields(self, item: Fill) -> tuple[str, str]:
        back = "<br>".join(
            f"【{n}】 " + (" / ".join(map(html_text, b.answers)) if b.answers else f"{b.number:g}")
            for n, b in enumerate(item.blanks, start=1)
        )
        return html_text(item.prompt), back


KIND = FillKind()
