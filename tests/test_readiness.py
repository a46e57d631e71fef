"""What the 試験対策 screen reads: first answers, the forecast's daily history, mocks against their
forecasts, and the report that puts them together."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp import readiness
from quizapp.bank import load_bank
from quizapp.config import Settings
from quizapp.forecast import calibration
from quizapp.paths import shipped_bank_dir
from quizapp.scheduler import SrsScheduler
from quizapp.store import ReviewRecord, Store
from solvers.generators import REGISTRY

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def answer(store: Store, key: str, correct: bool, at: datetime) -> None:
    sched = SrsScheduler(fuzz=False)
    state = sched.review(store.get_card(key), 3 if correct else 1, at, card_key=key)
    store.record_answer(
        ReviewRecord(
            card_key=key,
            item_id=key,
            generator=None,
            seed=None,
            params=None,
            answer="1",
            correct=correct,
            rating=3 if correct else 1,
            seconds=12.5 if correct else 40.0,
            reviewed_at=at,
            session_id=None,
        ),
        state,
    )


def test_first_results_are_each_cards_first_answer(store: Store) -> None:
    answer(store, "a", False, NOW)
    answer(store, "a", True, NOW + timedelta(minutes=5))
    answer(store, "b", True, NOW)
    assert sorted(store.first_results()) == [False, True]
    assert store.answer_seconds() == [12.5, 12.5, 40.0], "newest first"
    assert store.answer_seconds(latest=1) == [12.5]


def test_the_forecast_history_keeps_one_point_a_day_per_exam(store: Store) -> None:
    day = date(2026, 12, 1)
    store.save_forecast(day, "G", 0.5, 0.4, 0.6)
    store.save_forecast(day, "G", 0.55, 0.45, 0.65)  # later the same day: replaces
    store.save_forecast(day + timedelta(days=1), "G", 0.6, 0.5, 0.7)
    store.save_forecast(day, "E", 0.3, 0.2, 0.4)
    assert store.forecast_history("G", day) == [(day, 0.55), (day + timedelta(days=1), 0.6)]
    assert store.forecast_history("G", day + timedelta(days=1)) == [(day + timedelta(days=1), 0.6)]
    assert store.forecast_history("E", day) == [(day, 0.3)]


def test_mocks_pair_their_forecast_with_their_score(store: Store) -> None:
    for exam, forecast, correct in [
        ("G", 0.7, 28),
        ("G", None, 30),
        ("E", 0.5, 20),
        ("G", 0.6, 20),
    ]:
        session = store.start_session(mode="mock", now=NOW)
        summary = {"exam": exam, "correct": correct, "asked": 40, "forecast": forecast}
        store.end_session(session, now=NOW, summary=summary)
    store.end_session(store.start_session(mode="drill", now=NOW), now=NOW, summary={"x": 1})
    g = store.mock_results("G")
    assert [(m.forecast, m.score) for m in g] == [(0.7, 0.7), (None, 0.75), (0.6, 0.5)]
    assert [(m.forecast, m.score) for m in store.mock_results("E")] == [(0.5, 0.5)]
    assert g[0].ended_at == NOW


def test_calibration_waits_for_three_mocks_and_reports_error_and_bias() -> None:
    assert calibration([(0.7, 0.6), (0.6, 0.6)]) is None
    c = calibration([(0.7, 0.6), (0.6, 0.6), (0.5, 0.7)])
    assert c is not None and c.mocks == 3
    assert c.mean_error == pytest.approx((0.1 + 0 + 0.2) / 3)
    assert c.bias == pytest.approx((0.1 + 0 - 0.2) / 3)


def test_the_report_forecasts_the_exam_day_and_plans_towards_it(store: Store) -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    settings = Settings(exam_date=date(2027, 1, 10))
    sched = SrsScheduler.from_settings(settings, fuzz=False)
    answer(store, next(iter(bank.items)), True, NOW)
    report = readiness.build(bank, store, sched, settings, "G", NOW)
    assert report is not None
    assert report.when == "試験日（1/10）" and report.forecast.at == sched.exam_start()
    assert report.examined == 55 and 0 < report.covered <= 55
    assert len(report.rows) == 55
    assert "1/10 までに全範囲を一巡するには 1 日" in report.plan_line
    assert readiness.headline(report).startswith("G検定: シラバス ")
    readiness.record_today(store, report, NOW)
    assert store.forecast_history("G", NOW.date()) == [(NOW.date(), report.forecast.score)]
    today = readiness.build(bank, store, SrsScheduler(fuzz=False), Settings(), "E", NOW)
    assert today is not None and today.when == "今日受験した場合"
    assert "受験日を設定すると" in today.plan_line


def test_the_plan_says_what_a_daily_budget_allows(store: Store) -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    settings = Settings(exam_date=date(2027, 1, 10), daily_minutes=5)
    sched = SrsScheduler.from_settings(settings, fuzz=False)
    report = readiness.build(bank, store, sched, settings, "G", NOW)
    assert report is not None and "1 日 5 分では" in report.plan_line
    roomy = Settings(exam_date=date(2027, 1, 10), daily_minutes=600)
    report = readiness.build(bank, store, sched, roomy, "G", NOW)
    assert report is not None and "分では" not in report.plan_line
