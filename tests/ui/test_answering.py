"""The learner's hands on the question screen: no phantom answers, keys from an IME or Caps Lock,
the question still in view after answering."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from quizapp.ui.screens.quiz import QuizScreen

from .conftest import run, screen_chars
from .test_flows import _type_fast, answer, start_drill


async def start_practice(pilot: Pilot, generator: str = "conv_output_size") -> QuizScreen:
    await pilot.press("c")
    await pilot.pause()
    option_list = pilot.app.screen.query_one("#topic-list")
    option_list.highlighted = next(
        i
        for i in range(option_list.option_count)
        if option_list.get_option_at_index(i).id == generator
    )
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


def test_enter_twice_on_the_feedback_does_not_answer_the_next_question(app_factory) -> None:
    """Enter, Enter typed quickly (or Enter held down) on the feedback: the first goes to the
    next problem, the second finds its box empty and only shows the hint."""

    async def scenario() -> None:
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_practice(pilot)
            await pilot.press(*screen.question.problem.answer_text, "enter")
            await pilot.pause()
            assert screen.feedback is not None and screen.feedback.grade.correct
            first = screen.question
            _type_fast(pilot, "enter", "enter")
            await pilot.pause()
            await pilot.pause()
            assert screen.question is not first and screen.feedback is None
            assert app.context.store.review_count() == 1
            _type_fast(pilot, "enter", "enter", "enter")
            await pilot.pause()
            assert screen.feedback is None
            assert app.context.store.review_count() == 1
            assert "数値を入力してください" in str(screen.query_one("#help").render())

    run(scenario())


def test_an_empty_fill_in_is_not_graded(app_factory) -> None:
    async def scenario() -> None:
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_drill(pilot, ["gap-cam"])
            while screen.question.kind != "fill":
                await answer(pilot, screen, right=True)
                await pilot.press("enter")
                await pilot.pause()
            answered = app.context.store.review_count()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.feedback is None
            assert app.context.store.review_count() == answered
            assert "答えを入力してください" in str(screen.query_one("#help").render())
            await pilot.press("space", "enter")
            await pilot.pause()
            assert screen.feedback is None
            await pilot.press(*"GAP", "enter")
            await pilot.pause()
            assert screen.feedback is not None and screen.feedback.grade.correct
            assert app.context.store.review_count() == answered + 1

    run(scenario())


def test_a_multiple_choice_with_nothing_ticked_is_not_graded(app_factory) -> None:
    async def scenario() -> None:
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_drill(pilot, ["gap-cam"])
            while not screen.question.multi:
                await answer(pilot, screen, right=True)
                await pilot.press("enter")
                await pilot.pause()
            answered = app.context.store.review_count()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.feedback is None
            assert app.context.store.review_count() == answered
            assert "選択肢を1つ以上選んでください" in str(screen.query_one("#help").render())

    run(scenario())


def test_a_3000_digit_paste_is_neither_graded_nor_shown_whole(app_factory) -> None:
    digits = "1234567890" * 300

    async def scenario() -> None:
        app = app_factory()
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            screen = await start_practice(pilot)
            pilot.app.focused.post_message(events.Paste(digits))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.feedback is None
            assert app.context.store.review_count() == 0
            shown = screen_chars(pilot).replace("\n", "")
            assert "1234567890" * 3 not in shown
            screen.fields[0].value = "x" + digits[:150]
            await pilot.press("enter")
            await pilot.pause()
            assert screen.feedback is None
            help_line = str(screen.query_one("#help").render())
            assert "を数として読めません" in help_line
            assert "1234567890" * 3 not in help_line

    run(scenario())
