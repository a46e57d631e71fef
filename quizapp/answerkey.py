"""An item's answer key, for looking an item up rather than answering it: the prompt, the right
answer, the explanation, every option's rationale and a generated problem's worked solution, with
the learner's logged answer when there is one (the mistake notebook opens a missed answer so).

A generated problem is made again from the seed the log kept, so the notebook shows the very
problem the learner missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quizapp.bank import Bank
from quizapp.grading import grade_problem
from quizapp.items import Choice, Fill, Generated, Trap
from quizapp.session import GEN_PREFIX
from quizapp.store import ReviewRecord
from solvers.problem import Problem

EXAMPLE_SEED = 1
"""The seed of the example problem shown for a generated item looked up without a log entry."""


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


def answer_key(
    bank: Bank,
    generators: Mapping[str, Any],
    card_key: str,
    review: ReviewRecord | None = None,
    *,
    item_id: str | None = None,
) -> AnswerKey | None:
    """The answer key of ``card_key`` (with ``review``'s answer), or None when the bank no longer
    has it. ``item_id`` picks which of the items sharing a generator frames its problem (the
    review's item comes first)."""
    if card_key.startswith(GEN_PREFIX):
        return _generated(bank, generators, card_key, review, item_id)
    item = bank.items.get(card_key)
    if item is None:
        return None
    given = review.answer if review is not None else None
    correct = review.correct if review is not None else None
    common = {
        "card_key": card_key,
        "item_id": item.id,
        "topic": item.topic,
        "exams": tuple(item.exams),
        "prompt": item.prompt,
        "explanation": item.explanation,
        "correct": correct,
    }
    if isinstance(item, Trap):
        return AnswerKey(
            **common,
            expected="○（正しい）" if item.truth else "×（誤り）",
            given=given,
            note=f"ひっかけどころ: {item.confused_with}" if item.confused_with else "",
        )
    if isinstance(item, Choice):
        chosen = _chosen(given) if given is not None else set()
        options = tuple(
            KeyOption(o.text, o.rationale, i in item.correct, i in chosen)
            for i, o in enumerate(item.options)
        )
        shown = "、".join(f"{i + 1}. {item.options[i].text}" for i in sorted(chosen & _all(item)))
        return AnswerKey(
            **common,
            expected="、".join(f"{i + 1}. {item.options[i].text}" for i in sorted(item.correct)),
            code=item.code.template.rstrip() if item.code is not None else "",
            options=options,
            given=(shown or given) if given is not None else None,
        )
    assert isinstance(item, Fill)
    expected = " / ".join(b.answers[0] if b.answers else f"{b.number:g}" for b in item.blanks)
    others = [a for b in item.blanks if b.answers for a in b.answers[1:]]
    return AnswerKey(
        **common,
        expected=expected,
        given=given,
        note=f"ほかに正解とする書き方: {'、'.join(others)}" if others else "",
    )


def _chosen(answer: str) -> set[int]:
    """The original option indexes in a logged choice answer ("1,3")."""
    return {int(part) - 1 for part in answer.split(",") if part.strip().isdecimal()}


def _all(item: Choice) -> set[int]:
    return set(range(len(item.options)))


def _generated(
    bank: Bank,
    generators: Mapping[str, Any],
    card_key: str,
    review: ReviewRecord | None,
    item_id: str | None,
) -> AnswerKey | None:
    name = card_key[len(GEN_PREFIX) :]
    generator = generators.get(name)
    if generator is None:
        return None
    framing = [i for i in bank.items.values() if isinstance(i, Generated) and i.generator == name]
    wanted = (review.item_id if review is not None else None) or item_id
    item = next((i for i in framing if i.id == wanted), framing[0] if framing else None)
    seed = review.seed if review is not None and review.seed is not None else EXAMPLE_SEED
    lead = f"{item.prompt}\n\n" if item is not None else ""
    common = {
        "card_key": card_key,
        "item_id": item.id if item is not None else None,
        "topic": item.topic if item is not None else generator.topic,
        "exams": tuple(item.exams) if item is not None else tuple(generator.exams),
        "explanation": item.explanation if item is not None else "",
        "given": review.answer if review is not None else None,
        "correct": review.correct if review is not None else None,
        "seed": seed,
    }
    try:
        problem: Problem = generator.generate(seed, item.params if item and item.params else None)
    except Exception as exc:  # a bank's ranges meet solvers code: anything may come out
        return AnswerKey(
            **common,
            prompt=lead.strip(),
            expected="",
            note=f"この問題を作り直せませんでした（{type(exc).__name__}）",
        )
    note = ""
    if review is not None and review.params is not None and review.params != problem.params:
        note = "問題の作り方が変わったため、解いたときとは数値が違うかもしれません"
    diagnosis = ""
    if review is not None and not review.correct:
        mistake = grade_problem(problem, review.answer).misconception
        diagnosis = mistake.label if mistake is not None else ""
    labels = {m.code: m.label for m in problem.misconceptions}
    options = tuple(
        KeyOption(
            c.text + problem.unit,
            "正解" if c.correct else labels.get(c.misconception or "", "誤り"),
            c.correct,
            review is not None and review.answer == c.text,
        )
        for c in problem.choices
    )
    return AnswerKey(
        **common,
        prompt=f"{lead}{problem.prompt}",
        expected=f"{problem.answer_text}{problem.unit}",
        options=options,
        solution=problem.solution,
        diagnosis=diagnosis,
        note=note,
    )
