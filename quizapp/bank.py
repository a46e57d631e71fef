"""The question bank the app works with, and :func:`load_bank`, which gives it quickly.

Loading means parsing YAML and validating every item (:mod:`quizapp.loader`), most of a cold
start. The result depends only on the files, the code and the library versions, so it is kept in
a cache directory (:mod:`quizapp.bankcache`) and rebuilt from there as plain
:mod:`quizapp.items` dataclasses: a warm start imports neither pydantic nor PyYAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from quizapp import bankcache
from quizapp.bankdata import Bank, BankError, BankLoadError
from quizapp.bankfiles import TooLarge, bank_files

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
            ``run_checks``, the validated bank (see :mod:`quizapp.bankcache`); None parses and
            validates every file.
    """
    directories = [Path(d) for d in directories]
    topics_path = topics_path or directories[0] / "topics.yaml"
    key = None
    if cache_dir is not None and not run_checks:
        key = bankcache.cache_key(cache_dir, directories, topics_path, generators)
        cached = bankcache.read_bank(key) if key is not None else None
        if cached is not None:
            if strict and cached.errors:
                raise BankLoadError(cached.errors)
            return cached
        key = _hashed(key)
    from quizapp.loader import read_bank  # the cold path: PyYAML and pydantic

    bank = read_bank(directories, topics_path, generators, cache_dir, generate=run_checks)
    if run_checks:
        from quizapp import checks

        for item_id, problems in checks.check_items(bank.items, bank.raw_lines).items():
            path, line = bank.locations[item_id]
            bank.errors.extend(BankError(path, line + at, item_id, msg) for at, msg in problems)
    bank.errors.sort(key=lambda e: (str(e.path), e.line))
    if key is not None:
        bankcache.write_bank(key, bank)
    if strict and bank.errors:
        raise BankLoadError(bank.errors)
    return bank


def _hashed(key: bankcache.CacheKey | None) -> bankcache.CacheKey | None:
    """``key`` with its content hashed before the files are read for validating: a file edited
    meanwhile then gives the entry a key of other content (a miss next time), never the key of
    content it does not hold. None when a file cannot be read (the loader reports it)."""
    if key is None:
        return None
    try:
        key.by_content()
    except (OSError, TooLarge):
        return None
    return key
