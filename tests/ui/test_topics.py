"""トピック別演習: the topics ticked with Space are the topics drilled."""

from __future__ import annotations

from quizapp.session import card_key_for
from quizapp.ui.screens.quiz import QuizScreen


async def test_space_ticks_the_rows_and_enter_drills_exactly_those_topics(app_factory) -> None:
    """One Space ticks one row (Textual's own handler used to toggle it back), two ticked rows
    start a drill of those two topics and nothing else."""

    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        topic_list = pilot.app.screen.query_one("#topic-list")
        first = topic_list.get_option_at_index(0).value
        third = topic_list.get_option_at_index(2).value
        await pilot.press("space")
        await pilot.pause()
        assert list(topic_list.selected) == [first]
        await pilot.press("down", "down", "space")
        await pilot.pause()
        assert sorted(topic_list.selected) == sorted([first, third])
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        session = screen.session
        assert sorted(session.topics) == sorted([first, third])
        bank = screen.context.bank
        wanted = {
            card_key_for(item) for item in bank.items.values() if item.topic in (first, third)
        }
        queued = {screen.question.card_key, *session._queue}
        assert queued == wanted


async def test_space_twice_unticks_the_row(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        topic_list = pilot.app.screen.query_one("#topic-list")
        await pilot.press("space", "space")
        await pilot.pause()
        assert list(topic_list.selected) == []
