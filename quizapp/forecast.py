"""Exam-day readiness: the score the learner would get if the exam were at a given moment.

Each card of the exam counts with the probability of answering it right then: a seen card's FSRS
retrievability at that moment, lifted by the chance of guessing one of four options; an unseen
card at a prior learned from how the learner does on first answers. Areas weigh in with the
syllabus's (estimated) shares, and the interval is that of an exam of the real length drawn by
those shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from quizapp.bank import Bank
from quizapp.coverage import syllabus_ids
from quizapp.session import card_key_for

GUESS = 0.25
"""Four options: what a candidate who does not remember still scores."""
Z80 = 1.2816
"""The two-sided 80% normal quantile: the interval shown is where 8 in 10 exams would land."""
PRIOR_RIGHT, PRIOR_WRONG = 1.0, 2.0
"""Beta prior on a first answer being right before any is logged (mean 1/3: a little above
guessing)."""


@dataclass(frozen=True)
class AreaForecast:
    name: str
    share: float
    """The area's share of the exam, as a fraction of the areas the forecast weighs."""
    cards: int
    seen: int
    expected: float
    """Mean probability of a right answer on the area's questions."""

    @property
    def points_lost(self) -> float:
        """Share of the whole exam this area is expected to cost (what to study first)."""
        return self.share * (1.0 - self.expected)


@dataclass(frozen=True)
class Forecast:
    exam: str
    at: datetime
    score: float
    low: float
    high: float
    prior: float
    """Probability used for a card never answered."""
    areas: list[AreaForecast]

    def costliest(self, n: int = 3) -> list[AreaForecast]:
        return sorted(self.areas, key=lambda a: -a.points_lost)[:n]


def first_answer_prior(first_answers: Iterable[bool]) -> float:
    """The chance of getting an unseen card right, from the learner's first answers."""
    answers = list(first_answers)
    return (sum(answers) + PRIOR_RIGHT) / (len(answers) + PRIOR_RIGHT + PRIOR_WRONG)


def exam_cards(bank: Bank, exam: str) -> dict[str, set[str]]:
    """Area name → the card keys of the exam's items in that area (examined syllabus items)."""
    assert bank.syllabus is not None
    areas: dict[str, set[str]] = {a.name: set() for a in bank.syllabus.exams[exam].areas}
    for item in bank.items.values():
        if exam not in item.exams:
            continue
        for sid in syllabus_ids(bank, item):
            sitem = bank.syllabus.items[sid]
            if sitem.exam == exam and sitem.examined:
                areas[sitem.area].add(card_key_for(item))
    return areas


def forecast(
    bank: Bank,
    exam: str,
    at: datetime,
    recall: Callable[[str, datetime], float | None],
    prior: float,
) -> Forecast:
    """The forecast for ``exam`` at ``at``.

    Args:
        recall: card key → FSRS retrievability at the moment asked, None for an unseen card.
        prior: probability of a right answer on an unseen card (:func:`first_answer_prior`).
    """
    assert bank.syllabus is not None
    spec = bank.syllabus.exams[exam]
    cards = exam_cards(bank, exam)
    total_share = sum(a.share for a in spec.areas)
    areas = []
    variance = 0.0
    for area in spec.areas:
        probs = []
        seen = 0
        for key in cards[area.name]:
            r = recall(key, at)
            if r is None:
                probs.append(prior)
            else:
                seen += 1
                probs.append(r + (1.0 - r) * GUESS)
        expected = sum(probs) / len(probs) if probs else prior
        share = area.share / total_share
        areas.append(AreaForecast(area.name, share, len(probs), seen, expected))
        variance += share * expected * (1.0 - expected) / spec.questions
    score = sum(a.share * a.expected for a in areas)
    half = Z80 * math.sqrt(variance)
    return Forecast(
        exam=exam,
        at=at,
        score=score,
        low=max(0.0, score - half),
        high=min(1.0, score + half),
        prior=prior,
        areas=areas,
    )


def recall_from(states: Mapping[str, object], retrievability: Callable) -> Callable:
    """A ``recall`` for :func:`forecast` from card states and the scheduler's retrievability."""

    def recall(key: str, at: datetime) -> float | None:
        state = states.get(key)
        if state is None or getattr(state, "last_review", None) is None:
            return None
        return retrievability(state, at)

    return recall
