"""Refusing a file before writing to it: the database is inspected read-only first.

A file this code cannot trust (not SQLite, corrupt, from a newer version of quizapp, or another
program's database) is refused with :class:`StoreError` and left exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from quizapp.store.errors import StoreError, refusal
from quizapp.store.migrations import newer_message, refuse_foreign, user_version

SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect(
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
        wal = sidecar(path, "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path}: ファイルは空ですが、{wal.name} に書き込みが残っています。"
                "開くと SQLite がそれを消してしまうので開きません（どちらもそのままです）"
            )
        return True
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path}: SQLite データベースではありません（上書きしません）")
    in_use = any(sidecar(path, suffix).exists() for suffix in ("-shm", "-journal"))
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


def _fingerprint(path: Path) -> tuple[object, ...]:
    st = path.stat()
    sidecars = tuple(sidecar(path, s).exists() for s in ("-wal", "-shm", "-journal"))
    return st.st_ino, st.st_size, st.st_mtime_ns, sidecars
