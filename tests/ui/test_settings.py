"""The settings screen: shows the file, refuses bad values with Japanese messages, saves atomically,
and the new retention and exam date take effect at once."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from textual.widgets import Input, Static

from quizapp.config import load_settings
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.settings import SettingsScreen

from .conftest import run


async def _open(pilot) -> SettingsScreen:
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def _set(screen: SettingsScreen, name: str, value: str) -> None:
    screen.query_one(f"#setting-{name}", Input).value = value


def test_settings_shows_the_file_and_current_values(app_factory, tmp_path: Path) -> None:
    async def go() -> None:
        app = app_factory(config="new_per_day = 7\n")
        async with app.run_test(size=(100, 40)) as pilot:
            screen = await _open(pilot)
            where = str(screen.query_one("#where", Static).render())
            assert str(tmp_path / "config.toml") in where
            assert screen.query_one("#setting-new_per_day", Input).value == "7"
            assert screen.query_one("#setting-exam_date", Input).value == ""

    run(go())


def test_saving_valid_settings_writes_the_file_and_applies_them(
    app_factory, tmp_path: Path
) -> None:
    async def go() -> None:
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

    run(go())
    saved = load_settings(tmp_path / "config.toml")
    assert saved.exam_date == date(2027, 1, 10)
    assert tomllib.loads((tmp_path / "config.toml").read_text("utf-8"))["theme"] == "light"


def test_invalid_values_are_explained_and_nothing_is_written(app_factory, tmp_path: Path) -> None:
    async def go() -> None:
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
            assert "受験日: YYYY-MM-DD" in errors
            assert app.context.settings.desired_retention == 0.9
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)

    run(go())
    assert (tmp_path / "config.toml").read_text("utf-8") == "new_per_day = 7\n"


def test_a_file_broken_while_the_app_is_open_is_reported_not_overwritten(
    app_factory, tmp_path: Path
) -> None:
    broken = "new_per_day = 7\ntheme = \n"

    async def go() -> None:
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

    run(go())
    assert (tmp_path / "config.toml").read_text("utf-8") == broken
