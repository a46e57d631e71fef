"""The bank teaches the whole syllabus: per syllabus item, enough items in the exam's forms, and
every official keyword taught somewhere (a script over the shipped bank, not a timed test)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache

import pytest

from quizapp.bank import Bank, load_bank
from quizapp.items import Choice, Fill, Generated, Item, Trap
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

MINIMUMS = {"G-L": {"total": 10, "choice": 8}}
"""Per syllabus id prefix: hand-written items of the syllabus item, and four-option choices."""

LAW_IDS = [f"G-L{n:02d}" for n in range(1, 19)]


@cache
def bank() -> Bank:
    return load_bank([shipped_bank_dir()], generators=REGISTRY)


def serving(syllabus_id: str) -> list[Item]:
    """The items that teach a syllabus item: their own ids, else their topic's."""
    b = bank()
    return [
        i for i in b.items.values() if syllabus_id in (i.syllabus or b.topics[i.topic].syllabus)
    ]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def text_of(item: Item) -> str:
    parts = [item.prompt, item.explanation]
    if isinstance(item, Trap):
        parts.append(item.confused_with)
    if isinstance(item, Choice):
        parts += [p for o in item.options for p in (o.text, o.rationale)]
    if isinstance(item, Fill):
        parts += [a for b in item.blanks for a in (b.answers or [])]
    return fold("\n".join(parts))


@pytest.mark.parametrize("syllabus_id", LAW_IDS)
def test_each_law_and_ethics_item_meets_the_minimums(syllabus_id: str) -> None:
    items = [i for i in serving(syllabus_id) if not isinstance(i, Generated)]
    four = [i for i in items if isinstance(i, Choice) and len(i.options) == 4]
    want = MINIMUMS["G-L"]
    assert len(items) >= want["total"], f"{syllabus_id}: {len(items)} items"
    assert len(four) >= want["choice"], f"{syllabus_id}: {len(four)} four-option choices"


@pytest.mark.parametrize("syllabus_id", LAW_IDS)
def test_every_official_keyword_is_taught(syllabus_id: str) -> None:
    b = bank()
    assert b.syllabus is not None
    taught = "\n".join(text_of(i) for i in serving(syllabus_id))
    missing = [k for k in b.syllabus.items[syllabus_id].keywords if fold(k) not in taught]
    assert not missing, f"{syllabus_id}: no item mentions {missing}"


@pytest.mark.parametrize("syllabus_id", LAW_IDS)
def test_every_law_item_names_its_basis_and_date(syllabus_id: str) -> None:
    for item in serving(syllabus_id):
        assert item.source.ref and item.as_of, item.id


def test_law_items_are_spread_over_the_exam_forms() -> None:
    """About a third ask for the inappropriate option; combinations and scenarios appear."""
    items = [i for sid in LAW_IDS for i in serving(sid) if isinstance(i, Choice)]
    forms = Counter()
    for i in items:
        if "不適切" in i.prompt:
            forms["inappropriate"] += 1
        if "（ア）" in i.prompt and "（イ）" in i.prompt:
            forms["two-blank"] += 1
    assert forms["inappropriate"] >= len(items) // 5, forms
    assert forms["two-blank"] >= len(LAW_IDS), forms
