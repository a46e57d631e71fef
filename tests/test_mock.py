"""The exam-faithful mock: the draw by area shares, the answer sheet, and the graded result."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.bank import Bank, load_bank
from quizapp.items import Source, Topic
from quizapp.kinds import Choice, Option, Trap
from quizapp.mock import PASS_LINE, allocate, draw, exam_pool, sheet_for, submit
from quizapp.modes import MOCK
from quizapp.paths import shipped_bank_dir
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store
from solvers.generators import REGISTRY

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@given(
    st.lists(st.floats(min_value=0.1, max_value=50), min_size=1, max_size=15),
    st.integers(min_value=0, max_value=400),
)
def test_allocation_adds_up_and_stays_within_one_of_each_share(shares: list[float], n: int) -> None:
    named = [(f"a{i}", s) for i, s in enumerate(shares)]
    counts = allocate(named, n)
    assert sum(counts.values()) == n
    total = sum(shares)
    for name, share in named:
        assert abs(counts[name] - n * share / total) < 1


def rich_bank() -> Bank:
    """Every G and E syllabus item with plenty of four-option items, plus drill-only items."""
    shipped = load_bank([shipped_bank_dir()])
    syllabus = shipped.syllabus
    assert syllabus is not None
    topics, items = {}, {}
    source = Source(doc="x.txt", section="s")
    options = [Option(text=t, rationale="r") for t in "アイウエ"]
    for sid, sitem in syllabus.items.items():
        tid = sid.lower().replace(".", "-")
        topics[tid] = Topic(id=tid, title=sitem.title, area=sitem.area, syllabus=[sid])
        for n in range(12):
            items[f"{tid}-c{n}"] = Choice(
                id=f"{tid}-c{n}",
                exams=[sitem.exam],
                topic=tid,
                difficulty=1,
                prompt="問",
                explanation="説明",
                source=source,
                options=options,
                answer=1,
            )
        items[f"{tid}-t"] = Trap(
            id=f"{tid}-t",
            exams=[sitem.exam],
            topic=tid,
            difficulty=1,
            prompt="文",
            explanation="説明",
            source=source,
            truth=True,
            confused_with="x",
        )
    return Bank(topics=topics, items=items, syllabus=syllabus)


@pytest.mark.parametrize(("exam", "n"), [("G", 160), ("G", 40), ("E", 100), ("E", 25)])
def test_the_draw_follows_the_area_shares_within_one_question(exam: str, n: int) -> None:
    bank = rich_bank()
    assert bank.syllabus is not None
    spec = bank.syllabus.exams[exam]
    picked = draw(bank, exam, n, REGISTRY, seed=7)
    assert len(picked.cards) == n and picked.shortfall == 0
    assert len({key for key, _ in picked.cards}) == n, "no question twice"
    per_area = Counter(area for _, area in picked.cards)
    total = sum(a.share for a in spec.areas)
    for area in spec.areas:
        assert abs(per_area[area.name] - n * area.share / total) <= 1, area.name
    assert all(bank.items[key].kind == "choice" for key, _ in picked.cards), "no ○× in a mock"
    assert picked.seconds == round(n * spec.minutes * 60 / spec.questions)


def test_an_area_short_of_items_passes_its_questions_to_the_others() -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    picked = draw(bank, "G", 40, REGISTRY, seed=1)
    pool = exam_pool(bank, "G", REGISTRY)
    per_area = Counter(area for _, area in picked.cards)
    assert len(picked.cards) == 40
    for name, count in per_area.items():
        assert count <= len(pool[name])
    assert not per_area.keys() - {name for name, keys in pool.items() if keys}


def test_the_shipped_g_mock_has_no_drill_formats_no_code_and_nothing_beyond_the_syllabus() -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    for keys in exam_pool(bank, "G", REGISTRY).values():
        for key in keys:
            if key.startswith("gen:"):
                continue
            item = bank.items[key]
            assert isinstance(item, Choice) and len(item.options) == 4 and item.code is None
            assert "G" in item.exams and "発展" not in item.tags


def test_the_sheet_flags_moves_and_submits_with_unanswered_items(store: Store) -> None:
    bank = rich_bank()
    picked = draw(bank, "G", 10, REGISTRY, seed=3)
    session = Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=MOCK,
        queue=[],
        seed=3,
        clock=lambda: NOW,
    ).start()
    sheet = sheet_for(session, picked)
    assert [q.number for q in sheet.questions] == list(range(1, 11))
    right = [q.order.index(0) for q in sheet.questions]  # option 1 is keyed in this bank
    for i in range(8):
        sheet.answer(i, [right[i]])
    sheet.answer(2, [(right[2] + 1) % 4])  # changed its mind: now wrong
    assert sheet.toggle_flag(5) and sheet.status(5) == "flagged"
    assert sheet.toggle_flag(6) and not sheet.toggle_flag(6)
    assert sheet.status(6) == "answered" and sheet.status(9) == "unanswered"
    assert sheet.unanswered() == [8, 9] and sheet.flagged() == [5]
    result = submit(session, sheet, picked.exam, picked.seconds, 300.0, NOW)
    assert (result.correct, result.asked) == (7, 10)
    assert result.wrong == [2] and result.unanswered == [8, 9] and result.flagged == [5]
    assert sum(a.asked for a in result.areas) == 10
    assert result.score == 0.7 and result.passed == (PASS_LINE <= 0.7)
    assert store.review_count() == 8, "only the answers given are logged"
    record = store.get_session(session.session_id)
    assert record is not None and record.summary is not None
    assert record.summary["correct"] == 7 and record.summary["unanswered"] == [8, 9]
