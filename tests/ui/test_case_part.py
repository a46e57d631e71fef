"""A linked set's part is shown with its stem at 80×24, and the set's parts follow one another."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from quizapp.ui.app import QuizApp, make_app
from quizapp.ui.screens.quiz import QuizScreen
from tests.ui.conftest import NOW, flat, unspaced

BANK = Path(__file__).parents[1] / "case_bank"


def case_app(tmp_path: Path) -> QuizApp:
    return make_app(
        db_path=tmp_path / "progress.db",
        bank_dirs=[BANK],
        config_path=tmp_path / "config.toml",
        start="home",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )


async def drill_to_part(pilot: Pilot) -> QuizScreen:
    """Drills topic rl up to the set's first part."""
    await pilot.press("t")
    await pilot.pause()
    pilot.app.screen.query_one("#topic-list").select("rl")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    while not screen.question.stem:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    return screen


async def test_a_part_is_shown_under_its_stem_and_the_next_part_follows(tmp_path: Path) -> None:
    async with case_app(tmp_path).run_test(size=(80, 24)) as pilot:
        screen = await drill_to_part(pilot)
        assert screen.question.card_key == "dqn-case-target-1"
        view = flat(screen.query_one("QuestionView"))
        assert unspaced("共通の問題文") in view
        assert unspaced("def target(r, q_next, done, gamma=0.99):") in view
        assert view.index(unspaced("共通の問題文")) < view.index(unspaced("(1 - done) を掛ける"))
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.question.card_key == "dqn-case-target-2"
        assert unspaced("q_next.max(axis=1)") in flat(screen.query_one("QuestionView"))
