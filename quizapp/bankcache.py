"""The validated bank kept between starts, so that a warm start neither parses nor validates.

A validated bank depends on its files, the code that validates it, the generators and the
pydantic and PyYAML versions. Hashing every file on every start cost more than the rest of the
load, so an entry is keyed twice:

* **by stat**: path, size, mtime, ctime, inode and device of every bank file and of the code and
  library files it depends on. An edit changes the ctime (which no program can set back), so a
  matching stat means the same content; it is trusted only for files whose last change is more
  than :data:`RACY_NS` older than the moment they were looked at (an edit within the same
  timestamp tick would otherwise keep the stat: git's "racily clean" files);
* **by content**: the same files' bytes, hashed when the stat key misses. A match reuses the entry
  (and records the new stat key).

The entry is ``marshal`` data written by this module: one read, no JSON decoding, and each item
kept as its own marshalled blob that becomes a dataclass only when first looked up
(:class:`LazyItems`): the first question needs one item, not five thousand. ``marshal`` builds
only plain values (it runs no code, unlike pickle), but it is not meant for untrusted bytes, so
an entry is read only when

* it and its directory belong to this user and nobody else may write to them (the user cache
  directory: whoever could plant a file there could edit the user's shell start-up files too);
  the entry is opened without following a symlink;
* its header names this format and Python's marshal version, and its payload has the length and
  CRC-32 the header states: a truncated, damaged or foreign file is a miss, never a crash.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from quizapp.bankdata import CACHE_FORMAT, Bank, BankError
from quizapp.bankfiles import TooLarge, check_bank_size, list_bank, read_bank_file, syllabus_path
from quizapp.files import write_private_cache
from quizapp.items import Topic
from quizapp.kinds import Item, item_from
from quizapp.syllabus import Syllabus, syllabus_from

RACY_NS = 2_000_000_000
"""A file changed less than this long before it was looked at is hashed, not trusted by its stat:
FAT keeps times to 2 s, other file systems to a second or finer."""

_DEPENDS_ON = (
    "bank.py",
    "bankcache.py",
    "bankdata.py",
    "bankfiles.py",
    "bankyaml.py",
    "cardkey.py",
    "files.py",
    "grading.py",
    "items.py",
    "itemschema.py",
    "kinds/__init__.py",
    "kinds/base.py",
    "kinds/case.py",
    "kinds/case_schema.py",
    "kinds/choice.py",
    "kinds/choice_schema.py",
    "kinds/fill.py",
    "kinds/fill_schema.py",
    "kinds/generated.py",
    "kinds/generated_schema.py",
    "kinds/trap.py",
    "kinds/trap_schema.py",
    "loader.py",
    "placement.py",
    "question.py",
    "safetext.py",
    "schema.py",
    "syllabus.py",
)
"""The modules whose code decides the validated bank: every quizapp module the loader and this
one import (a test keeps the list whole)."""
_MAGIC = f"quizapp-bank {CACHE_FORMAT} {sys.implementation.cache_tag} {marshal.version}\n".encode()
_DIGEST = 32
_HEADER = len(_MAGIC) + 2 * _DIGEST + 4 + 8
_NO_KEY = bytes(_DIGEST)


class CacheKey:
    """What an entry must match: where it is, its stat key (None when a file changed too
    recently to be trusted by its stat) and, computed only when needed, its content key."""

    def __init__(self, entry: Path, inputs: _Inputs, by_stat: bytes | None) -> None:
        self.entry = entry
        self.by_stat = by_stat
        self._inputs = inputs
        self._by_content: bytes | None = None

    def by_content(self) -> bytes:
        """Raises OSError or TooLarge as reading a bank file does."""
        if self._by_content is None:
            self._by_content = self._inputs.content_digest()
        return self._by_content


class _Inputs:
    """The files and settings a validated bank depends on."""

    def __init__(self, settings: bytes, code: list[Path], files: list[Path]) -> None:
        self.settings = settings
        self.code = code
        self.files = files

    def stat_digest(self, now_ns: int) -> bytes | None:
        digest = hashlib.blake2b(self.settings, digest_size=_DIGEST)
        trusted = True
        for path in (*self.code, *self.files):
            st = os.stat(path)
            changed = max(st.st_mtime_ns, st.st_ctime_ns)
            trusted = trusted and changed < now_ns - RACY_NS
            digest.update(
                f"\0{path}\0{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} "
                f"{st.st_dev}".encode()
            )
        return digest.digest() if trusted else None

    def content_digest(self) -> bytes:
        digest = hashlib.blake2b(self.settings, digest_size=_DIGEST)
        for path in self.code:
            digest.update(f"\0{path}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        for path in self.files:
            digest.update(f"\0{path}\0".encode())
            digest.update(hashlib.sha256(read_bank_file(path)).digest())
        return digest.digest()


def cache_key(
    cache_dir: Path,
    directories: list[Path],
    topics_path: Path,
    generators: Mapping[str, Any] | None,
) -> CacheKey | None:
    """The key of the bank these directories give, or None when a file cannot be read or is too
    big (the loader then reports it)."""
    where = hashlib.sha256(repr([str(topics_path), *map(str, directories)]).encode())
    gens = (
        None
        if generators is None
        else sorted(
            (n, sorted((k, repr(r)) for k, r in g.ranges.items())) for n, g in generators.items()
        )
    )
    settings = [repr(gens)]
    try:
        here = Path(__file__).parent
        code = [here / module for module in _DEPENDS_ON]
        code += [_library_file("pydantic", "version.py"), _library_file("yaml", "__init__.py")]
        syllabus = syllabus_path(topics_path)
        files = [topics_path, *([syllabus] if syllabus.exists() else [])]
        for directory in directories:
            if directory.is_dir():
                listing = list_bank(directory)
                check_bank_size(listing)
                files.extend(listing.files)
                settings.append(repr(["outside", *map(str, listing.outside)]))
        inputs = _Inputs(repr(settings).encode(), [c for c in code if c is not None], files)
        by_stat = inputs.stat_digest(time.time_ns())
    except (OSError, TooLarge):
        return None
    return CacheKey(cache_dir / f"bank{where.hexdigest()[:16]}.marshal", inputs, by_stat)


def _library_file(package: str, version_file: str) -> Path | None:
    """The file holding a library's version, found without importing the library (importing
    pydantic alone would cost more than the whole warm load)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / version_file


# --- reading ------------------------------------------------------------------------------------


def read_bank(key: CacheKey) -> Bank | None:
    """The cached bank, or None when the entry is missing, not this user's alone, foreign,
    damaged or of other files."""
    raw = _read_private(key.entry)
    if raw is None or len(raw) < _HEADER or not raw.startswith(_MAGIC):
        return None
    at = len(_MAGIC)
    by_stat, by_content = raw[at : at + _DIGEST], raw[at + _DIGEST : at + 2 * _DIGEST]
    check = int.from_bytes(raw[at + 2 * _DIGEST : at + 2 * _DIGEST + 4], "big")
    size = int.from_bytes(raw[_HEADER - 8 : _HEADER], "big")
    payload = memoryview(raw)[_HEADER:]
    if len(payload) != size or zlib.crc32(payload) != check:
        return None
    if key.by_stat is None or by_stat != key.by_stat:
        try:
            if by_content != key.by_content():
                return None
        except (OSError, TooLarge):
            return None
        if key.by_stat is not None:  # the same files, touched: look at them by stat next time
            _write(key, payload)
    try:
        return _decode(marshal.loads(payload))
    except (EOFError, ValueError, LookupError, TypeError, AttributeError):
        return None


def _read_private(entry: Path) -> bytes | None:
    """The entry's bytes, if it and its directory are this user's and nobody else's to write."""
    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not (_private(os.fstat(fh.fileno())) and _private(os.stat(entry.parent))):
                return None
            return fh.read()
    except OSError:
        return None


def _private(st: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):
        return True  # no owners to compare: the cache lives in the user's own profile
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class LazyItems(Mapping[str, Item]):
    """A cached bank's items by id, in bank order: each is decoded when first looked up, so
    counting them, testing an id or listing the generated ones decodes none."""

    __slots__ = ("_blobs", "_decoded", "generator_of")

    def __init__(self, blobs: dict[str, bytes], generator_of: dict[str, str]) -> None:
        self._blobs = blobs
        self._decoded: dict[str, Item] = {}
        self.generator_of = generator_of
        """The generator each generated item frames, by item id (see :meth:`Bank.generator_of`)."""

    def __getitem__(self, item_id: str) -> Item:
        item = self._decoded.get(item_id)
        if item is None:
            item = self._decoded[item_id] = item_from(marshal.loads(self._blobs[item_id]))
        return item

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._blobs


class _LazyMapping(Mapping[str, Any]):
    """A mapping decoded as a whole when first read (where each item sits, its line offsets:
    only error reports need them)."""

    __slots__ = ("_blob", "_build", "_data")

    def __init__(self, blob: bytes, build: Any) -> None:
        self._blob = blob
        self._build = build
        self._data: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._build(marshal.loads(self._blob))
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _decode(data: tuple) -> Bank:
    topics, (blobs, generator_of), locations, errors, raw_lines, syllabus = data
    return Bank(
        topics={t["id"]: Topic(**t) for t in topics},
        items=LazyItems(blobs, generator_of),
        locations=_LazyMapping(locations, _locations),
        errors=[BankError(Path(p), line, i, m) for p, line, i, m in errors],
        raw_lines=_LazyMapping(raw_lines, dict),
        syllabus=syllabus_from(syllabus) if syllabus is not None else None,
    )


def _locations(data: tuple[list[str], dict[str, tuple[int, int]]]) -> dict[str, tuple[Path, int]]:
    files, at = data
    paths = [Path(p) for p in files]
    return {item_id: (paths[n], line) for item_id, (n, line) in at.items()}


# --- writing ------------------------------------------------------------------------------------


def write_bank(key: CacheKey, bank: Bank) -> None:
    """Keep ``bank``, unless it holds values marshal would not give back as they were (a date in
    a check's ``args``); a cache directory that cannot be written only costs speed."""
    try:
        payload = marshal.dumps(_encode(bank))
        key.by_content()
    except (TypeError, ValueError, OSError, TooLarge):
        return
    _write(key, payload)


def _write(key: CacheKey, payload: bytes | memoryview) -> None:
    header = b"".join(
        (
            _MAGIC,
            key.by_stat or _NO_KEY,
            key.by_content(),
            zlib.crc32(payload).to_bytes(4, "big"),
            len(payload).to_bytes(8, "big"),
        )
    )
    write_private_cache(key.entry, header + bytes(payload), stale=f"{key.entry.stem}-*.json")


def _encode(bank: Bank) -> tuple:
    files: dict[str, int] = {}
    at = {
        item_id: (files.setdefault(str(path), len(files)), line)
        for item_id, (path, line) in bank.locations.items()
    }
    blobs = {item_id: marshal.dumps(_plain(item)) for item_id, item in bank.items.items()}
    return (
        [_plain(t) for t in bank.topics.values()],
        (blobs, dict(bank.generator_of())),
        marshal.dumps((list(files), at)),
        [(str(e.path), e.line, e.item_id, e.message) for e in bank.errors],
        marshal.dumps(_plain(dict(bank.raw_lines))),
        _plain_syllabus(bank.syllabus),
    )


def _plain_syllabus(syllabus: Syllabus | None) -> dict[str, Any] | None:
    """The syllabus as :func:`quizapp.syllabus.syllabus_from` reads it."""
    if syllabus is None:
        return None
    return {
        "exams": [_plain(e) for e in syllabus.exams.values()],
        "items": [_plain(i) for i in syllabus.items.values()],
    }


def _plain(value: Any) -> Any:
    """An item (or a part of one) as plain data that reads back equal: a dataclass becomes the
    mapping of its fields. Raises TypeError for anything else but plain lists, mappings and
    scalars (a date, a tuple)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"not cacheable: {type(value).__name__}")
