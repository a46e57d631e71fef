"""Settings: see where the settings file is, and change retention, limits, exam date and theme."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from quizapp.config import (
    SETTINGS,
    ConfigError,
    example_exam_date,
    help_text,
    save_settings,
    settings_from_form,
)
from quizapp.safetext import visible
from quizapp.ui.context import AppContext
from quizapp.ui.failures import WRITE_ERRORS, reason
from quizapp.ui.screens.confirm import ConfirmScreen
from quizapp.ui.themes import THEMES
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, clip_left

SAVED_PATH_CELLS = 30
"""The end of the settings file's path the save notification shows on its one line."""
INPUT_CHARS = 40
"""Longest value a field takes (a date needs 10): a huge paste would come back whole in the error
message."""


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class SettingsScreen(Screen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True),
        Binding("escape", "close", "戻る"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        today = self.context.clock().astimezone().date()
        example = example_exam_date(today)
        yield Header()
        yield Static(id="where", classes="panel")
        with VerticalScroll(id="form"):
            for field in SETTINGS:
                name = field.name
                yield Label(
                    f"[b]{field.metadata['title']}[/b]  [dim]{name}[/dim]", classes="setting-title"
                )
                help = help_text(name, today)
                if name == "exam_date":
                    help += f"{example.year}/{example.month}/{example.day} のようにも書けます。"
                yield Static(JText(help), classes="muted setting-help")
                yield Input(
                    _shown(getattr(self.context.settings, name)),
                    placeholder="未設定" if name == "exam_date" else "",
                    id=f"setting-{name}",
                    max_length=INPUT_CHARS,
                    classes="setting-input",
                )
        yield Static(id="errors", classes="ng")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "設定"
        path = self.context.config_path
        state = "" if path.exists() else "（まだありません。保存すると作成します）"
        self.query_one("#where", Static).update(
            Text(
                f"設定ファイル: {visible(str(path))}{state}\n"
                "Enter で次の項目、Ctrl+S で保存、Escape で戻る（保存していない変更は確認します）"
            )
        )
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def _form(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#setting-{f.name}", Input).value for f in SETTINGS}

    def action_save(self) -> None:
        """Save and close; a value or a file that cannot be used is explained and the form kept
        (what the user typed, a path and a file's text are shown as text, never read as markup)."""
        errors = self.query_one("#errors", Static)
        try:
            settings = settings_from_form(self._form())
        except ConfigError as exc:
            errors.update(Text(visible(str(exc))))
            return
        try:
            path = save_settings(settings, self.context.config_path)
        except ConfigError as exc:  # e.g. the file was broken by hand while the app was open
            errors.update(Text(visible(str(exc))))
            return
        except WRITE_ERRORS as exc:
            errors.update(Text(f"設定ファイルを書き込めません: {reason(exc)}"))
            return
        self.context.apply(settings)
        self.app.theme = THEMES[settings.theme]
        # the file name on a line of its own, cut from the left: the whole path (on this
        # screen) would wrap in the middle of a name in a notification's narrow box
        shown = clip_left(visible(str(path), newlines=False), SAVED_PATH_CELLS)
        self.app.notify(f"設定を保存しました\n{shown}", title="設定", markup=False)
        self.app.pop_screen()

    def action_close(self) -> None:
        """Back to home; with edits not saved, only after asking."""
        if self._form() == {
            f.name: _shown(getattr(self.context.settings, f.name)) for f in SETTINGS
        }:
            self.app.pop_screen()
            return
        self.app.push_screen(
            ConfirmScreen(
                "保存していない変更があります。変更を捨てて戻りますか？\n"
                "（保存するには「いいえ」を選んで Ctrl+S）",
                yes="捨てて戻る (y)",
                no="いいえ (n)",
            ),
            self._discard,
        )

    def _discard(self, yes: bool | None) -> None:
        if yes:
            self.app.pop_screen()
