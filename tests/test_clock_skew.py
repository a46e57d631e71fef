"""Answers given while the system clock ran a year fast: once the clock is right again, the cards
come back at once instead of hiding for a year, the daily new-card limit recovers, and the review
log keeps what was recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.bank import Bank
from quizapp.modes import DRILL
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session, card_key_for, new_cards_today, review_queue
from quizapp.store import Store
from quizapp.store.skew import TOLERANCE
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
T0 = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
FAST = T0 + timedelta(days=365)
LIMIT = 20


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def every_key(bank: Bank) -> list[str]:
    return sorted({card_key_for(item) for item in bank.items.values()})


def answer_everything(
    bank: Bank, db: Path, clock: Clock, keys: list[str] | None = None
) -> list[tuple[object, ...]]:
    """Every card (of ``keys``) answered once, right or wrong, by the app's clock; returns the
    review log."""
    keys = every_key(bank) if keys is None else keys
    with Store.open(db, now=clock()) as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False),
            generators=REGISTRY,
            mode=DRILL,
            queue=keys,
            seed=1,
            clock=clock,
        ).start()
        while (question := session.next_question()) is not None:
            session.answer(question, "1", 5.0)
        session.finish()
        assert store.review_count() == len(keys)
        return log(store)


def log(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()


def test_cards_answered_a_year_ahead_are_due_once_the_clock_is_right(
    bank: Bank, tmp_path: Path
) -> None:
    db = tmp_path / "progress.db"
    before = answer_everything(bank, db, Clock(FAST))
    sched = SrsScheduler(fuzz=False)
    with Store.open(db, now=T0) as store:
        assert sorted(review_queue(bank, REGISTRY, store, sched, T0, new_limit=0)) == every_key(
            bank
        )
        assert all(c.last_review == T0 and c.due == T0 for c in store.all_cards())
        assert log(store) == before, "the review log keeps its timestamps"
        repairs = store.conn.execute("SELECT card_key, reason, before FROM repairs").fetchall()
    assert sorted(key for key, _, _ in repairs) == every_key(bank)
    assert all(reason == "clock-ahead" for _, reason, _ in repairs)
    assert all(json.loads(b)["last_review"] > FAST.isoformat()[:10] for _, _, b in repairs)
    with Store.open(db, now=T0 + timedelta(minutes=5)) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM repairs").fetchone()[0] == len(repairs)


def test_the_new_card_limit_recovers_the_next_day(bank: Bank, tmp_path: Path) -> None:
    """Cards "introduced" a year ahead counted against every day's limit until then."""
    db = tmp_path / "progress.db"
    left_out, *answered = every_key(bank)
    answer_everything(bank, db, Clock(FAST), answered)
    Store.open(db, now=T0).close()  # the clock is right again
    tomorrow = T0 + timedelta(days=1)
    with Store.open(db, now=tomorrow) as store:
        assert new_cards_today(bank, store, tomorrow, 1) == [left_out]


def test_a_clock_a_little_ahead_is_left_alone(bank: Bank, tmp_path: Path) -> None:
    """Another quizapp's answer committed a moment after this one read the clock is no error."""
    db = tmp_path / "progress.db"
    answer_everything(bank, db, Clock(T0 + TOLERANCE - timedelta(seconds=1)))
    with Store.open(db) as store:
        states = store.all_cards()
    with Store.open(db, now=T0) as store:
        assert store.all_cards() == states
        assert store.conn.execute("SELECT COUNT(*) FROM repairs").fetchone()[0] == 0


def test_the_app_brings_the_cards_back_on_start(bank: Bank, tmp_path: Path) -> None:
    from quizapp.ui.app import build_context

    db = tmp_path / "progress.db"
    answer_everything(bank, db, Clock(FAST))
    ctx = build_context(
        db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "c.toml", clock=Clock(T0)
    )
    try:
        assert len(ctx.store.due_cards(T0)) == len(every_key(bank))
    finally:
        ctx.store.close()
