"""Textual's Footer, recomposed once per refresh and only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Footer rebuilds all its keys (a FooterKey per binding, each restyled, then a layout and a
    paint) on every ``refresh_bindings``: focus changes, screen resume, each question. Opening a
    review sent four to six of them, all showing the same keys. This footer folds the requests
    made before the next refresh into one and skips it when the keys shown are unchanged."""

    _pending = False
    _shown: tuple | None = None

    def _keys(self) -> tuple:
        shown = tuple(
            (b.key, self.app.get_key_display(b), b.action, b.description, b.group, enabled, tooltip)
            for (_, b, enabled, tooltip) in self.screen.active_bindings.values()
            if b.show or b.key == self.app.COMMAND_PALETTE_BINDING
        )
        return (self.compact, self.show_command_palette, shown)

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._refresh_keys)

    async def _refresh_keys(self) -> None:
        self._pending = False
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
