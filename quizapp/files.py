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


def write_cache_entry(entry: Path, text: str) -> None:
    """Atomically replace a cache file ``<key>-<version>.json`` and drop the key's older
    versions. Failures are ignored: a read-only cache directory only costs speed."""
    prefix = entry.name.split("-", 1)[0]
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        for old in entry.parent.glob(f"{prefix}-*.json"):
            if old != entry:
                old.unlink(missing_ok=True)
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        pass
