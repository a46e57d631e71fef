"""An item's answer key, for looking an item up rather than answering it: the prompt, the right
answer, the explanation, every option's rationale and a generated problem's worked solution, with
the learner's logged answer when there is one (the mistake notebook opens a missed answer so).

A generated problem is made again from the seed the log kept, so the notebook shows the very
problem the learner missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.bank import Bank
from quizapp.kinds import kind_for_card
from quizapp.kinds.generated import EXAMPLE_SEED
from quizapp.question import AnswerKey, KeyOption
from quizapp.store import ReviewRecord

__all__ = ["EXAMPLE_SEED", "AnswerKey", "KeyOption", "answer_key"]


def answer_key(
    bank: Bank,
    generators: Mapping[str, Any],
    card_key: str,
    review: ReviewRecord | None = None,
    *,
    item_id: str | None = None,
) -> AnswerKey | None:
    """The answer key of ``card_key`` (with ``review``'s answer), or None when the bank no longer
    has it. ``item_id`` picks which of the items sharing a generator frames its problem (the
    review's item comes first)."""
    kind = kind_for_card(card_key, bank.items)
    if kind is None:
        return None
    return kind.card_answer_key(bank.items, generators, card_key, review, item_id)
