"""The learner's hands on the question screen: no phantom answers, keys from an IME or Caps Lock,
the question still in view after answering."""

from __future__ import annotations

import html
import re

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from quizapp.modes import DRILL
from quizapp.paths import shipped_bank_dir
from quizapp.starting import open_session
from quizapp.ui.app import make_app
from quizapp.ui.screens.quiz import QuizScreen

from .conftest import NOW, flat, screen_chars, unspaced
from .test_flows import _type_fast, answer, start_drill


async def start_practice(pilot: Pilot, generator: str = "conv_output_size") -> QuizScreen:
    await pilot.press("c")
    await pilot.pause()
    option_list = pilot.app.screen.query_one("#generator-list")
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


async def test_enter_twice_on_the_feedback_does_not_answer_the_next_question(app_factory) -> None:
    """Enter, Enter typed quickly (or Enter held down) on the feedback: the first goes to the
    next problem, the second finds its box empty and only shows the hint."""

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
        assert unspaced("数値を入力してください") in flat(screen.query_one("#help"))


async def test_an_empty_fill_in_is_not_graded(app_factory) -> None:
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
        assert unspaced("答えを入力してください") in flat(screen.query_one("#help"))
        await pilot.press("space", "enter")
        await pilot.pause()
        assert screen.feedback is None
        await pilot.press(*"GAP", "enter")
        await pilot.pause()
        assert screen.feedback is not None and screen.feedback.grade.correct
        assert app.context.store.review_count() == answered + 1


async def test_a_multiple_choice_with_nothing_ticked_is_not_graded(app_factory) -> None:
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
        assert unspaced("選択肢を1つ以上選んでください") in flat(screen.query_one("#help"))


async def test_a_3000_digit_paste_is_neither_graded_nor_shown_whole(app_factory) -> None:
    digits = "1234567890" * 300

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
        help_line = flat(screen.query_one("#help"))
        assert "を数として読めません" in help_line
        assert "1234567890" * 3 not in help_line


def type_chars(pilot: Pilot, *chars: str) -> None:
    """Characters as a terminal delivers them (an IME's commit, Caps Lock, full-width input)."""
    for char in chars:
        key = _character_to_key(char)
        pilot.app._driver.send_message(events.Key(key, char).set_sender(pilot.app))


async def to_kind(pilot: Pilot, screen: QuizScreen, kind: str, multi: bool = False) -> None:
    while screen.question.kind != kind or screen.question.multi != multi:
        await answer(pilot, screen, right=True)
        await pilot.press("enter")
        await pilot.pause()


async def test_o_and_x_typed_with_an_ime_or_caps_lock_answer_a_true_false_item(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        for char, mark in [
            *((c, "×") for c in "ｘ×ＸX"),
            *((c, "○") for c in "ｏ○〇Oお"),
        ]:
            screen = await start_drill(pilot, ["relu"])
            await to_kind(pilot, screen, "trap")
            type_chars(pilot, char)
            await pilot.pause()
            assert screen.feedback is not None, char
            assert screen.feedback.grade.answer == mark, char
            await pilot.press("escape")
            await pilot.pause()


async def test_full_width_digits_pick_options(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        await to_kind(pilot, screen, "choice", multi=True)
        type_chars(pilot, "１", "３")
        await pilot.pause()
        assert screen.selected == {0, 2}
        await pilot.press("enter")
        await pilot.pause()
        assert [o.chosen for o in screen.feedback.options] == [True, False, True, False]
        await pilot.press("escape")
        await pilot.pause()
        screen = await start_drill(pilot, ["relu"])
        await to_kind(pilot, screen, "choice")
        type_chars(pilot, "３")
        await pilot.pause()
        assert screen.feedback is not None
        assert [o.chosen for o in screen.feedback.options].index(True) == 2


async def test_any_other_key_says_which_keys_answer(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_drill(pilot, ["relu"])
        await to_kind(pilot, screen, "trap")
        answered = app.context.store.review_count()
        for chars, key in ((("a",), "a"), (("あ",), "あ"), (("1",), "1"), ((" ",), "スペース")):
            type_chars(pilot, *chars)
            await pilot.pause()
            assert screen.feedback is None
            help_line = screen.query_one("#help")
            assert help_line.has_class("ng")
            assert unspaced(f"「{key}」では答えられません。o で ○") in flat(help_line)
        await pilot.press("escape")
        await pilot.pause()
        screen = await start_drill(pilot, ["relu"])
        await to_kind(pilot, screen, "choice")
        type_chars(pilot, "o", "７")
        await pilot.pause()
        assert screen.feedback is None
        assert unspaced("「７」では答えられません。1–4 のキーで解答") in flat(
            screen.query_one("#help")
        )
        assert app.context.store.review_count() == answered + 1  # the drill's first item


def visible_text(pilot: Pilot) -> str:
    """What the terminal shows, without spaces (Japanese text has none to lose)."""
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", "").replace(" ", "")


async def test_the_question_and_the_verdict_share_an_80x24_screen(tmp_path) -> None:
    """After an answer the prompt's first line stays on screen above the verdict and the right
    answer, for the tallest questions of the shipped bank (a 16-line code item) as well."""
    app = make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[shipped_bank_dir()],
        config_path=tmp_path / "c.toml",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )
    tallest = ["pooling-max-pool-code", "convolution-im2col-code"]

    async with app.run_test(size=(80, 24)) as pilot:
        for key in tallest:
            ctx = app.context
            screen = QuizScreen(ctx, open_session(ctx, DRILL, [key]), title="演習")
            await app.push_screen(screen)
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
            await pilot.pause()
            assert screen.feedback is not None
            shown = visible_text(pilot)
            first_line = screen.question.prompt.splitlines()[0].replace(" ", "")[:12]
            assert first_line in shown, key
            assert "✔正解" in shown or "✘不正解" in shown, key
            assert "正解:" in shown, key
            screen.dismiss()
            await pilot.pause()
