"""Pilot tests of every flow: each item kind right and wrong, aliases, diagnosis, resume (the mock
exam has its own: test_exam.py)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from rich.cells import cell_len
from textual import events
from textual.pilot import Pilot
from textual.widgets import Footer, OptionList

from quizapp.kinds import Choice, Fill, Trap
from quizapp.modes import REVIEW
from quizapp.store import Store
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.quiz import QuizScreen, status_line
from quizapp.ui.screens.result import ResultScreen
from quizapp.ui.widgets.answer import AnswerInput

from .conftest import BANK, NOW


def screen_text(pilot: Pilot) -> str:
    svg = pilot.app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "", svg))
    return text.replace("\xa0", " ").replace(" ", "")


async def start_drill(pilot: Pilot, topics: list[str]) -> QuizScreen:
    await pilot.press("t")
    await pilot.pause()
    screen = pilot.app.screen
    topic_list = screen.query_one("#topic-list")
    for value in topics:
        topic_list.select(value)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, QuizScreen)
    return pilot.app.screen


async def answer(pilot: Pilot, screen: QuizScreen, right: bool) -> None:
    """Answer the question on screen through real key presses, rightly or wrongly."""
    q = screen.question
    assert q is not None
    item = q.item
    if q.kind == "trap":
        assert isinstance(item, Trap)
        await pilot.press("o" if item.truth == right else "x")
    elif q.kind == "choice" and q.problem is None:
        assert isinstance(item, Choice)
        correct = sorted(q.order.index(i) for i in item.correct)
        if q.multi:
            keys = correct if right else correct[:1]
            for pos in keys:
                await pilot.press(str(pos + 1))
            await pilot.press("enter")
        else:
            pos = (
                correct[0] if right else next(p for p in range(len(q.options)) if p not in correct)
            )
            await pilot.press(str(pos + 1))
    elif q.kind == "fill":
        assert isinstance(item, Fill)
        text = item.blanks[0].answers[-1] if right else "まちがい"
        await pilot.press(*text)
        await pilot.press("enter")
    else:
        problem = q.problem
        assert problem is not None
        text = problem.answer_text if right else _wrong_value(problem)
        await pilot.press(*text)
        await pilot.press("enter")
    await pilot.pause()


def _wrong_value(problem) -> str:
    choice = next(c for c in problem.choices if not c.correct)
    return choice.text


async def test_home_shows_topics_and_menu(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        assert isinstance(pilot.app.screen, HomeScreen)
        text = screen_text(pilot)
        assert "今日の復習0枚" in text
        assert "ReLUと勾配消失の緩和" in text
        assert "トピック別演習" in text


async def test_every_kind_right_then_wrong(app_factory) -> None:
    """Drill all topics twice: first every answer right, then every answer wrong."""

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        for right in (True, False):
            screen = await start_drill(pilot, ["relu", "stride-padding", "gap-cam"])
            kinds = set()
            while isinstance(pilot.app.screen, QuizScreen):
                q = screen.question
                kinds.add((q.kind, q.multi))
                await answer(pilot, screen, right)
                fb = screen.feedback
                assert fb is not None and fb.grade.correct is right, (q.card_key, fb)
                text = screen_text(pilot)
                assert ("✔正解" in text) is right
                assert ("✘不正解" in text) is (not right)
                if q.kind == "numeric" and not right:
                    assert fb.diagnosis and fb.diagnosis.replace(" ", "") in text
                    assert "解き方" in text
                if q.kind == "choice":
                    assert "各選択肢" in text
                await pilot.press("enter")
                await pilot.pause()
            assert kinds == {
                ("trap", False),
                ("choice", False),
                ("choice", True),
                ("fill", False),
                ("numeric", False),
            }
            assert isinstance(pilot.app.screen, ResultScreen)
            await pilot.press("escape")
            await pilot.pause()
    store = Store.open(app.context.store.path)
    reviews = store.reviews()
    store.close()
    assert len(reviews) == 10
    assert [r.correct for r in reviews] == [True] * 5 + [False] * 5
    numeric = [r for r in reviews if r.generator == "conv_output_size"]
    assert numeric[0].seed is not None and numeric[0].params
    assert numeric[1].misconception


async def test_fill_accepts_an_alias_in_japanese(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        while screen.question.kind != "fill":
            await answer(pilot, screen, True)
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press(*"ｇａｐ")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback.grade.correct
        # the answered input is hidden, the feedback repeats it, and keys now act on the
        # feedback: "n" moves on instead of being typed into a field
        assert not screen.query_one("#inputs").display
        assert pilot.app.focused is screen.query_one("#feedback")
        await pilot.press("n")
        await pilot.pause()
        assert screen.closed  # it was the topic's last item


async def test_unreadable_numeric_answer_stays_with_a_hint(app_factory) -> None:
    """ "abc" is not graded: the question stays with the hint under it and nothing is logged;
    "?" gives up (wrong, with the worked solution), and the next problem has an empty box."""

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        practice = pilot.app.screen
        option_list = practice.query_one("#generator-list")
        index = next(
            i
            for i in range(option_list.option_count)
            if option_list.get_option_at_index(i).id == "conv_output_size"
        )
        option_list.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen) and screen.question.kind == "numeric"
        await pilot.press(*"abc")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback is None
        assert app.context.store.review_count() == 0
        assert "「abc」を数として読めません" in screen_text(pilot)
        assert screen.query_one("#help").has_class("ng")
        assert screen.fields[0].value == "abc"
        screen.fields[0].value = "？"  # the IME's full-width question mark
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback is not None and not screen.feedback.grade.correct
        assert app.context.store.review_count() == 1
        assert "（わからない）" in screen_text(pilot) and "解き方" in screen_text(pilot)
        first_prompt = screen.question.prompt
        await pilot.press("n")
        await pilot.pause()
        assert screen.question is not None and screen.feedback is None
        assert screen.question.card_key == "gen:conv_output_size"
        assert screen.question.problem.seed != 0 or screen.question.prompt != first_prompt
        # the input hidden after the answer is back, empty and focused for the new problem
        field = screen.query_one("#inputs Input")
        assert screen.query_one("#inputs").display and pilot.app.focused is field
        assert field.value == ""
        assert not screen.query_one("#help").has_class("ng")


async def test_practice_in_four_choice_form_diagnoses_a_wrong_option(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert "4択" in screen_text(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        q = screen.question
        assert isinstance(screen, QuizScreen) and q.kind == "choice" and q.problem is not None
        wrong = next(i for i, c in enumerate(q.problem.choices) if not c.correct)
        await pilot.press(str(wrong + 1))
        await pilot.pause()
        grade = screen.feedback.grade
        assert not grade.correct
        assert grade.misconception is not None
        assert grade.misconception.code == q.problem.choices[wrong].misconception
        assert grade.misconception.label.replace(" ", "") in screen_text(pilot)


async def test_quit_and_resume_keeps_progress(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        screen = await start_drill(pilot, ["relu"])
        await answer(pilot, screen, True)
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, screen, False)
        await pilot.press("ctrl+q")
        await pilot.pause()

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        assert len(app.context.store.reviews()) == 2
        text = screen_text(pilot)
        assert "学習済み2/" in text
        table = pilot.app.screen.query_one("#topics")
        row = table.get_row("relu")
        assert row[1:3] == ["2/2", "50%"]


async def test_review_brings_missed_card_back_in_the_session(app_factory) -> None:
    app = app_factory(start="review", config="new_per_day = 2\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen) and screen.session.mode is REVIEW
        first_key = screen.question.card_key
        await answer(pilot, screen, False)
        await pilot.press("enter")
        await pilot.pause()
        seen = [first_key]
        while isinstance(pilot.app.screen, QuizScreen):
            seen.append(screen.question.card_key)
            await answer(pilot, screen, True)
            await pilot.press("enter")
            await pilot.pause()
        assert seen.count(first_key) == 2


async def test_review_start_opens_the_question_first_and_home_after(app_factory) -> None:
    app = app_factory(start="review")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuizScreen)
        assert not any(isinstance(s, HomeScreen) for s in pilot.app.screen_stack)
        await answer(pilot, pilot.app.screen, True)
        await pilot.press("escape")  # leaving a review early goes straight back
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        assert "学習済み1/" in screen_text(pilot)


async def test_home_says_when_a_missed_card_comes_back(app_factory) -> None:
    app = app_factory(start="review", config="new_per_day = 1\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await answer(pilot, pilot.app.screen, False)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        text = screen_text(pilot)
        at = text.find("今日の復習")
        assert re.search(r"今日の復習0枚（まもなく1枚、\d+分後から）", text), text[at : at + 80]
        home = pilot.app.screen
        assert home._recheck is not None  # counts again within a minute while at home
        app_factory.clock[0] = NOW + timedelta(minutes=30)
        home._recheck_now()
        await pilot.pause()
        assert "今日の復習1枚＋" in screen_text(pilot)


async def test_review_start_with_nothing_due_opens_home(app_factory) -> None:
    app = app_factory(start="review", config="new_per_day = 0\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)


def test_status_bar_keeps_the_clock_when_the_topic_title_is_long() -> None:
    parts = [
        "模擬試験",
        "3/40",
        "穴埋め",
        "オプティマイザとバッチサイズ（SGD・Momentum・Adam・LARS・LAMB）",
    ]
    parts += ["E資格", "残り 12:34"]
    for width in (60, 78, 120):
        line = status_line(parts, width, flexible=3)
        assert cell_len(line) <= width
        assert line.endswith("E資格 │ 残り 12:34") and line.startswith("模擬試験 │ 3/40 │ 穴埋め")
    assert "…" in status_line(parts, 78, flexible=3)
    assert "…" not in status_line(parts, 120, flexible=3)


async def test_footer_lists_enter_while_typing_an_answer(app_factory) -> None:
    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen) and screen.question.kind == "numeric"
        assert isinstance(pilot.app.focused, AnswerInput)
        footer = pilot.app.screen.query_one(Footer)
        keys = {
            b.description
            for (_, b, enabled, _) in footer.screen.active_bindings.values()
            if b.show and enabled
        }
        assert "解答" in keys


async def test_footer_shows_the_keys_of_each_state(app_factory) -> None:
    """The footer rebuilds its keys at most once a frame and only when they change: it must still
    follow every change of state, from question to feedback to the next question."""
    from textual.widgets._footer import FooterKey

    def shown(screen: QuizScreen) -> set[str]:
        return {key.description for key in screen.query(FooterKey) if not key.disabled}

    async with app_factory().run_test(size=(100, 30)) as pilot:
        screen = await start_drill(pilot, ["relu", "stride-padding", "gap-cam"])
        seen = set()
        while isinstance(pilot.app.screen, QuizScreen) and len(seen) < 4:
            q = screen.question
            await pilot.pause()
            before = shown(screen)
            assert "次へ" not in before
            if q.kind == "trap":
                assert {"○ 正しい", "× 誤り"} <= before
            elif q.kind in ("fill", "numeric"):
                assert "解答" in before and "○ 正しい" not in before
            else:  # the number keys' entry names this question's keys
                (pick,) = [k for k in screen.query(FooterKey) if k.description == "選択"]
                assert pick.key_display == f"1–{len(q.options)}"
            seen.add(q.kind)
            await answer(pilot, screen, right=True)
            await pilot.pause()
            after = shown(screen)
            assert "次へ" in after and "○ 正しい" not in after, (q.kind, after)
            await pilot.press("enter")
            await pilot.pause()
        assert {"trap", "fill", "choice"} <= seen, seen


async def test_topic_boxes_show_their_state_without_colour(app_factory) -> None:
    """A ticked topic shows ✓ and an unticked one an empty box, in plain text as well."""

    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        topic_list = pilot.app.screen.query_one("#topic-list")
        # as a terminal delivers fast typing: every key queued before any is handled
        _type_fast(pilot, "space", "down", "down", "space")
        await pilot.pause()
        rows = [topic_list.render_line(y).text for y in range(topic_list.option_count)]
        assert [row.lstrip()[:3] for row in rows] == ["▐✓▌", "▐ ▌", "▐✓▌"]
        assert len(topic_list.selected) == 2


async def test_topic_tables_keep_their_numbers_on_screen_at_80_columns(tmp_path) -> None:
    """Long topic titles give way (cut with …) so that the accuracy columns of the stats table
    stay visible in an 80-column terminal instead of scrolling off to the right."""
    import shutil

    from quizapp.ui.app import make_app
    from quizapp.ui.screens.stats import StatsScreen

    bank = shutil.copytree(BANK, tmp_path / "bank")
    topics = bank / "topics.yaml"
    long_title = "活性化関数の役割と他の概念（正規化・損失・最適化・正則化）との区別"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace("ReLUと勾配消失の緩和", long_title),
        encoding="utf-8",
    )
    app = make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[bank],
        config_path=tmp_path / "c.toml",
        seed=7,
        fuzz=False,
    )

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        table = pilot.app.screen.query_one("#accuracy")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert any(t.endswith("…") and t.startswith("活性化関数の役割") for t in titles)


def _type_fast(pilot: Pilot, *keys: str) -> None:
    """Queue keys the way a terminal delivers fast typing: all of them before any is handled."""
    for key in keys:
        char = {"space": " ", "enter": "\r"}.get(key)
        pilot.app._driver.send_message(events.Key(key, char).set_sender(pilot.app))


async def test_enter_typed_right_after_arrows_starts_the_row_the_arrows_reached(
    app_factory,
) -> None:
    """Enter is a priority binding on these lists (so the footer can show it); it must still act
    after the arrow keys typed before it, not on the row highlighted when it arrived."""

    async with app_factory().run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        generators = pilot.app.screen.query_one(OptionList)
        second = generators.get_option_at_index(1).id
        _type_fast(pilot, "down", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuizScreen)
        assert pilot.app.screen.question.problem.generator == second
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        topic_list = pilot.app.screen.query_one("#topic-list")
        third = topic_list.get_option_at_index(2).value
        _type_fast(pilot, "down", "down", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuizScreen)
        assert {q.topic for q in [pilot.app.screen.question]} == {third}
