"""Where the bank's items and cards belong, counted one way for everyone: by topic, by kind and by
syllabus item (each of which belongs to one exam).

The content rules (per-topic minimums), ``quizapp validate``'s summary, the progress figures of
home, 統計 and ``quizapp stats``, and the syllabus coverage of ``quizapp coverage`` and 試験対策
count from here, so "a topic's cards" or "a syllabus item's items" means the same on each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from quizapp import kinds
from quizapp.bank import Bank
from quizapp.kinds import Item, card_key_for
from quizapp.syllabus import ADVANCED_TAG


def kind_of(item: Item) -> str:
    """The kind coverage shows: the item's kind, but ``code`` for a choice item with code."""
    return kinds.kind_of(item).coverage_label(item)


def hand_written(items: Iterable[Item]) -> list[Item]:
    """The items an author wrote in full (every kind but ``generated``)."""
    return [i for i in items if kinds.kind_of(i).generator(i) is None]


def kinds_by_topic(items: Iterable[Item]) -> dict[str, Counter[str]]:
    """Topic → items of each kind (``trap``, ``choice``, ``fill``, ``generated``)."""
    out: dict[str, Counter[str]] = {}
    for item in items:
        out.setdefault(item.topic, Counter())[item.kind] += 1
    return out


def cards_by_topic(bank: Bank) -> dict[str, set[str]]:
    """Topic → its card keys, for every topic of topics.yaml (and any an item names). A generator
    framed by items of several topics is one card in each of those topics."""
    out: dict[str, set[str]] = {t: set() for t in bank.topics}
    for item in bank.items.values():
        out.setdefault(item.topic, set()).add(card_key_for(item))
    return out


def cards(bank: Bank) -> set[str]:
    """Every card of the bank: one per hand-written item, one per generator however many items
    frame it."""
    return {card_key_for(item) for item in bank.items.values()}


def syllabus_ids(bank: Bank, item: Item) -> list[str]:
    """The syllabus items an item serves: its own ids, else its topic's (none when 発展)."""
    if ADVANCED_TAG in item.tags and not item.syllabus:
        topic = bank.topics.get(item.topic)
        if topic is None or topic.advanced:
            return []
    if item.syllabus:
        return item.syllabus
    topic = bank.topics.get(item.topic)
    return topic.syllabus if topic is not None else []


def items_by_syllabus(bank: Bank) -> dict[str, list[Item]]:
    """Syllabus id → the items serving it, for every id of the bank's syllabus."""
    out: dict[str, list[Item]] = {sid: [] for sid in (bank.syllabus.items if bank.syllabus else {})}
    for item in bank.items.values():
        for sid in syllabus_ids(bank, item):
            out.setdefault(sid, []).append(item)
    return out
