"""replace_file: all or nothing, with the permissions the user expects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizapp.files import replace_file


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
