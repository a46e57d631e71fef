"""Which files a bank directory holds, and how much of them is read.

A bank is data from anyone: a file or a directory over its size limit is refused before it is
parsed, and a symlink never makes quizapp read outside the bank directory.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024
"""A bank file is read up to this size (the largest shipped file is 25 kB); a bigger one is an
error, never parsed: parsing takes about a second and 60 MB per megabyte."""
MAX_BANK_BYTES = 8 * 1024 * 1024
"""The item files of one bank directory are read up to this size in all (the shipped bank is
0.8 MB)."""
NOT_ITEMS = frozenset({"topics.yaml", "syllabus.yaml", "rules.yaml"})


def syllabus_path(topics_path: Path) -> Path:
    """The syllabus that goes with a topics file: beside it."""
    return topics_path.with_name("syllabus.yaml")


class TooLarge(Exception):
    """A bank file or directory over its size limit; the message says which and why."""


@dataclass(frozen=True)
class BankListing:
    files: list[Path]
    """The item files (every *.yaml below the directory but topics and syllabus), sorted."""
    outside: list[Path]
    """Symlinks (to a file or a directory) whose target is outside the bank directory: never
    followed, so a shared bank cannot make quizapp read elsewhere."""
    size: int
    """Bytes of ``files`` in all."""


def list_bank(directory: Path) -> BankListing:
    """What a bank directory holds. Symlinks are followed only to files inside the directory; a
    symlinked directory is never entered (one inside would only repeat files already read)."""
    root = os.path.realpath(directory)
    files: list[Path] = []
    outside: list[Path] = []
    size = 0
    for here, dirs, names in os.walk(directory):
        for name in dirs:
            path = Path(here, name)
            if path.is_symlink() and not _within(path, root):
                outside.append(path)
        for name in names:
            path = Path(here, name)
            if not name.endswith(".yaml") or name in NOT_ITEMS:
                continue
            if path.is_symlink() and not _within(path, root):
                outside.append(path)
            elif path.is_file():
                files.append(path)
                with suppress(OSError):  # gone since: reading it reports that
                    size += path.stat().st_size
    return BankListing(sorted(files), sorted(outside), size)


def _within(path: Path, root: str) -> bool:
    target = os.path.realpath(path)
    return os.path.commonpath([target, root]) == root


def bank_files(directory: Path) -> list[Path]:
    """The item files of a bank directory (see :func:`list_bank`)."""
    return list_bank(directory).files


def read_bank_file(path: Path) -> bytes:
    """A bank file's bytes, never more than :data:`MAX_FILE_BYTES` of them.

    Raises:
        OSError: the file cannot be read.
        TooLarge: the file is bigger.
    """
    with path.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise TooLarge(
            f"file larger than {MAX_FILE_BYTES // 2**20} MB: not read (split it into several files)"
        )
    return raw


def check_bank_size(listing: BankListing) -> None:
    """Raises TooLarge when a directory's item files are too big in all to be read."""
    if listing.size > MAX_BANK_BYTES:
        raise TooLarge(
            f"bank files total {listing.size / 2**20:.1f} MB, more than the "
            f"{MAX_BANK_BYTES // 2**20} MB read from one directory: not read"
        )
