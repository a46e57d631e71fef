"""The schema and its numbered migrations.

``PRAGMA user_version`` holds the number of migrations applied, and the ``migrations`` table logs
each one's name and time. A migration is append-only history: a database of version n has run
exactly the first n steps of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from quizapp.store.errors import StoreError
from quizapp.store.records import utc_iso

Migration = Callable[[sqlite3.Connection], None]
"""A schema step, run inside its own transaction. One that wants sqlite-utils' table helpers wraps
the connection itself (``sqlite_utils.Database(conn, execute_plugins=False)``): its import, with
NumPy's that it pulls in, costs more than the rest of a first start."""


def m001_initial(conn: sqlite3.Connection) -> None:
    """Sessions, the append-only review log, and card scheduling state (the SQL sqlite-utils
    generated for this schema, kept verbatim)."""
    for statement in _M001:
        conn.execute(statement)


_M001 = (
    """CREATE TABLE "sessions" (
   "id" INTEGER PRIMARY KEY,
   "mode" TEXT NOT NULL,
   "started_at" TEXT NOT NULL,
   "ended_at" TEXT,
   "settings" TEXT NOT NULL DEFAULT '{}',
   "summary" TEXT
) STRICT""",
    """CREATE TABLE "reviews" (
   "id" INTEGER PRIMARY KEY,
   "card_key" TEXT NOT NULL,
   "item_id" TEXT,
   "generator" TEXT,
   "seed" INTEGER,
   "params" TEXT,
   "answer" TEXT NOT NULL,
   "correct" INTEGER NOT NULL,
   "rating" INTEGER NOT NULL,
   "seconds" REAL NOT NULL,
   "reviewed_at" TEXT NOT NULL,
   "session_id" INTEGER REFERENCES "sessions"("id"),
   "misconception" TEXT
) STRICT""",
    """CREATE TABLE "cards" (
   "card_key" TEXT PRIMARY KEY,
   "fsrs_id" INTEGER NOT NULL,
   "state" INTEGER NOT NULL,
   "step" INTEGER,
   "stability" REAL,
   "difficulty" REAL,
   "due" TEXT NOT NULL,
   "last_review" TEXT,
   "lapses" INTEGER NOT NULL DEFAULT 0,
   "reps" INTEGER NOT NULL DEFAULT 0,
   "leech" INTEGER NOT NULL DEFAULT 0,
   "suspended" INTEGER NOT NULL DEFAULT 0,
   "introduced_at" TEXT NOT NULL
) STRICT""",
    """CREATE INDEX "idx_reviews_card_key"
    ON "reviews" ("card_key")""",
    """CREATE INDEX "idx_reviews_reviewed_at"
    ON "reviews" ("reviewed_at")""",
    """CREATE INDEX "idx_reviews_item_id_correct"
    ON "reviews" ("item_id", "correct")""",
    """CREATE INDEX "idx_reviews_session_id"
    ON "reviews" ("session_id")""",
    """CREATE INDEX "idx_cards_due"
    ON "cards" ("due")""",
    *(
        f"CREATE TRIGGER reviews_no_{event.lower()} BEFORE {event} ON reviews "
        "BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END"
        for event in ("UPDATE", "DELETE")
    ),
)


def m002_claims(conn: sqlite3.Connection) -> None:
    """Which session is showing a card right now, so that two review sessions at once neither
    show the same due card nor together introduce more new cards than a day allows."""
    conn.execute(
        """CREATE TABLE "claims" (
   "card_key" TEXT PRIMARY KEY,
   "session_id" INTEGER NOT NULL REFERENCES "sessions"("id"),
   "claimed_at" TEXT NOT NULL,
   "new" INTEGER NOT NULL
) STRICT"""
    )
    conn.execute('CREATE INDEX "idx_claims_session_id" ON "claims" ("session_id")')


def m003_repairs(conn: sqlite3.Connection) -> None:
    """A log of what the store changed in a card's state on its own (a clock that ran ahead), with
    the values it replaced: the review log is never changed, and this keeps the state's history."""
    conn.execute(
        """CREATE TABLE "repairs" (
   "id" INTEGER PRIMARY KEY,
   "repaired_at" TEXT NOT NULL,
   "card_key" TEXT NOT NULL,
   "reason" TEXT NOT NULL,
   "before" TEXT NOT NULL
) STRICT"""
    )


def m004_forecasts(conn: sqlite3.Connection) -> None:
    """The exam-day forecast as it stood each day, per exam: its history cannot be rebuilt from the
    review log (that would replay every review through FSRS), so it is kept as it is made."""
    conn.execute(
        """CREATE TABLE "forecasts" (
   "day" TEXT NOT NULL,
   "exam" TEXT NOT NULL,
   "score" REAL NOT NULL,
   "low" REAL NOT NULL,
   "high" REAL NOT NULL,
   PRIMARY KEY ("day", "exam")
) STRICT"""
    )


_LOGGED_COLUMNS = (
    "id, card_key, item_id, generator, seed, params, answer, correct, seconds, reviewed_at,"
    " session_id, misconception"
)
"""Every column of a review but its rating: what an answer was stays as it was written."""


def m005_self_rating(conn: sqlite3.Connection) -> None:
    """The learner may rate a right answer after seeing it (a guess, normal, easy): ``rating`` is
    then the learner's, the one the card was scheduled with, and ``auto_rating`` keeps what
    automatic grading gave (NULL: the learner kept it). Only a right answer's rating may change,
    to 1–4; every other column stays append-only."""
    conn.execute('ALTER TABLE "reviews" ADD COLUMN "auto_rating" INTEGER')
    conn.execute("DROP TRIGGER reviews_no_update")
    conn.execute(
        f"CREATE TRIGGER reviews_no_update BEFORE UPDATE OF {_LOGGED_COLUMNS} ON reviews "
        "BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER reviews_rating_rule BEFORE UPDATE OF rating, auto_rating ON reviews "
        "WHEN OLD.correct = 0 OR NEW.rating NOT BETWEEN 1 AND 4 "
        "OR NEW.auto_rating NOT BETWEEN 1 AND 4 "
        "BEGIN SELECT RAISE(ABORT, 'only a right answer is rated again, from 1 to 4'); END"
    )


def m006_bookmarks(conn: sqlite3.Connection) -> None:
    """Cards the learner bookmarked, to drill them again."""
    conn.execute(
        """CREATE TABLE "bookmarks" (
   "card_key" TEXT PRIMARY KEY,
   "marked_at" TEXT NOT NULL
) STRICT"""
    )


def m007_mock_drafts(conn: sqlite3.Connection) -> None:
    """The unsubmitted mock exam's sheet, kept on every change (:mod:`quizapp.store.drafts`)."""
    conn.execute(
        """CREATE TABLE "mock_drafts" (
   "session_id" INTEGER PRIMARY KEY REFERENCES "sessions"("id"),
   "exam" TEXT NOT NULL,
   "plan" TEXT NOT NULL,
   "progress" TEXT NOT NULL,
   "saved_at" TEXT NOT NULL
) STRICT"""
    )


_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS "migrations" (
   "version" INTEGER PRIMARY KEY,
   "name" TEXT,
   "applied_at" TEXT
)"""


MIGRATIONS: tuple[Migration, ...] = (
    m001_initial,
    m002_claims,
    m003_repairs,
    m004_forecasts,
    m005_self_rating,
    m006_bookmarks,
    m007_mock_drafts,
)
"""In order: migration ``n`` (1-based) takes the schema from version n−1 to n. Append only."""

SCHEMA_VERSION = len(MIGRATIONS)

TABLES: Mapping[str, tuple[str, ...]] = {
    "sessions": ("id", "mode", "started_at", "ended_at", "settings", "summary"),
    "reviews": (
        "id",
        "card_key",
        "item_id",
        "generator",
        "seed",
        "params",
        "answer",
        "correct",
        "rating",
        "seconds",
        "reviewed_at",
        "session_id",
        "misconception",
        "auto_rating",
    ),
    "cards": (
        "card_key",
        "fsrs_id",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "lapses",
        "reps",
        "leech",
        "suspended",
        "introduced_at",
    ),
    "migrations": ("version", "name", "applied_at"),
    "claims": ("card_key", "session_id", "claimed_at", "new"),
    "repairs": ("id", "repaired_at", "card_key", "reason", "before"),
    "forecasts": ("day", "exam", "score", "low", "high"),
    "bookmarks": ("card_key", "marked_at"),
    "mock_drafts": ("session_id", "exam", "plan", "progress", "saved_at"),
}
"""Each table's columns at :data:`SCHEMA_VERSION`. A database of that version lacking one is
refused when opened (it was altered by hand); a test keeps this equal to what the migrations build,
and checking it costs no import of sqlite-utils at start-up."""


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], path: Path) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version.

    Safe to call again (nothing left to do) and against a concurrent migrator: the version is
    re-read under the write lock before each step.

    Raises:
        StoreError: the database is newer than ``migrations`` or belongs to another program.
    """
    known = len(migrations)
    if user_version(conn) >= len(migrations):
        return checked_version(conn, known, path)
    for number, step in enumerate(migrations, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = user_version(conn)
            if version == 0:
                refuse_foreign(conn, path)
            if version < number:
                step(conn)
                conn.execute(_MIGRATIONS_TABLE)
                conn.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, step.__name__, utc_iso(datetime.now(UTC))),
                )
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return checked_version(conn, known, path)


def checked_version(conn: sqlite3.Connection, known: int, path: Path) -> int:
    version = user_version(conn)
    if version > known:
        raise StoreError(newer_message(path, version, known))
    return version


def refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    if tables:
        names = ", ".join(sorted(t[0] for t in tables)[:5])
        raise StoreError(f"{path}: quizapp のデータベースではありません（テーブル: {names}）")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def newer_message(path: Path, found: int, known: int) -> str:
    return (
        f"{path}: スキーマのバージョン {found} はこの quizapp（対応バージョン {known}）"
        "より新しいので開けません。quizapp を更新してください"
    )
