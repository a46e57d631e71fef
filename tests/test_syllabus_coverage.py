"""The bank teaches the whole syllabus: per syllabus item, enough items in the exam's forms, and
every official keyword taught somewhere (a script over the shipped bank, not a timed test)."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from quizapp.bank import Bank, load_bank
from quizapp.counts import items_by_syllabus
from quizapp.coverage import missing_keywords
from quizapp.kinds import Choice, Generated, Item
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

LAW_IDS = [f"G-L{n:02d}" for n in range(1, 19)]
TECH_IDS = [f"G-T{n:02d}" for n in range(1, 38)]
MINIMUMS = dict.fromkeys(LAW_IDS, (10, 8)) | dict.fromkeys(TECH_IDS, (10, 7))
"""Syllabus id → (hand-written items, four-option choices) it must have at least."""


@cache
def bank() -> Bank:
    return load_bank([shipped_bank_dir()], generators=REGISTRY)


@cache
def serving() -> dict[str, list[Item]]:
    return items_by_syllabus(bank())


@pytest.mark.parametrize("syllabus_id", sorted(MINIMUMS))
def test_each_syllabus_item_meets_its_minimums(syllabus_id: str) -> None:
    items = [i for i in serving()[syllabus_id] if not isinstance(i, Generated)]
    four = [i for i in items if isinstance(i, Choice) and len(i.options) == 4]
    total, choices = MINIMUMS[syllabus_id]
    assert len(items) >= total, f"{syllabus_id}: {len(items)} items"
    assert len(four) >= choices, f"{syllabus_id}: {len(four)} four-option choices"


@pytest.mark.parametrize("syllabus_id", sorted(MINIMUMS))
def test_every_official_keyword_is_taught(syllabus_id: str) -> None:
    syllabus = bank().syllabus
    assert syllabus is not None
    missing = missing_keywords(syllabus.items[syllabus_id].keywords, serving()[syllabus_id])
    assert not missing, f"{syllabus_id}: no item mentions {missing}"


@pytest.mark.parametrize("syllabus_id", LAW_IDS)
def test_every_law_item_names_its_basis_and_date(syllabus_id: str) -> None:
    for item in serving()[syllabus_id]:
        assert item.source.ref and item.as_of, item.id


def test_law_items_use_the_exam_forms() -> None:
    """About a third ask for the inappropriate option; every syllabus item has a combination."""
    items = [i for sid in LAW_IDS for i in serving()[sid] if isinstance(i, Choice)]
    inappropriate = sum("不適切" in i.prompt for i in items)
    assert inappropriate >= len(items) // 4, inappropriate
    for sid in LAW_IDS:
        combos = [i for i in serving()[sid] if "（ア）" in i.prompt and "（イ）" in i.prompt]
        assert combos, f"{sid}: no two-blank combination"


def test_technical_items_use_the_exam_forms() -> None:
    """Of the four-option items written from the syllabus: about a third ask for the
    inappropriate option; combinations and short scenarios appear."""
    b = bank()
    items = [
        i
        for sid in TECH_IDS
        for i in serving()[sid]
        if isinstance(i, Choice) and len(i.options) == 4 and not b.topics[i.topic].seeds
    ]
    inappropriate = sum("不適切" in i.prompt for i in items)
    combos = sum("（ア）" in i.prompt and "（イ）" in i.prompt for i in items)
    assert inappropriate >= len(items) // 4, (inappropriate, len(items))
    assert combos >= len(items) // 15, (combos, len(items))


def test_law_answers_are_spread_over_the_positions() -> None:
    firsts = Counter(
        i.answer if isinstance(i.answer, int) else i.answer[0]
        for sid in LAW_IDS
        for i in serving()[sid]
        if isinstance(i, Choice)
    )
    assert set(firsts) == {1, 2, 3, 4}
    assert max(firsts.values()) / sum(firsts.values()) < 0.4


def _examined_e_ids() -> list[str]:
    syllabus = load_bank([shipped_bank_dir()]).syllabus
    assert syllabus is not None
    return sorted(sid for sid, s in syllabus.items.items() if s.exam == "E" and s.examined)


E_IDS = _examined_e_ids()
E_MINIMUM = (12, 9)
"""Every examined E資格 section: hand-written E items, of them four-option choices."""


def e_items(syllabus_id: str) -> list[Item]:
    return [i for i in serving()[syllabus_id] if "E" in i.exams and not isinstance(i, Generated)]


@pytest.mark.parametrize("syllabus_id", E_IDS)
def test_each_examined_e_section_meets_its_minimums(syllabus_id: str) -> None:
    items = e_items(syllabus_id)
    four = [i for i in items if isinstance(i, Choice) and len(i.options) == 4]
    total, choices = E_MINIMUM
    assert len(items) >= total, f"{syllabus_id}: {len(items)} E items"
    assert len(four) >= choices, f"{syllabus_id}: {len(four)} four-option choices"


@pytest.mark.parametrize("syllabus_id", E_IDS)
def test_every_concept_of_an_examined_e_section_is_taught(syllabus_id: str) -> None:
    syllabus = bank().syllabus
    assert syllabus is not None
    missing = missing_keywords(syllabus.items[syllabus_id].keywords, e_items(syllabus_id))
    assert not missing, f"{syllabus_id}: no E item names {missing}"


CODE_ITEMS_MINIMUM = 100
"""E資格 implementation items (a choice with a ``code:`` spec) the bank must offer (issue 16)."""


def test_the_bank_offers_enough_code_items() -> None:
    code = [i.id for i in bank().items.values() if isinstance(i, Choice) and i.code is not None]
    assert len(code) >= CODE_ITEMS_MINIMUM, f"{len(code)} code items, need {CODE_ITEMS_MINIMUM}"


LINKED_SETS_MINIMUM = 20
"""E資格's linked sets (3–4 questions around one scenario or listing) the bank must offer."""


def test_the_bank_offers_enough_linked_sets() -> None:
    sets = {i.case_id for i in bank().items.values() if getattr(i, "case_id", None)}
    parts = [i for i in bank().items.values() if getattr(i, "case_id", None)]
    assert len(sets) >= LINKED_SETS_MINIMUM, f"{len(sets)} linked sets, need {LINKED_SETS_MINIMUM}"
    assert all(i.stem for i in parts), "every part carries its set's stem"
