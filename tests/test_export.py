"""Exports: the review log as CSV and the hand-written items as an Anki package, also via the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp import export
from quizapp.bank import Bank, load_bank
from quizapp.cli import main
from quizapp.items import Generated, Source, Trap
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
HAND_WRITTEN = {"t-relu-zero", "c-relu-single", "c-gap-multi", "f-gap-name"}
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def bank() -> Bank:
    loaded = load_bank([BANK_DIR], generators=REGISTRY)
    assert not loaded.errors, loaded.errors
    return loaded


def fill_log(bank: Bank, db: Path) -> list[tuple[str, object]]:
    """Answer the trap (right), the fill (wrong, in Japanese) and a generated problem; return
    (card key, seed/params of the problem) for each answer."""
    now = [T0]
    with Store.open(db) as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False),
            generators=REGISTRY,
            mode="drill",
            queue=["t-relu-zero", "f-gap-name", "gen:conv_output_size"],
            seed=3,
            clock=lambda: now[0],
        )
        out = []
        responses = {"trap": "o", "fill": ["最大値プーリング、です"], "numeric": "-98765"}
        while (q := session.next_question()) is not None:
            now[0] += timedelta(minutes=1)
            session.answer(q, responses[q.kind], 7.25)
            problem = q.problem
            out.append((q.card_key, None if problem is None else (problem.seed, problem.params)))
        session.finish()
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    return list(csv.DictReader(io.StringIO(raw[len(BOM) :].decode("utf-8"), newline="")))


# --- CSV ------------------------------------------------------------------------------------


def test_export_csv_writes_a_header_and_one_row_per_review(
    bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.db"
    answered = fill_log(bank, db)
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out) == 0
    assert "3 reviews" in capsys.readouterr().out

    header = next(csv.reader(io.StringIO(out.read_bytes()[len(BOM) :].decode("utf-8"))))
    assert tuple(header) == export.CSV_COLUMNS
    assert {"reviewed_at", "card_key", "seed", "params", "correct", "misconception"} <= set(header)

    rows = read_csv(out)
    assert [r["card_key"] for r in rows] == [key for key, _ in answered]
    trap, fill, gen = rows
    assert trap["correct"] == "1" and trap["answer"] == "○" and trap["item_id"] == "t-relu-zero"
    assert trap["seed"] == "" and trap["params"] == "" and trap["generator"] == ""
    assert fill["correct"] == "0" and fill["answer"] == "最大値プーリング、です"
    assert datetime.fromisoformat(trap["reviewed_at"]) == T0 + timedelta(minutes=1)
    assert float(trap["seconds"]) == 7.25 and trap["rating"] == "3" and fill["rating"] == "1"
    assert trap["session_id"] == fill["session_id"] == gen["session_id"] != ""

    seed, params = answered[2][1]  # type: ignore[misc]
    assert gen["generator"] == "conv_output_size" and gen["item_id"] == "g-conv-size"
    assert int(gen["seed"]) == seed
    assert json.loads(gen["params"]) == json.loads(json.dumps(params))
    assert gen["correct"] == "0"


def test_export_csv_of_an_empty_log_is_just_the_header(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    Store.open(db).close()
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out) == 0
    assert read_csv(out) == []
    assert out.read_bytes()[len(BOM) :].decode("utf-8").strip() == ",".join(export.CSV_COLUMNS)


def test_export_csv_without_a_database_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "missing.db"
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out) == 1
    err = capsys.readouterr().err
    assert "quizapp export" in err and str(db) in err
    assert not out.exists() and not db.exists()


def test_export_csv_refuses_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"not a database at all" * 50)
    before = db.read_bytes()
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out) == 1
    assert str(db) in capsys.readouterr().err
    assert not out.exists()
    assert db.read_bytes() == before


def test_export_csv_into_a_missing_directory_fails_cleanly(
    bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "no" / "such" / "log.csv"
    assert export.export_csv(db, out) == 1
    assert str(out) in capsys.readouterr().err
    assert not out.parent.exists()


def test_export_csv_is_what_excel_in_japan_expects(bank: Bank, tmp_path: Path) -> None:
    """A BOM (or Excel reads Shift_JIS and garbles the Japanese) and CRLF line ends."""
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out) == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(b"\r\n") == 4 and raw.count(b"\n") == 4
    assert "最大値プーリング、です".encode() in raw


@pytest.mark.parametrize("target", ["progress.db", "progress.db-wal", "link.db"])
def test_export_csv_never_writes_over_the_database(
    bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    (tmp_path / "link.db").hardlink_to(db)
    before = db.read_bytes()
    assert export.export_csv(db, tmp_path / target) == 1
    assert "進捗データベースそのもの" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert not (tmp_path / "progress.db-wal").exists()


def test_a_failed_export_leaves_the_previous_csv(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    out.write_text("earlier export\n", encoding="utf-8")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", full_disk)
    assert export.export_csv(db, out) == 1
    assert "No space left" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "progress.db"]


def test_exported_csv_gets_ordinary_permissions(bank: Bank, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    umask = os.umask(0o022)
    try:
        assert export.export_csv(db, out) == 0
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644


# --- Anki -----------------------------------------------------------------------------------


def apkg_notes(path: Path, tmp_path: Path) -> dict[str, tuple[str, list[str], str]]:
    """Id field → (guid, fields, tags) of every note in an .apkg."""
    with zipfile.ZipFile(path) as z:
        assert "collection.anki2" in z.namelist()
        target = tmp_path / f"{path.stem}-collection.anki2"
        target.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(target)
    try:
        rows = conn.execute("SELECT guid, flds, tags FROM notes").fetchall()
        cards = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    finally:
        conn.close()
    assert cards == len(rows)
    out = {}
    for guid, flds, tags in rows:
        fields = flds.split("\x1f")
        out[fields[2]] = (guid, fields, tags)
    assert len(out) == len(rows)
    return out


def test_export_anki_writes_hand_written_items_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.apkg"
    assert export.export_anki([BANK_DIR], out) == 0
    assert "4 notes" in capsys.readouterr().out
    assert zipfile.is_zipfile(out)
    notes = apkg_notes(out, tmp_path)
    assert set(notes) == HAND_WRITTEN
    assert "g-conv-size" not in notes
    _, fields, tags = notes["t-relu-zero"]
    assert "○" in fields[1] and "Leaky ReLU" in fields[1]
    assert set(tags.split()) == {"relu", "exam-G"}
    _, fields, _ = notes["f-gap-name"]
    assert "【1】" in fields[1] and "GAP" in fields[1]


def test_anki_notes_keep_their_guids_across_exports(tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert export.export_anki([BANK_DIR], first) == 0
    assert export.export_anki([BANK_DIR], second) == 0
    a, b = apkg_notes(first, tmp_path), apkg_notes(second, tmp_path)
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}
    assert len({v[0] for v in a.values()}) == len(a)


def test_anki_guid_survives_editing_an_item(tmp_path: Path) -> None:
    edited = tmp_path / "bank"
    shutil.copytree(BANK_DIR, edited)
    items = edited / "items.yaml"
    text = items.read_text("utf-8")
    old = "これが Dying ReLU の原因になります。"
    assert old in text
    items.write_text(text.replace(old, "Dying ReLU の原因です（説明を改訂）。"), "utf-8")
    before, after = tmp_path / "before.apkg", tmp_path / "after.apkg"
    assert export.export_anki([BANK_DIR], before) == 0
    assert export.export_anki([edited], after) == 0
    a, b = apkg_notes(before, tmp_path), apkg_notes(after, tmp_path)
    assert a["t-relu-zero"][1] != b["t-relu-zero"][1], "the note's text changed"
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}


def test_export_anki_with_bank_errors_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "bank"
    shutil.copytree(BANK_DIR, broken)
    (broken / "bad.yaml").write_text("items:\n  - id: Bad Id\n    kind: trap\n", "utf-8")
    out = tmp_path / "deck.apkg"
    assert export.export_anki([broken], out) == 1
    assert "bad.yaml" in capsys.readouterr().err
    assert not out.exists()


def test_export_anki_into_a_missing_directory_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no" / "deck.apkg"
    assert export.export_anki([BANK_DIR], out) == 1
    assert str(out) in capsys.readouterr().err
    assert not out.parent.exists()


def test_build_deck_has_one_note_per_hand_written_item(bank: Bank) -> None:
    deck = export.build_deck(bank)
    ids = [note.fields[2] for note in deck.notes]
    hand = [k for k, item in bank.items.items() if not isinstance(item, Generated)]
    assert sorted(ids) == sorted(hand)
    assert export.build_deck(bank).deck_id == deck.deck_id


def test_anki_fields_escape_html_and_mark_answers(bank: Bank) -> None:
    trap = Trap(
        id="t-html",
        exams=["G"],
        topic="relu",
        difficulty=1,
        prompt="x < 0 のとき <b>ReLU</b> の出力は 0。\n二行目",
        truth=False,
        confused_with="a & b",
        explanation="説明 <i>",
        source=Source(doc="x.txt", section="s"),
    )
    front, back = export.anki_fields(trap)
    assert "x &lt; 0" in front and "&lt;b&gt;ReLU&lt;/b&gt;" in front and "<br>二行目" in front
    assert "<b>×</b>" in back and "a &amp; b" in back and "説明 &lt;i&gt;" in back
    single = bank.items["c-relu-single"]
    front, back = export.anki_fields(single)  # type: ignore[arg-type]
    assert front.count("<li>") == 4
    assert back.count("<b>正解</b>") == 1
    multi = bank.items["c-gap-multi"]
    assert export.anki_fields(multi)[1].count("<b>正解</b>") == 2  # type: ignore[arg-type]


# --- through the CLI ------------------------------------------------------------------------


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


def test_cli_export_csv(
    bank: Bank, tmp_path: Path, cli_bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    args = ["--db", str(db), "--bank", str(cli_bank), "--config", str(tmp_path / "c.toml")]
    assert main(["export", "--csv", str(out), *args]) == 0
    assert len(read_csv(out)) == 3
    capsys.readouterr()
    assert main(["export", "--csv", str(tmp_path / "x.csv"), "--db", str(tmp_path / "no.db")]) == 1
    assert "no.db" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "no.db").exists()


def test_cli_export_anki(tmp_path: Path, cli_bank: Path) -> None:
    out = tmp_path / "deck.apkg"
    args = ["--db", str(tmp_path / "p.db"), "--bank", str(cli_bank)]
    assert main(["export", "--anki", str(out), *args]) == 0
    assert set(apkg_notes(out, tmp_path)) == HAND_WRITTEN
    assert not (tmp_path / "p.db").exists()


def test_cli_export_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export"])
    assert exc.value.code == 2
    assert "--csv" in capsys.readouterr().err
