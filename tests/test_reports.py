"""``quizapp stats``: the plain-text report, and how it fails on a missing or damaged database."""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.reports import print_stats, stats_text
from quizapp.store import CardState, ReviewRecord, Store

BANK_DIR = Path(__file__).parent / "ui" / "bank"
# The forecast buckets by local date: cards are due whole days from T0 or overdue (counted as
# today), so the buckets are the same in any local time zone.
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TITLES = {
    "relu": "ReLUと勾配消失の緩和",
    "gap-cam": "Global Average Pooling と CAM",
    "stride-padding": "ストライド・パディング・出力サイズ",
}


def width(text: str) -> int:
    """Display width in a terminal (wide East Asian characters take two cells)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def review(key: str, correct: bool, at: datetime) -> ReviewRecord:
    generated = key.startswith("gen:")
    return ReviewRecord(
        card_key=key,
        item_id=None if generated else key,
        generator=key[4:] if generated else None,
        seed=5 if generated else None,
        params={"W": 7} if generated else None,
        answer="o",
        correct=correct,
        rating=3 if correct else 1,
        seconds=5.0,
        reviewed_at=at,
        session_id=None,
    )


def card_due(key: str, due: datetime, *, suspended: bool = False) -> CardState:
    fsrs = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 5.0,
        "difficulty": 5.0,
        "due": due.isoformat(),
        "last_review": (due - timedelta(days=5)).isoformat(),
    }
    return CardState(key, fsrs, reps=2, suspended=suspended)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A log of five answers and seven cards with known due dates.

    Answers: trap ✗ then ✓, single choice ✓ then ✗, fill ✓ — 3/5 right; the repeats are one ✓
    and one ✗, so retention is 50 %. relu 2/4, gap-cam 1/1, stride-padding unanswered.
    Cards due: two overdue (today), one tomorrow, one in 3 days, one in 6 days, one in 7 days (the
    8th day) and one suspended overdue card.
    """
    path = tmp_path / "progress.db"
    with Store.open(path) as store:
        at = T0 - timedelta(days=2)
        for key, correct in (
            ("t-relu-zero", False),
            ("c-relu-single", True),
            ("f-gap-name", True),
            ("t-relu-zero", True),
            ("c-relu-single", False),
        ):
            store.record_answer(review(key, correct, at), None)
            at += timedelta(hours=1)
        for key, offset, suspended in (
            ("t-relu-zero", timedelta(days=-2), False),
            ("c-relu-single", timedelta(hours=-1), False),
            ("f-gap-name", timedelta(days=1), False),
            ("c-gap-multi", timedelta(days=3), False),
            ("gen:conv_output_size", timedelta(days=6), False),
            ("retired-a", timedelta(days=7), False),
            ("retired-b", timedelta(days=-1), True),
        ):
            store.save_card(card_due(key, T0 + offset, suspended=suspended), now=T0)
    return path


def test_stats_text_reports_due_cards_retention_and_topics(db: Path, tmp_path: Path) -> None:
    text = stats_text(db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "none.toml", now=T0)
    lines = text.splitlines()
    assert lines[0] == "復習の予定: 今日 2 枚 / 明日 1 枚 / 7日以内 5 枚"
    assert lines[1] == "解答 5 回、正答率 60%、復習時の再生率（retention） 50%"
    assert lines[2] == "学習済みカード 3/5"
    assert not any(line.startswith("試験まで") for line in lines)
    topic_lines = lines[lines.index("トピック別の正答率:") + 1 :]
    assert len(topic_lines) == 2, "only topics with answers are listed"
    relu, gap = topic_lines
    assert TITLES["relu"] in relu and relu.endswith("50%  (2/4)")
    assert TITLES["gap-cam"] in gap and gap.endswith("100%  (1/1)")
    assert width(relu[: relu.index("50%")]) == width(gap[: gap.index("100%")]) + 1, "aligned"


def test_stats_text_with_an_exam_date(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("exam_date = 2026-12-20\n", encoding="utf-8")
    text = stats_text(db_path=db, bank_dirs=[BANK_DIR], config_path=config, now=T0)
    exam_lines = [line for line in text.splitlines() if line.startswith("試験まで")]
    assert len(exam_lines) == 1
    # The five bank cards have a 5-day stability and were last reviewed at most a day after T0: four
    # weeks on, all have faded below the 90 % target. The retired cards are not counted.
    assert exam_lines[0] == "試験まで 28 日（試験日に目標保持率を下回るカード 5 枚）"


def test_stats_text_before_any_answer_lists_every_topic(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    Store.open(db).close()
    text = stats_text(db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "c.toml", now=T0)
    lines = text.splitlines()
    assert lines[0] == "復習の予定: 今日 0 枚 / 明日 0 枚 / 7日以内 0 枚"
    assert lines[1] == "解答 0 回、正答率 —、復習時の再生率（retention） —"
    assert lines[2] == "学習済みカード 0/5"
    topic_lines = lines[lines.index("トピック別の正答率:") + 1 :]
    assert len(topic_lines) == 3
    assert all(line.rstrip().endswith("—  (0/0)") for line in topic_lines)
    assert {title for title in TITLES.values() if any(title in x for x in topic_lines)} == set(
        TITLES.values()
    )


def test_stats_text_with_an_empty_bank_does_not_crash(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    Store.open(db).close()
    empty = tmp_path / "bank"
    empty.mkdir()
    (empty / "topics.yaml").write_text("topics: []\n", encoding="utf-8")
    text = stats_text(db_path=db, bank_dirs=[empty], config_path=tmp_path / "c.toml", now=T0)
    assert "学習済みカード 0/0" in text


def test_print_stats_without_a_database_is_friendly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "nothing" / "progress.db"
    assert print_stats(db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "c.toml") == 0
    out = capsys.readouterr()
    assert "まだ記録がありません" in out.out and str(db) in out.out
    assert out.err == ""
    assert not db.exists() and not db.parent.exists()


def test_print_stats_prints_the_report(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert print_stats(db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "c.toml") == 0
    out = capsys.readouterr().out
    assert out.startswith("復習の予定: 今日 ")
    assert "解答 5 回、正答率 60%" in out


@pytest.mark.parametrize("header", [b"", b"SQLite format 3\x00"], ids=["random", "sqlite-header"])
def test_print_stats_on_a_corrupt_database_fails_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: bytes
) -> None:
    db = tmp_path / "progress.db"
    junk = header + random.Random(1234).randbytes(8192)
    assert not junk.startswith(b"SQLite format 3") or header
    db.write_bytes(junk)
    assert print_stats(db_path=db, bank_dirs=[BANK_DIR], config_path=tmp_path / "c.toml") == 1
    err = capsys.readouterr().err
    assert err.startswith("quizapp stats: ") and str(db) in err
    assert db.read_bytes() == junk
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]


def test_print_stats_with_a_bad_config_fails_cleanly(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("desired_retention = 5\n", encoding="utf-8")
    assert print_stats(db_path=db, bank_dirs=[BANK_DIR], config_path=config) == 1
    err = capsys.readouterr().err
    assert "quizapp stats: " in err and "desired_retention" in err


# --- through the CLI ------------------------------------------------------------------------


def test_cli_stats(
    db: Path, tmp_path: Path, cli_bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    args = ["--db", str(db), "--bank", str(cli_bank), "--config", str(config)]
    assert main(["stats", *args]) == 0
    out = capsys.readouterr().out
    assert "解答 5 回、正答率 60%、復習時の再生率（retention） 50%" in out
    assert "学習済みカード 3/5" in out
    assert TITLES["relu"] in out

    missing = tmp_path / "fresh" / "progress.db"
    assert main(["stats", "--db", str(missing), "--bank", str(cli_bank)]) == 0
    assert "まだ記録がありません" in capsys.readouterr().out
    assert not missing.exists()

    config.write_text("no_such_setting = 1\n", encoding="utf-8")
    assert main(["stats", *args]) == 1
    assert "no_such_setting" in capsys.readouterr().err


def test_cli_stats_db_flag_before_the_command(
    db: Path,
    tmp_path: Path,
    cli_bank: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoy = tmp_path / "decoy" / "progress.db"
    monkeypatch.setenv("QUIZAPP_DB", str(decoy))
    assert main(["--db", str(db), "--bank", str(cli_bank), "stats"]) == 0
    assert "解答 5 回" in capsys.readouterr().out
