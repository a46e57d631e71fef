"""The text box for fill-in and numeric answers."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Input

from quizapp.grading import MAX_INPUT


class AnswerInput(Input):
    """An Input whose Enter is listed in the footer: Input hides its own, and while the box has
    focus the footer would otherwise show no way to submit.

    It takes at most :data:`~quizapp.grading.MAX_INPUT` characters, as much as grading reads: a
    megabyte pasted by mistake is refused whole, with a message, instead of freezing the app."""

    BINDINGS = [Binding("enter", "submit", "解答", show=True)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_INPUT)
        super().__init__(*args, **kwargs)

    def restricted(self) -> None:
        """Typing or a paste past the limit (Input only rings the bell)."""
        super().restricted()
        self.notify(f"解答は {self.max_length} 文字までです", severity="warning")
