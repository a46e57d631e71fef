"""The command palette with Japanese text: Textual's prompts it "Search for commands…" and
answers a search without hits with "No matches found"."""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

PLACEHOLDER = "コマンドを検索…"
NO_MATCHES = "一致するコマンドはありません"


class Palette(CommandPalette):
    """Textual's palette, in Japanese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual offers no hook for its "No matches found" line: this replaces the method
        that adds it (tests/ui/test_framework_text.py notices when Textual renames it)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCHES, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
