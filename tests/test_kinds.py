"""A new item kind is one module and a registry entry: a kind defined only in the tests loads
from YAML (its errors with their lines), survives the bank cache, is asked, graded, logged, looked
up, searched and exported — with no change to the loader, session, search or export. The kind, ``term`` (name
the term the prompt describes), is everything a kind declares."""

from __future__ import annotations

import csv
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field

from quizapp import export, kinds, schema
from quizapp.answerkey import answer_key
from quizapp.bank import load_bank
from quizapp.grading import Grade, matches_any, received, recorded
from quizapp.items import ItemBase
from quizapp.kinds.base import ItemKind, html_text
from quizapp.modes import DRILL
from quizapp.question import AnswerKey, Question
from quizapp.scheduler import SrsScheduler
from quizapp.schema import json_schema
from quizapp.search import build_index, search
from quizapp.session import Session
from quizapp.store import Store


@dataclass(frozen=True, kw_only=True, slots=True)
class Term(ItemBase):
    """Name the term the prompt describes."""

    default_seconds: ClassVar[int] = 15
    kind: Literal["term"] = "term"
    term: str
    spellings: list[str]


class TermModel(schema.ItemBase):
    kind: Literal["term"]
    term: str = Field(min_length=1)
    spellings: list[str] = []


MODEL = TermModel


class TermKind(ItemKind):
    name = "term"
    item_type = Term
    schema = __name__

    def model(self) -> type:
        return TermModel  # here rather than in a module of its own, as a test file

    def problems(self, item: Any, raw: Any, at: Any, generators: Any, generate: bool) -> Any:
        if item.term in item.prompt:
            return [("prompt: gives the term away", at("prompt"))]
        return []

    def ask(self, item: Term, number: int, asking: Any) -> Question:
        return Question(
            number,
            item.id,
            "fill",
            item.topic,
            item.prompt,
            item.expected_seconds,
            item,
            blanks=1,
            item_kind=self.name,
        )

    def grade(self, question: Question, response: Any) -> Grade:
        item: Term = question.item
        text = response[0] if isinstance(response, list) and response else response
        text = text if isinstance(text, str) else ""
        if received(text) is not None and not text.strip():
            return Grade(False, "", item.term, hint="用語を入力してください")
        right = matches_any(text, [item.term, *item.spellings])
        return Grade(right, recorded(text), item.term)

    def answer_key(self, item: Term, common: dict[str, Any], given: str | None) -> AnswerKey:
        return AnswerKey(**common, expected=item.term, given=given)

    def search_parts(self, item: Term, generators: Any) -> dict[str, str]:
        return {"answer": "\n".join([item.term, *item.spellings])}

    def words(self, item: Term) -> list[str]:
        return [item.term]

    def anki_fields(self, item: Term) -> tuple[str, str]:
        return html_text(item.prompt), f"<b>{html_text(item.term)}</b>"


KIND = TermKind()

TOPICS = "topics:\n  - {id: act, title: 活性化関数, area: 要素技術}\n"
ITEMS = """\
items:
  - id: softmax-term
    kind: term
    exams: [G]
    topic: act
    difficulty: 1
    prompt: 出力を確率分布にする活性化関数は？
    term: ソフトマックス関数
    spellings: [softmax]
    explanation: 総和が1になる。
    source: {ref: "Goodfellow et al., Deep Learning (2016)"}
  - id: relu-given-away
    kind: term
    exams: [G]
    topic: act
    difficulty: 1
    prompt: ReLU とは何か。答えは ReLU。
    term: ReLU
    explanation: 説明。
    source: {ref: "Nair and Hinton (2010)"}
  - id: no-term
    kind: term
    exams: [G]
    topic: act
    difficulty: 1
    prompt: 何か。
    explanation: 説明。
    source: {ref: "x"}
"""
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kinds.KINDS, "term", KIND)


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    root.mkdir()
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "act.yaml").write_text(textwrap.dedent(ITEMS), encoding="utf-8")
    return root


def test_an_unregistered_kind_is_an_error_of_its_item(bank_dir: Path) -> None:
    bank = load_bank([bank_dir], generators={})
    assert not bank.items
    assert all(
        "kind: must be one of case, choice, fill, generated, trap" in str(e) for e in bank.errors
    )


def test_a_registered_kind_loads_validates_and_survives_the_cache(
    registered: None, bank_dir: Path, tmp_path: Path
) -> None:
    fresh = load_bank([bank_dir], generators={})
    cached = load_bank([bank_dir], generators={}, cache_dir=tmp_path / "cache")
    again = load_bank([bank_dir], generators={}, cache_dir=tmp_path / "cache")
    for bank in (fresh, cached, again):
        assert list(bank.items) == ["softmax-term"]
        item = bank.items["softmax-term"]
        assert type(item) is Term and item.spellings == ["softmax"]
        assert item.expected_seconds == 15
        assert sorted((e.line, e.item_id, e.message) for e in bank.errors) == [
            (17, "relu-given-away", "prompt: gives the term away"),
            (21, "no-term", "term: missing field"),
        ]
    assert "term 1" in fresh.summary()
    assert "term" in json_schema()["$defs"]["TermModel"]["properties"]["kind"]["const"]


def test_a_registered_kind_is_asked_graded_logged_looked_up_searched_and_exported(
    registered: None, bank_dir: Path, tmp_path: Path
) -> None:
    bank = load_bank([bank_dir], generators={})
    db = tmp_path / "p.db"
    with Store.open(db) as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False),
            generators={},
            mode=DRILL,
            queue=["softmax-term"],
            seed=1,
            clock=lambda: NOW,
        ).start()
        question = session.next_question()
        assert question is not None and question.kind == "fill" and question.blanks == 1
        assert session.grade(question, [""]).hint == "用語を入力してください"
        feedback = session.answer(question, ["ＳｏｆｔＭａｘ"], 4.0)
        assert feedback.grade.correct and feedback.explanation == "総和が1になる。"
        assert session.next_question() is None
        session.finish()
        review = store.reviews()[0]
        assert (review.card_key, review.answer, review.correct) == (
            "softmax-term",
            "ＳｏｆｔＭａｘ",
            True,
        )
        key = answer_key(bank, {}, "softmax-term", review)
    assert (
        key is not None and key.expected == "ソフトマックス関数" and key.given == "ＳｏｆｔＭａｘ"
    )
    assert [hit.item_id for hit in search(build_index(bank), "softmax")] == ["softmax-term"]

    deck = export.build_deck(bank)
    assert [note.fields[2] for note in deck.notes] == ["softmax-term"]
    assert deck.notes[0].fields[1] == "<b>ソフトマックス関数</b><hr>総和が1になる。"
    out = tmp_path / "log.csv"
    assert export.export_csv(db, out, bank_dirs=[bank_dir]) == 1
    with out.open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (
        row["answer"] == "ＳｏｆｔＭａｘ"
        and row["question"] == "出力を確率分布にする活性化関数は？"
    )
