"""replace_file: all or nothing, with the permissions the user expects, and nothing left behind
by a writer that was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizapp.files import (
    STALE_AFTER,
    remove_stale_temporaries,
    replace_file,
    replace_file_bytes,
    write_cache_entry,
)


def test_replaces_the_text_and_keeps_the_old_permissions(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    replace_file(target, lambda fh: fh.write("new\r\n"))
    assert target.read_bytes() == b"new\r\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [target]


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        replace_file(tmp_path / "f.txt", lambda fh: fh.write("x"))
    finally:
        os.umask(umask)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o640


def test_an_error_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old\n", encoding="utf-8")

    def fail(fh) -> None:
        fh.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_file(target, fail)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_bytes_go_through_the_same_single_step(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def fail(fh) -> None:
        fh.write(b"\x00half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_file_bytes(target, fail)
    assert target.read_bytes() == b"old"
    replace_file_bytes(target, lambda fh: fh.write(b"\x00\xffnew"))
    assert target.read_bytes() == b"\x00\xffnew"
    assert list(tmp_path.iterdir()) == [target]


def dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def leftover(directory: Path, name: str, *, age: float = 0.0) -> Path:
    path = directory / name
    path.write_text("half", encoding="utf-8")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def test_the_next_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    dead = leftover(tmp_path, f".out.csv.{dead_pid()}.ab_cd123.tmp")
    old = leftover(tmp_path, f".out.csv.{os.getppid()}.abcdefgh.tmp", age=2 * STALE_AFTER)
    before_pids = leftover(tmp_path, ".out.csv.k2j4h5g6.tmp", age=2 * STALE_AFTER)
    replace_file(target, lambda fh: fh.write("x"))
    assert not dead.exists() and not old.exists() and not before_pids.exists()
    assert list(tmp_path.iterdir()) == [target]


def test_a_running_writer_and_files_not_ours_are_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    kept = [
        leftover(tmp_path, f".out.csv.{os.getppid()}.abcdefgh.tmp"),  # a live writer
        leftover(tmp_path, f".out.csv.{os.getpid()}.abcdefgh.tmp"),  # perhaps our own
        leftover(tmp_path, ".out.csv.k2j4h5g6.tmp"),  # fresh, writer unknown
    ]
    old = 2 * STALE_AFTER
    dead = dead_pid()
    kept += [
        leftover(tmp_path, f".other.csv.{dead}.abcdefgh.tmp", age=old),
        leftover(tmp_path, f"out.csv.{dead}.abcdefgh.tmp", age=old),
        leftover(tmp_path, f".out.csv.{dead}.abcdefgh.tmp.bak", age=old),
        leftover(tmp_path, f".out.csv.{dead}.ABCDEFGH.tmp", age=old),
        leftover(tmp_path, f".out.csv.{dead}.abcdefg.tmp", age=old),
        leftover(tmp_path, ".out.csv.mine.tmp", age=old),
    ]
    (tmp_path / f".out.csv.{dead}.directry.tmp").mkdir()
    (tmp_path / f".out.csv.{dead}.symlinkk.tmp").symlink_to(kept[0])
    replace_file(target, lambda fh: fh.write("x"))
    assert all(path.exists() for path in kept)
    assert len(list(tmp_path.iterdir())) == len(kept) + 3


def test_an_unreadable_directory_does_not_stop_the_write(tmp_path: Path) -> None:
    remove_stale_temporaries(tmp_path / "missing" / "out.csv")


def test_a_cache_entry_write_removes_a_killed_writers_temporary(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    killed = leftover(cache, f"bank-2.json.{dead_pid()}.tmp")
    running = leftover(cache, f"bank-2.json.{os.getppid()}.tmp")
    write_cache_entry(cache / "bank-3.json", "{}")
    assert not killed.exists() and running.exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted(["bank-3.json", running.name])


def test_a_failed_cache_write_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    write_cache_entry(tmp_path / "bank-1.json", "{}")
    assert list(tmp_path.iterdir()) == []
