"""What the store keeps, as the rest of quizapp sees it: answers, card states and sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc_iso(moment: datetime) -> str:
    """A fixed-width UTC ISO string, so that text order is time order in SQL.

    Raises:
        ValueError: for a naive datetime (its instant is unknown).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ReviewRecord:
    """One answer, as appended to the review log."""

    card_key: str
    """The item id, or ``gen:<generator name>`` for a generator card."""
    item_id: str | None
    generator: str | None
    seed: int | None
    params: dict[str, Any] | None
    """The generator's parameters for this instance (JSON-serialisable)."""
    answer: str
    correct: bool
    rating: int
    """The fsrs rating the card was scheduled with (1 Again, 2 Hard, 3 Good, 4 Easy): automatic
    grading's, or the learner's own for a right answer (see ``auto_rating``)."""
    seconds: float
    reviewed_at: datetime
    """Timezone-aware; stored in UTC."""
    session_id: int | None
    misconception: str | None = None
    id: int | None = None
    """Set by the store when the review is read back."""
    auto_rating: int | None = None
    """What automatic grading rated, when the learner rated the answer otherwise afterwards."""


@dataclass(frozen=True)
class CardState:
    """A card's scheduling state: the fsrs card as a dict (``fsrs.Card.to_dict()``) plus counters.

    Conversion to and from fsrs lives in :mod:`quizapp.scheduler`; the store only persists it.
    """

    card_key: str
    card: dict[str, Any]
    lapses: int = 0
    reps: int = 0
    leech: bool = False
    suspended: bool = False

    @property
    def due(self) -> datetime:
        return datetime.fromisoformat(self.card["due"])

    @property
    def last_review(self) -> datetime | None:
        value = self.card.get("last_review")
        return datetime.fromisoformat(value) if value else None

    @property
    def fsrs_state(self) -> int:
        """1 Learning, 2 Review, 3 Relearning (``fsrs.State``)."""
        return int(self.card["state"])

    @property
    def stability(self) -> float | None:
        return self.card.get("stability")


@dataclass(frozen=True)
class SessionRecord:
    """A drill, review, practice run or mock exam as recorded in ``sessions``."""

    id: int
    mode: str
    started_at: datetime
    ended_at: datetime | None
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    """What the session amounted to (for a mock exam: items, score, by topic)."""


@dataclass(frozen=True)
class MissedCard:
    """A card answered wrong at least once: a row of the mistake notebook (間違いノート)."""

    card_key: str
    wrong: int
    answers: int
    last_wrong: ReviewRecord
    """The most recent wrong answer, as logged."""
    latest_correct: bool
    """Whether the card's most recent answer was right (it has been got right since)."""
