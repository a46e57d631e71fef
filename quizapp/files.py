"""Replacing a user's file in one step, so that a crash, a full disk or an error halfway leaves
the old file as it was, and no temporary file behind for long.

A write goes to a hidden sibling ``.<name>.<pid>.<random>.tmp`` renamed over the target at the
end. An error removes it at once; a kill cannot, so the next write to the same target removes the
siblings it recognises as its own whose writer is dead or that nobody has touched for a while.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, BinaryIO, TextIO, TypeVar

_F = TypeVar("_F", bound=IO)

# A writer fills its temporary file in well under this; an older one is left from a crash.
STALE_AFTER = 600.0
# mkstemp's random part: eight characters of this alphabet.
_RANDOM = r"[a-z0-9_]{8}"


def replace_file(target: Path, write: Callable[[TextIO], None], *, encoding: str = "utf-8") -> None:
    """Have ``write`` fill a temporary file beside ``target`` (text, newlines as written), flush
    it to disk, then rename it over ``target``.

    The result keeps ``target``'s permissions, or gets those of any new file (the umask's) where
    there was none: the temporary file's own are owner-only.

    Raises:
        OSError: the file cannot be written; ``target`` is left as it was.
    """
    _replace(target, lambda fd: os.fdopen(fd, "w", encoding=encoding, newline=""), write)


def replace_file_bytes(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """:func:`replace_file` for a writer of bytes (a seekable binary file, as ``zipfile`` needs)."""
    _replace(target, lambda fd: os.fdopen(fd, "wb"), write)


def _replace(target: Path, open_fd: Callable[[int], _F], write: Callable[[_F], None]) -> None:
    remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    try:
        with open_fd(fd) as fh:
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


def remove_stale_temporaries(target: Path, *, now: float | None = None) -> None:
    """Remove the temporary siblings an interrupted :func:`replace_file` left for ``target``.

    Only regular files of this user named exactly as :func:`replace_file` names them (or as it
    did before the writer's pid was part of the name) qualify, and only when their writer is no
    longer running or they are older than ``STALE_AFTER`` seconds. Failures are ignored: a
    leftover costs space, never data.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(?P<pid>\d+)\.)?{_RANDOM}\.tmp")
    try:
        with os.scandir(target.parent) as entries:
            found = [(Path(e.path), m) for e in entries if (m := pattern.fullmatch(e.name))]
    except OSError:
        return
    now = time.time() if now is None else now
    for path, match in found:
        _remove_if_stale(path, int(match["pid"]) if match["pid"] else None, now)


def _remove_if_stale(path: Path, pid: int | None, now: float) -> None:
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or not _owned(info):
            return
        if (pid is not None and _dead(pid)) or now - info.st_mtime > STALE_AFTER:
            path.unlink()
    except OSError:
        pass


def _owned(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _dead(pid: int) -> bool:
    """True when no process ``pid`` runs here. Unknown (another OS, our own pid, pid 0) is alive."""
    if os.name != "posix" or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def write_cache_entry(entry: Path, text: str) -> None:
    """Atomically replace a cache file ``<key>-<version>.json`` and drop the key's older
    versions and temporaries left by a killed writer. Failures are ignored: a read-only cache
    directory only costs speed."""
    prefix = entry.name.split("-", 1)[0]
    tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        for old in entry.parent.glob(f"{prefix}-*.json"):
            if old != entry:
                old.unlink(missing_ok=True)
        now = time.time()
        for left in entry.parent.glob(f"{prefix}-*.json.*.tmp"):
            pid = left.name.rsplit(".", 2)[-2]
            if pid.isdigit():
                _remove_if_stale(left, int(pid), now)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_private_cache(entry: Path, data: bytes, *, stale: str = "") -> None:
    """Atomically replace a cache file that only this user may read or write, in a directory
    nobody else may write to (created so, or made so if it is this user's), and drop the files
    ``stale`` matches there (older formats) and what a killed writer left. Failures are ignored:
    a read-only cache directory only costs speed."""
    directory = entry.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
        if _owned(info) and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chmod(directory, stat.S_IMODE(info.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
        for old in directory.glob(stale) if stale else ():
            old.unlink(missing_ok=True)
        remove_stale_temporaries(entry)
        fd, tmp = tempfile.mkstemp(  # owner-only, and kept so
            prefix=f".{entry.name}.{os.getpid()}.", suffix=".tmp", dir=directory
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
