"""Writes that fail after start-up: shown to the learner in Japanese, never the end of the app.

A full disk or a lock another process holds past the busy timeout makes a write to the progress
database fail (an answer, the start or end of a session); a settings file can be unwritable. The
screen that acted catches :data:`WRITE_ERRORS`, keeps its state, and says why with
:func:`report`, so the learner can retry or leave.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Literal

from textual.app import App

from quizapp.safetext import visible
from quizapp.store import StoreError

WRITE_ERRORS: tuple[type[Exception], ...] = (StoreError, sqlite3.Error, OSError)
"""What a write to the database or a user file raises: the store's own errors (with a Japanese
message), SQLite's, and the operating system's."""

NOT_STARTED = "学習を始められませんでした"
"""What :func:`report` says when a session cannot be started in the store."""

_SQLITE_REASONS = {
    5: "ほかのプロセスがデータベースを使用中です",  # SQLITE_BUSY
    6: "ほかのプロセスがデータベースを使用中です",  # SQLITE_LOCKED
    8: "データベースに書き込めません（読み取り専用）",  # SQLITE_READONLY
    10: "ディスクの読み書きに失敗しました",  # SQLITE_IOERR
    13: "ディスクの空きがありません",  # SQLITE_FULL
}
_OS_REASONS = {
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EDQUOT: "ディスクの使用量の上限に達しました",
    errno.EACCES: "書き込みが許可されていません",
    errno.EPERM: "書き込みが許可されていません",
    errno.EROFS: "読み取り専用のファイルシステムです",
}


def reason(exc: BaseException) -> str:
    """Why a write failed, in Japanese, safe for the terminal (no control characters).

    A full disk, a lock or a refused permission reads the same whether SQLite, the operating
    system or the store (chaining their error) raised it; anything else in the error's own words.
    """
    text = _known_reason(exc)
    if text is None:
        if isinstance(exc, sqlite3.Error):
            text = f"データベースのエラー（{exc}）"
        elif isinstance(exc, OSError):
            text = f"書き込めません（{exc.strerror or exc}）"
            text = text if exc.filename is None else f"{exc.filename}: {text}"
        else:
            text = str(exc)
    return visible(text)


def _known_reason(exc: BaseException | None) -> str | None:
    while exc is not None:
        if isinstance(exc, sqlite3.Error):
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code in _SQLITE_REASONS:
                return _SQLITE_REASONS[code]
        elif isinstance(exc, OSError) and exc.errno in _OS_REASONS:
            text = _OS_REASONS[exc.errno]
            return text if exc.filename is None else f"{exc.filename}: {text}"
        exc = exc.__cause__
    return None


def report(
    app: App, what: str, exc: BaseException, *, severity: Literal["warning", "error"] = "error"
) -> str:
    """Tell the learner ``what`` could not be done and why (a notification that stays a while);
    returns the message. Neither part is read as markup: a path may hold ``[/]``."""
    message = f"{what}: {reason(exc)}"
    app.notify(message, title="保存できません", severity=severity, timeout=15, markup=False)
    return message
