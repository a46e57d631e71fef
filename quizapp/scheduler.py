"""Spaced repetition: a thin, pure wrapper around ``fsrs.Scheduler`` (the clock is passed in).

It adds what fsrs leaves to the app: turning a graded answer into a rating, counting lapses and
repetitions, tagging leeches, keeping every due date before the exam, and ordering the review queue.
Fuzzing is done here with the scheduler's own seeded RNG (the same ranges as fsrs) instead of
fsrs's, which draws from the process-wide ``random`` module and so cannot be seeded per scheduler.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from quizapp.store import CardState

JST = timezone(timedelta(hours=9), "JST")
"""G検定 and E資格 are held on Japan time: an exam date starts at 00:00 JST."""
EXAM_MARGIN = timedelta(days=1)
"""Every card is due at least this long before the exam starts, while there is still time."""
SLOW_FACTOR = 2.0
"""A right answer taking more than this many times the expected time is rated Hard."""
MAXIMUM_INTERVAL = 36500
GUESS = Rating.Again
"""A right answer the learner calls a guess (まぐれ). A guess is not recall, so FSRS treats the card
as forgotten: it comes back within minutes and its stability starts again. Hard would still
lengthen a review card's interval, putting off a card the learner does not know."""
SELF_RATINGS = (GUESS, Rating.Good, Rating.Easy)
"""The learner's ratings of a right answer, in the order of their keys: まぐれ, 普通, 簡単."""

# (start, end, factor) in days: the fuzz ranges fsrs uses (fsrs.scheduler.FUZZ_RANGES).
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


class SrsScheduler:
    """FSRS scheduling for quizapp's cards, plus leeches and the exam-date cap.

    Args:
        desired_retention: the recall probability fsrs aims for at each due date.
        leech_threshold: lapses after which a card is tagged as a leech.
        exam_date: when set, every card seen before the exam is due before it (see :meth:`due_cap`).
        fuzz: spread review-state intervals a little so cards learnt together drift apart.
        seed: seed of the fuzz RNG (for reproducible runs).
    """

    def __init__(
        self,
        desired_retention: float = 0.9,
        leech_threshold: int = 8,
        exam_date: date | None = None,
        fuzz: bool = True,
        seed: int | None = None,
    ) -> None:
        if not 0 < desired_retention < 1:
            raise ValueError(f"desired_retention must be in (0, 1): {desired_retention}")
        if leech_threshold < 1:
            raise ValueError(f"leech_threshold must be ≥ 1: {leech_threshold}")
        self.desired_retention = desired_retention
        self.leech_threshold = leech_threshold
        self.exam_date = exam_date
        self.fuzz = fuzz
        self._fsrs = Scheduler(
            desired_retention=desired_retention,
            maximum_interval=MAXIMUM_INTERVAL,
            enable_fuzzing=False,
        )
        self._rng = random.Random(seed)

    @classmethod
    def from_settings(
        cls, settings: Any, *, fuzz: bool = True, seed: int | None = None
    ) -> SrsScheduler:
        """Build from a :class:`quizapp.config.Settings` (retention, leech threshold, exam date)."""
        return cls(
            desired_retention=settings.desired_retention,
            leech_threshold=settings.leech_threshold,
            exam_date=settings.exam_date,
            fuzz=fuzz,
            seed=seed,
        )

    # --- rating and reviewing ----------------------------------------------------------------

    @staticmethod
    def grade(correct: bool, seconds: float, expected_seconds: float) -> Rating:
        """The fsrs rating of an answer: wrong → Again; right → Good, or Hard if it took more than
        ``SLOW_FACTOR`` (2) × the expected time (a slow right answer was a struggle to recall).

        A non-positive ``expected_seconds`` means no expectation: a right answer is then Good.
        """
        if not correct:
            return Rating.Again
        if expected_seconds > 0 and seconds > SLOW_FACTOR * expected_seconds:
            return Rating.Hard
        return Rating.Good

    def review(
        self,
        state: CardState | None,
        rating: Rating | int,
        now: datetime,
        *,
        card_key: str | None = None,
    ) -> CardState:
        """The card's state after an answer rated ``rating`` at ``now``.

        Args:
            state: the card's current state, or None for a card never answered.
            rating: the fsrs rating (see :meth:`grade`).
            now: the time of the answer (timezone-aware).
            card_key: key of a new card; defaults to the state's key, else "" (the store then fills
                in the review's key).

        Returns:
            A new state: reps + 1; lapses + 1 when a card in Review state is answered Again;
            tagged as a leech once lapses reach the threshold; due no later than :meth:`due_cap`.
        """
        now = _utc(now)
        rating = Rating(int(rating))
        if state is None:
            card = Card(card_id=int(now.timestamp() * 1000), due=now)
            lapses = reps = 0
            leech = suspended = False
            key = card_key or ""
        else:
            card = Card.from_dict(state.card)  # type: ignore[arg-type]
            lapses, reps, leech, suspended = state.lapses, state.reps, state.leech, state.suspended
            key = card_key or state.card_key
        was_review = card.state == State.Review
        card, _log = self._fsrs.review_card(card, rating, now)
        if self.fuzz and card.state == State.Review:
            card.due = now + timedelta(days=self._fuzzed_days((card.due - now).days))
        cap = self.due_cap(now)
        if cap is not None and card.due > cap:
            card.due = cap
        if was_review and rating == Rating.Again:
            lapses += 1
        return CardState(
            card_key=key,
            card=dict(card.to_dict()),
            lapses=lapses,
            reps=reps + 1,
            leech=leech or lapses >= self.leech_threshold,
            suspended=suspended,
        )

    def _fuzzed_days(self, days: int) -> int:
        """A whole number of days near ``days``, drawn like fsrs's fuzz but from our RNG."""
        if days < 2.5:
            return days
        delta = 1.0
        for start, end, factor in _FUZZ_RANGES:
            delta += factor * max(min(float(days), end) - start, 0.0)
        high = min(round(days + delta), MAXIMUM_INTERVAL)
        low = min(max(2, round(days - delta)), high)
        return self._rng.randint(low, high)

    # --- the exam ----------------------------------------------------------------------------

    def exam_start(self) -> datetime | None:
        """The instant the exam day begins (00:00 JST), in UTC."""
        if self.exam_date is None:
            return None
        return datetime.combine(self.exam_date, time(0), JST).astimezone(UTC)

    def due_cap(self, now: datetime) -> datetime | None:
        """The latest due date allowed for a card answered at ``now``.

        Rule: until one day (``EXAM_MARGIN``) before the exam day starts, a card is due no later
        than that moment, so the whole deck gets a last review on the eve of the exam. Within that
        last day the cap is the start of the exam day itself (a card just answered is not asked
        again before the exam, and nothing is due after it). Once the exam has begun the date no
        longer applies. Either way the cap is never before ``now``.
        """
        start = self.exam_start()
        if start is None or now >= start:
            return None
        eve = start - EXAM_MARGIN
        return eve if now < eve else start

    # --- retrievability and queues -----------------------------------------------------------

    def retrievability(self, state: CardState | None, at: datetime) -> float:
        """fsrs's predicted probability of recalling the card at ``at`` (0 for an unseen card)."""
        if state is None or state.last_review is None or not state.stability:
            return 0.0
        card = Card.from_dict(state.card)  # type: ignore[arg-type]
        return float(self._fsrs.get_card_retrievability(card, _utc(at)))

    def recall_at(self, states: Iterable[CardState], at: datetime) -> dict[str, float]:
        """Card key → retrievability at ``at`` for every seen card, in one pass.

        The same value as :meth:`retrievability` (fsrs's power forgetting curve over whole days
        elapsed), without building an fsrs card per state: the forecast and coverage ask it for
        thousands of cards at a time."""
        at = _utc(at)
        decay = -self._fsrs.parameters[20]
        factor = 0.9 ** (1 / decay) - 1
        out = {}
        for state in states:
            card = state.card  # read directly: thousands of cards, twice per refresh
            last, stability = card.get("last_review"), card.get("stability")
            if not last or not stability:
                continue
            days = max(0, (at - datetime.fromisoformat(last)).days)
            out[state.card_key] = (1 + factor * days / stability) ** decay
        return out

    def below_target_on(self, states: Iterable[CardState], day: datetime | date) -> int:
        """How many seen cards' retrievability at ``day`` is below the desired retention.

        A ``date`` means the start of that day in Japan time (e.g. the exam date).
        """
        at = day if isinstance(day, datetime) else datetime.combine(day, time(0), JST)
        return sum(
            1
            for s in states
            if s.last_review is not None and self.retrievability(s, at) < self.desired_retention
        )

    def queue_order(self, states: Iterable[CardState], now: datetime) -> list[str]:
        """Keys of the cards due at ``now`` (not suspended), lowest retrievability first.

        Ties (e.g. learning steps due within the day) go earliest due first, then by key.
        """
        now = _utc(now)
        due = [(s, s.due) for s in states if not s.suspended]
        due = [(s, when) for s, when in due if when <= now]
        due.sort(key=lambda pair: (self.retrievability(pair[0], now), pair[1], pair[0].card_key))
        return [s.card_key for s, _ in due]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {moment!r}")
    return moment.astimezone(UTC)
