"""How the bank covers the exams' syllabi, and which of its facts are due for a re-check.

The rows of the coverage command and of 試験対策 (kinds, generators, keywords taught, the
learner's figures) are built on :mod:`quizapp.counts`'s items by syllabus item, so they, the
content tests and the forecast agree on what "covered" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from quizapp import kinds
from quizapp.bank import Bank
from quizapp.counts import items_by_syllabus, kind_of
from quizapp.kinds import Item, card_key_for
from quizapp.syllabus import SyllabusItem

_JOINER = re.compile(r"(?<=\S)と(?=[A-Za-z0-9ァ-ヶー一-龥])")
"""「と」 joining two terms (「ROCとAUC」), followed by a term not written in hiragana."""


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


def fold(text: str) -> str:
    """Width- and case-insensitive form for matching keywords."""
    return unicodedata.normalize("NFKC", text).casefold()


def text_of(item: Item) -> str:
    """Everything an item teaches in words: prompt, explanation, options and their rationales."""
    parts = [item.prompt, item.explanation, *kinds.kind_of(item).words(item)]
    return fold("\n".join(parts))


def keyword_forms(keyword: str) -> list[list[str]]:
    """The ways an item may mention an official keyword: each form is a list of parts that must
    all appear. 「確率的勾配降下法(SGD)」 is met by either name, 「ReLU関数」 by 「ReLU」, and
    「偽陽性・偽陰性」 and E資格's concept label 「MSEとMAE」 by both terms."""
    base = fold(keyword)
    forms = [[base]]
    if "(" in base and base.endswith(")"):
        outside, _, inside = base[:-1].partition("(")
        forms += [[outside.strip()], [inside.strip()]]
    elif "・" in base:
        forms.append([part for part in base.split("・") if part])
    elif "と" in base and _JOINER.search(base):
        forms.append([part for part in _JOINER.split(base) if part])
    if base.endswith("関数") and len(base) > 2:
        forms.append([base[: -len("関数")]])
    return forms


def missing_keywords(keywords: list[str], items: list[Item]) -> list[str]:
    """The keywords none of ``items`` mentions in any of its accepted forms."""
    taught = "\n".join(text_of(i) for i in items)
    return [
        k
        for k in keywords
        if not any(all(part in taught for part in form) for form in keyword_forms(k))
    ]


@dataclass(frozen=True)
class Learner:
    """What the learner's log says of a set of cards."""

    seen: int = 0
    answers: int = 0
    correct: int = 0
    recall: float | None = None
    """Mean predicted recall now over the seen cards (FSRS retrievability)."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class Coverage:
    """One syllabus item: what the bank has for it (the same all session long)."""

    item: SyllabusItem
    kinds: Counter[str]
    generators: tuple[str, ...]
    missing: tuple[str, ...]
    """Official keywords no item mentions yet."""
    oldest_as_of: date | None
    cards: frozenset[str]

    @property
    def hand_written(self) -> int:
        return sum(n for k, n in self.kinds.items() if k != "generated")

    @property
    def covered(self) -> bool:
        return bool(self.cards)

    def learner(
        self, counts: Mapping[str, tuple[int, int]], recall: Mapping[str, float]
    ) -> Learner:
        """How the learner does on this syllabus item.

        Args:
            counts: card key → (answers, right answers), from the store.
            recall: card key → predicted recall now, for the cards answered at least once.
        """
        seen = [k for k in self.cards if k in counts]
        recalls = [recall[k] for k in seen if k in recall]
        return Learner(
            seen=len(seen),
            answers=sum(counts[k][0] for k in seen),
            correct=sum(counts[k][1] for k in seen),
            recall=sum(recalls) / len(recalls) if recalls else None,
        )


def coverage(bank: Bank, exam: str | None = None) -> list[Coverage]:
    """Per syllabus item (of ``exam``, or both), in syllabus order. It depends on the bank alone:
    compute it once and ask each row for :meth:`Coverage.learner` as the log grows."""
    if bank.syllabus is None:
        return []
    serving = items_by_syllabus(bank)
    out = []
    for sid, sitem in bank.syllabus.items.items():
        if exam is not None and sitem.exam != exam:
            continue
        items = serving.get(sid, [])
        dates = [date.fromisoformat(i.as_of) for i in items if i.as_of]
        out.append(
            Coverage(
                item=sitem,
                kinds=Counter(kind_of(i) for i in items),
                generators=tuple(
                    sorted({g for i in items if (g := kinds.kind_of(i).generator(i))})
                ),
                missing=tuple(missing_keywords(sitem.keywords, items)),
                oldest_as_of=min(dates) if dates else None,
                cards=frozenset(map(card_key_for, items)),
            )
        )
    return out
