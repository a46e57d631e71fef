"""試験対策 from home: the predicted score per exam on home, the screen with its forecast, plan,
history and coverage, switching exams."""

from __future__ import annotations

from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.readiness import ReadinessScreen

from .conftest import screen_chars
from .test_exam import open_g_exam, settled


async def test_home_shows_each_exam_and_the_screen_details_it(exam_app) -> None:
    app = exam_app(8)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        text = screen_chars(pilot)
        assert "G検定: シラバス 4/55 項目に問題あり" in text
        assert "E資格: シラバス 0/22 項目に問題あり" in text
        assert "今日受験した場合の予測得点" in text
        store = app.context.store
        assert [exam for exam in "GE" if store.forecast_history(exam, app.context.clock().date())]
        await pilot.press("e")
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReadinessScreen) and screen.exam == "G"
        text = screen_chars(pilot)
        assert "G検定 今日受験した場合の予測得点" in text and "80% の範囲" in text
        assert "受験日を設定すると" in text
        assert "G-T02" in text and "失点の大きい分野" in text
        await pilot.press("e")
        await settled(pilot)
        assert screen.exam == "E" and "E資格" in screen_chars(pilot)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_a_finished_mock_is_listed_with_its_score(exam_app) -> None:
    app = exam_app(4)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_g_exam(pilot)
        for i in range(4):
            await pilot.press(str(screen.sheet.questions[i].order.index(0) + 1), "right")
        await pilot.press("s")
        await settled(pilot)
        await pilot.press("y")
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
        await pilot.press("e")
        await settled(pilot)
        assert "模擬試験の記録: " in screen_chars(pilot)
        assert "4/4（100%）" in screen_chars(pilot)
        (mock,) = app.context.store.mock_results("G")
        assert mock.forecast is not None and mock.score == 1.0
