"""What a loaded bank is: :class:`Bank`, its :class:`BankError`s, and the version of its caches.

Kept apart from :mod:`quizapp.bank` (which loads one) so that the loader and the syllabus rules,
which build a bank, never import the module that imports them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizapp.items import Topic
from quizapp.kinds import KINDS, Item
from quizapp.safetext import visible
from quizapp.syllabus import Syllabus

CACHE_FORMAT = 5
"""Bump when a cache's encoding changes: old entries are then never read."""


@dataclass(frozen=True)
class BankError:
    path: Path
    line: int
    item_id: str
    message: str

    def __str__(self) -> str:
        """One line, every control character escaped: the path, the id and the message carry
        bank text, which must not start a line of its own or steer a terminal."""
        return visible(f"{self.path}:{self.line}: {self.item_id}: {self.message}", newlines=False)


class BankLoadError(Exception):
    """Raised by :func:`quizapp.bank.load_bank` when ``strict``; carries every error found."""

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass
class Bank:
    topics: dict[str, Topic]
    items: Mapping[str, Item]
    """By id, in bank order. The loader fills a dict; a bank from the cache decodes each item
    when it is first looked up (:mod:`quizapp.bankcache`)."""
    locations: Mapping[str, tuple[Path, int]] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)
    raw_lines: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    """Per item: line offsets of its check entries, options and code block (for error reports)."""
    syllabus: Syllabus | None = None
    """Both exams' syllabi, when the bank has a syllabus.yaml beside its topics.yaml."""

    def by_topic(self, topic: str) -> list[Item]:
        return [item for item in self.items.values() if item.topic == topic]

    def generator_of(self) -> Mapping[str, str]:
        """The generator each generated item frames, by item id, in bank order: a cached bank
        answers without decoding its items (a start needs the cards, not the items)."""
        known = getattr(self.items, "generator_of", None)
        if known is not None:
            return known
        return {
            i.id: i.generator  # type: ignore[union-attr]
            for i in self.items.values()
            if i.kind == "generated"
        }

    def summary(self) -> str:
        """One line: item counts by kind and the number of topics covered."""
        kinds = Counter(item.kind for item in self.items.values())
        topics = {item.topic for item in self.items.values()}
        parts = ", ".join(f"{k} {kinds[k]}" for k in KINDS)
        return f"{len(self.items)} items ({parts}) in {len(topics)}/{len(self.topics)} topics"
