"""The open progress database (:class:`Store`): opening it safely, writing answers, reading them."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

from quizapp import paths
from quizapp.store import claims
from quizapp.store.drafts import MockDrafts
from quizapp.store.errors import write_error
from quizapp.store.marks import LearnerMarks
from quizapp.store.migrations import MIGRATIONS, Migration
from quizapp.store.opening import connect
from quizapp.store.readiness import ReadinessQueries
from quizapp.store.records import CardState, ReviewRecord, SessionRecord, utc_iso
from quizapp.store.rows import (
    UPSERT_CARD,
    card_from_row,
    card_row,
    dumps,
    insert_answer,
    review_from_row,
    session_from_row,
)

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000


def default_db_path() -> Path:
    """``QUIZAPP_DB`` if set, else ``progress.db`` in the platform data dir (honours XDG_DATA_HOME).

    The CLI's ``--db`` flag comes first; :func:`quizapp.paths.db_path` applies the whole order.
    """
    return paths.db_path(None)


class Store(ReadinessQueries, LearnerMarks, MockDrafts):
    """The open progress database. Build it with :meth:`Store.open`; use it from one thread.

    Answers, queries and migrations go through the plain ``sqlite3`` connection; sqlite-utils
    (whose import costs a tenth of a second of start-up) is loaded only when :attr:`db` is used
    for inspection."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.note: str | None = None
        """For a read-only store: what the learner should know about what it could not read."""
        self._closed = False

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """The same connection wrapped by sqlite-utils (table introspection, tests, benchmarks)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        migrations: Sequence[Migration] = MIGRATIONS,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        now: datetime | None = None,
    ) -> Self:
        """Open (or create) the database at ``path`` and bring its schema up to date.

        The file is first inspected without writing anything (no ``-wal``/``-shm`` files either), so
        a refused file and its directory are left exactly as they were.

        Args:
            path: the database file; its parent directories are created when ``create`` is true.
            create: when false (read-only commands), a missing file is an error, and the database
                is read into memory without a byte written and without a ``-wal``/``-shm`` file
                left beside it (an empty file reads as an empty log); :attr:`note` then says
                what could not be read, if anything.
            synchronous: ``NORMAL`` survives process crashes, ``FULL`` also OS crashes (module doc).
            migrations: the ordered migrations (tests pass their own lists).
            busy_timeout_ms: how long to wait for another process's lock before giving up.
            now: the present by the app's clock, when it starts. Cards stamped more than an hour
                after it (the clock ran ahead when they were answered) are treated as reviewed and
                due now, and the change is logged (:mod:`~quizapp.store.skew`). None, and a
                read-only open, leave them as they are.

        Raises:
            StoreError: the file is missing (with ``create=False``), unreadable, not writable (with
                ``create=True``), not a SQLite database, corrupt, another program's database, from a
                newer quizapp, missing tables or columns, or locked by another process for longer
                than ``busy_timeout_ms``. The file is left untouched.
        """
        path = Path(path)
        conn, note = connect(
            path,
            create=create,
            synchronous=synchronous,
            migrations=migrations,
            busy_ms=busy_timeout_ms,
            now=now,
        )
        store = cls(conn, path, busy_timeout_ms)
        store.note = note
        return store

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: takes the write lock up front so concurrent writers queue.

        Raises:
            StoreWriteError: the disk is full, another process held the lock for longer than the
                busy timeout, the file is read-only or an I/O error occurred. Nothing was written
                and the store can be used again.
        """
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                _roll_back(conn)
                raise
        except sqlite3.Error as exc:
            error = write_error(self.path, exc, self.busy_timeout_ms)
            if error is None:
                raise
            raise error from exc

    # --- sessions ----------------------------------------------------------------------------

    def start_session(
        self, *, mode: str, settings: dict[str, Any] | None = None, now: datetime
    ) -> int:
        """Record the start of a session and return its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (mode, started_at, settings) VALUES (?, ?, ?)",
                (mode, utc_iso(now), dumps(settings or {})),
            )
        return int(cur.lastrowid or 0)

    def end_session(
        self, session_id: int, *, now: datetime, summary: dict[str, Any] | None = None
    ) -> None:
        """Mark a session finished, with what it amounted to, and drop its claims.

        Raises:
            KeyError: no session has this id.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?",
                (utc_iso(now), None if summary is None else dumps(summary), session_id),
            )
            if cur.rowcount == 0:
                raise KeyError(session_id)
            claims.release(conn, session_id)

    def get_session(self, session_id: int) -> SessionRecord | None:
        rows = self._query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return session_from_row(rows[0]) if rows else None

    def unfinished_sessions(self) -> list[SessionRecord]:
        """Sessions never ended (the app was quit or killed mid-session), oldest first."""
        return [
            session_from_row(r)
            for r in self._query("SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY id")
        ]

    # --- answers -----------------------------------------------------------------------------

    def record_answer(self, review: ReviewRecord, card: CardState | None) -> int:
        """Append the review and save the card's new state in one transaction, committed on return.

        A ``card`` with an empty ``card_key`` (a brand-new card) takes the review's key.

        Returns:
            The new review's id.

        Raises:
            ValueError: the card belongs to another key, or a datetime is naive.
        """
        with self._write() as conn:
            claims.release(conn, review.session_id, review.card_key)
            return insert_answer(conn, review, card)

    def answer_card(
        self, review: ReviewRecord, schedule: Callable[[CardState | None], CardState | None]
    ) -> tuple[int, CardState | None]:
        """Like :meth:`record_answer`, with the card's new state computed by ``schedule`` from
        its stored state inside the same write transaction: two apps answering the same card at
        once then schedule one after the other, and neither update is lost. ``schedule`` may
        return None: the answer is logged and the card left out of FSRS (a drill's new card).

        Returns:
            The new review's id and the card's new state.
        """
        with self._write() as conn:
            card = schedule(self.get_card(review.card_key))
            claims.release(conn, review.session_id, review.card_key)
            return insert_answer(conn, review, card), card

    def claim_card(
        self,
        card_key: str,
        *,
        session_id: int,
        now: datetime,
        new_limit: int | None = None,
        day_start: datetime | None = None,
    ) -> bool:
        """Claim a card a review session is about to show (:mod:`~quizapp.store.claims`).

        Args:
            new_limit: for a card never answered, the most new cards a day may introduce
                (counting those other sessions have claimed); None: no limit.
            day_start: when the learner's day began (``now`` when not given).

        Returns:
            Whether to show it: false when another session is showing it, it was answered since
            (it is no longer due) or suspended, or the day's new cards are used up.
        """
        with self._write() as conn:
            return claims.claim(
                conn,
                card_key,
                session_id=session_id,
                now=now,
                new_limit=new_limit,
                day_start=now if day_start is None else day_start,
            )

    def save_card(self, card: CardState, *, now: datetime) -> None:
        """Write a card's state without a review (e.g. suspending it)."""
        with self._write() as conn:
            conn.execute(UPSERT_CARD, card_row(card, introduced_at=utc_iso(now)))

    # --- reading -----------------------------------------------------------------------------

    def get_card(self, card_key: str) -> CardState | None:
        rows = self._query("SELECT * FROM cards WHERE card_key = ?", (card_key,))
        return card_from_row(rows[0]) if rows else None

    def all_cards(self) -> list[CardState]:
        """Every card ever answered, by key."""
        return [card_from_row(r) for r in self._query("SELECT * FROM cards ORDER BY card_key")]

    def due_cards(self, now: datetime, limit: int | None = None) -> list[CardState]:
        """Cards due at ``now`` (not suspended), earliest due first."""
        sql = "SELECT * FROM cards WHERE due <= ? AND suspended = 0 ORDER BY due, card_key"
        params: tuple[Any, ...] = (utc_iso(now),)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [card_from_row(r) for r in self._query(sql, params)]

    def new_cards_since(self, since: datetime) -> int:
        """How many cards were answered for the first time at or after ``since``."""
        row = self.conn.execute(
            "SELECT COUNT(*) FROM cards WHERE introduced_at >= ?", (utc_iso(since),)
        ).fetchone()
        return int(row[0])

    def reviews(
        self, since: datetime | None = None, card_key: str | None = None
    ) -> list[ReviewRecord]:
        """The review log (optionally from ``since`` on, or for one card), oldest first."""
        where, params = [], []
        if since is not None:
            where.append("reviewed_at >= ?")
            params.append(utc_iso(since))
        if card_key is not None:
            where.append("card_key = ?")
            params.append(card_key)
        sql = "SELECT * FROM reviews" + (" WHERE " + " AND ".join(where) if where else "")
        return [review_from_row(r) for r in self._query(sql + " ORDER BY id", tuple(params))]

    def review_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    def answer_counts_by_item(self) -> dict[str, tuple[int, int]]:
        """item id → (answers, correct answers) over the whole log."""
        rows = self.conn.execute(
            "SELECT item_id, COUNT(*), SUM(correct) FROM reviews"
            " WHERE item_id IS NOT NULL GROUP BY item_id"
        ).fetchall()
        return {item: (int(n), int(ok)) for item, n, ok in rows}

    def answer_counts_by_card(self) -> dict[str, tuple[int, int]]:
        """card key → (answers, correct answers); generator cards count all their instances."""
        rows = self.conn.execute(
            "SELECT card_key, COUNT(*), SUM(correct) FROM reviews GROUP BY card_key"
        ).fetchall()
        return {key: (int(n), int(ok)) for key, n, ok in rows}

    def last_results(self) -> dict[str, bool]:
        """card key → whether its most recent answer was right."""
        rows = self.conn.execute(
            "SELECT card_key, correct FROM reviews"
            " WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY card_key)"
        ).fetchall()
        return {key: bool(ok) for key, ok in rows}

    def reviews_per_day(self, days: int, now: datetime, tz: tzinfo = UTC) -> list[tuple[date, int]]:
        """Answers per calendar day in ``tz`` for the ``days`` days ending today, oldest first.

        Days without answers are present with 0.
        """
        if days <= 0:
            return []
        today = now.astimezone(tz).date()
        first = today - timedelta(days=days - 1)
        start = datetime.combine(first, datetime.min.time(), tz)
        counts = dict.fromkeys((first + timedelta(days=i) for i in range(days)), 0)
        rows = self.conn.execute(
            "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? AND reviewed_at <= ?",
            (utc_iso(start), utc_iso(now)),
        )
        for (stamp,) in rows:
            day = datetime.fromisoformat(stamp).astimezone(tz).date()
            if day in counts:
                counts[day] += 1
        return list(counts.items())

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, params).fetchall()


def _roll_back(conn: sqlite3.Connection) -> None:
    """End a failed transaction. SQLite has already rolled back after some errors (a full disk,
    an I/O error); a rollback that fails too leaves the error being handled as the one to report.
    """
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
