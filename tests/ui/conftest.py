"""Fixtures for the TUI tests: a small fixed bank, a fixed clock and seed, a temporary database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from quizapp.ui.app import QuizApp, make_app

BANK = Path(__file__).parent / "bank"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


@pytest.fixture(autouse=True)
def no_repeat_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot presses keys microseconds apart, which the mock exam's guard against a double tap
    would take for one (QuizScreen.REPEAT_GUARD); test_answering tests the guard with key events
    that carry their own times."""
    from quizapp.ui.screens.quiz import QuizScreen

    monkeypatch.setattr(QuizScreen, "REPEAT_GUARD", 0.0)


@pytest.fixture
def app_factory(tmp_path: Path) -> Callable[..., QuizApp]:
    """Builds the real app on temporary paths; the same db across calls (for resume tests)."""
    clock_value = [NOW]

    def factory(start: str = "home", config: str | None = None) -> QuizApp:
        config_path = tmp_path / "config.toml"
        if config is not None:
            config_path.write_text(config, encoding="utf-8")
        return make_app(
            db_path=tmp_path / "progress.db",
            bank_dirs=[BANK],
            config_path=config_path,
            start=start,
            clock=lambda: clock_value[0],
            seed=7,
            fuzz=False,
        )

    factory.clock = clock_value  # type: ignore[attr-defined]
    return factory


def rendered(widget: Widget) -> str:
    """The characters a widget sends to the terminal, line after line."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


def screen_chars(pilot: Pilot) -> str:
    """Every character the current screen's widgets put on the terminal (toasts too, when the
    test runs with ``notifications=True``)."""
    return "\n".join(rendered(w) for w in pilot.app.screen.query("*") if w.display)


def flat(widget: Widget) -> str:
    """A widget's text as shown, without any white space (a wrapped line loses the space it was
    broken at): compare with :func:`unspaced` text."""
    return unspaced(rendered(widget))


def unspaced(text: str) -> str:
    return "".join(text.split())
