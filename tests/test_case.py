"""The linked-set kind ``case``: a shared stem and 2–4 choice parts, each its own card, shown under
its stem, asked together in a drill, drawn whole by the mock, searched and exported with its
stem; its stem is data to the content rules."""

from __future__ import annotations

import shutil
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizapp import export, mock, rules
from quizapp.answerkey import answer_key
from quizapp.bank import Bank, load_bank
from quizapp.items import Source
from quizapp.kinds import CaseChoice, Choice, Option
from quizapp.loader import load_syllabus
from quizapp.modes import DRILL
from quizapp.queues import drill_queue
from quizapp.scheduler import SrsScheduler
from quizapp.search import build_index, search
from quizapp.session import Session
from quizapp.store import Store

BANK = Path(__file__).parent / "case_bank"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
PARTS = ["dqn-case-target-1", "dqn-case-target-2"]
STEM_LINE = "def target(r, q_next, done, gamma=0.99):"


def _part(n: int, **extra: str) -> str:
    lines = [
        f"- id: s-{n}",
        "  kind: choice",
        "  prompt: 問。",
        "  options: [{text: A, rationale: a}, {text: B, rationale: b}]",
        "  answer: 1",
        "  explanation: 説明。",
        *(f"  {k}: {v}" for k, v in extra.items()),
    ]
    return "\n".join("      " + line for line in lines)


def _set(parts: list[str], set_id: str = "s") -> str:
    return (
        f"  - id: {set_id}\n    kind: case\n    exams: [E]\n    topic: rl\n    difficulty: 2\n"
        f"    stem: 共通の文。\n    source: {{ref: r}}\n    parts:\n" + "\n".join(parts) + "\n"
    )


def _bank_with(tmp_path: Path, text: str) -> Bank:
    root = tmp_path / "bank"
    root.mkdir(parents=True)
    shutil.copy(BANK / "topics.yaml", root)
    (root / "rl.yaml").write_text("items:\n" + text, encoding="utf-8")
    return load_bank([root], generators={})


# --- loading ------------------------------------------------------------------------------------


def test_a_set_loads_as_its_parts_each_with_the_set_and_its_common_fields(tmp_path: Path) -> None:
    for bank in (
        load_bank([BANK], generators={}),
        load_bank([BANK], generators={}, cache_dir=tmp_path / "c"),
        load_bank([BANK], generators={}, cache_dir=tmp_path / "c"),  # from the cache
    ):
        assert not bank.errors
        assert list(bank.items) == [*PARTS, "rl-alone"]
        part = bank.items[PARTS[1]]
        assert type(part) is CaseChoice and isinstance(part, Choice)
        assert part.case_id == "dqn-case-target" and STEM_LINE in part.stem
        assert (part.exams, part.topic, part.difficulty) == (["E"], "rl", 2)
        assert part.source.ref is not None and part.source.ref.startswith("Mnih")
        assert bank.locations[PARTS[1]][1] == 23  # the part's own line
    assert "case 2" in bank.summary()


def test_a_part_may_give_its_own_common_fields(tmp_path: Path) -> None:
    bank = _bank_with(tmp_path, _set([_part(1, difficulty="3", tags="[x]"), _part(2)]))
    assert not bank.errors
    assert (bank.items["s-1"].difficulty, bank.items["s-1"].tags) == (3, ["x"])
    assert (bank.items["s-2"].difficulty, bank.items["s-2"].tags) == (2, [])


def test_a_bad_part_is_reported_at_its_line(tmp_path: Path) -> None:
    bank = _bank_with(tmp_path, _set([_part(1), _part(2).replace("answer: 1", "answer: 5")]))
    assert [(e.line, e.item_id, e.message) for e in bank.errors] == [
        (20, "s-2", "answer: option 5 out of range 1–2")
    ]
    assert list(bank.items) == ["s-1"]
    bank = _bank_with(
        tmp_path / "b", _set([_part(1), _part(2).replace("answer: 1", "seconds: 30")])
    )
    assert [(e.line, e.item_id, e.message) for e in bank.errors] == [
        (16, "s", "parts.1.answer: missing field")
    ]


def test_a_duplicate_part_id_is_reported(tmp_path: Path) -> None:
    bank = _bank_with(tmp_path, _set([_part(1), _part(1)]))
    [error] = bank.errors
    assert (error.line, error.item_id) == (16, "s-1")
    assert error.message.startswith("duplicate id (first defined at ")


@pytest.mark.parametrize("n", [1, 5])
def test_a_set_has_two_to_four_parts(tmp_path: Path, n: int) -> None:
    bank = _bank_with(tmp_path, _set([_part(k) for k in range(n)]))
    [error] = bank.errors
    assert (error.line, error.item_id) == (9, "s") and error.message.startswith("parts: List")
    assert not bank.items


# --- asking ---------------------------------------------------------------------------------------


def test_each_part_is_asked_under_its_stem_graded_and_scheduled_as_its_own_card(
    tmp_path: Path,
) -> None:
    bank = load_bank([BANK], generators={})
    with Store.open(tmp_path / "p.db") as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False),
            generators={},
            mode=DRILL,
            queue=list(PARTS),
            seed=1,
            clock=lambda: NOW,
        ).start()
        answers = []
        for right in (True, False):
            question = session.next_question()
            assert question is not None and STEM_LINE in question.stem
            correct = question.order.index(0)
            feedback = session.answer(question, correct if right else (correct + 1) % 4, 5.0)
            answers.append((question.card_key, feedback.grade.correct))
        session.finish()
        assert answers == [(PARTS[0], True), (PARTS[1], False)]
        cards = {c.card_key: c for c in store.all_cards()}
        assert set(cards) == set(PARTS)
        assert cards[PARTS[0]].due != cards[PARTS[1]].due
        review = store.reviews()[1]
    key = answer_key(bank, {}, PARTS[1], review)
    assert key is not None and STEM_LINE in key.stem and key.correct is False


def test_a_drill_asks_a_sets_parts_together_and_in_order() -> None:
    bank = load_bank([BANK], generators={})
    for seed in range(20):
        queue = drill_queue(bank, ["rl"], ("E",), seed=seed)
        at = queue.index(PARTS[0])
        assert queue[at : at + 2] == PARTS and len(queue) == 3
    weak_second = drill_queue(bank, ["rl"], ("E",), seed=0, seen={PARTS[0]: (3, 3)})
    at = weak_second.index(PARTS[0])
    assert weak_second[at : at + 2] == PARTS  # the set goes where its weakest part stands


def _choice(item_id: str, syllabus: str, **extra: str) -> Choice:
    cls = CaseChoice if extra else Choice
    return cls(
        id=item_id,
        exams=["E"],
        topic="rl",
        difficulty=1,
        prompt="問",
        explanation="説明",
        source=Source(ref="r"),
        syllabus=[syllabus],
        options=[Option(text=t, rationale=t) for t in "ABCD"],
        answer=1,
        **extra,
    )


def test_the_mock_draws_a_set_whole_and_counts_its_parts_in_their_area() -> None:
    syllabus, _ = load_syllabus(Path("questionbank/syllabus.yaml"))
    items: dict[str, Choice] = {}
    for area, sid in enumerate(["E-1.2", "E-2.1", "E-3.1", "E-4.1", "E-5.1"]):
        for k in range(8):
            items[f"a{area}-{k}"] = _choice(f"a{area}-{k}", sid)
        for s in range(3):
            for k in range(3):
                part = f"set{area}-{s}-{k}"
                items[part] = _choice(part, sid, case_id=f"set{area}-{s}", stem="共通")
    bank = Bank(topics={}, items=items, syllabus=syllabus)
    for seed in range(30):
        picked = mock.draw(bank, "E", 20, {}, seed=seed)
        keys = [key for key, _ in picked.cards]
        assert len(keys) == len(set(keys)) == 20
        for key in keys:
            if key.startswith("set"):
                name = key.rsplit("-", 1)[0]
                at = keys.index(f"{name}-0")
                assert keys[at : at + 3] == [f"{name}-{k}" for k in range(3)]
        counts: dict[str, int] = {}
        for key, area in picked.cards:
            counts[area] = counts.get(area, 0) + 1
            sid = items[key].syllabus[0]
            assert syllabus.items[sid].area == area
        assert all(abs(counts.get(a, 0) - n) <= 2 for a, n in picked.target.items())


def test_search_and_the_anki_note_show_the_stem() -> None:
    bank = load_bank([BANK], generators={})
    hits = [hit.item_id for hit in search(build_index(bank), "q_next")]
    assert hits == PARTS
    front, back = export.anki_fields(bank.items[PARTS[0]])
    assert STEM_LINE.replace(">", "&gt;") in front and "(1 - done) を掛ける" in front
    assert "<b>正解</b>" in back


# --- content rules --------------------------------------------------------------------------------


def test_code_in_a_stem_is_data_not_a_stated_number(tmp_path: Path) -> None:
    """The stem's listing (axis=1, gamma=0.99, (1 - done)) states nothing; a part repeating its
    0.99 states no result; a check may take the stem's numbers as args."""
    text = textwrap.dedent(
        """\
          - id: s
            kind: case
            exams: [E]
            topic: rl
            difficulty: 2
            stem: |-
              def target(r, q_next, done, gamma=0.99):
                  return r + gamma * (1 - done) * q_next.max(axis=1)
            source: {ref: r}
            parts:
              - id: s-1
                kind: choice
                prompt: 報酬 r = 1 が 2 ステップ後に受け取られたとき、上の割引率での割引後の値は？
                options:
                  - {text: "0.9801", rationale: 正しい。}
                  - {text: "0.99", rationale: 1 ステップ分。}
                  - {text: "2", rationale: ステップ数である。}
                  - {text: "1", rationale: 割り引いていない。}
                answer: 1
                explanation: 2 乗する。
                check:
                  - {fn: rl.discounted_return, args: {rewards: [0, 0, 1], gamma: 0.99}, expect: 0.9801}
              - id: s-2
                kind: choice
                prompt: gamma=0.99 で (1 - done) を掛ける理由は？
                options: [{text: 終端で 0 にする, rationale: 正しい。}, {text: 他, rationale: 違う。}]
                answer: 1
                explanation: 終端では次の価値を足さない。
        """
    )
    bank = _bank_with(tmp_path, textwrap.indent(text, ""))
    assert not bank.errors
    assert rules.check_bank(bank, rules.Rules()) == []
