"""A yes/no question over the current screen, for actions that end something early."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quizapp.ui.widgets.footer import KeysFooter


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for yes (y, or the yes button) and False for no (n, Escape)."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "はい"),
        Binding("n", "answer(False)", "いいえ"),
        Binding("escape", "answer(False)", "いいえ", show=False),
    ]

    def __init__(self, message: str, *, yes: str = "はい (y)", no: str = "いいえ (n)") -> None:
        super().__init__()
        self.message = message
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="panel"):
            yield Static(self.message, id="message")
            with Horizontal(id="buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
