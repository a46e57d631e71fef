"""The mock exam as the real one: choose the exam, move around the sheet, flag, change an answer,
submit with unanswered questions, and read the result per syllabus area."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from quizapp.ui.screens.confirm import ConfirmScreen
from quizapp.ui.screens.exam import ExamChoiceScreen, ExamScreen, PaletteScreen
from quizapp.ui.screens.exam_result import ExamResultScreen
from quizapp.ui.screens.home import HomeScreen

from .conftest import TOPICS, screen_chars


async def open_g_exam(pilot: Pilot) -> ExamScreen:
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExamChoiceScreen)
    assert "G検定" in screen_chars(pilot) and "160 問・100 分" in screen_chars(pilot)
    await pilot.press("g")
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExamScreen)
    await settled(pilot)
    return screen


async def settled(pilot: Pilot) -> None:
    """Until the screen has painted what its widgets were last given."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def right_position(screen: ExamScreen, index: int) -> int:
    """Display position of the keyed option (option 1 in this bank)."""
    return screen.sheet.questions[index].order.index(0)


async def test_the_exam_sheet_moves_flags_changes_and_submits(exam_app) -> None:
    app = exam_app(8)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_g_exam(pilot)
        assert len(screen.sheet.questions) == 8
        assert "問 1/8" in screen_chars(pilot) and "残り " in screen_chars(pilot)
        assert screen.draw.seconds == 300, "8 questions at 160 in 100 minutes"
        for i in range(5):
            await pilot.press(str(right_position(screen, i) + 1))
            await pilot.press("right")
        await pilot.pause()
        assert screen.index == 5 and len(screen.sheet.answers) == 5
        await pilot.press("left", "left", "left")  # back to question 3
        wrong = (right_position(screen, 2) + 1) % 4
        await pilot.press(str(wrong + 1), "f")
        await settled(pilot)
        assert screen.sheet.answers[2] == [wrong] and screen.sheet.flags == {2}
        assert "見直し 1" in screen_chars(pilot)
        await pilot.press("p")
        await settled(pilot)
        assert isinstance(pilot.app.screen, PaletteScreen)
        text = screen_chars(pilot)
        assert "✓ 解答済み 4" in text and "▲ 見直し 1" in text and "・ 未解答 3" in text
        await pilot.press("down", "down", "down", "down", "enter")  # to question 7
        await pilot.pause()
        assert pilot.app.screen is screen and screen.index == 6
        await pilot.press("s")
        await settled(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        text = screen_chars(pilot)
        assert "未解答 3 問: 6, 7, 8" in text and "見直し 1 問: 3" in text
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen is screen and app.context.store.review_count() == 0
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot)
        result = pilot.app.screen
        assert isinstance(result, ExamResultScreen)
        assert (result.result.correct, result.result.asked) == (4, 8)
        assert result.result.unanswered == [5, 6, 7] and result.result.flagged == [2]
        text = screen_chars(pilot)
        assert "4/8 問正解（50%）" in text and "目安 70%" in text
        assert "人工知能とは" in text or "機械学習の概要" in text  # the exam's own areas
        assert "未解答 3 問: 6, 7, 8" in text
        assert "問 3［不正解・見直し］" in text and "正解: 正解" in text
        assert app.context.store.review_count() == 5, "the five answers given are logged"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_the_draw_follows_the_g_syllabus_and_skips_drill_formats(exam_app) -> None:
    app = exam_app(12)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_g_exam(pilot)
        topics = {q.topic for q in screen.sheet.questions}
        assert topics <= set(TOPICS) and len(topics) >= 3
        assert all(q.kind == "choice" and len(q.options) == 4 for q in screen.sheet.questions)
        assert screen.draw.seconds == round(12 * 100 * 60 / 160)


async def test_time_up_submits_and_closes_an_open_dialog(exam_app) -> None:
    app = exam_app(4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_g_exam(pilot)
        await pilot.press(str(right_position(screen, 0) + 1))
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        screen.started_at -= timedelta(seconds=screen.draw.seconds)  # time runs out meanwhile
        for _ in range(30):
            await pilot.pause(0.1)
            if isinstance(pilot.app.screen, ExamResultScreen):
                break
        await pilot.pause()
        result = pilot.app.screen
        assert isinstance(result, ExamResultScreen)
        assert (result.result.correct, result.result.asked) == (1, 4)


async def test_a_failed_save_at_submission_keeps_the_sheet(exam_app, tmp_path: Path) -> None:
    app = exam_app(4)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_g_exam(pilot)
        await pilot.press(str(right_position(screen, 0) + 1))
        app.context.store.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("s")
            await pilot.pause()
            await pilot.press("y")
            await settled(pilot)
            assert pilot.app.screen is screen and screen.sheet.answers
            assert "採点結果を保存できませんでした" in screen_chars(pilot)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExamResultScreen)
        assert app.context.store.review_count() == 1


async def test_an_exam_that_cannot_start_leaves_the_learner_at_home(
    exam_app, tmp_path: Path
) -> None:
    app = exam_app(4)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.context.store.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("m")
            await pilot.pause()
            await pilot.press("g")
            await settled(pilot)
            assert isinstance(pilot.app.screen, HomeScreen)
            assert "学習を始められませんでした" in screen_chars(pilot)
        finally:
            other.execute("ROLLBACK")
            other.close()


async def test_without_a_syllabus_the_choice_says_why(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await settled(pilot)
        assert isinstance(pilot.app.screen, ExamChoiceScreen)
        assert "シラバス" in screen_chars(pilot)
        await pilot.press("g")
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
