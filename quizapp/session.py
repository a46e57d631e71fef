"""The queue a drill, review, practice run or mock exam walks through.

A :class:`Session` asks each card through its item kind (:mod:`quizapp.kinds`), grades responses,
schedules the card and commits the answer to the store *before* the next question can be asked.
How a mode behaves is its policy (:mod:`quizapp.modes`). It knows nothing of the UI: the TUI asks
for a question, shows it, and hands back the learner's response.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from fsrs import Rating

from quizapp.bank import Bank
from quizapp.cardkey import generator_key
from quizapp.grading import Grade
from quizapp.kinds import KINDS, Asking, GenerationError, ItemKind, card_key_for, kind_for_card
from quizapp.modes import Mode
from quizapp.question import Feedback, OptionFeedback, Question
from quizapp.queues import (
    card_exists,
    drill_queue,
    new_cards_today,
    review_queue,
    start_of_day,
)
from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState, ReviewRecord, Store, StoreWriteError

RELEARN_GAP = 3
"""A card missed in a review comes back after this many other questions (or at the end)."""

__all__ = [
    "Feedback",
    "GenerationError",
    "OptionFeedback",
    "Question",
    "Session",
    "Summary",
    "card_key_for",
    "drill_queue",
    "new_cards_today",
    "review_queue",
    "utc_now",
]
"""Besides the session: what callers of the session read (questions, feedback, queues)."""

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


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
    """Walks a queue of cards; every answer is graded, scheduled and committed at once.

    Building one writes nothing: :meth:`start` records the session in the store, and a session
    must be started before it shows a card."""

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
        self.mode = mode
        self.clock = clock
        self.rng = random.Random(seed)
        self._queue: deque[str] = deque(queue)
        self._relearn: deque[tuple[int, str]] = deque()
        self._endless = endless
        self._shown = 0
        self.topics = tuple(topics)
        """The topics a drill was started for: a shared generator's problem is framed by their
        item."""
        self._asking = Asking(bank.items, generators, self.rng, self.topics)
        self.numeric_choices = numeric_choices
        self.new_limit = new_limit
        """A review's daily new-card limit, enforced across processes as each card is claimed."""
        self.introduce = introduce
        """Whether answering a card FSRS has never scheduled puts it there (and so counts it among
        the day's new cards). False: the answer is logged and the card stays new for the review."""
        self._settings = dict(settings or {})
        self._rateable: _Rateable | None = None
        self.summary = Summary()
        self.total = len(self._queue)
        self.session_id: int | None = None
        """The store's row for this session, once :meth:`start` has written it."""
        self.finished = False

    @property
    def numeric_choices(self) -> bool:
        """Offer a generated problem's options instead of a number input (the E資格 form); a mode
        whose policy says so (the mock) always does. May be switched between questions."""
        return self._asking.as_options

    @numeric_choices.setter
    def numeric_choices(self, value: bool) -> None:
        self._asking.as_options = value or self.mode.generated_as_options

    def start(self) -> Session:
        """Record the session in the store (idempotent); returns the session.

        Raises:
            StoreError: nothing was recorded; the session may be started again.
        """
        if self.session_id is None:
            self.session_id = self.store.start_session(
                mode=self.mode.name, settings=self._settings, now=self.clock()
            )
        return self

    def _started(self) -> int:
        if self.session_id is None:
            raise RuntimeError("a session is start()ed before it shows or answers a card")
        return self.session_id

    # --- asking --------------------------------------------------------------------------------

    def remaining(self) -> int:
        return len(self._queue) + len(self._relearn)

    def next_question(self) -> Question | None:
        """The next question, or None when the session is over. A generated card whose problem
        cannot be made is skipped (and logged): one bad bank item never ends a session."""
        self._started()
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
            return generator_key(self._endless)
        if self._relearn and (self._relearn[0][0] <= self._shown or not self._queue):
            return self._relearn.popleft()[1]
        while self._queue:
            key = self._queue.popleft()
            if self.resolvable(key) and self._claim(key):
                return key
        return None

    def _claim(self, key: str) -> bool:
        """In a mode that claims cards (the review), a queued card is shown only once the session
        holds its claim: another review running at the same time may be showing it or have
        answered it since the queue was built, or have introduced the day's last new card
        (:mod:`quizapp.store.claims`)."""
        if not self.mode.claims_cards:
            return True
        now = self.clock()
        try:
            return self.store.claim_card(
                key,
                session_id=self._started(),
                now=now,
                new_limit=self.new_limit,
                day_start=start_of_day(now),
            )
        except StoreWriteError:
            return True  # a claim only shares the work: the learner goes on (the answer says why)

    def resolvable(self, key: str) -> bool:
        return card_exists(key, self.bank, self.generators)

    def question_for(self, key: str, *, number: int | None = None) -> Question:
        """The question showing card ``key``, numbered ``number`` (default: the count shown so
        far), asked by the card's kind.

        Raises:
            GenerationError: the card's generator raised.
        """
        number = self._shown if number is None else number
        kind = kind_for_card(key, self.bank.items)
        if kind is None:
            raise KeyError(key)
        return kind.ask_card(key, number, self._asking)

    # --- answering ----------------------------------------------------------------------------

    def grade(self, question: Question, response: Any) -> Grade:
        """Grade a response: str for trap/numeric, display positions for choice, list for fill."""
        return _kind(question).grade(question, response)

    def answer(self, question: Question, response: Any, seconds: float) -> Feedback:
        """Grade, schedule and commit one answer; the returned feedback is safe to show."""
        kind = _kind(question)
        grade = kind.grade(question, response)
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
            session_id=self._started(),
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
        grade = kind.as_shown(question, grade, response)
        if not grade.correct and self.mode.relearns_misses:
            self._relearn.append((self._shown + RELEARN_GAP, question.card_key))
        feedback = Feedback(
            question=question,
            grade=grade,
            options=kind.options(question, response),
            review_id=review_id,
            card=card,
            rating=int(rating),
            auto_rating=int(rating),
            **kind.feedback_parts(question),
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
        again = rating == Rating.Again
        if self.mode.relearns_misses and again != (feedback.rating == Rating.Again):
            if again:
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
        """Close the session in the store (idempotent; a session never started has nothing to
        close) and return its summary."""
        if not self.finished:
            self.finished = True
            if self.session_id is not None:
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


def _kind(question: Question) -> ItemKind:
    return KINDS[question.item_kind]
