"""Exports: the review log as CSV, and the hand-written items as an Anki deck for phone review."""

from __future__ import annotations

import csv
import html
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.bank import Bank, load_bank
from quizapp.files import replace_file
from quizapp.items import Choice, Fill, Generated, Trap

if TYPE_CHECKING:
    from quizapp.store import ReviewRecord

CSV_COLUMNS = (
    "id",
    "reviewed_at",
    "card_key",
    "item_id",
    "generator",
    "seed",
    "params",
    "answer",
    "correct",
    "rating",
    "seconds",
    "misconception",
    "session_id",
)

# Fixed ids so that re-importing an updated deck updates the same notes instead of duplicating them.
ANKI_MODEL_ID = 1_716_203_401
ANKI_DECK_ID = 1_716_203_402


def export_csv(db_path: Path, out: Path) -> int:
    """Write every review in the log to ``out``; print what happened and return the exit code.

    UTF-8 with a BOM and CRLF line ends: Excel in a Japanese locale reads a CSV without a BOM as
    Shift_JIS and garbles every Japanese answer. The rows go to a temporary file renamed over
    ``out`` at the end, so a failed export leaves an existing ``out`` as it was, and ``out`` may not
    be the database (or its ``-wal``/``-shm`` files).
    """
    from quizapp.store import Store, StoreError

    if _is_database_file(out, db_path):
        print(f"quizapp export: {out}: 進捗データベースそのものには書き出せません", file=sys.stderr)
        return 1
    try:
        with Store.open(db_path, create=False) as store:
            reviews = store.reviews()
    except StoreError as exc:
        print(f"quizapp export: {exc}", file=sys.stderr)
        return 1
    try:
        rows = [CSV_COLUMNS, *(_csv_row(review) for review in reviews)]
        replace_file(out, lambda fh: csv.writer(fh).writerows(rows), encoding="utf-8-sig")
    except OSError as exc:
        print(f"quizapp export: {out}: 書き込めません ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"{len(reviews)} reviews written to {out}")
    return 0


def _csv_row(review: ReviewRecord) -> list[object]:
    row: dict[str, object] = {**review.__dict__}
    row["params"] = json.dumps(review.params, ensure_ascii=False) if review.params else ""
    row["reviewed_at"] = review.reviewed_at.isoformat()
    row["correct"] = int(review.correct)
    return ["" if row.get(c) is None else row[c] for c in CSV_COLUMNS]


def _is_database_file(out: Path, db_path: Path) -> bool:
    target = out.resolve()
    db = db_path.resolve()
    if target in {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}:
        return True
    try:
        return os.path.samefile(out, db_path)
    except OSError:
        return False


def anki_fields(item: Trap | Choice | Fill) -> tuple[str, str]:
    """Front and back (HTML) of one item's note."""
    prompt = _html(item.prompt)
    if isinstance(item, Trap):
        front = f"{prompt}<br><br>○ か × か"
        back = f"<b>{'○' if item.truth else '×'}</b>（{_html(item.confused_with)}）"
    elif isinstance(item, Choice):
        code = f"<pre>{html.escape(item.code.template)}</pre>" if item.code else ""
        options = "".join(f"<li>{_html(o.text)}</li>" for o in item.options)
        front = f"{prompt}{code}<ol>{options}</ol>"
        back = (
            "<ol>"
            + "".join(
                f"<li>{'<b>正解</b> ' if i in item.correct else ''}{_html(o.rationale)}</li>"
                for i, o in enumerate(item.options)
            )
            + "</ol>"
        )
    else:
        front = prompt
        back = "<br>".join(
            f"【{n}】 " + (" / ".join(map(_html, b.answers)) if b.answers else f"{b.number:g}")
            for n, b in enumerate(item.blanks, start=1)
        )
    return front, f"{back}<hr>{_html(item.explanation)}"


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def build_deck(bank: Bank):
    """An Anki deck of every hand-written item (generated items need the app for fresh numbers)."""
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "quizapp item",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
    )
    deck = genanki.Deck(ANKI_DECK_ID, "quizapp G検定・E資格")
    for item in bank.items.values():
        if isinstance(item, Generated):
            continue
        front, back = anki_fields(item)
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[front, back, item.id],
                guid=genanki.guid_for("quizapp", item.id),
                tags=[item.topic, *(f"exam-{e}" for e in item.exams)],
            )
        )
    return deck


def export_anki(bank_dirs: Sequence[Path], out: Path) -> int:
    import genanki

    bank = load_bank(bank_dirs)
    if bank.errors:
        for error in bank.errors:
            print(error, file=sys.stderr)
        return 1
    deck = build_deck(bank)
    try:
        genanki.Package(deck).write_to_file(str(out))
    except OSError as exc:
        print(f"quizapp export: {out}: 書き込めません ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"{len(deck.notes)} notes written to {out}")
    return 0
