"""The progress database: an append-only review log plus each card's scheduling state, in SQLite.

Durability: the database runs in WAL mode and every answer is committed in its own transaction
before :meth:`Store.record_answer` returns. With ``synchronous=NORMAL`` (the default here) a commit
is written to the WAL file but not fsync'ed, so it survives the app being killed (kill -9, a closed
terminal): the data is in the operating system's page cache and reaches the disk on the next
checkpoint. Only an OS crash or power cut can lose the last few answers, and even then the database
stays consistent. That is the usual trade for a desktop app: an fsync per answer costs milliseconds
on slow disks. Pass ``synchronous="FULL"`` to :meth:`Store.open` to fsync every commit instead.

The schema is versioned: ``PRAGMA user_version`` holds the number of migrations applied, and the
``migrations`` table logs each one's name and time. A file this code cannot trust (not SQLite,
corrupt, from a newer version of quizapp, or another program's database) is refused with
:class:`StoreError` and left exactly as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

from quizapp import paths

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26

Migration = Callable[[sqlite3.Connection], None]
"""A schema step, run inside its own transaction. One that wants sqlite-utils' table helpers wraps
the connection itself (``sqlite_utils.Database(conn, execute_plugins=False)``): its import, with
NumPy's that it pulls in, costs more than the rest of a first start."""


class StoreError(Exception):
    """The database cannot be used; the message names the file and says why."""


@dataclass(frozen=True)
class ReviewRecord:
    """One answer, as appended to the review log."""

    card_key: str
    """The item id, or ``gen:<generator name>`` for a generator card."""
    item_id: str | None
    generator: str | None
    seed: int | None
    params: dict[str, Any] | None
    """The generator's parameters for this instance (JSON-serialisable)."""
    answer: str
    correct: bool
    rating: int
    """The fsrs rating given (1 Again, 2 Hard, 3 Good, 4 Easy)."""
    seconds: float
    reviewed_at: datetime
    """Timezone-aware; stored in UTC."""
    session_id: int | None
    misconception: str | None = None
    id: int | None = None
    """Set by the store when the review is read back."""


@dataclass(frozen=True)
class CardState:
    """A card's scheduling state: the fsrs card as a dict (``fsrs.Card.to_dict()``) plus counters.

    Conversion to and from fsrs lives in :mod:`quizapp.scheduler`; the store only persists it.
    """

    card_key: str
    card: dict[str, Any]
    lapses: int = 0
    reps: int = 0
    leech: bool = False
    suspended: bool = False

    @property
    def due(self) -> datetime:
        return datetime.fromisoformat(self.card["due"])

    @property
    def last_review(self) -> datetime | None:
        value = self.card.get("last_review")
        return datetime.fromisoformat(value) if value else None

    @property
    def fsrs_state(self) -> int:
        """1 Learning, 2 Review, 3 Relearning (``fsrs.State``)."""
        return int(self.card["state"])

    @property
    def stability(self) -> float | None:
        return self.card.get("stability")


@dataclass(frozen=True)
class SessionRecord:
    """A drill, review, practice run or mock exam as recorded in ``sessions``."""

    id: int
    mode: str
    started_at: datetime
    ended_at: datetime | None
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    """What the session amounted to (for a mock exam: items, score, by topic)."""


def default_db_path() -> Path:
    """``QUIZAPP_DB`` if set, else ``progress.db`` in the platform data dir (honours XDG_DATA_HOME).

    The CLI's ``--db`` flag comes first; :func:`quizapp.paths.db_path` applies the whole order.
    """
    return paths.db_path(None)


def utc_iso(moment: datetime) -> str:
    """A fixed-width UTC ISO string, so that text order is time order in SQL.

    Raises:
        ValueError: for a naive datetime (its instant is unknown).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# --- migrations -----------------------------------------------------------------------------


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

_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS "migrations" (
   "version" INTEGER PRIMARY KEY,
   "name" TEXT,
   "applied_at" TEXT
)"""


MIGRATIONS: tuple[Migration, ...] = (m001_initial,)
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
}
"""Each table's columns at :data:`SCHEMA_VERSION`. A database of that version lacking one is
refused when opened (it was altered by hand); a test keeps this equal to what the migrations build,
and checking it costs no import of sqlite-utils at start-up."""


# --- the store ------------------------------------------------------------------------------


class Store:
    """The open progress database. Build it with :meth:`Store.open`; use it from one thread.

    Answers, queries and migrations go through the plain ``sqlite3`` connection; sqlite-utils
    (whose import costs a tenth of a second of start-up) is loaded only when :attr:`db` is used
    for inspection."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
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
    ) -> Self:
        """Open (or create) the database at ``path`` and bring its schema up to date.

        The file is first inspected without writing anything (no ``-wal``/``-shm`` files either), so
        a refused file and its directory are left exactly as they were.

        Args:
            path: the database file; its parent directories are created when ``create`` is true.
            create: when false (read-only commands), a missing file is an error and an empty file
                reads as an empty log without being written.
            synchronous: ``NORMAL`` survives process crashes, ``FULL`` also OS crashes (module doc).
            migrations: the ordered migrations (tests pass their own lists).
            busy_timeout_ms: how long to wait for another process's lock before giving up.

        Raises:
            StoreError: the file is missing (with ``create=False``), unreadable, not writable (with
                ``create=True``), not a SQLite database, corrupt, another program's database, from a
                newer quizapp, missing tables or columns, or locked by another process for longer
                than ``busy_timeout_ms``. The file is left untouched.
        """
        path = Path(path)
        try:
            st = path.stat()
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise StoreError(f"{path}: 調べられません（{exc.strerror or exc}）") from exc
        if st is None:
            if not create:
                raise StoreError(f"{path}: データベースがありません")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{path}: 置き場所のディレクトリを作れません（{exc.strerror or exc}）"
                ) from exc
        elif stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{path}: ファイルではなくディレクトリです")
        elif not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path}: 通常のファイルではありません")
        else:
            tables = TABLES if migrations is MIGRATIONS else None
            empty = _inspect(path, len(migrations), tables, busy_timeout_ms)
            if empty and not create:
                return cls._empty(path, migrations)
            if create and not os.access(path, os.W_OK):
                raise StoreError(f"{path}: 書き込みが許可されていないので、解答を保存できません")
        try:
            conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise _refusal(path, exc, busy_timeout_ms) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            _enter_wal(conn, busy_timeout_ms)
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            migrate(conn, migrations, path)
        except sqlite3.Error as exc:
            conn.close()
            raise _refusal(path, exc, busy_timeout_ms) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _empty(cls, path: Path, migrations: Sequence[Migration]) -> Self:
        """A zero-byte file opened by a reader: an empty, read-only log kept in memory."""
        conn = sqlite3.connect(":memory:")
        migrate(conn, migrations, path)
        conn.execute("PRAGMA query_only = ON")
        return cls(conn, path)

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
        """One IMMEDIATE transaction: takes the write lock up front so concurrent writers queue."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # --- sessions ----------------------------------------------------------------------------

    def start_session(
        self, *, mode: str, settings: dict[str, Any] | None = None, now: datetime
    ) -> int:
        """Record the start of a session and return its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (mode, started_at, settings) VALUES (?, ?, ?)",
                (mode, utc_iso(now), _dumps(settings or {})),
            )
        return int(cur.lastrowid or 0)

    def end_session(
        self, session_id: int, *, now: datetime, summary: dict[str, Any] | None = None
    ) -> None:
        """Mark a session finished, with what it amounted to.

        Raises:
            KeyError: no session has this id.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?",
                (utc_iso(now), None if summary is None else _dumps(summary), session_id),
            )
            if cur.rowcount == 0:
                raise KeyError(session_id)

    def get_session(self, session_id: int) -> SessionRecord | None:
        rows = self._query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def unfinished_sessions(self) -> list[SessionRecord]:
        """Sessions never ended (the app was quit or killed mid-session), oldest first."""
        return [
            _session(r)
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
            return _insert_answer(conn, review, card)

    def answer_card(
        self, review: ReviewRecord, schedule: Callable[[CardState | None], CardState]
    ) -> tuple[int, CardState]:
        """Like :meth:`record_answer`, with the card's new state computed by ``schedule`` from
        its stored state inside the same write transaction: two apps answering the same card at
        once then schedule one after the other, and neither update is lost.

        Returns:
            The new review's id and the card's new state.
        """
        with self._write() as conn:
            card = schedule(self.get_card(review.card_key))
            return _insert_answer(conn, review, card), card

    def save_card(self, card: CardState, *, now: datetime) -> None:
        """Write a card's state without a review (e.g. suspending it)."""
        with self._write() as conn:
            conn.execute(_UPSERT_CARD, _card_row(card, introduced_at=utc_iso(now)))

    # --- reading -----------------------------------------------------------------------------

    def get_card(self, card_key: str) -> CardState | None:
        rows = self._query("SELECT * FROM cards WHERE card_key = ?", (card_key,))
        return _card(rows[0]) if rows else None

    def all_cards(self) -> list[CardState]:
        """Every card ever answered, by key."""
        return [_card(r) for r in self._query("SELECT * FROM cards ORDER BY card_key")]

    def due_cards(self, now: datetime, limit: int | None = None) -> list[CardState]:
        """Cards due at ``now`` (not suspended), earliest due first."""
        sql = "SELECT * FROM cards WHERE due <= ? AND suspended = 0 ORDER BY due, card_key"
        params: tuple[Any, ...] = (utc_iso(now),)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [_card(r) for r in self._query(sql, params)]

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
        return [_review(r) for r in self._query(sql + " ORDER BY id", tuple(params))]

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


def _enter_wal(conn: sqlite3.Connection, busy_ms: int) -> None:
    """Switch a database to WAL, retrying while another connection holds it for ``busy_ms``.

    Changing the journal mode fails with "database is locked" at once, without calling the busy
    handler, when another process is opening the same new database at that moment (two quizapp
    started together lost one of them to this in about a third of tries)."""
    deadline = time.monotonic() + busy_ms / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = wal")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], path: Path) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version.

    Safe to call again (nothing left to do) and against a concurrent migrator: the version is
    re-read under the write lock before each step.

    Raises:
        StoreError: the database is newer than ``migrations`` or belongs to another program.
    """
    known = len(migrations)
    if _user_version(conn) >= len(migrations):
        return _checked_version(conn, known, path)
    for number, step in enumerate(migrations, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _user_version(conn)
            if version == 0:
                _refuse_foreign(conn, path)
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
    return _checked_version(conn, known, path)


def _checked_version(conn: sqlite3.Connection, known: int, path: Path) -> int:
    version = _user_version(conn)
    if version > known:
        raise StoreError(_newer_message(path, version, known))
    return version


def _inspect(
    path: Path, known: int, tables: Mapping[str, Sequence[str]] | None, busy_ms: int
) -> bool:
    """Refuse, without writing a byte, a file that is not a healthy quizapp database of a known
    version; return whether it is a zero-byte file (SQLite's empty database).

    A plain read-only open of a WAL database creates ``-wal`` and ``-shm`` files and leaves them
    behind. So when neither ``-shm`` nor ``-journal`` is beside the file (no other process has it
    open) it is read as ``immutable``, which touches nothing; should the file change during that
    lock-free read (another quizapp started), a refusal is checked again with locks.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: 読めません（{exc.strerror or exc}）") from exc
    if not head:
        wal = _sidecar(path, "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path}: ファイルは空ですが、{wal.name} に書き込みが残っています。"
                "開くと SQLite がそれを消してしまうので開きません（どちらもそのままです）"
            )
        return True
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path}: SQLite データベースではありません（上書きしません）")
    in_use = any(_sidecar(path, suffix).exists() for suffix in ("-shm", "-journal"))
    before = _fingerprint(path)
    try:
        _check(path, known, tables, busy_ms, locked=in_use)
    except StoreError:
        if in_use or _fingerprint(path) == before:
            raise
        _check(path, known, tables, busy_ms, locked=True)
    return False


def _check(
    path: Path,
    known: int,
    tables: Mapping[str, Sequence[str]] | None,
    busy_ms: int,
    *,
    locked: bool,
) -> None:
    mode = "mode=ro" if locked else "immutable=1"
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=busy_ms / 1000
        )
    except sqlite3.Error as exc:
        raise _refusal(path, exc, busy_ms) from exc
    try:
        # one read transaction: statement by statement, the version could be read before another
        # quizapp's first migration commits and its tables after, which looks like a foreign file
        conn.execute("BEGIN")
        version = _user_version(conn)
        if version > known:
            raise StoreError(_newer_message(path, version, known))
        if version == 0:
            _refuse_foreign(conn, path)
        result = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            detail = "; ".join(result[:3])
            raise StoreError(f"{path}: データベースが壊れています（上書きしません）: {detail}")
        if version == known and tables is not None:
            _check_tables(conn, path, tables)
    except sqlite3.Error as exc:
        raise _refusal(path, exc, busy_ms) from exc
    finally:
        conn.close()


def _check_tables(
    conn: sqlite3.Connection, path: Path, tables: Mapping[str, Sequence[str]]
) -> None:
    """Refuse a database whose tables were dropped or altered by hand: quizapp would fail on it
    mid-session, after the learner has answered."""
    problems = []
    for table, columns in tables.items():
        found = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        if not found:
            problems.append(f"テーブル {table} がありません")
        elif missing := [c for c in columns if c not in found]:
            problems.append(f"{table} に列 {', '.join(missing)} がありません")
    if problems:
        raise StoreError(
            f"{path}: quizapp のデータベースの形が変えられています（上書きしません）: "
            + "; ".join(problems)
        )


def _refusal(path: Path, exc: sqlite3.Error, busy_ms: int) -> StoreError:
    """The message for an error SQLite raised while opening: locked, corrupt, or unusable."""
    if _busy(exc):
        return StoreError(
            f"{path}: ほかのプロセスが使用中で、{busy_ms / 1000:g} 秒待っても開けませんでした"
            "（ファイルはそのままです）。quizapp を二つ起動していないか確かめてください"
        )
    if _primary_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreError(f"{path}: データベースが壊れています（上書きしません）: {exc}")
    return StoreError(f"{path}: データベースとして使えません（{exc}）")


def _primary_code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def _busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED, any extended code)."""
    return _primary_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fingerprint(path: Path) -> tuple[object, ...]:
    st = path.stat()
    sidecars = tuple(_sidecar(path, s).exists() for s in ("-wal", "-shm", "-journal"))
    return st.st_ino, st.st_size, st.st_mtime_ns, sidecars


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    if tables:
        names = ", ".join(sorted(t[0] for t in tables)[:5])
        raise StoreError(f"{path}: quizapp のデータベースではありません（テーブル: {names}）")


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _newer_message(path: Path, found: int, known: int) -> str:
    return (
        f"{path}: スキーマのバージョン {found} はこの quizapp（対応バージョン {known}）"
        "より新しいので開けません。quizapp を更新してください"
    )


def _insert_answer(conn: sqlite3.Connection, review: ReviewRecord, card: CardState | None) -> int:
    """The review's row and the card's upsert; the caller holds the write transaction."""
    if card is not None:
        if not card.card_key:
            card = replace(card, card_key=review.card_key)
        elif card.card_key != review.card_key:
            raise ValueError(f"card {card.card_key!r} does not match review {review.card_key!r}")
    reviewed_at = utc_iso(review.reviewed_at)
    cur = conn.execute(
        "INSERT INTO reviews (card_key, item_id, generator, seed, params, answer, correct,"
        " rating, seconds, reviewed_at, session_id, misconception)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            review.card_key,
            review.item_id,
            review.generator,
            review.seed,
            None if review.params is None else _dumps(review.params),
            review.answer,
            int(review.correct),
            int(review.rating),
            float(review.seconds),
            reviewed_at,
            review.session_id,
            review.misconception,
        ),
    )
    if card is not None:
        conn.execute(_UPSERT_CARD, _card_row(card, introduced_at=reviewed_at))
    return int(cur.lastrowid or 0)


_UPSERT_CARD = (
    "INSERT INTO cards (card_key, fsrs_id, state, step, stability, difficulty, due, last_review,"
    " lapses, reps, leech, suspended, introduced_at)"
    " VALUES (:card_key, :fsrs_id, :state, :step, :stability, :difficulty, :due, :last_review,"
    " :lapses, :reps, :leech, :suspended, :introduced_at)"
    " ON CONFLICT (card_key) DO UPDATE SET fsrs_id = excluded.fsrs_id, state = excluded.state,"
    " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty,"
    " due = excluded.due, last_review = excluded.last_review, lapses = excluded.lapses,"
    " reps = excluded.reps, leech = excluded.leech, suspended = excluded.suspended"
)


def _card_row(card: CardState, *, introduced_at: str) -> dict[str, Any]:
    d = card.card
    last = d.get("last_review")
    return {
        "card_key": card.card_key,
        "fsrs_id": int(d["card_id"]),
        "state": int(d["state"]),
        "step": d.get("step"),
        "stability": d.get("stability"),
        "difficulty": d.get("difficulty"),
        "due": utc_iso(datetime.fromisoformat(d["due"])),
        "last_review": utc_iso(datetime.fromisoformat(last)) if last else None,
        "lapses": card.lapses,
        "reps": card.reps,
        "leech": int(card.leech),
        "suspended": int(card.suspended),
        "introduced_at": introduced_at,
    }


def _card(row: sqlite3.Row) -> CardState:
    return CardState(
        card_key=row["card_key"],
        card={
            "card_id": row["fsrs_id"],
            "state": row["state"],
            "step": row["step"],
            "stability": row["stability"],
            "difficulty": row["difficulty"],
            "due": row["due"],
            "last_review": row["last_review"],
        },
        lapses=row["lapses"],
        reps=row["reps"],
        leech=bool(row["leech"]),
        suspended=bool(row["suspended"]),
    )


def _review(row: sqlite3.Row) -> ReviewRecord:
    return ReviewRecord(
        card_key=row["card_key"],
        item_id=row["item_id"],
        generator=row["generator"],
        seed=row["seed"],
        params=None if row["params"] is None else json.loads(row["params"]),
        answer=row["answer"],
        correct=bool(row["correct"]),
        rating=row["rating"],
        seconds=row["seconds"],
        reviewed_at=datetime.fromisoformat(row["reviewed_at"]),
        session_id=row["session_id"],
        misconception=row["misconception"],
        id=row["id"],
    )


def _session(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        mode=row["mode"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
        settings=json.loads(row["settings"]),
        summary=None if row["summary"] is None else json.loads(row["summary"]),
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON-serialisable: {value!r}")
