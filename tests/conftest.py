"""What every test shares: an environment that holds nothing of the person running the suite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.bank import Bank, load_bank
from quizapp.store import Store
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
XDG_DIRS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def user_free_environment(home: Path) -> dict[str, str]:
    """``os.environ`` without any ``QUIZAPP_*`` and with every XDG directory inside ``home``: a
    command started with it cannot load the user's bank (whose code options would run), database
    or settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    return env | {name: str(home / name.lower()) for name in XDG_DIRS}


@pytest.fixture(autouse=True, scope="session")
def _no_user_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """For the whole run, including every process a test starts without its own environment.
    One home for the session: the bank cache in it is keyed by content, so sharing is safe."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in os.environ if k.startswith("QUIZAPP_")]:
            patch.delenv(name)
        for name in XDG_DIRS:
            patch.setenv(name, str(home / name.lower()))
        yield


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a ``quizapp`` command a test starts: nothing of the user's, and its
    own data, settings and cache directories under ``tmp_path``."""
    return user_free_environment(tmp_path / "home")


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The small fixture bank (tests/ui/bank), loaded without errors; one per module."""
    loaded = load_bank([BANK_DIR], generators=REGISTRY)
    assert not loaded.errors, loaded.errors
    return loaded


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh progress database in ``tmp_path``."""
    with Store.open(tmp_path / "progress.db") as opened:
        yield opened


@pytest.fixture
def cli_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture bank as the user bank, with a shipped bank holding only its topics, so the CLI
    sees exactly the fixture items (the real shipped bank is being edited elsewhere)."""
    for name in ("QUIZAPP_DB", "QUIZAPP_BANK", "QUIZAPP_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    shutil.copy(BANK_DIR / "topics.yaml", shipped / "topics.yaml")
    monkeypatch.setattr("quizapp.paths.shipped_bank_dir", lambda: shipped)
    user = tmp_path / "mybank"
    shutil.copytree(BANK_DIR, user)
    (user / "topics.yaml").unlink()
    return user
