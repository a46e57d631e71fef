"""Exports: the review log as CSV, and the hand-written items as an Anki deck for phone review."""

from __future__ import annotations

import csv
import itertools
import json
import os
import sqlite3
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from quizapp.bank import Bank, load_bank
from quizapp.files import replace_file, replace_file_bytes
from quizapp.kinds import Item, kind_of
from quizapp.kinds.base import html_text

if TYPE_CHECKING:
    from quizapp.store import ReviewRecord

CSV_COLUMNS = (
    "reviewed_at_local",
    "reviewed_at_utc",
    "topic",
    "question",
    "answer",
    "correct",
    "seconds",
    "card_key",
    "item_id",
    "generator",
    "seed",
    "params",
    "rating",
    "misconception",
    "session_id",
    "id",
)
"""What a reader needs first (when, which topic, the question's first line, the answer as the
learner saw it, right or wrong, seconds to 0.1), then the log's own fields for a program."""
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""Both times: a form spreadsheets read as a date and time."""

# Fixed ids so that re-importing an updated deck updates the same notes instead of duplicating them.
ANKI_MODEL_ID = 1_716_203_401
ANKI_DECK_ID = 1_716_203_402


class ExportError(Exception):
    """An export that changed nothing. Each argument is one message for the user."""


def export_csv(
    db_path: Path, out: Path, *, bank_dirs: Sequence[Path], tz: tzinfo | None = None
) -> int:
    """Write every review in the log to ``out``; return how many.

    The bank gives each row its topic, the question's first line and, for an option item, the
    text of the options chosen (the log keeps their numbers in the bank's order, which is not the
    shuffled order the learner saw). An item since removed from the bank keeps its logged answer.
    Times are in ``tz`` (default: the machine's local time) and in UTC.

    UTF-8 with a BOM and CRLF line ends: Excel in a Japanese locale reads a CSV without a BOM as
    Shift_JIS and garbles every Japanese answer. The rows go to a temporary file renamed over
    ``out`` at the end, so a failed export leaves an existing ``out`` as it was, and ``out`` may not
    be the database (or its ``-wal``/``-shm`` files).

    Raises:
        ExportError: nothing was written.
    """
    from quizapp.store import Store, StoreError
    from solvers.generators import REGISTRY

    _refuse_database(out, db_path)
    try:
        with Store.open(db_path, create=False) as store:
            reviews = store.reviews()
    except StoreError as exc:
        raise ExportError(f"quizapp export: {exc}") from exc
    # a bank with errors still names the items it could read: the log is exported whole
    bank = load_bank(bank_dirs, generators=REGISTRY)
    rows = [CSV_COLUMNS, *(_csv_row(review, bank, REGISTRY, tz) for review in reviews)]

    def write_rows(fh: TextIO) -> None:
        csv.writer(fh).writerows(rows)

    _write(out, lambda target: replace_file(target, write_rows, encoding="utf-8-sig"))
    return len(reviews)


def _write(out: Path, write_to: Callable[[Path], None]) -> None:
    """``write_to`` the file ``out`` names (through a symlink, which stays); an error, as the
    user's message."""
    try:
        write_to(_resolved(out))
    except OSError as exc:
        raise ExportError(f"quizapp export: {out}: 書き込めません ({exc.strerror or exc})") from exc


def _csv_row(
    review: ReviewRecord, bank: Bank, generators: Mapping[str, Any], tz: tzinfo | None
) -> list[object]:
    item = bank.items.get(review.item_id or "")
    generator = generators.get(review.generator or "")
    topic = item.topic if item is not None else getattr(generator, "topic", "")
    prompt = item.prompt if item is not None else getattr(generator, "title", "")
    row: dict[str, object] = {**review.__dict__}
    row["reviewed_at_local"] = review.reviewed_at.astimezone(tz).strftime(TIME_FORMAT)
    row["reviewed_at_utc"] = review.reviewed_at.astimezone(UTC).strftime(TIME_FORMAT)
    row["topic"] = bank.topics[topic].title if topic in bank.topics else topic
    row["question"] = prompt.strip().split("\n", 1)[0]
    row["answer"] = answer_as_shown(review, item)
    row["params"] = json.dumps(review.params, ensure_ascii=False) if review.params else ""
    row["correct"] = int(review.correct)
    row["seconds"] = f"{review.seconds:.1f}"
    return ["" if row.get(c) is None else row[c] for c in CSV_COLUMNS]


def answer_as_shown(review: ReviewRecord, item: object) -> str:
    """The logged answer as the learner saw it: an option item's numbers (the bank's order)
    become the chosen options' texts; anything else, or numbers the item no longer has, stays
    as logged."""
    if item is None or review.generator is not None:
        return review.answer
    return kind_of(item).logged_answer(item, review.answer)


def _refuse_database(out: Path, db_path: Path) -> None:
    if is_database_file(out, db_path):
        raise ExportError(f"quizapp export: {out}: 進捗データベースそのものには書き出せません")


def is_database_file(path: Path, db_path: Path) -> bool:
    """Whether writing ``path`` would write the database ``db_path`` or one of SQLite's files
    beside it (``-wal``, ``-shm``, ``-journal``): the same name as given or through symlinks,
    the same name in another case (a case-insensitive file system), or a hard link."""
    names = {db_path.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    databases = {db_path.absolute(), _resolved(db_path)}
    files = {d.with_name(n) for d in databases for n in names}
    target = _resolved(path)
    if path.absolute() in files or target in files:
        return True
    folded = {n.casefold() for n in names}
    for db in databases:
        if target.name.casefold() in folded and _same(target.parent, db.parent):
            return True
    return any(_same(path, f) for f in files)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError before Python 3.13
        return path.absolute()


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def anki_fields(item: Item) -> tuple[str, str] | None:
    """Front and back (HTML) of one item's note; None for a kind Anki cannot ask (generated
    items need the app for fresh numbers)."""
    fields = kind_of(item).anki_fields(item)
    if fields is None:
        return None
    front, back = fields
    return front, f"{back}<hr>{html_text(item.explanation)}"


def build_deck(bank: Bank):
    """An Anki deck of every item whose kind has Anki fields (not generated items)."""
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
        fields = anki_fields(item)
        if fields is None:
            continue
        front, back = fields
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[front, back, item.id],
                guid=genanki.guid_for("quizapp", item.id),
                tags=[item.topic, *(f"exam-{e}" for e in item.exams)],
            )
        )
    return deck


def anki_path(out: Path) -> Path:
    """``out`` with the ``.apkg`` Anki opens a package by (``deck`` becomes ``deck.apkg``)."""
    return out if out.suffix.casefold() == ".apkg" else out.with_name(out.name + ".apkg")


def export_anki(bank_dirs: Sequence[Path], out: Path, *, db_path: Path) -> int:
    """Write the hand-written items of the bank as an Anki package to ``out`` (ending in
    ``.apkg``: :func:`anki_path`); return how many.

    The deck goes to a temporary file renamed over ``out`` (:func:`replace_file_bytes`): a kill
    leaves the previous ``out`` (or none), never a truncated deck. Its collection is built in
    memory: genanki's own ``write_to_file`` leaves it in the system's temporary directory.
    ``out`` may not be the progress database ``db_path`` or one of its files.

    Raises:
        ExportError: nothing was written; the bank's errors or why ``out`` cannot be written.
    """
    _refuse_database(out, db_path)  # as typed too: naming the database is a mistake to say
    out = anki_path(out)
    _refuse_database(out, db_path)
    bank = load_bank(bank_dirs)
    if bank.errors:
        raise ExportError(*map(str, bank.errors))
    deck = build_deck(bank)
    _write(out, lambda target: replace_file_bytes(target, lambda fh: write_package(deck, fh)))
    return len(deck.notes)


def write_package(deck, fh: BinaryIO) -> None:
    """Write the ``.apkg`` of ``deck`` to ``fh``: a zip of the collection (an SQLite database,
    built in memory here) and an empty media map, laid out as genanki's
    ``Package.write_to_file`` lays it out."""
    import genanki

    timestamp = time.time()
    conn = sqlite3.connect(":memory:")
    try:
        genanki.Package(deck).write_to_db(
            conn.cursor(), timestamp, itertools.count(int(timestamp * 1000))
        )
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()
    with zipfile.ZipFile(fh, "w") as package:
        package.writestr("collection.anki2", collection)
        package.writestr("media", json.dumps({}))
