"""The question bank the app works with, and :func:`load_bank`, which gives it quickly.

Loading means parsing YAML and validating every item (:mod:`quizapp.loader`), most of a cold
start. The result depends only on the files, the code and the library versions, so it is kept as
JSON in a cache directory and rebuilt from there as plain :mod:`quizapp.items` dataclasses: a warm
start imports neither pydantic nor PyYAML.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields, is_dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from quizapp.files import write_cache_entry
from quizapp.items import Topic
from quizapp.kinds import KINDS, Item, item_from
from quizapp.safetext import visible
from quizapp.syllabus import Syllabus, syllabus_from

CACHE_FORMAT = 4
"""Bump when a cache's encoding changes: old entries are then never read."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""A bank file is read up to this size (the largest shipped file is 25 kB); a bigger one is an
error, never parsed: parsing takes about a second and 60 MB per megabyte."""
MAX_BANK_BYTES = 8 * 1024 * 1024
"""The item files of one bank directory are read up to this size in all (the shipped bank is
0.8 MB)."""


@dataclass(frozen=True)
class BankError:
    path: Path
    line: int
    item_id: str
    message: str

    def __str__(self) -> str:
        """One line, every control character escaped: the path, the id and the message carry
        bank text, which must not start a line of its own or steer a terminal."""
        return visible(f"{self.path}:{self.line}: {self.item_id}: {self.message}", newlines=False)


class BankLoadError(Exception):
    """Raised by :func:`load_bank` when ``strict``; carries every error found."""

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass
class Bank:
    topics: dict[str, Topic]
    items: dict[str, Item]
    locations: dict[str, tuple[Path, int]] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)
    raw_lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per item: line offsets of its check entries, options and code block (for error reports)."""
    syllabus: Syllabus | None = None
    """Both exams' syllabi, when the bank has a syllabus.yaml beside its topics.yaml."""

    def by_topic(self, topic: str) -> list[Item]:
        return [item for item in self.items.values() if item.topic == topic]

    def summary(self) -> str:
        """One line: item counts by kind and the number of topics covered."""
        kinds = Counter(item.kind for item in self.items.values())
        topics = {item.topic for item in self.items.values()}
        parts = ", ".join(f"{k} {kinds[k]}" for k in KINDS)
        return f"{len(self.items)} items ({parts}) in {len(topics)}/{len(self.topics)} topics"


NOT_ITEMS = frozenset({"topics.yaml", "syllabus.yaml"})


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


def load_bank(
    directories: Iterable[Path],
    *,
    topics_path: Path | None = None,
    generators: Mapping[str, Any] | None = None,
    run_checks: bool = False,
    strict: bool = False,
    cache_dir: Path | None = None,
) -> Bank:
    """Load and validate the bank from one or more directories.

    Args:
        directories: the shipped bank first, then user banks.
        topics_path: topics.yaml; defaults to the first directory's.
        generators: the solvers generator registry used to check ``generated`` items
            (None skips that check).
        run_checks: also recompute every ``check:`` (imports solvers) and run every code option
            (in :mod:`quizapp.sandbox`, never in this process).
        strict: raise :class:`BankLoadError` when anything is wrong.
        cache_dir: keep parsed files there (see :func:`quizapp.loader.read_yaml`) and, without
            ``run_checks``, the validated bank (see :func:`_bank_entry`); None parses and
            validates every file.
    """
    directories = [Path(d) for d in directories]
    topics_path = topics_path or directories[0] / "topics.yaml"
    entry = None
    if cache_dir is not None and not run_checks:
        entry = _bank_entry(cache_dir, directories, topics_path, generators)
        cached = _read_bank(entry) if entry is not None else None
        if cached is not None:
            if strict and cached.errors:
                raise BankLoadError(cached.errors)
            return cached
    from quizapp.loader import read_bank  # the cold path: PyYAML and pydantic

    bank = read_bank(directories, topics_path, generators, cache_dir, generate=run_checks)
    if run_checks:
        from quizapp import checks

        for item_id, problems in checks.check_items(bank.items, bank.raw_lines).items():
            path, line = bank.locations[item_id]
            bank.errors.extend(BankError(path, line + at, item_id, msg) for at, msg in problems)
    bank.errors.sort(key=lambda e: (str(e.path), e.line))
    if entry is not None:
        _write_bank(entry, bank)
    if strict and bank.errors:
        raise BankLoadError(bank.errors)
    return bank


# --- validated bank cache ----------------------------------------------------------------------


_DEPENDS_ON = (
    "bank.py",
    "bankyaml.py",
    "items.py",
    "kinds/__init__.py",
    "kinds/base.py",
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
    "schema.py",
    "syllabus.py",
)
"""The modules whose code decides the validated bank (all of them beside this one)."""


def _library_stamp(package: str, version_file: str) -> bytes:
    """The file holding a library's version, read without importing the library (importing
    pydantic alone would cost more than the whole warm load)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return b"missing"
    return (Path(next(iter(spec.submodule_search_locations))) / version_file).read_bytes()


def _bank_entry(
    cache_dir: Path,
    directories: list[Path],
    topics_path: Path,
    generators: Mapping[str, Any] | None,
) -> Path | None:
    """``bank<hash of the paths>-<hash of everything the result depends on>.json``: every file's
    path and content, the symlinks refused, the generators' names and ranges, the loader's code
    and the pydantic and PyYAML versions. None when a file cannot be read or is too big (the
    loader then reports it)."""
    where = hashlib.sha256(repr([str(topics_path), *map(str, directories)]).encode())
    what = hashlib.sha256(f"{CACHE_FORMAT}".encode())
    gens = (
        None
        if generators is None
        else sorted(
            (n, sorted((k, repr(r)) for k, r in g.ranges.items())) for n, g in generators.items()
        )
    )
    what.update(repr(gens).encode())
    try:
        what.update(_library_stamp("pydantic", "version.py"))
        what.update(_library_stamp("yaml", "__init__.py"))
        here = Path(__file__).parent
        for module in _DEPENDS_ON:
            what.update((here / module).read_bytes())
        syllabus = syllabus_path(topics_path)
        files = [topics_path, *([syllabus] if syllabus.exists() else [])]
        for directory in directories:
            if directory.is_dir():
                listing = list_bank(directory)
                check_bank_size(listing)
                files.extend(listing.files)
                what.update(repr(["outside", *map(str, listing.outside)]).encode())
        for path in files:
            what.update(f"\0{path}\0".encode())
            what.update(hashlib.sha256(read_bank_file(path)).digest())
    except (OSError, TooLarge):
        return None
    return cache_dir / f"bank{where.hexdigest()[:16]}-{what.hexdigest()[:32]}.json"


def _read_bank(entry: Path) -> Bank | None:
    """The cached bank, or None when the entry is missing or damaged."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        return Bank(
            topics={t["id"]: Topic(**t) for t in data["topics"]},
            items={i["id"]: item_from(i) for i in data["items"]},
            locations={k: (Path(p), line) for k, (p, line) in data["locations"].items()},
            errors=[BankError(Path(p), line, i, m) for p, line, i, m in data["errors"]],
            raw_lines=data["raw_lines"],
            syllabus=syllabus_from(data["syllabus"]) if data["syllabus"] else None,
        )
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None


def _write_bank(entry: Path, bank: Bank) -> None:
    """Keep ``bank`` (unless it holds values JSON cannot, such as dates in ``args``)."""
    try:
        text = json.dumps(
            {
                "topics": [_plain(t) for t in bank.topics.values()],
                "items": [_plain(i) for i in bank.items.values()],
                "locations": {k: [str(p), line] for k, (p, line) in bank.locations.items()},
                "errors": [[str(e.path), e.line, e.item_id, e.message] for e in bank.errors],
                "raw_lines": bank.raw_lines,
                "syllabus": _plain_syllabus(bank.syllabus),
            },
            ensure_ascii=False,
        )
    except TypeError:
        return
    write_cache_entry(entry, text)


def _plain_syllabus(syllabus: Syllabus | None) -> dict[str, Any] | None:
    """The syllabus as :func:`quizapp.syllabus.syllabus_from` reads it."""
    if syllabus is None:
        return None
    return {
        "exams": [_plain(e) for e in syllabus.exams.values()],
        "items": [_plain(i) for i in syllabus.items.values()],
    }


def _plain(value: Any) -> Any:
    """An item (or a part of one) as JSON-ready data that reads back equal: a dataclass becomes
    the mapping of its fields. Raises TypeError for what JSON would not give back as it was,
    such as a date or a mapping with number keys."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("mapping keys JSON cannot keep")
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"not cacheable: {type(value).__name__}")
