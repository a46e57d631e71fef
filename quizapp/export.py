"""Exports: the review log as CSV, and the hand-written items as an Anki deck for phone review."""

from __future__ import annotations

import csv
import html
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from quizapp.bank import Bank, Choice, Fill, Generated, Trap, load_bank

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
    """Write every review in the log to ``out`` (UTF-8 with BOM so spreadsheet apps read Japanese)."""
    from quizapp.store import Store, StoreError

    try:
        store = Store.open(db_path, create=False)
    except StoreError as exc:
        print(f"quizapp export: {exc}", file=sys.stderr)
        return 1
    try:
        with store, out.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            count = 0
            for review in store.reviews():
                row = {**review.__dict__}
                row["params"] = (
                    json.dumps(row.get("params"), ensure_ascii=False) if row.get("params") else ""
                )
                row["reviewed_at"] = row["reviewed_at"].isoformat()
                row["correct"] = int(row["correct"])
                writer.writerow(
                    [row.get(c, "") if row.get(c) is not None else "" for c in CSV_COLUMNS]
                )
                count += 1
    except OSError as exc:
        print(f"quizapp export: {out}: 書き込めません ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"{count} reviews written to {out}")
    return 0


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
