"""The store's errors, and what SQLite's error codes mean for the learner."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26
SQLITE_READONLY_ROLLBACK = 776
"""A read-only connection met a hot journal it cannot roll back (an extended code)."""


class StoreError(Exception):
    """The database cannot be used; the message names the file and says why."""


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
