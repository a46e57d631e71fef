"""The text box for fill-in and numeric answers."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class AnswerInput(Input):
    """An Input whose Enter is listed in the footer: Input hides its own, and while the box has
    focus the footer would otherwise show no way to submit."""

    BINDINGS = [Binding("enter", "submit", "解答", show=True)]
