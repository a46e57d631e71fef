"""Opening the database file: checks on the path, the read-only inspection, WAL and migrations."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from quizapp.store.errors import StoreError, is_busy, refusal
from quizapp.store.inspection import inspect
from quizapp.store.migrations import MIGRATIONS, TABLES, Migration, migrate
from quizapp.store.skew import settle_future
from quizapp.store.snapshot import snapshot


def connect(
    path: Path,
    *,
    create: bool,
    synchronous: Literal["NORMAL", "FULL"],
    migrations: Sequence[Migration],
    busy_ms: int,
    now: datetime | None,
) -> tuple[sqlite3.Connection, str | None]:
    """The connection :meth:`quizapp.store.Store.open` describes, and its read-only note.

    Raises:
        StoreError: as :meth:`~quizapp.store.Store.open` lists; the file is left untouched.
    """
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
        inspect(path, len(migrations), tables, busy_ms)
        if not create:
            return _read_only(path, migrations, busy_ms)
        if not os.access(path, os.W_OK):
            raise StoreError(f"{path}: 書き込みが許可されていないので、解答を保存できません")
    try:
        conn = sqlite3.connect(path, timeout=busy_ms / 1000)
    except sqlite3.Error as exc:
        raise refusal(path, exc, busy_ms) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        conn.execute("PRAGMA foreign_keys = ON")
        _enter_wal(conn, busy_ms)
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        migrate(conn, migrations, path)
        if now is not None and migrations is MIGRATIONS:
            settle_future(conn, now)
    except sqlite3.Error as exc:
        conn.close()
        raise refusal(path, exc, busy_ms) from exc
    except BaseException:
        conn.close()
        raise
    return conn, None


def _read_only(
    path: Path, migrations: Sequence[Migration], busy_ms: int
) -> tuple[sqlite3.Connection, str | None]:
    """A read-only command's connection: the committed database copied into memory, so that
    reading leaves no file beside it (:mod:`~quizapp.store.snapshot`). An empty or older database
    reads as the current schema; the file itself is not migrated."""
    conn, note = snapshot(path, busy_ms)
    try:
        migrate(conn, migrations, path)
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn, note


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
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)
