"""Exam-day readiness: the score the learner would get if the exam were at a given moment.

Each card of the exam counts with the probability of answering it right then: a seen card's FSRS
retrievability at that moment, lifted by the chance of guessing one of four options; an unseen
card at a prior learned from how the learner does on first answers. Areas weigh in with the
syllabus's (estimated) shares, and the interval is that of an exam of the real length drawn by
those shares.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from quizapp.bank import Bank
from quizapp.counts import syllabus_ids
from quizapp.scheduler import SrsScheduler
from quizapp.session import card_key_for
from quizapp.store import Store

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
    recall: Mapping[str, float],
    prior: float,
) -> Forecast:
    """The forecast for ``exam`` at ``at``.

    Args:
        recall: card key → FSRS retrievability at ``at`` of every seen card
            (:meth:`quizapp.scheduler.SrsScheduler.recall_at`); a card not in it is unseen.
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
            r = recall.get(key)
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


def from_store(
    bank: Bank, store: Store, scheduler: SrsScheduler, exam: str, at: datetime
) -> Forecast:
    """The forecast for ``exam`` at ``at`` from the learner's log."""
    return forecast(
        bank,
        exam,
        at,
        scheduler.recall_at(store.all_cards(), at),
        first_answer_prior(store.first_results()),
    )


@dataclass(frozen=True)
class Calibration:
    """How far the forecast made at the start of each mock exam was from its score."""

    mocks: int
    mean_error: float
    bias: float
    """Forecast minus score, on average: positive when the forecast was optimistic."""


def calibration(pairs: Iterable[tuple[float, float]], minimum: int = 3) -> Calibration | None:
    """From (forecast, mock score) pairs; None before ``minimum`` mocks."""
    pairs = list(pairs)
    if len(pairs) < minimum:
        return None
    errors = [f - s for f, s in pairs]
    return Calibration(
        mocks=len(pairs),
        mean_error=sum(abs(e) for e in errors) / len(errors),
        bias=sum(errors) / len(errors),
    )
