"""The queue a drill, review, practice run or mock exam walks through.

A :class:`Session` turns bank items and generators into :class:`Question` objects, grades responses,
schedules the card and commits the answer to the store *before* the next question can be asked. It
knows nothing of the UI: the TUI asks for a question, shows it, and hands back the learner's response.
"""

from __future__ import annotations

import logging
import operator
import random
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from fsrs import Rating

from quizapp.bank import Bank
from quizapp.grading import (
    Grade,
    grade_choice,
    grade_fill,
    grade_problem,
    grade_problem_choice,
    grade_trap,
)
from quizapp.items import Choice, Fill, Generated, Trap
from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState, ReviewRecord, Store, StoreWriteError
from solvers.problem import Problem

Mode = Literal["drill", "review", "practice", "mock"]
Kind = Literal["trap", "choice", "fill", "numeric"]
GEN_PREFIX = "gen:"
RELEARN_GAP = 3
"""A card missed in a review comes back after this many other questions (or at the end)."""

log = logging.getLogger(__name__)


class GenerationError(Exception):
    """A generator could not make a problem for a card (its item's ranges may admit none)."""


def card_key_for(item: Trap | Choice | Fill | Generated) -> str:
    """Hand-written items are cards by id; a generated item is its generator's card."""
    return GEN_PREFIX + item.generator if isinstance(item, Generated) else item.id


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Question:
    """One showing of a card: for a generator, a fresh instance with its own seed."""

    number: int
    card_key: str
    kind: Kind
    topic: str
    prompt: str
    expected_seconds: float
    item: Trap | Choice | Fill | Generated | None = None
    problem: Problem | None = None
    options: tuple[str, ...] = ()
    """Choice texts in the order shown."""
    order: tuple[int, ...] = ()
    """order[i] is the original index of the option shown at position i."""
    multi: bool = False
    """Several options are correct: the learner toggles options before submitting."""
    blanks: int = 0

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
    """The fsrs rating in effect: automatic grading's, or the learner's after :meth:`Session.rate`."""
    auto_rating: int = 0
    """What automatic grading rated."""

    @property
    def diagnosis(self) -> str:
        m = self.grade.misconception
        return m.label if m is not None and not self.grade.correct else ""


@dataclass
class Summary:
    """What a finished session amounts to (the mock-exam result screen shows it)."""

    answered: int = 0
    correct: int = 0
    by_topic: dict[str, list[int]] = field(default_factory=dict)
    """topic → [correct, answered]."""
    missed: list[Feedback] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


class Session:
    """Walks a queue of cards; every answer is graded, scheduled and committed at once."""

    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        scheduler: SrsScheduler,
        generators: Mapping[str, Any],
        mode: Mode,
        queue: Iterable[str],
        seed: int | None = None,
        clock: Callable[[], datetime] = utc_now,
        endless: str | None = None,
        settings: Mapping[str, Any] | None = None,
        numeric_choices: bool = False,
        topics: Sequence[str] = (),
        new_limit: int | None = None,
        introduce: bool = True,
    ) -> None:
        self.bank = bank
        self.store = store
        self.scheduler = scheduler
        self.generators = generators
        self.mode: Mode = mode
        self.clock = clock
        self.rng = random.Random(seed)
        self._queue: deque[str] = deque(queue)
        self._relearn: deque[tuple[int, str]] = deque()
        self._endless = endless
        self.numeric_choices = numeric_choices
        """Offer a generated problem's four options instead of a number input (the E資格 form);
        mock exams always do. May be switched between questions."""
        self._shown = 0
        self._gen_items = _generator_items(bank)
        self.topics = tuple(topics)
        """The topics a drill was started for: a shared generator's problem is framed by their
        item."""
        self.new_limit = new_limit
        """A review's daily new-card limit, enforced across processes as each card is claimed."""
        self.introduce = introduce
        """Whether answering a card FSRS has never scheduled puts it there (and so counts it among
        the day's new cards). False: the answer is logged and the card stays new for the review."""
        self._rateable: _Rateable | None = None
        self.summary = Summary()
        self.total = len(self._queue)
        self.session_id = store.start_session(mode=mode, settings=dict(settings or {}), now=clock())
        self.finished = False

    # --- asking --------------------------------------------------------------------------------

    def remaining(self) -> int:
        return len(self._queue) + len(self._relearn)

    def next_question(self) -> Question | None:
        """The next question, or None when the session is over. A generated card whose problem
        cannot be made is skipped (and logged): one bad bank item never ends a session."""
        while (key := self._next_key()) is not None:
            self._shown += 1
            try:
                return self.question_for(key)
            except GenerationError as exc:
                self._shown -= 1
                log.warning("skipped card %s: %s", key, exc)
                if self._endless is not None:
                    return None
        return None

    def _next_key(self) -> str | None:
        if self._endless is not None:
            return GEN_PREFIX + self._endless
        if self._relearn and (self._relearn[0][0] <= self._shown or not self._queue):
            return self._relearn.popleft()[1]
        while self._queue:
            key = self._queue.popleft()
            if self.resolvable(key) and self._claim(key):
                return key
        return None

    def _claim(self, key: str) -> bool:
        """A review shows a queued card only once it holds the card's claim: another review
        running at the same time may be showing it or have answered it since the queue was built,
        or have introduced the day's last new card (:mod:`quizapp.store.claims`)."""
        if self.mode != "review":
            return True
        now = self.clock()
        try:
            return self.store.claim_card(
                key,
                session_id=self.session_id,
                now=now,
                new_limit=self.new_limit,
                day_start=_start_of_day(now),
            )
        except StoreWriteError:
            return True  # a claim only shares the work: the learner goes on (the answer says why)

    def resolvable(self, key: str) -> bool:
        if key.startswith(GEN_PREFIX):
            return key[len(GEN_PREFIX) :] in self.generators
        return key in self.bank.items

    def _item_for(self, generator: str, own_topic: str) -> Generated | None:
        """Which of the items sharing a generator frames its problem: one of the drilled topics
        (drilling 全結合層と畳み込み層 should not show another topic's lead-in), else the
        generator's own topic, else the first."""
        items = self._gen_items.get(generator, [])
        preferred = (
            [i for i in items if i.topic in self.topics]
            or [i for i in items if i.topic == own_topic]
            or items
        )
        return preferred[0] if preferred else None

    def question_for(self, key: str, *, number: int | None = None) -> Question:
        """The question showing card ``key``, numbered ``number`` (default: the count shown so
        far).

        Raises:
            GenerationError: the card's generator raised.
        """
        number = self._shown if number is None else number
        if key.startswith(GEN_PREFIX):
            name = key[len(GEN_PREFIX) :]
            gen = self.generators[name]
            item = self._item_for(name, gen.topic)
            topic = item.topic if item is not None else gen.topic
            ranges = item.params if item is not None and item.params else None
            try:
                problem = gen.generate(self.rng.randrange(2**31), ranges)
            except Exception as exc:  # bank ranges meet solvers code: anything may come out
                raise GenerationError(f"{name} with {ranges}: {type(exc).__name__}: {exc}") from exc
            prompt = problem.prompt if item is None else f"{item.prompt}\n\n{problem.prompt}"
            expected = item.expected_seconds if item is not None else 90
            if self.mode == "mock" or self.numeric_choices:
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
                )
            return Question(number, key, "numeric", topic, prompt, expected, item, problem)
        item = self.bank.items[key]
        if isinstance(item, Trap):
            return Question(
                number, key, "trap", item.topic, item.prompt, item.expected_seconds, item
            )
        if isinstance(item, Choice):
            order = list(range(len(item.options)))
            if item.code is None:
                self.rng.shuffle(order)
            return Question(
                number,
                key,
                "choice",
                item.topic,
                item.prompt,
                item.expected_seconds,
                item,
                options=tuple(item.options[i].text for i in order),
                order=tuple(order),
                multi=len(item.correct) > 1,
            )
        assert isinstance(item, Fill)
        return Question(
            number,
            key,
            "fill",
            item.topic,
            item.prompt,
            item.expected_seconds,
            item,
            blanks=len(item.blanks),
        )

    # --- answering ----------------------------------------------------------------------------

    def grade(self, question: Question, response: Any) -> Grade:
        """Grade a response: str for trap/numeric, display positions for choice, list for fill."""
        item, problem = question.item, question.problem
        if problem is not None:
            if question.kind == "choice":
                positions = _positions(response)
                index = _original(question, positions[0]) if len(positions) == 1 else -1
                return grade_problem_choice(problem, index)
            return grade_problem(problem, str(response))
        if isinstance(item, Trap):
            return grade_trap(item, response if isinstance(response, str) else "")
        if isinstance(item, Choice):
            return grade_choice(item, {_original(question, p) for p in _positions(response)})
        assert isinstance(item, Fill)
        if isinstance(response, str):
            answers = [response]
        elif isinstance(response, Sequence):
            answers = ["" if a is None else str(a) for a in response]
        else:
            answers = []
        return grade_fill(item, answers)

    def answer(self, question: Question, response: Any, seconds: float) -> Feedback:
        """Grade, schedule and commit one answer; the returned feedback is safe to show."""
        grade = self.grade(question, response)
        now = self.clock()
        rating = self.scheduler.grade(grade.correct, seconds, question.expected_seconds)
        problem = question.problem
        review = ReviewRecord(
            card_key=question.card_key,
            item_id=question.item.id if question.item is not None else None,
            generator=problem.generator if problem is not None else None,
            seed=problem.seed if problem is not None else None,
            params=dict(problem.params) if problem is not None else None,
            answer=grade.answer,
            correct=grade.correct,
            rating=int(rating),
            seconds=float(seconds),
            reviewed_at=now,
            session_id=self.session_id,
            misconception=grade.misconception.code if grade.misconception is not None else None,
        )
        before: list[CardState | None] = []

        def schedule(stored: CardState | None) -> CardState | None:
            before[:] = [stored]
            if stored is None and not self.introduce:
                return None
            return self.scheduler.review(stored, rating, now, card_key=question.card_key)

        review_id, card = self.store.answer_card(review, schedule)
        self._rateable = (
            _Rateable(review_id, question.card_key, before[0], now) if grade.correct else None
        )
        grade = _as_shown(question, grade, response)
        if not grade.correct and self.mode == "review":
            self._relearn.append((self._shown + RELEARN_GAP, question.card_key))
        feedback = Feedback(
            question=question,
            grade=grade,
            explanation=_explanation(question),
            options=_option_feedback(question, response),
            solution=problem.solution if problem is not None else "",
            review_id=review_id,
            card=card,
            rating=int(rating),
            auto_rating=int(rating),
        )
        self._tally(feedback)
        return feedback

    def rate(self, feedback: Feedback, rating: int) -> Feedback:
        """The learner's own rating of the right answer just given (まぐれ, 普通, 簡単: see
        :data:`~quizapp.scheduler.SELF_RATINGS`): the log keeps it beside the automatic verdict
        and the card is scheduled again from its state before the answer, in one transaction. A
        guess rated Again comes back in a review like a miss.

        Raises:
            ValueError: ``feedback`` is not the session's latest answer, or the answer was wrong.
            RatingRefused: the card was answered again since, in another session.
            StoreWriteError: nothing changed; the same rating may be tried again.
        """
        last = self._rateable
        if last is None or last.review_id != feedback.review_id:
            raise ValueError("only the latest right answer can be rated")
        key = last.card_key
        rating = int(Rating(rating))
        schedule = None
        if feedback.card is not None:

            def schedule() -> CardState:
                return self.scheduler.review(last.before, rating, last.at, card_key=key)

        card = self.store.rate_answer(last.review_id, rating, schedule)
        if self.mode == "review" and (rating == Rating.Again) != (feedback.rating == Rating.Again):
            if rating == Rating.Again:
                self._relearn.append((self._shown + RELEARN_GAP, key))
            else:
                self._relearn = deque(entry for entry in self._relearn if entry[1] != key)
        return replace(feedback, rating=rating, card=card)

    def _tally(self, feedback: Feedback) -> None:
        s = self.summary
        s.answered += 1
        s.correct += feedback.grade.correct
        cell = s.by_topic.setdefault(feedback.question.topic, [0, 0])
        cell[0] += feedback.grade.correct
        cell[1] += 1
        if not feedback.grade.correct:
            s.missed.append(feedback)

    def finish(self) -> Summary:
        """Close the session in the store (idempotent) and return its summary."""
        if not self.finished:
            self.finished = True
            self.store.end_session(
                self.session_id,
                now=self.clock(),
                summary={
                    "answered": self.summary.answered,
                    "correct": self.summary.correct,
                    "by_topic": self.summary.by_topic,
                },
            )
        return self.summary


@dataclass(frozen=True)
class _Rateable:
    """The right answer the learner may still rate: its card's state before it, and when."""

    review_id: int
    card_key: str
    before: CardState | None
    at: datetime


def _as_shown(question: Question, grade: Grade, response: Any) -> Grade:
    """The log keeps original option numbers; the learner sees the shuffled ones."""
    item = question.item
    if not isinstance(item, Choice) or question.problem is not None:
        return grade
    chosen = sorted(p for p in _positions(response) if 0 <= p < len(question.order))
    correct = sorted(question.order.index(i) for i in item.correct)
    return replace(
        grade,
        answer=",".join(str(p + 1) for p in chosen),
        expected=",".join(str(p + 1) for p in correct),
    )


def _positions(response: Any) -> list[int]:
    """Display positions (0-based) in a choice response; anything unreadable becomes -1."""
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


def _original(question: Question, position: int) -> int:
    """The original option index shown at ``position``; -1 (never valid) when out of range."""
    return question.order[position] if 0 <= position < len(question.order) else -1


def _explanation(question: Question) -> str:
    return question.item.explanation if question.item is not None else ""


def _option_feedback(question: Question, response: Any) -> tuple[OptionFeedback, ...]:
    item, problem = question.item, question.problem
    chosen = set(_positions(response)) if question.kind == "choice" else set()
    if isinstance(item, Choice):
        return tuple(
            OptionFeedback(
                item.options[i].text, item.options[i].rationale, i in item.correct, pos in chosen
            )
            for pos, i in enumerate(question.order)
        )
    if problem is not None and question.kind == "choice":
        labels = {m.code: m.label for m in problem.misconceptions}
        return tuple(
            OptionFeedback(
                c.text + problem.unit,
                "正解" if c.correct else labels.get(c.misconception or "", "誤り"),
                c.correct,
                pos in chosen,
            )
            for pos, c in enumerate(problem.choices)
        )
    return ()


def _generator_items(bank: Bank) -> dict[str, list[Generated]]:
    """The bank items naming each generator (lead-in, explanation and ranges), in bank order."""
    out: dict[str, list[Generated]] = {}
    for item_id, name in bank.generator_of().items():
        out.setdefault(name, []).append(bank.items[item_id])  # type: ignore[arg-type]
    return out


# --- building queues ------------------------------------------------------------------------------


def drill_queue(
    bank: Bank,
    topics: Sequence[str],
    exams: Sequence[str] = ("G", "E"),
    seed: int | None = None,
    seen: Mapping[str, tuple[int, int]] | None = None,
) -> list[str]:
    """Cards of the chosen topics for the chosen exams: unseen and weak ones first, shuffled."""
    rng = random.Random(seed)
    seen = seen or {}
    keys: list[str] = []
    for item in bank.items.values():
        if item.topic in topics and set(item.exams) & set(exams):
            key = card_key_for(item)
            if key not in keys:
                keys.append(key)
    rng.shuffle(keys)

    def weakness(key: str) -> float:
        n, ok = seen.get(key, (0, 0))
        return -1.0 if n == 0 else ok / n

    return sorted(keys, key=weakness)


def review_queue(
    bank: Bank,
    generators: Mapping[str, Any],
    store: Store,
    scheduler: SrsScheduler,
    now: datetime,
    new_limit: int = 20,
    seed: int | None = None,
) -> list[str]:
    """Due cards (lowest retrievability first), then up to ``new_limit`` new cards."""
    cards = store.all_cards()
    due = [key for key in scheduler.queue_order(cards, now) if _exists(key, bank, generators)]
    known = {c.card_key for c in cards}
    return due + new_cards_today(bank, store, now, new_limit, seed=seed, known=known)


def new_cards_today(
    bank: Bank,
    store: Store,
    now: datetime,
    new_limit: int,
    seed: int | None = None,
    known: set[str] | None = None,
) -> list[str]:
    """Never-seen cards still allowed today: the daily limit minus those already started since
    the user's local midnight, in a seeded random order."""
    if new_limit <= 0:
        return []
    budget = max(new_limit - store.new_cards_since(_start_of_day(now)), 0)
    if not budget:
        return []
    if known is None:
        known = {c.card_key for c in store.all_cards()}
    generator_of = bank.generator_of()
    keys = (
        GEN_PREFIX + generator_of[i] if i in generator_of else i for i in bank.items
    )  # card_key_for without decoding every item of a cached bank
    candidates = list(dict.fromkeys(key for key in keys if key not in known))
    random.Random(seed).shuffle(candidates)
    return candidates[:budget]


def _exists(key: str, bank: Bank, generators: Mapping[str, Any]) -> bool:
    if key.startswith(GEN_PREFIX):
        return key[len(GEN_PREFIX) :] in generators
    return key in bank.items


def _start_of_day(now: datetime) -> datetime:
    """The user's local midnight (a JST learner's day starts at 00:00 JST, not 09:00)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)
