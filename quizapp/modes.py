"""What each kind of session does, as one policy object per mode instead of mode names compared
wherever behaviour differs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModeName = Literal["drill", "review", "practice", "mock"]


@dataclass(frozen=True)
class Mode:
    """How a session draws, schedules and ends."""

    name: ModeName
    """What the session log records."""
    draws: str
    """What the queue holds (for the reader)."""
    claims_cards: bool = False
    """Each card is claimed in the store before it is shown, so that two sessions at once never
    show the same card and the day's new-card limit holds across them."""
    relearns_misses: bool = False
    """A missed card (or a right answer rated a guess) comes back later in the session."""
    introduces_cards: bool | None = None
    """Whether answering a card FSRS has never scheduled puts it there: True always, None when
    the setting ``drill_introduces_cards`` decides."""
    generated_as_options: bool = False
    """Generated problems are always offered as options (the exams' format)."""
    endless: bool = False
    """Answers are counted, not "n of total", and leaving shows no result screen."""
    timed: bool = False
    """The session has a time limit (the exam's pace)."""

    def introduces(self, drill_introduces_cards: bool) -> bool:
        """Whether answers put new cards into FSRS, given the learner's setting."""
        return drill_introduces_cards if self.introduces_cards is None else self.introduces_cards


DRILL = Mode("drill", "the chosen topics' cards, unseen and weak first")
REVIEW = Mode(
    "review",
    "due cards, then the day's new ones",
    claims_cards=True,
    relearns_misses=True,
    introduces_cards=True,
)
PRACTICE = Mode("practice", "one generator's problems without end", endless=True)
MOCK = Mode(
    "mock",
    "a draw by the syllabus's area shares",
    generated_as_options=True,
    timed=True,
)
MODES: dict[str, Mode] = {m.name: m for m in (DRILL, REVIEW, PRACTICE, MOCK)}
