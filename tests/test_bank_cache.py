"""The validated bank's cache: keyed by stat and by content, read only when it is the user's own
and whole, and decoded item by item."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp import bankcache
from quizapp.bank import load_bank
from quizapp.bankcache import LazyItems
from tests.test_bank import GENERATORS, GOOD, _same_bank, write_bank

posix_only = pytest.mark.skipif(not hasattr(os, "getuid"), reason="file owners are POSIX")


@pytest.fixture
def trusted_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment ago are trusted by their stat as files written long ago are."""
    monkeypatch.setattr(bankcache, "RACY_NS", 0)


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times a bank's files are read to compute the content key."""
    calls: list[int] = []
    real = bankcache._Inputs.content_digest

    def counting(self: bankcache._Inputs) -> bytes:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(bankcache._Inputs, "content_digest", counting)
    return calls


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("bank*.marshal")
    return entry


def test_unchanged_files_are_recognised_by_their_stat_alone(
    tmp_path: Path, trusted_stats: None, hashes: list[int]
) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    hashes.clear()
    _same_bank(load_bank([root], generators=GENERATORS, cache_dir=cache), fresh)
    assert not hashes, "a warm start read every bank file to hash it"


def test_an_edit_keeping_size_and_mtime_is_seen(tmp_path: Path, trusted_stats: None) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    path = root / "a.yaml"
    before = path.stat()
    edited = GOOD.replace(
        "ReLUは負の入力に対して0を出力する。", "ReLUは正の入力に対して0を出力する。"
    )
    assert len(edited.encode()) == before.st_size
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or a restore would
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert bank.items["relu-trap"].prompt == "ReLUは正の入力に対して0を出力する。"


def test_files_changed_a_moment_ago_are_hashed_not_trusted(
    tmp_path: Path, hashes: list[int]
) -> None:
    # within RACY_NS of an edit, a second edit in the same timestamp tick could keep every stat
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    hashes.clear()
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert hashes == [1]


def test_a_touched_file_is_hashed_once_then_trusted_again(
    tmp_path: Path, trusted_stats: None, hashes: list[int]
) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    os.utime(root / "a.yaml")
    hashes.clear()
    first = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert hashes == [1] and isinstance(first.items, LazyItems)  # same content: still a hit
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert hashes == [1]


def test_the_key_covers_every_module_the_loader_runs() -> None:
    code = (
        "import sys, quizapp.loader, quizapp.bank\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('quizapp.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = Path(bankcache.__file__).parent
    modules = {Path(f).relative_to(here).as_posix() for f in out.stdout.split()}
    assert modules <= set(bankcache._DEPENDS_ON)


def test_a_cached_bank_decodes_an_item_only_when_it_is_looked_up(tmp_path: Path) -> None:
    from quizapp.session import card_key_for, new_cards_today
    from quizapp.store import Store

    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert isinstance(bank.items, LazyItems)
    assert len(bank.items) == 4 and "relu-fill" in bank.items and "nope" not in bank.items
    assert bank.generator_of() == {"stride-gen": "conv_output_size"}
    from datetime import UTC, datetime

    with Store.open(tmp_path / "p.db") as store:
        cards = new_cards_today(bank, store, datetime(2026, 1, 1, tzinfo=UTC), 10, seed=1)
    assert sorted(cards) == sorted({card_key_for(i) for i in fresh.items.values()})
    assert not bank.items._decoded
    assert bank.items["relu-fill"] == fresh.items["relu-fill"]
    assert list(bank.items._decoded) == ["relu-fill"]


# --- what is read ---------------------------------------------------------------------------


def _cached(tmp_path: Path) -> tuple[Path, Path, object]:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    return root, cache, fresh


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_entry_is_a_miss(tmp_path_factory: pytest.TempPathFactory, data) -> None:
    root, cache, fresh = _cached(tmp_path_factory.mktemp("damage"))
    entry = _entry(cache)
    raw = bytearray(entry.read_bytes())  # its length varies with the temporary path
    damage = data.draw(st.sampled_from(["truncate", "flip", "append", "replace"]))
    if damage == "truncate":
        raw = raw[: data.draw(st.integers(0, 2**20)) % len(raw)]
    elif damage == "flip":
        at = data.draw(st.integers(0, 2**20)) % len(raw)
        raw[at] ^= data.draw(st.integers(1, 255))
    elif damage == "append":
        raw += data.draw(st.binary(min_size=1, max_size=64))
    else:
        raw = bytearray(data.draw(st.binary(max_size=256)))
    entry.write_bytes(bytes(raw))
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    _same_bank(bank, fresh)


def test_an_entry_of_another_python_or_format_is_a_miss(tmp_path: Path) -> None:
    root, cache, fresh = _cached(tmp_path)
    entry = _entry(cache)
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(sys.implementation.cache_tag.encode(), b"cpython-99", 1))
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert not isinstance(bank.items, LazyItems)  # validated again
    _same_bank(bank, fresh)


@posix_only
@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_an_entry_others_may_write_is_never_read(tmp_path: Path, mode: int) -> None:
    root, cache, fresh = _cached(tmp_path)
    entry = _entry(cache)
    entry.chmod(mode)
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert not isinstance(bank.items, LazyItems)
    _same_bank(bank, fresh)
    assert _entry(cache).stat().st_mode & 0o777 == 0o600  # written again, owner-only


@posix_only
def test_a_cache_directory_others_may_write_is_never_read_and_is_closed(tmp_path: Path) -> None:
    root, cache, fresh = _cached(tmp_path)
    cache.chmod(0o777)
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert not isinstance(bank.items, LazyItems)
    _same_bank(bank, fresh)
    assert cache.stat().st_mode & 0o022 == 0
    assert isinstance(load_bank([root], generators=GENERATORS, cache_dir=cache).items, LazyItems)


@posix_only
def test_a_symlinked_entry_is_never_followed(tmp_path: Path) -> None:
    root, cache, fresh = _cached(tmp_path)
    entry = _entry(cache)
    elsewhere = tmp_path / "planted"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert not isinstance(bank.items, LazyItems)
    _same_bank(bank, fresh)
