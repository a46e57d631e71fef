"""The generated item: a slot for fresh problems from a solvers generator, narrowed by ``params``.

Its card is the generator's (``gen:<name>``, :mod:`quizapp.cardkey`), shared by every item naming
that generator; an item frames the problem with its lead-in, explanation and ranges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from quizapp.cardkey import generator_key, generator_of
from quizapp.grading import Grade, ParseError, gives_up, parse_number, parse_shape, recorded
from quizapp.items import ItemBase
from quizapp.kinds.base import Asking, ItemKind, Problems, feedback_options
from quizapp.question import AnswerKey, KeyOption, OptionFeedback, Question, original, positions
from quizapp.safetext import visible
from solvers.problem import Problem, check

TRIAL_SEEDS = range(5)
"""Seeds a generated item's narrowed ranges must each give a problem for (``validate``)."""
EXAMPLE_SEED = 1
"""The seed of the example problem shown for a generated item looked up without a log entry."""


class GenerationError(Exception):
    """A generator could not make a problem for a card (its item's ranges may admit none)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Generated(ItemBase):
    """A slot for fresh problems from a solvers generator, narrowed by ``params``."""

    default_seconds: ClassVar[int] = 90
    kind: Literal["generated"] = "generated"
    generator: str
    params: dict[str, Any] = field(default_factory=dict)


def grade_problem(problem: Problem, answer: str) -> Grade:
    """Grade a numeric answer to a generated problem and diagnose a wrong one."""
    shown = recorded(answer)
    if gives_up(answer):
        return Grade(False, shown, problem.answer_text)
    try:
        if isinstance(problem.answer, tuple):
            value: float | tuple[float, ...] = parse_shape(
                answer, len(problem.answer), unit=problem.unit
            )
        else:
            value = parse_number(answer, unit=problem.unit)
    except ParseError as exc:
        return Grade(False, shown, problem.answer_text, hint=f"{exc}。{problem.hint}".strip("。"))
    verdict = check(problem, value)
    return Grade(verdict.correct, shown, problem.answer_text, misconception=verdict.misconception)


def grade_problem_choice(problem: Problem, index: int) -> Grade:
    """Grade a generated problem answered by picking one of its choices."""
    if not 0 <= index < len(problem.choices):
        return Grade(False, str(index + 1), problem.answer_text)
    choice = problem.choices[index]
    verdict = check(problem, choice.value)
    return Grade(
        verdict.correct, choice.text, problem.answer_text, misconception=verdict.misconception
    )


def framing_items(items: Mapping[str, Any], name: str) -> list[Generated]:
    """The items naming generator ``name``, in bank order."""
    return [i for i in items.values() if isinstance(i, Generated) and i.generator == name]


def _by_generator(asking: Asking) -> dict[str, list[Generated]]:
    """The items naming each generator, computed once per session."""
    index = asking.indexes.get("generated")
    if index is None:
        index = {}
        known = getattr(asking.items, "generator_of", None)  # a cached bank's, without decoding
        if known is not None:
            for item_id, name in known.items():
                index.setdefault(name, []).append(asking.items[item_id])
        else:
            for item in asking.items.values():
                if isinstance(item, Generated):
                    index.setdefault(item.generator, []).append(item)
        asking.indexes["generated"] = index
    return index


def framing_item(asking: Asking, name: str, own_topic: str) -> Generated | None:
    """Which of the items sharing a generator frames its problem: one of the drilled topics
    (drilling 全結合層と畳み込み層 should not show another topic's lead-in), else the
    generator's own topic, else the first."""
    items = _by_generator(asking).get(name, [])
    preferred = (
        [i for i in items if i.topic in asking.topics]
        or [i for i in items if i.topic == own_topic]
        or items
    )
    return preferred[0] if preferred else None


class GeneratedKind(ItemKind):
    name = "generated"
    item_type = Generated
    schema = "quizapp.kinds.generated_schema"

    def problems(
        self,
        item: Any,
        raw: Mapping[str, Any],
        at: Any,
        generators: Mapping[str, Any] | None,
        generate: bool,
    ) -> Problems:
        if generators is None:
            return []
        gen = generators.get(item.generator)
        if gen is None:
            return [(f"generator: unknown generator {item.generator!r}", at("generator"))]
        return _params_problems(item, raw, gen, generate)

    def owns_card(self, key: str) -> bool:
        return generator_of(key) is not None

    def card_key(self, item: Generated) -> str:
        return generator_key(item.generator)

    def ask_card(self, key: str, number: int, asking: Asking) -> Question:
        """Raises:
        GenerationError: the card's generator raised."""
        name = generator_of(key)
        assert name is not None
        gen = asking.generators[name]
        item = framing_item(asking, name, gen.topic)
        topic = item.topic if item is not None else gen.topic
        ranges = item.params if item is not None and item.params else None
        try:
            problem = gen.generate(asking.rng.randrange(2**31), ranges)
        except Exception as exc:  # bank ranges meet solvers code: anything may come out
            raise GenerationError(f"{name} with {ranges}: {type(exc).__name__}: {exc}") from exc
        prompt = problem.prompt if item is None else f"{item.prompt}\n\n{problem.prompt}"
        expected = item.expected_seconds if item is not None else Generated.default_seconds
        if asking.as_options:
            return Question(
                number,
                key,
                "choice",
                topic,
                prompt,
                expected,
                item,
                problem,
                options=tuple(c.text + problem.unit for c in problem.choices),
                order=tuple(range(len(problem.choices))),
                item_kind=self.name,
            )
        return Question(
            number, key, "numeric", topic, prompt, expected, item, problem, item_kind=self.name
        )

    def grade(self, question: Question, response: Any) -> Grade:
        problem = question.problem
        assert problem is not None
        if question.kind == "choice":
            chosen = positions(response)
            index = original(question, chosen[0]) if len(chosen) == 1 else -1
            return grade_problem_choice(problem, index)
        return grade_problem(problem, str(response))

    def options(self, question: Question, response: Any) -> tuple[OptionFeedback, ...]:
        problem = question.problem
        if problem is None or question.kind != "choice":
            return ()
        labels = {m.code: m.label for m in problem.misconceptions}
        shown = [
            (
                c.text + problem.unit,
                "正解" if c.correct else labels.get(c.misconception or "", "誤り"),
                c.correct,
            )
            for c in problem.choices
        ]
        return feedback_options(question, shown, response)

    def in_mock(self, item: Generated, exam: str, generators: Mapping[str, Any]) -> bool:
        return item.generator in generators

    def search_parts(self, item: Generated, generators: Mapping[str, Any] | None) -> dict[str, str]:
        if not generators or item.generator not in generators:
            return {}
        return {"prompt": str(getattr(generators[item.generator], "title", ""))}

    def generator(self, item: Generated) -> str:
        return item.generator

    def card_answer_key(
        self,
        items: Mapping[str, Any],
        generators: Mapping[str, Any],
        card_key: str,
        review: Any,
        item_id: str | None,
    ) -> AnswerKey | None:
        """The answer key of a generator's card: the problem made again from the logged seed
        (or :data:`EXAMPLE_SEED`), framed by the review's item, else ``item_id``'s, else the
        first."""
        name = generator_of(card_key) or ""
        generator = generators.get(name)
        if generator is None:
            return None
        framing = framing_items(items, name)
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
            problem: Problem = generator.generate(
                seed, item.params if item and item.params else None
            )
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


KIND = GeneratedKind()


def _params_problems(item: Any, raw: Mapping[str, Any], gen: Any, generate: bool) -> Problems:
    """A generated item's ``params`` must name the generator's parameters and narrow its default
    ranges (never widen them: the generator is only known to work inside those); with
    ``generate``, they must also give a problem for every trial seed."""
    params = raw.get("params")
    lines = getattr(params, "key_lines", {})
    default_line = raw.key_lines.get("params", raw.line)  # type: ignore[attr-defined]
    defaults = getattr(gen, "ranges", {})
    problems: Problems = []
    for name, spec in item.params.items():
        at = lines.get(name, default_line)
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            problem = f"{item.generator} has no parameter {name!r} (known: {known})"
        else:
            problem = _outside(spec, defaults[name])
        if problem:
            shown = visible(str(name), newlines=False)
            problems.append((f"params.{shown}: {problem}", at))
    if problems or not generate or not item.params:
        return problems
    for seed in TRIAL_SEEDS:
        try:
            gen.generate(seed, item.params)
        except Exception as exc:  # whatever the generator raises is what validate reports
            reason = visible(f"{type(exc).__name__}: {exc}", newlines=False)[:300]
            message = (
                f"params: no problem can be generated within these ranges (seed {seed}: {reason})"
            )
            return [(message, default_line)]
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _outside(spec: Any, default: Any) -> str | None:
    """Why the range ``spec`` is not a narrowing of ``default`` (None when it is). A list's
    values must be among the default's values (or within its {min, max}, integers if it is);
    a {min, max} must lie within the default's, or list only default values."""
    if isinstance(default, Mapping):
        lo, hi = default["min"], default["max"]
        whole = isinstance(lo, int) and isinstance(hi, int)
        allowed = f"{'integers ' if whole else ''}within {lo}–{hi}"

        def fits(value: Any) -> bool:
            return _number(value) and lo <= value <= hi and (not whole or isinstance(value, int))
    else:
        allowed = "one of " + ", ".join(map(str, default))

        def fits(value: Any) -> bool:
            return any(
                value == d
                and isinstance(value, bool) == isinstance(d, bool)
                and isinstance(value, str) == isinstance(d, str)
                for d in default
            )

    if isinstance(spec, Mapping):
        if set(spec) != {"min", "max"}:
            return "a range is a list of values or {min, max}"
        lo_, hi_ = spec["min"], spec["max"]
        if not (_number(lo_) and _number(hi_) and lo_ <= hi_):
            return "{min, max} needs numbers with min ≤ max"
        if isinstance(default, Mapping):
            ok = fits(lo_) and fits(hi_)
        else:
            span = hi_ - lo_ + 1 if isinstance(lo_, int) and isinstance(hi_, int) else 0
            ok = 0 < span <= len(default) and all(fits(v) for v in range(lo_, hi_ + 1))
        return (
            None
            if ok
            else f"{{min: {lo_}, max: {hi_}}} is not within the generator's range ({allowed})"
        )
    if isinstance(spec, str) or not isinstance(spec, list):
        return "a range is a list of values or {min, max}"
    if not spec:
        return "an empty list leaves nothing to draw"
    wrong = [v for v in spec if not fits(v)]
    if wrong:
        shown = visible(", ".join(repr(v)[:40] for v in wrong[:5]), newlines=False)
        return f"{shown} outside the generator's range ({allowed})"
    return None
