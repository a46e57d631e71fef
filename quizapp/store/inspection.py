"""Refusing a file before writing to it: the database is inspected read-only first.

A file this code cannot trust (not SQLite, corrupt, from a newer version of quizapp, or another
program's database) is refused with :class:`StoreError` and left exactly as it was. The one write
made before that verdict is SQLite's own recovery of a hot journal, which restores the file's last
committed state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from quizapp.store.errors import SQLITE_READONLY_ROLLBACK, StoreError, refusal
from quizapp.store.migrations import newer_message, refuse_foreign, user_version

SQLITE_MAGIC = b"SQLite format 3\x00"
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def inspect(
    path: Path,
    known: int,
    tables: Mapping[str, Sequence[str]] | None,
    busy_ms: int,
    *,
    recovered: bool = False,
) -> None:
    """Refuse, without writing a byte, a file that is not a healthy quizapp database of a known
    version (a zero-byte file is SQLite's empty database, and passes).

    A plain read-only open of a WAL database creates ``-wal`` and ``-shm`` files and leaves them
    behind. So unless both are beside the file, or a ``-journal`` is (another process may have it
    open), it is read as ``immutable``, which touches nothing; should the file change during that
    lock-free read (another quizapp started), a refusal is checked again with locks. A hot
    journal (a writer killed mid-transaction) is rolled back first, then the file is inspected.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: 読めません（{exc.strerror or exc}）") from exc
    if not head:
        wal = sidecar(path, "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path}: ファイルは空ですが、{wal.name} に書き込みが残っています。"
                "開くと SQLite がそれを消してしまうので開きません（どちらもそのままです）"
            )
        return
    if head != SQLITE_MAGIC:
        if not recovered and _has_journal(path):
            # a new file whose first transaction was killed after spilling pages, before page 1
            _roll_back(path, busy_ms)
            inspect(path, known, tables, busy_ms, recovered=True)
            return
        raise StoreError(f"{path}: SQLite データベースではありません（上書きしません）")
    try:
        _check_settled(path, known, tables, busy_ms)
    except _HotJournal:
        if recovered:
            raise StoreError(f"{path}: 書きかけの {path.name}-journal を戻せません") from None
        _roll_back(path, busy_ms)
        inspect(path, known, tables, busy_ms, recovered=True)


def _check_settled(
    path: Path, known: int, tables: Mapping[str, Sequence[str]] | None, busy_ms: int
) -> None:
    """:func:`_check` lock-free when no other process has the file open, else with locks; a
    refusal seen while the file changed under the lock-free read is checked again with locks."""
    in_use = in_use_by_another(path) or sidecar(path, "-journal").exists()
    before = _fingerprint(path)
    try:
        _check(path, known, tables, busy_ms, locked=in_use)
    except StoreError:
        if in_use or _fingerprint(path) == before:
            raise
        _check(path, known, tables, busy_ms, locked=True)


def _has_journal(path: Path) -> bool:
    """Whether a rollback journal SQLite wrote (it starts with SQLite's magic) is beside ``path``."""
    try:
        with sidecar(path, "-journal").open("rb") as fh:
            return fh.read(len(JOURNAL_MAGIC)) == JOURNAL_MAGIC
    except OSError:
        return False


class _HotJournal(Exception):
    """A writer died mid-transaction in rollback mode; only a read-write open can undo it."""


def _roll_back(path: Path, busy_ms: int) -> None:
    """Let SQLite roll back a hot journal: the file returns to its last committed state.

    A kill -9 while the first start switches a new database to WAL leaves one; a read-only open
    cannot roll it back, so without this every later start refused the database. It is what any
    SQLite program does on its first read, and it restores, never changes, what was committed.
    """
    try:
        conn = sqlite3.connect(path, timeout=busy_ms / 1000)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if not _has_journal(path):
            return  # rolled back; what the file is now, the inspection that follows says
        raise StoreError(
            f"{path}: 前回の書き込みが途中で止まっています（{path.name}-journal が残っています）。"
            f"元に戻すにはファイルへの書き込みが必要ですが、できません（{exc}）"
        ) from exc


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
        raise refusal(path, exc, busy_ms) from exc
    try:
        # one read transaction: statement by statement, the version could be read before another
        # quizapp's first migration commits and its tables after, which looks like a foreign file
        conn.execute("BEGIN")
        version = user_version(conn)
        if version > known:
            raise StoreError(newer_message(path, version, known))
        if version == 0:
            refuse_foreign(conn, path)
        result = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            detail = "; ".join(result[:3])
            raise StoreError(f"{path}: データベースが壊れています（上書きしません）: {detail}")
        if version == known and tables is not None:
            _check_tables(conn, path, tables)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
            raise _HotJournal from exc
        raise refusal(path, exc, busy_ms) from exc
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


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def in_use_by_another(path: Path) -> bool:
    """Whether a WAL connection may have the database open: it keeps both files beside it (and a
    killed one leaves them). Then a read-only open needs locks, and creates no file."""
    return sidecar(path, "-wal").exists() and sidecar(path, "-shm").exists()


def _fingerprint(path: Path) -> tuple[object, ...]:
    st = path.stat()
    sidecars = tuple(sidecar(path, s).exists() for s in ("-wal", "-shm", "-journal"))
    return st.st_ino, st.st_size, st.st_mtime_ns, sidecars
