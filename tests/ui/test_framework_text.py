"""Everything the learner sees is Japanese, Textual's own texts included: the quit hint of
Ctrl+C, the command palette, the keys panel, the footer's palette key."""

from __future__ import annotations

import re
from pathlib import Path

from rich.cells import cell_len
from textual import events
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from quizapp.ui.screens.home import MENU, HomeScreen
from quizapp.ui.screens.keys import KeysScreen
from quizapp.ui.widgets.palette import NO_MATCHES, PLACEHOLDER, Palette

from .conftest import screen_chars
from .test_flows import start_drill

ENGLISH = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    """Words of three or more Latin letters, but the app's name and key names."""
    allowed = {"quizapp", "Ctrl", "Enter", "Escape", "Tab", "PgUp", "PgDn", "esc", "SVG"}
    return [w for w in ENGLISH.findall(text) if w not in allowed]


async def wait_for(pilot: Pilot, text: str) -> str:
    """The screen's characters once ``text`` is among them (Textual shows some after a timer)."""
    for _ in range(100):
        await pilot.pause(0.05)
        shown = screen_chars(pilot)
        if text in shown:
            return shown
    raise AssertionError(f"{text!r} never appeared")


async def test_ctrl_c_says_how_to_quit_in_japanese(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+c")
        shown = await wait_for(pilot, "終了するには Ctrl+Q")
        assert "quit" not in shown.casefold()


async def test_the_palette_lists_only_japanese_commands(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24)) as pilot:
        for screen in (pilot.app.screen, await start_drill(pilot, ["relu"])):
            commands = list(pilot.app.get_system_commands(screen))
            titles = [c.title for c in commands]
            assert {"テーマ切替", "キー一覧", "終了"} <= set(titles)
            for command in commands:
                assert not english_words(command.title + command.help), command
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Palette)
        assert PLACEHOLDER in screen_chars(pilot)
        await pilot.press(*"zzz")
        shown = await wait_for(pilot, NO_MATCHES)
        assert "No matches" not in shown


async def test_home_menu_keys_and_palette_say_the_same(app_factory) -> None:
    """Every menu entry has its key on home, its line in the menu and its palette command, and
    the menu's line and the palette's name agree."""

    async with app_factory().run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        menu = home.query_one("#menu")
        lines = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert lines == [f"[b]{e.key}[/b]  {e.label}" for e in MENU]
        bound = {a.binding.action for a in home.active_bindings.values()}
        assert {e.action for e in MENU} <= bound
        palette = {c.title: c for c in pilot.app.get_system_commands(home)}
        for entry in MENU:
            command = palette[entry.label]
            assert command.help == entry.help
            assert command.callback == getattr(home, f"action_{entry.action}")


async def test_the_keys_panel_is_japanese_and_closes_with_escape(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        (keys,) = [c for c in pilot.app.get_system_commands(home) if c.title == "キー一覧"]
        keys.callback()
        await pilot.pause()
        panel = pilot.app.screen
        assert isinstance(panel, KeysScreen)
        shown = screen_chars(pilot)
        assert "トピック" in shown and "終了" in shown
        rows = " ".join(f"{k} {what}" for k, what in panel.rows)
        assert not english_words(rows), rows
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is home
        quiz = await start_drill(pilot, ["relu"])
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, KeysScreen)
        assert "○ 正しい" in screen_chars(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is quiz


async def test_a_saved_screen_is_announced_in_japanese(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.post_message(
            events.DeliveryComplete(key="k", path=Path("/tmp/a.svg"), name=app.SCREENSHOT)
        )
        shown = await wait_for(pilot, "画面を保存しました")
        assert "Saved" not in shown


async def test_home_footer_shows_every_key_whole_at_80_columns(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24)) as pilot:
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.pause()
        keys = list(pilot.app.screen.query(FooterKey))
        labels = {key.description for key in keys}
        assert {"終了", "コマンド"} <= labels
        for key in keys:
            region = key.region
            assert region.right <= 80, key.description
            assert region.width >= cell_len(key.description) + 2, key.description
        assert "palette" not in screen_chars(pilot)
