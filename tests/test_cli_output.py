"""What the command prints: text from a bank, a settings file, a path or the command line reaches
the terminal as visible text, one line per message, and can neither steer the terminal nor forge
a line of the command's own."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.store import Store

BANK_DIR = Path(__file__).parent / "ui" / "bank"
CLEAR = "\x1b[2J"
FORGED = "ok: 999 items FAKE"
HOSTILE_ITEMS = r"""items:
  - id: "\e[2J\nok: 999 items FAKE"
    kind: trap
    prompt: "\e]52;c;ZXZpbA==\a\nline two\r\e[1A"
  - id: t-hostile
    kind: trap
    exams: [G]
    topic: "\e]0;title\a\nok: fake"
    difficulty: 1
    prompt: "a\e[2Jb\nc"
    truth: true
    confused_with: "\x9b31m"
    explanation: y
    source: {doc: "d\e[2J\n", section: s}
"""


def controls(text: str) -> set[str]:
    """The control characters in ``text`` other than the newlines that end its lines."""
    return {c for c in text if unicodedata.category(c) == "Cc" and c != "\n"}


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No environment variable, user cache or shipped bank reaches the command: only the
    fixture bank's topics are shipped."""
    for name in ("QUIZAPP_DB", "QUIZAPP_BANK", "QUIZAPP_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    shutil.copy(BANK_DIR / "topics.yaml", shipped / "topics.yaml")
    monkeypatch.setattr("quizapp.paths.shipped_bank_dir", lambda: shipped)
    monkeypatch.setattr("quizapp.paths.cache_dir", lambda: tmp_path / "cache")
    return tmp_path


@pytest.fixture
def hostile_bank(isolated: Path) -> Path:
    bank = isolated / "bank"
    bank.mkdir()
    (bank / "items.yaml").write_text(HOSTILE_ITEMS, encoding="utf-8")
    (bank / f"evil{CLEAR}\n{FORGED}.yaml").write_text(HOSTILE_ITEMS, encoding="utf-8")
    return bank


def test_validate_prints_one_visible_line_per_error(
    hostile_bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(hostile_bank)]) == 1
    out, err = capsys.readouterr()
    assert controls(out) == set() and controls(err) == set()
    lines = out.splitlines()
    assert err.splitlines() == [f"{len(lines)} error(s)"]
    assert len(lines) >= 4
    assert all(line.startswith(f"{hostile_bank}/") for line in lines), lines
    assert not any(line.startswith(FORGED) for line in out.splitlines())
    assert any(r"\x1b[2J\x0aok: 999 items FAKE: id:" in line for line in lines)
    assert any(f"evil\\x1b[2J\\x0a{FORGED}.yaml:" in line for line in lines)


def test_app_start_with_a_hostile_bank_prints_visible_lines(
    hostile_bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = hostile_bank.parent / "p.db"
    assert main(["--db", str(db), "--bank", str(hostile_bank)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert controls(err) == set()
    assert "\\x1b[2J" in err
    assert not any(line.startswith(FORGED) for line in err.splitlines())


def test_stats_shows_a_hostile_topic_title_as_text(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topics = isolated / "shipped" / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    hostile = text.replace("title: ReLUと勾配消失の緩和,", 'title: "\\e[2J\\nReLUと勾配",')
    assert hostile != text
    topics.write_text(hostile, encoding="utf-8")
    db = isolated / "p.db"
    Store.open(db).close()
    args = ["--db", str(db), "--bank", str(BANK_DIR), "--config", str(isolated / "c.toml")]
    assert main(["stats", *args]) == 0
    out, err = capsys.readouterr()
    assert controls(out + err) == set()
    assert "\\x1b[2J\\x0aReLUと勾配" in out


@pytest.mark.parametrize("command", ["csv", "anki"])
def test_export_messages_show_a_hostile_path_as_text(
    isolated: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    db = isolated / "p.db"
    Store.open(db).close()
    out = isolated / f"no{CLEAR}\n{FORGED}" / "file"
    bank = ["--bank", str(BANK_DIR)]
    assert main(["export", f"--{command}", str(out), "--db", str(db), *bank]) == 1
    printed, err = capsys.readouterr()
    assert printed == ""
    assert controls(err) == set()
    assert len(err.splitlines()) == 1
    assert "\\x1b[2J\\x0aok: 999" in err


def test_export_success_message_shows_the_path_as_text(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = isolated / f"deck{CLEAR}.apkg"
    args = ["--db", str(isolated / "p.db"), "--bank", str(BANK_DIR)]
    assert main(["export", "--anki", str(out), *args]) == 0
    printed = capsys.readouterr().out
    assert controls(printed) == set()
    assert printed.splitlines() == [f"4 notes written to {isolated}/deck\\x1b[2J.apkg"]


def test_a_stray_argument_is_shown_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["schema", f"x{CLEAR}\n{FORGED}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert controls(err) == set()
    assert "\\x1b[2J" in err
    assert not any(line.startswith(FORGED) for line in err.splitlines())


def test_a_missing_bank_directory_is_named_as_text(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = isolated / f"bank{CLEAR}\n{FORGED}"
    assert main(["validate", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert controls(out + err) == set()
    assert out.splitlines() == [
        f"{isolated}/bank\\x1b[2J\\x0a{FORGED}:1: -: bank directory not found"
    ]
