"""Where things live: the shipped bank, a user bank, the database and the settings file.

Resolution order everywhere: command-line flag > environment variable > platform default.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

import platformdirs

APP_NAME = "quizapp"


def shipped_bank_dir() -> Path:
    """The bank installed with the package: the directory of the ``questionbank`` package, from
    its import spec (``importlib.resources.files`` gives the same directory, for a few ms more of
    start-up to import it)."""
    spec = find_spec("questionbank")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the questionbank package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def bank_dirs(user_bank: Path | None = None) -> list[Path]:
    """The shipped bank, then the user bank from ``--bank`` or ``QUIZAPP_BANK`` if any."""
    extra = user_bank or (
        Path(os.environ["QUIZAPP_BANK"]) if os.environ.get("QUIZAPP_BANK") else None
    )
    dirs = [shipped_bank_dir()]
    if extra is not None and extra.resolve() != dirs[0].resolve():
        dirs.append(extra)
    return dirs


def db_path(flag: Path | None = None) -> Path:
    """``--db`` > ``QUIZAPP_DB`` > $XDG_DATA_HOME/quizapp/progress.db (platform data dir)."""
    if flag is not None:
        return flag
    if os.environ.get("QUIZAPP_DB"):
        return Path(os.environ["QUIZAPP_DB"])
    return platformdirs.user_data_path(APP_NAME) / "progress.db"


def config_path(flag: Path | None = None) -> Path:
    """``--config`` > ``QUIZAPP_CONFIG`` > $XDG_CONFIG_HOME/quizapp/config.toml."""
    if flag is not None:
        return flag
    if os.environ.get("QUIZAPP_CONFIG"):
        return Path(os.environ["QUIZAPP_CONFIG"])
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def reports_path(db: Path) -> Path:
    """reports.txt beside the progress database: the learner's notes on items that look wrong
    (:mod:`quizapp.errata`), by default $XDG_DATA_HOME/quizapp/reports.txt."""
    return db.parent / "reports.txt"


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/quizapp/bank: parsed bank files, safe to delete at any time."""
    return platformdirs.user_cache_path(APP_NAME) / "bank"
