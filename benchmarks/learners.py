"""Simulated learners for calibrating the exam-day forecast (used by a test and a benchmark).

A simulated learner is FSRS with a twist: its real memory is ``strength`` times as stable as the
model thinks (0.5: forgets twice as fast). It studies the exam's cards for ``days`` days through
the app's scheduler (new cards a day, due cards first), answering a drill right with its real
recall probability; then it sits an exam of the real length drawn by the syllabus's shares, where
a forgotten question is still guessed right one time in four. The forecast only ever sees what
the app sees: the answers and the scheduler's states.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fsrs import Rating

from quizapp.bank import Bank
from quizapp.forecast import GUESS, exam_cards, first_answer_prior, forecast, recall_from
from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState

START = datetime(2026, 1, 5, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Outcome:
    strength: float
    predicted: float
    low: float
    high: float
    realised: float
    """The score of the one exam the learner sat."""
    expected: float
    """The learner's true expected score on such an exam (no luck of the draw)."""


def _true_recall(sched: SrsScheduler, state: CardState, at: datetime, strength: float) -> float:
    stability = state.stability or 0.0
    real = replace(state, card={**state.card, "stability": stability * strength})
    return sched.retrievability(real, at)


def simulate(
    bank: Bank,
    exam: str,
    *,
    strength: float,
    base: float,
    days: int,
    new_per_day: int,
    seed: int,
    rest: int = 0,
) -> Outcome:
    """One learner: study for ``days`` days, rest ``rest`` more, then the forecast at the exam's
    start and the exam itself."""
    rng = random.Random(seed)
    sched = SrsScheduler(fuzz=False)
    areas = exam_cards(bank, exam)
    keys = sorted(set().union(*areas.values()))
    rng.shuffle(keys)
    states: dict[str, CardState] = {}
    firsts: list[bool] = []
    for day in range(days):
        now = START + timedelta(days=day)
        due = sorted(k for k, s in states.items() if s.due <= now)
        new = keys[len(states) : len(states) + new_per_day]
        for key in due + new:
            state = states.get(key)
            if state is None:
                right = rng.random() < base
                firsts.append(right)
            else:
                right = rng.random() < _true_recall(sched, state, now, strength)
            rating = Rating.Good if right else Rating.Again
            states[key] = sched.review(state, rating, now, card_key=key)
    exam_at = START + timedelta(days=days + rest)
    result = forecast(
        bank,
        exam,
        exam_at,
        recall_from(states, sched.retrievability),
        first_answer_prior(firsts),
    )
    spec = bank.syllabus.exams[exam]  # type: ignore[union-attr]
    total = sum(a.share for a in spec.areas)

    def truth(key: str | None) -> float:
        state = states.get(key) if key else None
        if state is None:
            return base
        r = _true_recall(sched, state, exam_at, strength)
        return r + (1 - r) * GUESS

    right = 0
    expected = 0.0
    for area in spec.areas:
        count = round(spec.questions * area.share / total)
        pool = sorted(areas[area.name])
        expected += area.share / total * (sum(truth(k) for k in pool) / len(pool) if pool else base)
        for _ in range(count):
            right += rng.random() < truth(rng.choice(pool) if pool else None)
    asked = sum(round(spec.questions * a.share / total) for a in spec.areas)
    return Outcome(strength, result.score, result.low, result.high, right / asked, expected)
