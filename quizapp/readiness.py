"""Everything the 試験対策 screen and home say about one exam, gathered from the bank, the log and
the settings: the forecast for exam day, coverage per syllabus item, the study plan, the forecast's
history and its calibration against the learner's mocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from quizapp import plan, progress
from quizapp.bank import Bank
from quizapp.coverage import Coverage, Learner, coverage
from quizapp.forecast import (
    Calibration,
    Forecast,
    calibration,
    exam_cards,
    first_answer_prior,
    forecast,
)
from quizapp.mock import PASS_LINE
from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState, Store
from quizapp.store.readiness import MockRecord
from quizapp.syllabus import Exam

HISTORY_DAYS = 14


@dataclass(frozen=True)
class Report:
    exam: Exam
    when: str
    """「試験日（1/10）」 or 「今日受験した場合」: the moment the forecast is for."""
    forecast: Forecast
    rows: list[tuple[Coverage, Learner]]
    plan_line: str
    history: list[tuple[date, float]]
    calibration: Calibration | None
    mocks: list[MockRecord]
    pass_line: float = PASS_LINE

    @property
    def examined(self) -> int:
        return sum(1 for row, _ in self.rows if row.item.examined)

    @property
    def covered(self) -> int:
        return sum(1 for row, _ in self.rows if row.item.examined and row.covered)


def forecast_moment(scheduler: SrsScheduler, now: datetime) -> tuple[datetime, str]:
    """The exam day's start when an exam date is set and still ahead, else now."""
    start = scheduler.exam_start()
    if start is not None and start > now:
        day = scheduler.exam_date
        assert day is not None
        return start, f"試験日（{day.month}/{day.day}）"
    return now, "今日受験した場合"


def build(
    bank: Bank,
    store: Store,
    scheduler: SrsScheduler,
    settings: Any,
    exam: str,
    now: datetime,
    rows: list[Coverage] | None = None,
) -> Report | None:
    """The report for ``exam``; None when the bank has no syllabus for it.

    ``rows``: :func:`quizapp.coverage.coverage` of the exam, when the caller keeps it (it depends
    on the bank alone). The log is read once: home asks for a report per exam on every refresh.
    """
    if bank.syllabus is None or exam not in bank.syllabus.exams:
        return None
    at, when = forecast_moment(scheduler, now)
    cards = store.all_cards()
    prior = first_answer_prior(store.first_results())
    result = forecast(bank, exam, at, scheduler.recall_at(cards, at), prior)
    counts = store.answer_counts_by_card()
    recall = scheduler.recall_at(cards, now)
    rows = [(row, row.learner(counts, recall)) for row in rows or coverage(bank, exam)]
    mocks = store.mock_results(exam)
    return Report(
        exam=bank.syllabus.exams[exam],
        when=when,
        forecast=result,
        rows=rows,
        plan_line=_plan_line(bank, store, scheduler, settings, exam, now, counts, cards),
        history=store.forecast_history(exam, now.astimezone().date() - timedelta(HISTORY_DAYS)),
        calibration=calibration((m.forecast, m.score) for m in mocks if m.forecast is not None),
        mocks=mocks,
    )


def _plan_line(
    bank: Bank,
    store: Store,
    scheduler: SrsScheduler,
    settings: Any,
    exam: str,
    now: datetime,
    counts: dict[str, tuple[int, int]],
    cards: list[CardState],
) -> str:
    if scheduler.exam_date is None:
        return "受験日を設定すると、試験日までの学習計画（1日の新規枚数）を表示します（設定 o）。"
    keys = set().union(*exam_cards(bank, exam).values())
    week = progress.due_forecast(store, now, 7, cards=cards)
    p = plan.plan(
        exam_date=scheduler.exam_date,
        today=now.astimezone().date(),
        unseen=len(keys - counts.keys()),
        reviews_per_day=sum(n for _, n in week) / len(week),
        seconds=store.answer_seconds(),
        minutes=settings.daily_minutes or None,
    )
    return plan.describe(p)


def record_today(store: Store, report: Report, now: datetime) -> None:
    """Keep today's forecast for the history (one a day per exam; the latest wins)."""
    f = report.forecast
    store.save_forecast(now.astimezone().date(), report.exam.id, f.score, f.low, f.high)


def headline(report: Report) -> str:
    """One line for home: coverage of the syllabus and the predicted score with its interval."""
    f = report.forecast
    return (
        f"{report.exam.name}: シラバス {report.covered}/{report.examined} 項目に問題あり・"
        f"{report.when}の予測得点 {f.score:.0%}（{f.low:.0%}–{f.high:.0%}）"
    )
