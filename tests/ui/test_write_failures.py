"""A write that fails mid-session (a full disk, a lock another process holds) is shown in the app,
the question stays with what was typed or selected, and the next try records the answer once."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from quizapp.store import Store, StoreError
from quizapp.ui.app import QuizApp
from quizapp.ui.failures import reason
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.practice import PracticeScreen
from quizapp.ui.screens.quiz import QuizScreen
from quizapp.ui.screens.topics import TopicsScreen

from .conftest import rendered, screen_chars
from .test_flows import answer, start_drill

FULL = "ディスクの空きがありません"
LOCKED = "ほかのプロセスがデータベースを使用中です"
MAX_PAGES = 1_073_741_823
"""SQLite's own limit: no limit in practice."""


def fill_the_disk(store: Store) -> None:
    """Make the database full, as a full disk does: cap its size at what it is now and add
    reviews of a card no bank has until one no longer fits. Every later answer then fails with
    SQLite's real "database or disk is full" until :func:`free_the_disk`."""
    conn = store.conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        while True:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO reviews (card_key, answer, correct, rating, seconds, reviewed_at)"
                " VALUES ('filler', '', 0, 1, 0, '2000-01-01T00:00:00+00:00')"
            )
            conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        assert exc.sqlite_errorname == "SQLITE_FULL", exc
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def free_the_disk(store: Store) -> None:
    store.conn.execute(f"PRAGMA max_page_count = {MAX_PAGES}")


@contextmanager
def locked(app: QuizApp, db: Path) -> Iterator[None]:
    """Another process holds the write lock; the app gives up after 50 ms instead of 5 s."""
    app.context.store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def answers_of(app: QuizApp, card_key: str) -> int:
    return len(app.context.store.reviews(card_key=card_key))


def help_line(screen: QuizScreen) -> str:
    return rendered(screen.query_one("#help", Static))


async def walk_to(pilot: Pilot, screen: QuizScreen, kind: str, multi: bool = False) -> None:
    """Answer (rightly) until a question of ``kind`` is asked."""
    while (q := screen.question) is not None and (q.kind, q.multi) != (kind, multi):
        await answer(pilot, screen, True)
        await pilot.press("n")
        await pilot.pause()
    assert screen.question is not None and pilot.app.screen is screen


async def test_a_full_disk_keeps_the_typed_answer_and_enter_saves_it_once(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        await walk_to(pilot, screen, "fill")
        key = screen.question.card_key
        answered = screen.session.summary.answered
        await pilot.press(*"GAP")
        fill_the_disk(app.context.store)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.feedback is None
        assert screen.query_one(Input).value == "GAP"
        assert "解答を保存できませんでした" in help_line(screen) and FULL in help_line(screen)
        assert FULL in screen_chars(pilot)  # the notification
        assert answers_of(app, key) == 0
        assert screen.session.summary.answered == answered
        await pilot.press("enter")  # still full: still kept
        await pilot.pause()
        assert screen.feedback is None and answers_of(app, key) == 0
        free_the_disk(app.context.store)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback is not None and screen.feedback.grade.correct
        assert answers_of(app, key) == 1
        assert screen.session.summary.answered == answered + 1
        assert "解答を保存できませんでした" not in help_line(screen)
        await pilot.press("n")
        await pilot.pause()
        assert answers_of(app, key) == 1


async def test_a_lock_keeps_the_selection_and_the_retry_records_once(app_factory, tmp_path) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        await walk_to(pilot, screen, "choice", multi=True)
        q = screen.question
        key = q.card_key
        right = sorted(q.order.index(i) for i in q.item.correct)
        with locked(app, tmp_path / "progress.db"):
            for pos in right:
                await pilot.press(str(pos + 1))
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen and screen.feedback is None
            assert screen.selected == frozenset(right)
            assert LOCKED in help_line(screen)
            assert answers_of(app, key) == 0
        screen.shown_at -= 3600  # as if the lock were held for an hour
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback is not None and screen.feedback.grade.correct
        (review,) = app.context.store.reviews(card_key=key)
        assert review.seconds < 3600  # the time to answer, not the wait for the lock


async def test_a_session_that_cannot_start_leaves_the_learner_where_they_were(
    app_factory, tmp_path
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        with locked(app, tmp_path / "progress.db"):
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("c")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PracticeScreen)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, TopicsScreen)
            assert "学習を始められませんでした" in screen_chars(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)


async def test_a_review_that_cannot_start_opens_home(app_factory, tmp_path) -> None:
    app = app_factory(start="review")
    other = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    app.context.store.conn.execute("PRAGMA busy_timeout = 50")
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert "学習を始められませんでした" in screen_chars(pilot)
    finally:
        other.close()


async def test_a_session_end_that_cannot_be_saved_still_closes(app_factory, tmp_path) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_drill(pilot, ["relu"])
        key = screen.question.card_key
        await answer(pilot, screen, True)
        with locked(app, tmp_path / "progress.db"):
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert "セッションの終了を記録できませんでした" in screen_chars(pilot)
        assert answers_of(app, key) == 1


def test_reasons_name_the_cause_whoever_raised_it() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    wrapped = StoreError("書き込めません")
    wrapped.__cause__ = full
    assert reason(full) == reason(wrapped) == FULL
    no_space = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/x[/]")
    assert reason(no_space) == f"/tmp/x[/]: {FULL}"
    odd = sqlite3.DatabaseError("odd\x1b]0;t\x07")
    assert reason(odd) == "データベースのエラー（odd\\x1b]0;t\\x07）"
    assert reason(StoreError("p: データベースが壊れています")) == "p: データベースが壊れています"
