"""The exam countdown: counted on the learner's calendar, and honest once the date has passed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizapp import progress
from quizapp.bank import Bank
from quizapp.reports import stats_text
from quizapp.scheduler import SrsScheduler
from quizapp.store import Store
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
EXAM = date(2026, 11, 8)


@pytest.fixture
def japan(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time is Japan's (a POSIX TZ string: no tz database needed)."""
    monkeypatch.setenv("TZ", "JST-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_countdown_uses_the_local_date_not_the_utc_one(
    bank: Bank, store: Store, japan: None
) -> None:
    # 07:30 on 6 November in Japan is still 5 November in UTC
    now = datetime(2026, 11, 5, 22, 30, tzinfo=UTC)
    scheduler = SrsScheduler(fuzz=False, exam_date=EXAM)
    view = progress.overview(bank, REGISTRY, store, scheduler, now)
    assert view.days_to_exam == 2
    assert progress.exam_countdown(view) == "試験まで 2 日（試験日に目標保持率を下回るカード 0 枚）"


def test_on_the_exam_day_the_countdown_says_so(bank: Bank, store: Store, japan: None) -> None:
    now = datetime(2026, 11, 7, 23, 0, tzinfo=UTC)  # 08:00 on the day, in Japan
    view = progress.overview(bank, REGISTRY, store, SrsScheduler(exam_date=EXAM), now)
    assert progress.exam_countdown(view) == "今日は試験日です"


def test_a_past_exam_date_says_it_has_passed_and_schedules_nothing_against_it(
    bank: Bank, store: Store, tmp_path: Path
) -> None:
    past = date(2019, 11, 9)
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    scheduler = SrsScheduler(fuzz=False, exam_date=past)
    view = progress.overview(bank, REGISTRY, store, scheduler, now)
    assert view.below_target_on_exam is None
    line = progress.exam_countdown(view)
    assert line is not None and line.startswith("受験日（2019-11-09）は過ぎました")
    state = scheduler.review(None, 3, now)
    assert scheduler.review(state, 3, state.due).due - state.due > timedelta(days=1)

    store.close()
    config = tmp_path / "config.toml"
    config.write_text("exam_date = 2019-11-09\n", encoding="utf-8")
    text = stats_text(
        db_path=tmp_path / "progress.db", bank_dirs=[BANK_DIR], config_path=config, now=now
    )
    assert "受験日（2019-11-09）は過ぎました" in text
    assert "試験まで" not in text
