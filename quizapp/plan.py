"""An exam-date study plan: how many new cards a day meet the whole syllabus in time, whether the
learner's daily minutes allow it, and which cards the last days are for.

Rule: every card is first seen no later than the exam day minus ``REVIEW_DAYS``, so it gets its
learning steps and at least one spaced review before the exam; after that cut-off the days go to
the cards whose exam-day recall is lowest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

REVIEW_DAYS = 7
"""Days before the exam after which no new card is introduced."""
DEFAULT_SECONDS = 45.0
"""Seconds a card takes before the log says otherwise (a four-option question)."""


@dataclass(frozen=True)
class Plan:
    exam_date: date
    today: date
    unseen: int
    cutoff: date
    """The last day a new card may be introduced."""
    new_per_day: int
    """New cards a day that meet every unseen card by the cut-off (0 once all are seen)."""
    reviews_per_day: float
    seconds_per_card: float
    minutes: int | None
    """The learner's daily budget, if set."""

    @property
    def days_left(self) -> int:
        return (self.exam_date - self.today).days

    @property
    def study_days(self) -> int:
        """Days from today to the cut-off, both included."""
        return max((self.cutoff - self.today).days + 1, 0)

    @property
    def minutes_needed(self) -> float:
        return (self.new_per_day + self.reviews_per_day) * self.seconds_per_card / 60

    @property
    def fits(self) -> bool:
        """Whether the plan fits the daily budget (always, without one)."""
        return self.minutes is None or self.minutes_needed <= self.minutes

    @property
    def affordable_new(self) -> int:
        """New cards a day the budget leaves room for after the day's reviews."""
        if self.minutes is None:
            return self.new_per_day
        room = self.minutes * 60 / self.seconds_per_card - self.reviews_per_day
        return max(math.floor(room), 0)

    @property
    def final_phase(self) -> bool:
        """Past the cut-off: only reviews, lowest exam-day recall first."""
        return self.today > self.cutoff


def plan(
    *,
    exam_date: date,
    today: date,
    unseen: int,
    reviews_per_day: float,
    seconds: Sequence[float] = (),
    minutes: int | None = None,
) -> Plan:
    """The plan for the days left.

    Args:
        unseen: examined cards of the exam never answered.
        reviews_per_day: reviews expected a day (e.g. the due forecast's mean).
        seconds: logged seconds per answer; their median is the time a card takes.
    """
    cutoff = exam_date - timedelta(days=REVIEW_DAYS)
    if cutoff < today:
        cutoff = min(today, exam_date)
    days = max((cutoff - today).days + 1, 1)
    per_card = _median(seconds) if seconds else DEFAULT_SECONDS
    return Plan(
        exam_date=exam_date,
        today=today,
        unseen=unseen,
        cutoff=cutoff,
        new_per_day=math.ceil(unseen / days) if unseen and today <= exam_date else 0,
        reviews_per_day=reviews_per_day,
        seconds_per_card=per_card,
        minutes=minutes,
    )


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def final_review_order(keys: Iterable[str], recall_on_exam: Callable[[str], float]) -> list[str]:
    """The cards of the last days, lowest exam-day recall first (ties by key, for a stable
    order)."""
    return sorted(keys, key=lambda k: (recall_on_exam(k), k))


def describe(p: Plan) -> str:
    """The plan in one Japanese line for home."""
    day = f"{p.exam_date.month}/{p.exam_date.day}"
    if p.days_left < 0:
        return "受験日を過ぎています。設定で次の受験日を入れてください。"
    if p.final_phase or not p.unseen:
        return f"{day} の試験まで {p.days_left} 日: 新しいカードはもう不要です。想起率の低いカードから復習しましょう。"
    line = f"{day} までに全範囲を一巡するには 1 日 {p.new_per_day} 枚（新規は {p.cutoff.month}/{p.cutoff.day} まで）"
    if p.minutes is not None and not p.fits:
        line += (
            f"。1 日 {p.minutes} 分では復習込みで {p.affordable_new} 枚まで"
            f"（必要 約 {math.ceil(p.minutes_needed)} 分）"
        )
    return line
