"""The mistake notebook's core (entries, filters, drills), the answer key it opens, and the
"this item looks wrong" notes file."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp import notebook
from quizapp.answerkey import EXAMPLE_SEED, answer_key
from quizapp.bank import Bank
from quizapp.errata import MAX_COMMENT, NO_COMMENT, append_note, note_line
from quizapp.kinds import Choice
from quizapp.modes import DRILL
from quizapp.scheduler import SrsScheduler
from quizapp.session import Question, Session
from quizapp.store import Store
from solvers.generators import REGISTRY

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GEN = "gen:conv_output_size"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def wrong(q: Question) -> object:
    """A wrong answer of each kind: the trap's opposite, an option not keyed, a bad word."""
    if q.problem is not None:
        return next(c.text for c in q.problem.choices if not c.correct)
    item = q.item
    if q.kind == "trap":
        return "x" if item.truth else "o"  # type: ignore[union-attr]
    if isinstance(item, Choice):
        return [q.order.index(next(i for i in range(4) if i not in item.correct))]
    return ["まちがい"]


def drill(bank: Bank, store: Store, answers: list[tuple[str, bool]]) -> list[Question]:
    s = Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=DRILL,
        queue=[key for key, _ in answers],
        seed=3,
        clock=Clock(),
    ).start()
    shown = []
    for key, right in answers:
        q = s.next_question()
        assert q is not None and q.card_key == key
        if right:
            item = q.item
            response: object = (
                "o"
                if q.kind == "trap" and item.truth  # type: ignore[union-attr]
                else [q.order.index(i) for i in sorted(item.correct)]  # type: ignore[union-attr]
            )
        else:
            response = wrong(q)
        assert s.answer(q, response, 5.0).grade.correct is right
        shown.append(q)
    return shown


def test_entries_are_the_missed_items_newest_first(bank: Bank, store: Store) -> None:
    drill(
        bank,
        store,
        [("t-relu-zero", False), ("c-relu-single", True), (GEN, False), ("f-gap-name", False)],
    )
    drill(bank, store, [("t-relu-zero", True)])
    notes = notebook.entries(bank, REGISTRY, store)
    assert [e.card_key for e in notes] == ["f-gap-name", GEN, "t-relu-zero"]
    trap = notes[-1]
    assert (trap.wrong, trap.answers, trap.latest_correct) == (1, 2, True)
    gen = notes[1]
    assert (gen.item_id, gen.topic, gen.exams) == ("g-conv-size", "stride-padding", ("E",))
    assert gen.first_line == "畳み込み層の出力サイズを計算しよう。"
    assert notebook.drill_keys(notes) == ["f-gap-name", GEN, "t-relu-zero"]


def test_filters_by_exam_and_topic(bank: Bank, store: Store) -> None:
    drill(bank, store, [("t-relu-zero", False), (GEN, False), ("f-gap-name", False)])
    notes = notebook.entries(bank, REGISTRY, store)
    assert [e.card_key for e in notebook.filtered(notes, exam="E")] == [GEN]
    assert [e.card_key for e in notebook.filtered(notes, exam="G")] == [
        "f-gap-name",
        "t-relu-zero",
    ]
    assert [e.card_key for e in notebook.filtered(notes, topic="relu", exam="G")] == ["t-relu-zero"]
    assert notebook.filtered(notes, topic="relu", exam="E") == []
    assert notebook.topic_counts(notes) == [("gap-cam", 1), ("relu", 1), ("stride-padding", 1)]


def test_a_card_the_bank_lost_is_left_out(bank: Bank, store: Store, tmp_path: Path) -> None:
    drill(bank, store, [("t-relu-zero", False)])
    smaller = Bank(topics=bank.topics, items={})
    assert notebook.entries(smaller, REGISTRY, store) == []
    assert answer_key(smaller, REGISTRY, "t-relu-zero") is None


# --- the answer key -------------------------------------------------------------------------


def test_a_missed_generated_problem_is_made_again_as_it_was_shown(bank: Bank, store: Store) -> None:
    (shown,) = drill(bank, store, [(GEN, False)])
    (entry,) = notebook.entries(bank, REGISTRY, store)
    key = answer_key(bank, REGISTRY, GEN, entry.last_wrong)
    assert key is not None and shown.problem is not None
    assert key.prompt == shown.prompt
    assert key.expected == shown.problem.answer_text
    assert key.solution == shown.problem.solution and key.solution
    assert key.given == entry.last_wrong.answer and key.correct is False
    assert key.diagnosis  # the wrong option is a known mistake
    assert [o.chosen for o in key.options].count(True) == 1
    assert key.seed == shown.problem.seed and not key.note
    example = answer_key(bank, REGISTRY, GEN)
    assert example is not None and example.given is None and example.seed == EXAMPLE_SEED


def test_a_missed_choice_marks_what_was_picked(bank: Bank, store: Store) -> None:
    drill(bank, store, [("c-relu-single", False)])
    (entry,) = notebook.entries(bank, REGISTRY, store)
    key = answer_key(bank, REGISTRY, entry.card_key, entry.last_wrong)
    assert key is not None
    item = bank.items["c-relu-single"]
    assert isinstance(item, Choice)
    picked = [i for i, o in enumerate(key.options) if o.chosen]
    assert len(picked) == 1 and picked[0] not in item.correct
    assert key.given == f"{picked[0] + 1}. {item.options[picked[0]].text}"
    assert key.expected == f"1. {item.options[0].text}"
    assert [o.rationale for o in key.options] == [o.rationale for o in item.options]
    assert key.explanation == item.explanation


def test_a_fill_in_lists_the_other_accepted_answers(bank: Bank) -> None:
    key = answer_key(bank, REGISTRY, "f-gap-name")
    assert key is not None and key.expected == "Global Average Pooling"
    assert "GAP" in key.note and key.given is None


# --- "this item looks wrong" notes ------------------------------------------------------------


def test_a_note_is_one_line_with_the_id_and_the_comment() -> None:
    when = datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=9)))
    line = note_line(when=when, item_id="c-relu-single", comment=" 正解は 2 では？\n\x1b[2J\t")
    stamp, item, problem, comment = line.rstrip("\n").split("\t")
    assert datetime.fromisoformat(stamp) == when
    assert (item, problem, comment) == ("c-relu-single", "", "正解は 2 では？\\x0a\\x1b[2J")
    generated = note_line(when=when, item_id="g", comment="", generator="conv", seed=12)
    assert generated.rstrip("\n").split("\t")[2:] == ["conv seed=12", NO_COMMENT]
    long = note_line(when=when, item_id="x", comment="あ" * 2000)
    assert long.count("あ") == MAX_COMMENT


def test_notes_are_appended_privately_and_start_their_own_line(tmp_path: Path) -> None:
    path = tmp_path / "data" / "reports.txt"
    append_note(path, "first\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open("a", encoding="utf-8") as fh:
        fh.write("torn")  # a writer killed mid-line
    append_note(path, "second\n")
    assert path.read_text(encoding="utf-8") == "first\ntorn\nsecond\n"


def test_a_notes_path_that_is_no_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "reports.txt"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="通常のファイル"):
        append_note(fifo, "x\n")
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        append_note(tmp_path / "dir", "x\n")
