"""How the bank covers the exams' syllabi, and which of its facts are due for a re-check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from quizapp.bank import Bank
from quizapp.items import Item


@dataclass(frozen=True)
class Stale:
    """An item whose law or guideline was last checked before the cut-off."""

    item: Item
    as_of: date


def stale_items(bank: Bank, today: date, years: float) -> list[Stale]:
    """Items with an ``as_of`` older than ``years`` before ``today``, oldest first: after an
    amendment, an author re-checks these."""
    cutoff = today - timedelta(days=round(365.25 * years))
    found = [
        Stale(item, date.fromisoformat(item.as_of))
        for item in bank.items.values()
        if item.as_of is not None and date.fromisoformat(item.as_of) < cutoff
    ]
    return sorted(found, key=lambda s: (s.as_of, s.item.id))
