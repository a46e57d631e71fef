"""The mistake notebook (間違いノート): every card answered wrong at least once, the most recently
missed first, with what it takes to list, filter and drill them.

The store finds the cards (:meth:`~quizapp.store.Store.missed_cards`); this module places them in
the bank (topic, exams, the prompt's first line). A card the bank no longer has is left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.bank import Bank
from quizapp.cardkey import generator_of
from quizapp.kinds import Item
from quizapp.kinds.generated import framing_items
from quizapp.store import MissedCard, ReviewRecord, Store


@dataclass(frozen=True)
class Entry:
    card_key: str
    item_id: str | None
    """The item that framed the missed question (for a generator card, the one logged)."""
    topic: str
    exams: tuple[str, ...]
    first_line: str
    wrong: int
    answers: int
    last_wrong: ReviewRecord
    latest_correct: bool
    """Answered right since the last miss."""


def entries(bank: Bank, generators: Mapping[str, Any], store: Store) -> list[Entry]:
    """The notebook, the most recently missed card first."""
    out = []
    for missed in store.missed_cards():
        entry = _entry(bank, generators, missed)
        if entry is not None:
            out.append(entry)
    return out


def _entry(bank: Bank, generators: Mapping[str, Any], missed: MissedCard) -> Entry | None:
    key, review = missed.card_key, missed.last_wrong
    item: Item | None
    name = generator_of(key)
    if name is not None:
        generator = generators.get(name)
        if generator is None:
            return None
        framing = framing_items(bank.items, name)
        item = next((i for i in framing if i.id == review.item_id), None) or next(
            iter(framing), None
        )
        topic = item.topic if item is not None else generator.topic
        exams = tuple(item.exams) if item is not None else tuple(generator.exams)
        title = str(getattr(generator, "title", name))
        first = _first_line(item.prompt) if item is not None else title
    else:
        item = bank.items.get(key)
        if item is None:
            return None
        topic, exams, first = item.topic, tuple(item.exams), _first_line(item.prompt)
    return Entry(
        card_key=key,
        item_id=item.id if item is not None else None,
        topic=topic,
        exams=exams,
        first_line=first,
        wrong=missed.wrong,
        answers=missed.answers,
        last_wrong=review,
        latest_correct=missed.latest_correct,
    )


def _first_line(prompt: str) -> str:
    lines = prompt.strip().splitlines()
    return lines[0].strip() if lines else ""


def filtered(
    notebook: Iterable[Entry], *, topic: str | None = None, exam: str | None = None
) -> list[Entry]:
    """The entries of ``topic`` (None: every topic) for ``exam`` ("G", "E"; None: both)."""
    return [
        e
        for e in notebook
        if (topic is None or e.topic == topic) and (exam is None or exam in e.exams)
    ]


def topic_counts(notebook: Iterable[Entry]) -> list[tuple[str, int]]:
    """(topic, entries) for the topics the notebook holds, the fullest first."""
    counts = Counter(e.topic for e in notebook)
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def drill_keys(notebook: Sequence[Entry]) -> list[str]:
    """The cards a drill of the notebook asks, in its order."""
    return list(dict.fromkeys(e.card_key for e in notebook))
