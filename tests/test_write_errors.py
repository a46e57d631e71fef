"""A write that fails for a reason outside quizapp (a full disk, another process's lock, a file
that became read-only) raises StoreWriteError with a short Japanese message; nothing of it is
written and the same store takes the write again once the cause is gone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Rating

from quizapp.bank import Bank, load_bank
from quizapp.modes import REVIEW
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import ReviewRecord, Store, StoreError, StoreWriteError
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
T0 = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TRAP = "t-relu-zero"


def review(key: str, answer: str = "o") -> ReviewRecord:
    return ReviewRecord(key, key, None, None, None, answer, True, 3, 5.0, T0, None)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "progress.db", busy_timeout_ms=50) as opened:
        yield opened


def fill_the_disk(store: Store) -> int:
    """Make SQLite report SQLITE_FULL, as on a full disk: the file may not grow, and answers like
    the ones the tests give fill what room is left. Returns how many answers are in the log."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    for _ in range(100_000):
        try:
            store.record_answer(review(TRAP), None)
        except StoreWriteError:
            return store.review_count()
    raise AssertionError("the database never filled up")


def free_the_disk(store: Store) -> None:
    store.conn.execute("PRAGMA max_page_count = 1073741823")


def test_a_full_disk_is_a_write_error_and_the_store_takes_the_answer_later(store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    logged = fill_the_disk(store)
    card = sched.review(None, Rating.Good, T0, card_key=TRAP)
    with pytest.raises(StoreWriteError, match="ディスクがいっぱいです") as caught:
        store.record_answer(review(TRAP), card)
    assert isinstance(caught.value, StoreError)
    assert str(store.path) in str(caught.value)
    assert not store.conn.in_transaction
    assert store.review_count() == logged and store.get_card(TRAP) is None, "nothing half-written"
    free_the_disk(store)
    store.record_answer(review(TRAP), card)
    assert store.review_count() == logged + 1 and store.get_card(TRAP) is not None


def test_a_lock_held_past_the_busy_timeout_is_a_write_error(store: Store) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreWriteError, match="他のプロセスがデータベースをロックしています"):
            store.record_answer(review(TRAP), None)
        with pytest.raises(StoreWriteError, match="ロック"):
            store.start_session(mode="review", now=T0)
        assert not store.conn.in_transaction
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.record_answer(review(TRAP), None)
    assert store.review_count() == 1


def test_a_read_only_database_is_a_write_error(store: Store) -> None:
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreWriteError, match="読み取り専用"):
        store.record_answer(review(TRAP), None)
    store.conn.execute("PRAGMA query_only = OFF")
    store.record_answer(review(TRAP), None)
    assert store.review_count() == 1


def test_a_bug_is_not_dressed_up_as_a_write_error(store: Store) -> None:
    store.record_answer(review(TRAP), None)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store._write() as conn:
        conn.execute("DELETE FROM reviews")
    assert store.review_count() == 1


def test_an_answer_that_failed_to_save_can_be_given_again(store: Store) -> None:
    """Session.answer raises, the session is as it was, and the retry is recorded once."""
    bank: Bank = load_bank([BANK_DIR], generators=REGISTRY)
    session = Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=REVIEW,
        queue=[TRAP],
        clock=lambda: T0,
    ).start()
    question = session.next_question()
    assert question is not None
    logged = fill_the_disk(store)
    with pytest.raises(StoreWriteError):
        session.answer(question, "o", 5.0)
    assert session.summary.answered == 0 and store.review_count() == logged
    free_the_disk(store)
    feedback = session.answer(question, "o", 5.0)
    assert feedback.review_id and session.summary.answered == 1
    assert store.review_count() == logged + 1


def test_a_review_shows_its_card_when_the_claim_cannot_be_written(store: Store) -> None:
    """A claim only shares the work between two reviews: a lock held elsewhere must not stop
    this one (the answer, if the lock is still held, says why it was not saved)."""
    bank: Bank = load_bank([BANK_DIR], generators=REGISTRY)
    session = Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=REVIEW,
        queue=[TRAP],
        clock=lambda: T0,
    ).start()
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        question = session.next_question()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert question is not None and question.card_key == TRAP
    session.answer(question, "o", 5.0)
    assert store.review_count() == 1
