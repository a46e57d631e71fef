"""Reading the database for a read-only command without leaving a file beside it.

SQLite's read-only open (``mode=ro``) of a WAL database creates ``-wal`` and ``-shm`` files when
they are missing and cannot remove them again. Beside a read-only file they are created read-only,
and the app's next answer then fails to save; in a read-only directory the open fails outright.
So a read-only command copies the committed database into memory: with ``mode=ro`` when both
files already exist (another quizapp has it open, or was killed), else as ``immutable``, which
touches nothing (:func:`_mode` has the one exception).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from quizapp.store.errors import StoreError, refusal
from quizapp.store.inspection import in_use_by_another, sidecar

_ATTEMPTS = 3


def snapshot(path: Path, busy_ms: int) -> tuple[sqlite3.Connection, str | None]:
    """The committed database at ``path`` copied into an in-memory connection, and a note for the
    learner when some of it could not be read.

    An ``immutable`` read takes no lock, so a checkpoint by a quizapp that starts meanwhile could
    tear it: the copy is taken again when the file changed while it was read.

    Raises:
        StoreError: SQLite cannot read the file, or it kept changing while it was copied.
    """
    memory = sqlite3.connect(":memory:")
    try:
        for _ in range(_ATTEMPTS):
            mode, note = _mode(path)
            before = _stamp(path)
            _copy(path, mode, memory, busy_ms)
            if mode == "mode=ro" or _stamp(path) == before:
                return memory, note
        raise StoreError(f"{path}: 読んでいる間に書き換わり続けたので、読めませんでした")
    except BaseException:
        memory.close()
        raise


def _mode(path: Path) -> tuple[str, str | None]:
    """How to open ``path`` for reading, and what that read will miss.

    With both files present, ``mode=ro`` takes the locks and creates nothing (so it does beside a
    ``-journal``: a writer is switching the file to WAL). With no ``-wal`` or an empty one, the
    file alone holds every committed answer, even while another process holds a lock on it. A
    ``-wal`` with records but no ``-shm`` (a killed writer, or one holding an exclusive lock) is
    read with ``mode=ro`` when the ``-shm`` SQLite then creates is one the app can write to later
    (SQLite gives it the database's permissions); else the file is read without it, with a note.
    """
    wal, shm = sidecar(path, "-wal"), sidecar(path, "-shm")
    if in_use_by_another(path) or _size(sidecar(path, "-journal")) > 0:
        return "mode=ro", None
    if _size(wal) == 0:
        return "immutable=1", None
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK):
        return "mode=ro", None
    return "immutable=1", _unread_wal(wal, shm)


def _copy(path: Path, mode: str, memory: sqlite3.Connection, busy_ms: int) -> None:
    try:
        source = sqlite3.connect(
            f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=busy_ms / 1000
        )
        try:
            source.backup(memory)
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise refusal(path, exc, busy_ms) from exc


def _unread_wal(wal: Path, shm: Path) -> str:
    return (
        f"注意: {wal.name} に、まだデータベースに移されていない記録があります。読むだけのコマンドは"
        f" {shm.name} を作らないので、その記録は含まれていません。quizapp を起動すると取り込まれます"
    )


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
