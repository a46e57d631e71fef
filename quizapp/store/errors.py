"""The store's errors, and what SQLite's error codes mean for the learner."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL = 8, 10, 13
SQLITE_READONLY_ROLLBACK = 776
"""A read-only connection met a hot journal it cannot roll back (an extended code)."""


class StoreError(Exception):
    """The database cannot be used; the message names the file and says why."""


class StoreWriteError(StoreError):
    """A write failed for a reason outside quizapp (a full disk, another process's lock, a file
    made read-only, an I/O error). The transaction was rolled back and the store is still usable:
    the same write may be tried again."""


class RatingRefused(StoreError):
    """A right answer's rating cannot be changed any more: its card was answered again since."""


def primary_code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED, any extended code)."""
    return primary_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def refusal(path: Path, exc: sqlite3.Error, busy_ms: int) -> StoreError:
    """The message for an error SQLite raised while opening: locked, corrupt, or unusable."""
    if is_busy(exc):
        return StoreError(
            f"{path}: ほかのプロセスが使用中で、{busy_ms / 1000:g} 秒待っても開けませんでした"
            "（ファイルはそのままです）。quizapp を二つ起動していないか確かめてください"
        )
    if primary_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreError(f"{path}: データベースが壊れています（上書きしません）: {exc}")
    return StoreError(f"{path}: データベースとして使えません（{exc}）")


def write_error(path: Path, exc: sqlite3.Error, busy_ms: int) -> StoreWriteError | None:
    """The learner's message for a failed write, or None for an error that is a bug in quizapp."""
    code = primary_code(exc)
    if code == _SQLITE_FULL:
        message = "ディスクがいっぱいです。空きを作ってからもう一度保存してください"
    elif is_busy(exc):
        message = (
            f"他のプロセスがデータベースをロックしています（{busy_ms / 1000:g} 秒待ちました）。"
            "もう一度保存してください"
        )
    elif code == _SQLITE_READONLY:
        message = "データベースに書き込めません（読み取り専用です）"
    elif code == _SQLITE_IOERR:
        message = f"ディスクの読み書きに失敗しました（{exc}）"
    else:
        return None
    return StoreWriteError(f"{message}: {path}")
