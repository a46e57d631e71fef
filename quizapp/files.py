"""Replacing a user's file in one step, so that a crash, a full disk or an error halfway leaves
the old file as it was."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def replace_file(target: Path, write: Callable[[TextIO], None], *, encoding: str = "utf-8") -> None:
    """Have ``write`` fill a temporary file beside ``target`` (text, newlines as written), flush
    it to disk, then rename it over ``target``.

    The result keeps ``target``'s permissions, or gets those of any new file (the umask's) where
    there was none: the temporary file's own are owner-only.

    Raises:
        OSError: the file cannot be written; ``target`` is left as it was.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
