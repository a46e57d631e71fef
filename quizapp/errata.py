"""The learner's "this item looks wrong" notes (誤りの報告), appended to a text file an author
reads: ``reports.txt`` beside the progress database (:func:`quizapp.paths.reports_path`).

One line per note, tab-separated: the local time, the item id, the generated problem (generator
and seed, so that the author can make it again) and the comment. Control characters, tabs and
newlines in the comment are written as escapes, so every note stays one line of plain text.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

from quizapp.safetext import strip_format, visible

MAX_COMMENT = 500
"""The longest comment kept, in characters."""
NO_COMMENT = "（コメントなし）"


def note_line(
    *,
    when: datetime,
    item_id: str,
    comment: str,
    generator: str | None = None,
    seed: int | None = None,
) -> str:
    """The line a note is written as (ending in a newline)."""
    text = visible(strip_format(comment).strip()[:MAX_COMMENT], newlines=False) or NO_COMMENT
    problem = f"{generator} seed={seed}" if generator is not None else ""
    stamp = when.astimezone().isoformat(timespec="seconds")
    return f"{stamp}\t{visible(item_id, newlines=False)}\t{problem}\t{text}\n"


def append_note(path: Path, line: str) -> None:
    """Append ``line`` to the file at ``path`` (created with the parent directory, readable by the
    learner alone), in one write, flushed to the disk before returning. A line a killed writer
    left unfinished is ended first, so that the new note starts a line of its own.

    Raises:
        OSError: the file cannot be written, or is not a regular file (a FIFO, a directory).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path}: 通常のファイルではありません")
        data = line.encode("utf-8")
        if info.st_size and os.pread(fd, 1, info.st_size - 1) != b"\n":
            data = b"\n" + data
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)
