"""Exports: the review log as CSV and the hand-written items as an Anki package, also via the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp import export
from quizapp.bank import Bank
from quizapp.cli import main
from quizapp.items import Source
from quizapp.kinds import Generated, Trap
from quizapp.modes import DRILL
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store
from solvers.generators import REGISTRY

BANK_DIR = Path(__file__).parent / "ui" / "bank"
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
JST = timezone(timedelta(hours=9))
HAND_WRITTEN = {"t-relu-zero", "c-relu-single", "c-gap-multi", "f-gap-name"}
BOM = b"\xef\xbb\xbf"


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
            mode=DRILL,
            queue=["t-relu-zero", "f-gap-name", "gen:conv_output_size"],
            seed=3,
            clock=lambda: now[0],
        ).start()
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


def test_export_csv_writes_a_header_and_one_row_per_review(bank: Bank, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    answered = fill_log(bank, db)
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out, bank_dirs=[BANK_DIR], tz=JST) == 3

    header = next(csv.reader(io.StringIO(out.read_bytes()[len(BOM) :].decode("utf-8"))))
    assert tuple(header) == export.CSV_COLUMNS
    assert header[:7] == [
        "reviewed_at_local",
        "reviewed_at_utc",
        "topic",
        "question",
        "answer",
        "correct",
        "seconds",
    ]

    rows = read_csv(out)
    assert [r["card_key"] for r in rows] == [key for key, _ in answered]
    trap, fill, gen = rows
    assert trap["correct"] == "1" and trap["answer"] == "○" and trap["item_id"] == "t-relu-zero"
    assert trap["topic"] == "ReLUと勾配消失の緩和"
    assert trap["question"] == "ReLU は負の入力に対して 0 を出力し、その区間の勾配も 0 になる。"
    assert trap["seed"] == "" and trap["params"] == "" and trap["generator"] == ""
    assert fill["correct"] == "0" and fill["answer"] == "最大値プーリング、です"
    assert trap["reviewed_at_utc"] == "2026-11-22 12:01:00"
    assert trap["reviewed_at_local"] == "2026-11-22 21:01:00"  # JST
    assert trap["seconds"] == fill["seconds"] == "7.2"  # 7.25 s, to a tenth
    assert trap["rating"] == "3" and fill["rating"] == "1"
    assert trap["session_id"] == fill["session_id"] == gen["session_id"] != ""

    seed, params = answered[2][1]  # type: ignore[misc]
    assert gen["generator"] == "conv_output_size" and gen["item_id"] == "g-conv-size"
    assert gen["topic"] == "ストライド・パディング・出力サイズ"
    assert gen["question"] == "畳み込み層の出力サイズを計算しよう。"
    assert gen["answer"] == "-98765"
    assert int(gen["seed"]) == seed
    assert json.loads(gen["params"]) == json.loads(json.dumps(params))
    assert gen["correct"] == "0"


def test_export_csv_gives_the_options_the_learner_saw_not_their_numbers(
    bank: Bank, tmp_path: Path
) -> None:
    """Options are shuffled: the log's "2" is the bank's second option, shown anywhere. The CSV
    names the options chosen by their text."""
    db = tmp_path / "progress.db"
    picked = []
    with Store.open(db) as store:
        for seed in range(4):
            session = Session(
                bank=bank,
                store=store,
                scheduler=SrsScheduler(fuzz=False),
                generators=REGISTRY,
                mode=DRILL,
                queue=["c-relu-single", "c-gap-multi"],
                seed=seed,
                clock=lambda: T0,
            ).start()
            while (q := session.next_question()) is not None:
                positions = [0, 2] if q.multi else [1]
                session.answer(q, positions, 3.04)
                picked.append(" / ".join(sorted(q.options[p] for p in positions)))
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out, bank_dirs=[BANK_DIR]) == 8
    rows = read_csv(out)
    assert [" / ".join(sorted(r["answer"].split(" / "))) for r in rows] == picked
    assert len({r["answer"] for r in rows if r["item_id"] == "c-relu-single"}) > 1
    assert {r["seconds"] for r in rows} == {"3.0"}


def test_export_csv_keeps_the_logged_answer_of_an_item_no_longer_in_the_bank(
    bank: Bank, tmp_path: Path
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    empty = tmp_path / "empty-bank"
    empty.mkdir()
    assert export.export_csv(db, out, bank_dirs=[empty]) == 3
    trap = read_csv(out)[0]
    assert (trap["answer"], trap["topic"], trap["question"]) == ("○", "", "")


def test_export_csv_of_an_empty_log_is_just_the_header(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    Store.open(db).close()
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out, bank_dirs=[BANK_DIR]) == 0
    assert read_csv(out) == []
    assert out.read_bytes()[len(BOM) :].decode("utf-8").strip() == ",".join(export.CSV_COLUMNS)


def test_export_csv_without_a_database_fails_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    out = tmp_path / "log.csv"
    with pytest.raises(export.ExportError) as exc:
        export.export_csv(db, out, bank_dirs=[BANK_DIR])
    assert "quizapp export" in str(exc.value) and str(db) in str(exc.value)
    assert not out.exists() and not db.exists()


def test_export_csv_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"not a database at all" * 50)
    before = db.read_bytes()
    out = tmp_path / "log.csv"
    with pytest.raises(export.ExportError, match=re.escape(str(db))):
        export.export_csv(db, out, bank_dirs=[BANK_DIR])
    assert not out.exists()
    assert db.read_bytes() == before


def test_export_csv_into_a_missing_directory_fails_cleanly(bank: Bank, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "no" / "such" / "log.csv"
    with pytest.raises(export.ExportError, match=re.escape(str(out))):
        export.export_csv(db, out, bank_dirs=[BANK_DIR])
    assert not out.parent.exists()


def test_export_csv_is_what_excel_in_japan_expects(bank: Bank, tmp_path: Path) -> None:
    """A BOM (or Excel reads Shift_JIS and garbles the Japanese) and CRLF line ends."""
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out, bank_dirs=[BANK_DIR]) == 3
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(b"\r\n") == 4 and raw.count(b"\n") == 4
    assert "最大値プーリング、です".encode() in raw


@pytest.mark.parametrize("target", ["progress.db", "progress.db-wal", "link.db"])
def test_export_csv_never_writes_over_the_database(bank: Bank, tmp_path: Path, target: str) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    (tmp_path / "link.db").hardlink_to(db)
    before = db.read_bytes()
    with pytest.raises(export.ExportError, match="進捗データベースそのもの"):
        export.export_csv(db, tmp_path / target, bank_dirs=[BANK_DIR])
    assert db.read_bytes() == before
    assert not (tmp_path / "progress.db-wal").exists()


def test_a_failed_export_leaves_the_previous_csv(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    out.write_text("earlier export\n", encoding="utf-8")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", full_disk)
    with pytest.raises(export.ExportError, match="No space left"):
        export.export_csv(db, out, bank_dirs=[BANK_DIR])
    assert out.read_text(encoding="utf-8") == "earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "progress.db"]


def test_exported_csv_gets_ordinary_permissions(bank: Bank, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out = tmp_path / "log.csv"
    umask = os.umask(0o022)
    try:
        assert export.export_csv(db, out, bank_dirs=[BANK_DIR]) == 3
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


def test_export_anki_writes_hand_written_items_only(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    assert export.export_anki([BANK_DIR], out, db_path=tmp_path / "p.db") == 4
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
    assert export.export_anki([BANK_DIR], first, db_path=tmp_path / "p.db") == 4
    assert export.export_anki([BANK_DIR], second, db_path=tmp_path / "p.db") == 4
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
    assert export.export_anki([BANK_DIR], before, db_path=tmp_path / "p.db") == 4
    assert export.export_anki([edited], after, db_path=tmp_path / "p.db") == 4
    a, b = apkg_notes(before, tmp_path), apkg_notes(after, tmp_path)
    assert a["t-relu-zero"][1] != b["t-relu-zero"][1], "the note's text changed"
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}


def test_export_anki_with_bank_errors_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "bank"
    shutil.copytree(BANK_DIR, broken)
    (broken / "bad.yaml").write_text("items:\n  - id: Bad Id\n    kind: trap\n", "utf-8")
    out = tmp_path / "deck.apkg"
    with pytest.raises(export.ExportError) as exc:
        export.export_anki([broken], out, db_path=tmp_path / "p.db")
    assert all("bad.yaml" in message for message in exc.value.args)
    assert not out.exists()


def test_export_anki_into_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "no" / "deck.apkg"
    with pytest.raises(export.ExportError, match=re.escape(str(out))):
        export.export_anki([BANK_DIR], out, db_path=tmp_path / "p.db")
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


# --- Anki: never over the database, never a half deck, no temporary file left -------------


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary directory, made private to the test so that what is left there shows."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    return system_tmp


@pytest.mark.parametrize(
    "target",
    ["progress.db", "progress.db-wal", "progress.db-shm", "progress.db-journal", "hard", "soft"],
)
def test_export_anki_never_writes_over_the_database(
    bank: Bank, tmp_path: Path, target: str
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    (tmp_path / "hard").hardlink_to(db)
    (tmp_path / "soft").symlink_to(db)
    before = db.read_bytes()
    with pytest.raises(export.ExportError, match="進捗データベースそのもの"):
        export.export_anki([BANK_DIR], tmp_path / target, db_path=db)
    assert db.read_bytes() == before
    assert (tmp_path / "soft").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard", "progress.db", "soft"]


@pytest.mark.parametrize("target", ["PROGRESS.DB", "Progress.db-WAL"])
def test_the_database_in_another_case_is_the_database(tmp_path: Path, target: str) -> None:
    """A case-insensitive file system (macOS, Windows) opens ``PROGRESS.DB`` as ``progress.db``."""
    db = tmp_path / "progress.db"
    assert export.is_database_file(tmp_path / target, db)
    assert not export.is_database_file(tmp_path / "progress.db.csv", db)
    assert not export.is_database_file(tmp_path / "other" / "progress.db", db)


def test_export_anki_leaves_no_temporary_file(tmp_path: Path, private_tmp: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "deck.apkg"
    for _ in range(2):
        assert export.export_anki([BANK_DIR], out, db_path=tmp_path / "p.db") == 4
        assert list(private_tmp.iterdir()) == []
        assert list(out_dir.iterdir()) == [out]
    assert set(apkg_notes(out, tmp_path)) == HAND_WRITTEN


def test_a_failed_anki_export_leaves_the_previous_deck_and_no_temporary_file(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"previous deck")

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(export.ExportError, match="No space left"):
        export.export_anki([BANK_DIR], out, db_path=tmp_path / "p.db")
    assert out.read_bytes() == b"previous deck"
    assert sorted(tmp_path.iterdir()) == sorted([private_tmp, out])
    assert list(private_tmp.iterdir()) == []


def test_export_anki_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "synced" / "deck.apkg"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "deck.apkg"
    link.symlink_to(real)
    assert export.export_anki([BANK_DIR], link, db_path=tmp_path / "p.db") == 4
    assert link.is_symlink()
    assert set(apkg_notes(real, tmp_path)) == HAND_WRITTEN


# The child dies by SIGKILL once the collection is in the file and the zip is not yet complete.
DIE_WRITING_ANKI = r"""
import os, signal, sys, zipfile
from pathlib import Path
from quizapp import export

real = zipfile.ZipFile.writestr
def writestr(self, name, *args, **kwargs):
    if name == "media":
        self.fp.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, name, *args, **kwargs)
zipfile.ZipFile.writestr = writestr
export.export_anki([Path(sys.argv[1])], Path(sys.argv[2]), db_path=Path(sys.argv[3]))
"""

DIE_WRITING_CSV = r"""
import csv, os, signal, sys
from pathlib import Path
from quizapp import export

real = csv.writer
class HalfWriter:
    def __init__(self, fh):
        self.fh, self.writer = fh, real(fh)
    def writerows(self, rows):
        self.writer.writerows(list(rows)[:2])
        self.fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
csv.writer = HalfWriter
export.export_csv(Path(sys.argv[1]), Path(sys.argv[2]), bank_dirs=[Path(sys.argv[3])])
"""


def run_killed(script: str, *args: Path, system_tmp: Path) -> None:
    """Run ``script`` in a child with its own temporary directory; it must die by SIGKILL."""
    env = {**os.environ, "TMPDIR": str(system_tmp)}
    child = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("previous", [b"previous deck", None])
def test_anki_export_killed_mid_write_leaves_the_previous_deck(
    tmp_path: Path, private_tmp: Path, previous: bytes | None
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "deck.apkg"
    if previous is not None:
        out.write_bytes(previous)
    db = tmp_path / "p.db"
    for _ in range(2):
        run_killed(DIE_WRITING_ANKI, BANK_DIR, out, db, system_tmp=private_tmp)
        if previous is None:
            assert not out.exists()
        else:
            assert out.read_bytes() == previous
        assert list(private_tmp.iterdir()) == []
        # each start removed what the writer killed before it left; the last one's file is here
        assert len(list(out_dir.iterdir())) == (previous is not None) + 1

    assert export.export_anki([BANK_DIR], out, db_path=db) == 4
    assert list(out_dir.iterdir()) == [out]
    assert list(private_tmp.iterdir()) == []
    assert set(apkg_notes(out, tmp_path)) == HAND_WRITTEN


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_csv_export_killed_mid_write_leaves_nothing_after_the_next_export(
    bank: Bank, tmp_path: Path, private_tmp: Path
) -> None:
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "log.csv"
    out.write_text("earlier export\n", encoding="utf-8")
    unrelated = [out_dir / ".log.csv.notmine.tmp", out_dir / "log.csv.12345678.tmp"]
    for path in unrelated:
        path.write_text("someone else's", encoding="utf-8")
    for _ in range(3):
        run_killed(DIE_WRITING_CSV, db, out, BANK_DIR, system_tmp=private_tmp)
        assert out.read_text(encoding="utf-8") == "earlier export\n"
        # each start removed what the writer killed before it left; the last one's file is here
        assert len(list(out_dir.iterdir())) == 1 + len(unrelated) + 1

    assert export.export_csv(db, out, bank_dirs=[BANK_DIR]) == 3
    assert sorted(out_dir.iterdir()) == sorted([out, *unrelated])
    assert len(read_csv(out)) == 3


# --- through the CLI ------------------------------------------------------------------------


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


def test_cli_export_anki_refuses_the_database(
    bank: Bank, tmp_path: Path, cli_bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export that destroyed ten answers: the deck written over the progress database."""
    db = tmp_path / "progress.db"
    fill_log(bank, db)
    before = db.read_bytes()
    args = ["--db", str(db), "--bank", str(cli_bank)]
    assert main(["export", "--anki", str(db), *args]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"quizapp export: {db}: 進捗データベースそのものには書き出せません"
    ]
    assert db.read_bytes() == before
    with Store.open(db) as store:
        assert len(store.reviews()) == 3


def test_cli_export_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export"])
    assert exc.value.code == 2
    assert "--csv" in capsys.readouterr().err
