"""The learner's own rating of a right answer, under its verdict: 1 まぐれ, 2 普通, 3 簡単."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from quizapp.scheduler import SELF_RATINGS
from quizapp.session import Feedback

CHOICES = ("自信なし（まぐれ）", "普通", "簡単")
"""What keys 1, 2 and 3 say, in the order of :data:`~quizapp.scheduler.SELF_RATINGS`."""
SLOW = "やや難（時間がかかったので）"
"""The automatic rating of a right answer that took long (Hard), which no key gives."""


def rating_text(feedback: Feedback) -> Text:
    """The three choices, the one in effect highlighted, and what Enter does."""
    line = Text("自己評価: ", style="bold")
    for key, (label, rating) in enumerate(zip(CHOICES, SELF_RATINGS, strict=True), start=1):
        chosen = feedback.rating == rating
        line.append(f" {key} {label} ", style="reverse bold" if chosen else "")
        line.append(" ")
    if feedback.rating not in SELF_RATINGS:
        line.append(f"\nいまの評価: {SLOW}", style="dim")
    line.append("\n当て推量で合っていたら 1。Enter でこのまま次へ", style="dim")
    return line


class RatingLine(Static):
    """Shown after a right answer, when the learner can still rate it."""

    DEFAULT_CSS = """
    RatingLine {
        height: auto;
        padding: 0 1;
        margin-top: 1;
    }
    """

    def show(self, feedback: Feedback | None) -> None:
        """The choices for ``feedback``; hidden when there is nothing to rate."""
        rateable = feedback is not None and feedback.grade.correct
        self.display = rateable
        self.update(rating_text(feedback) if feedback is not None and rateable else "")
