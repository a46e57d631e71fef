"""The store's learner marks: a right answer's own rating (migration 4), bookmarks (migration 5)
and the cards answered wrong (the mistake notebook's query)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.store import MIGRATIONS, CardState, RatingRefused, ReviewRecord, Store

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def state(key: str, days: float) -> CardState:
    due = NOW + timedelta(days=days)
    return CardState(
        key,
        {
            "card_id": 1,
            "state": 2,
            "step": None,
            "stability": 5.0,
            "difficulty": 5.0,
            "due": due.isoformat(),
            "last_review": NOW.isoformat(),
        },
        reps=1,
    )


def review(key: str, correct: bool = True, at: datetime = NOW, rating: int = 3) -> ReviewRecord:
    return ReviewRecord(
        card_key=key,
        item_id=key,
        generator=None,
        seed=None,
        params=None,
        answer="1" if correct else "2",
        correct=correct,
        rating=rating if correct else 1,
        seconds=10.0,
        reviewed_at=at,
        session_id=None,
    )


# --- a right answer's own rating ------------------------------------------------------------


def test_rating_is_logged_beside_the_automatic_one_and_reschedules(store: Store) -> None:
    rid = store.record_answer(review("a"), state("a", 3))
    new = store.rate_answer(rid, 4, lambda: state("a", 9))
    assert new == state("a", 9)
    assert store.get_card("a").due == NOW + timedelta(days=9)  # type: ignore[union-attr]
    (logged,) = store.reviews()
    assert (logged.correct, logged.rating, logged.auto_rating) == (True, 4, 3)
    store.rate_answer(rid, 1, lambda: state("a", 0.01))
    (logged,) = store.reviews()
    assert (logged.rating, logged.auto_rating) == (1, 3)
    assert store.get_card("a").due == NOW + timedelta(days=0.01)  # type: ignore[union-attr]


def test_coming_back_to_the_automatic_rating_clears_it(store: Store) -> None:
    rid = store.record_answer(review("a"), state("a", 3))
    store.rate_answer(rid, 4, lambda: state("a", 9))
    store.rate_answer(rid, 3, lambda: state("a", 3))
    (logged,) = store.reviews()
    assert (logged.rating, logged.auto_rating) == (3, None)


def test_an_answer_left_out_of_fsrs_changes_only_the_log(store: Store) -> None:
    rid = store.record_answer(review("a"), None)
    assert store.rate_answer(rid, 4, None) is None
    assert store.get_card("a") is None
    assert store.reviews()[0].rating == 4


def test_a_wrong_answer_stays_again(store: Store) -> None:
    rid = store.record_answer(review("a", correct=False), state("a", 0))
    with pytest.raises(ValueError, match="stays Again"):
        store.rate_answer(rid, 3, lambda: state("a", 3))
    assert store.reviews()[0].rating == 1
    # the database refuses it too, whoever writes
    with pytest.raises(sqlite3.IntegrityError, match="only a right answer"):
        store.conn.execute("UPDATE reviews SET rating = 3 WHERE id = ?", (rid,))


def test_only_the_cards_latest_answer_is_rated(store: Store) -> None:
    first = store.record_answer(review("a"), state("a", 3))
    store.record_answer(review("a", at=NOW + timedelta(days=3)), state("a", 10))
    with pytest.raises(RatingRefused):
        store.rate_answer(first, 4, lambda: state("a", 99))
    assert [r.rating for r in store.reviews()] == [3, 3]
    assert store.get_card("a").due == NOW + timedelta(days=10)  # type: ignore[union-attr]


def test_rating_is_one_transaction(store: Store) -> None:
    rid = store.record_answer(review("a"), state("a", 3))

    def broken() -> CardState:
        raise RuntimeError("scheduler failed")

    with pytest.raises(RuntimeError):
        store.rate_answer(rid, 4, broken)
    (logged,) = store.reviews()
    assert (logged.rating, logged.auto_rating) == (3, None)
    with pytest.raises(ValueError):
        store.rate_answer(rid, 5, lambda: state("a", 3))
    with pytest.raises(KeyError):
        store.rate_answer(rid + 1, 4, lambda: state("a", 3))


def test_the_rest_of_a_review_stays_append_only(store: Store) -> None:
    rid = store.record_answer(review("a"), None)
    for sql in (
        "UPDATE reviews SET correct = 0",
        "UPDATE reviews SET answer = 'x'",
        "UPDATE reviews SET rating = 4, seconds = 1",
        "DELETE FROM reviews",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute(sql)
    assert store.reviews()[0].id == rid


def test_a_version_3_log_gains_the_column_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store.open(path, migrations=MIGRATIONS[:3]) as old:
        old.record_answer(review("a"), state("a", 3))
        before = old.conn.execute("SELECT * FROM reviews").fetchall()
    with Store.open(path) as new:
        assert new.schema_version == len(MIGRATIONS)
        assert new.conn.execute("SELECT * FROM reviews").fetchall() == [(*before[0], None)]
        rid = before[0][0]
        new.rate_answer(rid, 2, lambda: state("a", 1))
        assert new.reviews()[0].auto_rating == 3


# --- bookmarks ------------------------------------------------------------------------------


def test_bookmarks_newest_first_and_taken_off(store: Store) -> None:
    store.set_bookmark("a", True, now=NOW)
    store.set_bookmark("gen:conv_output_size", True, now=NOW + timedelta(minutes=1))
    store.set_bookmark("b", True, now=NOW + timedelta(minutes=2))
    assert store.bookmarks() == ["b", "gen:conv_output_size", "a"]
    store.set_bookmark("a", True, now=NOW + timedelta(minutes=3))
    assert store.bookmarks()[0] == "a"
    store.set_bookmark("b", False, now=NOW)
    store.set_bookmark("never", False, now=NOW)
    assert store.bookmarks() == ["a", "gen:conv_output_size"]
    assert store.is_bookmarked("a") and not store.is_bookmarked("b")


def test_a_bookmark_survives_reopening(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as first:
        first.set_bookmark("a", True, now=NOW)
    with Store.open(tmp_path / "p.db") as again:
        assert again.bookmarks() == ["a"]


# --- missed cards ---------------------------------------------------------------------------


def test_missed_cards_are_exactly_those_ever_wrong_newest_miss_first(store: Store) -> None:
    at = NOW
    answers = [
        ("a", False),
        ("b", True),
        ("c", False),
        ("a", True),  # a: wrong, then right
        ("d", True),
        ("c", False),  # c: wrong twice
        ("e", False),
        ("b", True),
    ]
    for key, correct in answers:
        at += timedelta(minutes=1)
        store.record_answer(review(key, correct, at), None)
    missed = store.missed_cards()
    assert [m.card_key for m in missed] == ["e", "c", "a"]
    by_key = {m.card_key: m for m in missed}
    assert (by_key["c"].wrong, by_key["c"].answers) == (2, 2)
    assert (by_key["a"].wrong, by_key["a"].answers, by_key["a"].latest_correct) == (1, 2, True)
    assert not by_key["c"].latest_correct
    assert by_key["c"].last_wrong.reviewed_at == NOW + timedelta(minutes=6)
    assert not by_key["e"].last_wrong.correct


def test_no_misses_no_notebook(store: Store) -> None:
    assert store.missed_cards() == []
    store.record_answer(review("a"), None)
    assert store.missed_cards() == []
