"""キー一覧: the keys of the screen below, in Japanese, closed with Escape.

Textual's own keys panel lists its widgets' bindings in English ("Scroll Up", "cursor left") and
stays open until chosen again from the palette; this one lists the bindings quizapp declares,
the keys every list and text box shares, and closes like every other dialog."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from quizapp.ui.widgets.footer import KeysFooter

COMMON_KEYS = (
    ("Enter", "選んだ項目を開く・解答・次へ"),
    ("↑ ↓", "項目の移動・スクロール"),
    ("PgUp PgDn", "1画面ずつスクロール"),
    ("Tab", "次の欄へ"),
)


def _declared(node: DOMNode) -> set[tuple[str, str]]:
    """(key, action) of the bindings quizapp's own classes declare on ``node``: Textual's
    widgets add bindings with English descriptions, which the learner never needs."""
    out: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("quizapp."):
            continue
        bindings: list[BindingType] = cls.__dict__.get("BINDINGS", [])
        for binding in bindings:
            if isinstance(binding, Binding):
                out |= {(key.strip(), binding.action) for key in binding.key.split(",")}
    return out


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys as shown, what they do) for the bindings active on ``screen`` now."""
    rows: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or not binding.description or binding.system:
            continue
        if (key, binding.action) not in _declared(active.node):
            continue
        if not binding.show and binding.action.startswith("pick("):
            continue  # 2–6: the 1 key's row names them all
        shown = screen.app.get_key_display(binding)
        rows.setdefault(binding.description, shown)
        if shown not in rows[binding.description].split(" / "):
            rows[binding.description] += f" / {shown}"
    return [(keys, what) for what, keys in rows.items()] + list(COMMON_KEYS)


class KeysScreen(ModalScreen[None]):
    """The keys of ``screen``, over it; Escape (or q) closes."""

    DEFAULT_CSS = """
    KeysScreen {
        align: center middle;
        background: $background 60%;
    }
    KeysScreen #keys-box {
        width: 60;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        background: $surface;
        border: round $primary 60%;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "閉じる"),
        Binding("q", "close", "閉じる", show=False),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.rows = key_rows(screen)

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", justify="right", no_wrap=True)
        table.add_column()
        for keys, what in self.rows:
            table.add_row(Text(keys), Text(what))
        with VerticalScroll(id="keys-box") as box:
            box.border_title = "キー一覧（Escape で閉じる）"
            yield Static(table)
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss()
