"""The settings screen: shows the file, refuses bad values with Japanese messages, saves atomically,
and the new retention and exam date take effect at once."""

from __future__ import annotations

import errno
import os
import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from quizapp.config import load_settings
from quizapp.ui.screens.confirm import ConfirmScreen
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.settings import SettingsScreen

from .conftest import rendered, screen_chars


async def _open(pilot) -> SettingsScreen:
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def _set(screen: SettingsScreen, name: str, value: str) -> None:
    screen.query_one(f"#setting-{name}", Input).value = value


async def test_settings_shows_the_file_and_current_values(app_factory, tmp_path: Path) -> None:
    app = app_factory(config="new_per_day = 7\n")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        where = str(screen.query_one("#where", Static).render())
        assert str(tmp_path / "config.toml") in where
        assert screen.query_one("#setting-new_per_day", Input).value == "7"
        assert screen.query_one("#setting-exam_date", Input).value == ""


async def test_saving_valid_settings_writes_the_file_and_applies_them(
    app_factory, tmp_path: Path
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        _set(screen, "desired_retention", "０.８５")
        _set(screen, "exam_date", "2027-01-10")
        _set(screen, "theme", "light")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        ctx = app.context
        assert ctx.settings.desired_retention == 0.85
        assert ctx.scheduler.desired_retention == 0.85
        assert ctx.scheduler.exam_date == date(2027, 1, 10)
        assert app.theme == "textual-light"
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "保持率目標 85%" in summary
        assert "試験まで" in summary
    saved = load_settings(tmp_path / "config.toml")
    assert saved.exam_date == date(2027, 1, 10)
    assert tomllib.loads((tmp_path / "config.toml").read_text("utf-8"))["theme"] == "light"


async def test_invalid_values_are_explained_and_nothing_is_written(
    app_factory, tmp_path: Path
) -> None:
    app = app_factory(config="new_per_day = 7\n")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        _set(screen, "desired_retention", "2")
        _set(screen, "exam_date", "来月")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        errors = str(screen.query_one("#errors", Static).render())
        assert "目標保持率: 0.99 以下にしてください" in errors
        assert "受験日: 2027-01-10、2027/1/10、2027.1.10、2027年1月10日 のような日付" in errors
        assert app.context.settings.desired_retention == 0.9
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert (tmp_path / "config.toml").read_text("utf-8") == "new_per_day = 7\n"


async def test_a_file_broken_while_the_app_is_open_is_reported_not_overwritten(
    app_factory, tmp_path: Path
) -> None:
    broken = "new_per_day = 7\ntheme = \n"

    app = app_factory(config="new_per_day = 7\n")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        (tmp_path / "config.toml").write_text(broken, encoding="utf-8")
        _set(screen, "new_per_day", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        errors = str(screen.query_one("#errors", Static).render())
        assert "config.toml:2" in errors and "TOML" in errors
        assert app.context.settings.new_per_day == 7
    assert (tmp_path / "config.toml").read_text("utf-8") == broken


async def test_markup_typed_in_a_field_is_shown_as_typed(app_factory, tmp_path: Path) -> None:
    """Rich markup in what the user typed comes back in the message as text, not a crash."""

    app = app_factory(config="new_per_day = 7\n")
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await _open(pilot)
        _set(screen, "new_per_day", "[/]")
        _set(screen, "theme", "[bold]light")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        errors = str(screen.query_one("#errors", Static).render())
        assert "'[/]'" in errors and "'[bold]light'" in errors
        assert screen.query_one("#setting-new_per_day", Input).value == "[/]"
        _set(screen, "new_per_day", "9")
        _set(screen, "theme", "light")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert load_settings(tmp_path / "config.toml").new_per_day == 9


def _app_with_config(tmp_path: Path, config_path: Path):
    from quizapp.ui.app import make_app

    from .conftest import BANK

    return make_app(
        db_path=tmp_path / "p.db", bank_dirs=[BANK], config_path=config_path, seed=7, fuzz=False
    )


async def test_a_config_path_with_markup_opens_and_saves(tmp_path: Path) -> None:
    config = tmp_path / "a[/]b[bold]" / "config.toml"
    app = _app_with_config(tmp_path, config)

    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await _open(pilot)
        assert str(config) in str(screen.query_one("#where", Static).render())
        _set(screen, "new_per_day", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert load_settings(config).new_per_day == 9


async def test_a_settings_file_that_cannot_be_written_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while saving: the message says so in Japanese, the form keeps what was typed,
    and nothing is applied."""
    config = tmp_path / "a[/]b" / "config.toml"
    app = _app_with_config(tmp_path, config)

    def full_disk(target: Path, write: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr("quizapp.config.replace_file", full_disk)

    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await _open(pilot)
        _set(screen, "new_per_day", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        errors = str(screen.query_one("#errors", Static).render())
        assert "設定ファイルを書き込めません" in errors and "ディスクの空きがありません" in errors
        assert str(config) in errors
        assert screen.query_one("#setting-new_per_day", Input).value == "9"
        assert app.context.settings.new_per_day == 20
    assert not config.exists()


async def test_escape_asks_before_dropping_edits(app_factory, tmp_path: Path) -> None:
    """Escape with nothing changed goes straight back; with an edit it asks: n keeps the form as
    typed, y drops it and writes nothing."""

    app = app_factory(config="new_per_day = 7\n")
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        screen = await _open(pilot)
        _set(screen, "new_per_day", "30")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#setting-new_per_day", Input).value == "30"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.context.settings.new_per_day == 7
    assert (tmp_path / "config.toml").read_text("utf-8") == "new_per_day = 7\n"


@pytest.mark.parametrize(
    "typed",
    ["2027/1/10", "2027年1月10日", "2027.1.10", "２０２７／１／１０", "２０２７年１月１０日"],
)
async def test_an_exam_date_written_the_japanese_way_is_read(
    app_factory, tmp_path: Path, typed: str
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        _set(screen, "exam_date", typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), str(screen.query_one("#errors", Static).render())
        assert app.context.settings.exam_date == date(2027, 1, 10)
    assert load_settings(tmp_path / "config.toml").exam_date == date(2027, 1, 10)


async def test_the_exam_date_example_lies_ahead(app_factory) -> None:
    """The help's example date is counted from today (the app's clock), never one gone by."""
    import re

    from .conftest import NOW

    app = app_factory()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open(pilot)
        helps = " ".join(rendered(w) for w in screen.query(".setting-help"))
        examples = [date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", helps)]
        assert examples and all(d > NOW.date() for d in examples)


async def test_the_save_message_keeps_the_file_name_on_one_line(tmp_path: Path) -> None:
    config = tmp_path / ("とても長いフォルダの名前" * 3) / "quizapp-settings.toml"
    app = _app_with_config(tmp_path, config)

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _open(pilot)
        _set(screen, "new_per_day", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        lines = screen_chars(pilot).splitlines()
        assert any("quizapp-settings.toml" in line for line in lines)
        assert any("設定を保存しました" in line for line in lines)


async def test_ctrl_t_keeps_the_theme_for_the_next_start(app_factory, tmp_path: Path) -> None:
    async def go() -> None:
        app = app_factory(config="new_per_day = 7\n")
        async with app.run_test(size=(100, 40)) as pilot:
            assert app.theme == "textual-dark"
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert app.theme == "textual-light"
            assert app.context.settings.theme == "light"

    await go()
    saved = load_settings(tmp_path / "config.toml")
    assert (saved.theme, saved.new_per_day) == ("light", 7)
    again = app_factory()

    async def restart() -> None:
        async with again.run_test(size=(100, 40)) as pilot:
            assert again.theme == "textual-light"
            await pilot.press("ctrl+t")
            await pilot.pause()

    await restart()
    assert load_settings(tmp_path / "config.toml").theme == "dark"
