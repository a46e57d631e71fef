"""Snapshots of the main screens at 80×24 with a fixed bank, clock and seed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_textual_snapshot import normalize_svg
from textual._doc import take_svg_screenshot  # what snap_compare shoots with
from textual.pilot import Pilot

from quizapp.ui.screens.quiz import QuizScreen

SIZE = (80, 24)


async def _drill_first_question(pilot: Pilot) -> QuizScreen:
    await pilot.press("t")
    await pilot.pause()
    pilot.app.screen.query_one("#topic-list").select("gap-cam")
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen


def test_home(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=SIZE)


def test_question(snap_compare, app_factory) -> None:
    async def before(pilot: Pilot) -> None:
        await _drill_first_question(pilot)

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=before)


def test_feedback_wrong_numeric(snap_compare, app_factory) -> None:
    async def before(pilot: Pilot) -> None:
        await pilot.press("c")
        await pilot.pause()
        option_list = pilot.app.screen.query_one("#generator-list")
        option_list.highlighted = next(
            i
            for i in range(option_list.option_count)
            if option_list.get_option_at_index(i).id == "conv_output_size"
        )
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        wrong = next(c for c in screen.question.problem.choices if not c.correct)
        await pilot.press(*wrong.text, "enter")
        await pilot.pause()

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=before)


def test_feedback_choice(snap_compare, app_factory) -> None:
    async def before(pilot: Pilot) -> None:
        screen = await _drill_first_question(pilot)
        while screen.question.kind != "choice":
            await pilot.press("o" if screen.question.kind == "trap" else "enter")
            if screen.question.kind == "fill":
                await pilot.press(*"GAP", "enter")
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=before)


def test_stats(snap_compare, app_factory) -> None:
    async def before(pilot: Pilot) -> None:
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=before)


def test_exam_sheet(snap_compare, exam_app) -> None:
    """A flagged, answered question of a G検定 mock (the test clock stands still)."""

    async def before(pilot: Pilot) -> None:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("2", "f")
        await pilot.pause()

    assert snap_compare(exam_app(8), terminal_size=SIZE, run_before=before)


def test_exam_resume_prompt(snap_compare, exam_app) -> None:
    """The offer of a mock left unsubmitted: three answered, 100 s used. A sync test with its own
    loop for the setup, since snap_compare runs the app in a loop of its own."""
    from .test_exam_resume import leave_a_mock_unsubmitted

    asyncio.run(leave_a_mock_unsubmitted(exam_app(8)))

    async def before(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(exam_app(8), terminal_size=SIZE, run_before=before)


SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


async def _submit_a_mock(pilot: Pilot) -> None:
    await pilot.press("m")
    await pilot.pause()
    await pilot.press("g")
    await pilot.pause()
    screen = pilot.app.screen
    for i in range(6):
        await pilot.press(str(screen.sheet.questions[i].order.index(0) + 1), "right")
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


def test_exam_result(snap_compare, exam_app) -> None:
    assert snap_compare(exam_app(8), terminal_size=SIZE, run_before=_submit_a_mock)


def test_exam_result_after_stats(exam_app) -> None:
    """A screen looks the same whichever screens were opened before it: Textual applies every
    loaded sheet app-wide, so 統計's sheet, once loaded, must not restyle the mock's result."""

    async def before(pilot: Pilot) -> None:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await _submit_a_mock(pilot)

    shot = take_svg_screenshot(app=exam_app(8), terminal_size=SIZE, run_before=before)
    fresh = (SNAPSHOTS / "test_exam_result.svg").read_text(encoding="utf-8")
    assert normalize_svg(shot) == normalize_svg(fresh)


def test_case_part(snap_compare, tmp_path) -> None:
    """A linked set's part on the quiz screen: its stem framed above its prompt."""
    from tests.ui.test_case_part import case_app, drill_to_part

    async def before(pilot: Pilot) -> None:
        await drill_to_part(pilot)

    assert snap_compare(case_app(tmp_path), terminal_size=SIZE, run_before=before)
