"""The question bank the app works with, and :func:`load_bank`, which gives it quickly.

Loading means parsing YAML and validating every item (:mod:`quizapp.loader`), most of a cold
start. The result depends only on the files, the code and the library versions, so it is kept as
JSON in a cache directory and rebuilt from there as plain :mod:`quizapp.items` dataclasses: a warm
start imports neither pydantic nor PyYAML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from quizapp.bankdata import CACHE_FORMAT, Bank, BankError, BankLoadError
from quizapp.bankfiles import (
    TooLarge,
    bank_files,
    check_bank_size,
    list_bank,
    read_bank_file,
    syllabus_path,
)
from quizapp.files import write_cache_entry
from quizapp.items import Topic, item_from
from quizapp.syllabus import Syllabus, syllabus_from

__all__ = ["Bank", "BankError", "BankLoadError", "bank_files", "load_bank"]


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
    "bankdata.py",
    "bankfiles.py",
    "bankyaml.py",
    "items.py",
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
