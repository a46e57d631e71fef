"""Pilot tests of what a candidate misses (issue 12): rating a right answer, drills that leave new
cards new, the mistake notebook, search, bookmarks and reports."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from quizapp.store import Store
from quizapp.ui.app import QuizApp, make_app
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.lookup import ItemScreen
from quizapp.ui.screens.marks import ReportScreen
from quizapp.ui.screens.notebook import NotebookScreen
from quizapp.ui.screens.quiz import QuizScreen
from quizapp.ui.screens.search import SearchScreen
from quizapp.ui.widgets.footer import KeysFooter

from .conftest import BANK, NOW, rendered
from .test_flows import answer, screen_text, start_drill


def app_in(directory: Path, config: str | None = None, start: str = "home") -> QuizApp:
    """The app on its own database and settings in ``directory`` (kept across calls)."""
    directory.mkdir(exist_ok=True)
    config_path = directory / "config.toml"
    if config is not None:
        config_path.write_text(config, encoding="utf-8")
    return make_app(
        db_path=directory / "progress.db",
        bank_dirs=[BANK],
        config_path=config_path,
        start=start,
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )


async def wait(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.pause()


def footer_text(pilot: Pilot) -> str:
    footer = pilot.app.screen.query_one(KeysFooter)
    return "  ".join(rendered(key).strip() for key in footer.children)


# --- self-rating ----------------------------------------------------------------------------


async def test_the_learners_rating_is_stored_and_schedules_the_card(tmp_path: Path) -> None:
    """Three learners answer the same first review card right and press 1, 2 or 3: the log
    keeps the verdict and each rating, and the card comes due at three different times."""

    async def rate(key: str) -> tuple[str, object]:
        app = app_in(tmp_path / key, start="review")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, QuizScreen)
            card_key = screen.question.card_key
            await answer(pilot, screen, True)
            text = screen_text(pilot)
            assert "自己評価" in text and "1自信なし（まぐれ）" in text and "3簡単" in text
            footer = footer_text(pilot)
            assert "1–3 評価" in footer and "b しおり" in footer and "r 報告" in footer
            await pilot.press(key)
            await wait(pilot)
            assert screen.feedback is not None and screen.question.card_key == card_key
            await pilot.press("enter")  # Enter still flows on
            await wait(pilot)
            assert screen.question.card_key != card_key
            (logged,) = app.context.store.reviews()
            card = app.context.store.get_card(card_key)
            assert card is not None
            return card_key, (logged.correct, logged.rating, logged.auto_rating, card.due)

    results = {key: await rate(key) for key in "123"}
    assert len({card_key for card_key, _ in results.values()}) == 1
    logged = {key: result[:3] for key, (_, result) in results.items()}  # type: ignore[index]
    assert logged == {"1": (True, 1, 3), "2": (True, 3, None), "3": (True, 4, 3)}
    due = {key: result[3] for key, (_, result) in results.items()}  # type: ignore[index]
    assert due["1"] < due["2"] < due["3"]


async def test_the_rating_keys_are_on_screen_above_a_long_feedback(tmp_path: Path) -> None:
    async with app_in(tmp_path / "app").run_test(size=(80, 24)) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        while not screen.question.multi:
            await answer(pilot, screen, True)
            await pilot.press("enter")
            await wait(pilot)
        await answer(pilot, screen, True)
        await wait(pilot)
        text = screen_text(pilot)
        assert "自己評価:1自信なし（まぐれ）2普通3簡単" in text
        assert "✔正解" in text


async def test_number_keys_do_not_rate_a_wrong_answer(tmp_path: Path) -> None:
    app = app_in(tmp_path / "app", start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        await answer(pilot, screen, False)
        assert "自己評価" not in screen_text(pilot)
        assert "評価" not in footer_text(pilot)
        await pilot.press("3")
        await wait(pilot)
        (logged,) = app.context.store.reviews()
        assert (logged.correct, logged.rating, logged.auto_rating) == (False, 1, None)
        assert screen.feedback is not None


# --- drills and the day's new cards ---------------------------------------------------------


async def test_home_counts_new_cards_as_the_setting_says(tmp_path: Path) -> None:
    async def drill_relu(config: str, expected_new: int, note: str) -> None:
        app = app_in(tmp_path / config.split()[-1], config=config)
        async with app.run_test(size=(100, 30)) as pilot:
            assert "今日の復習0枚＋新規5枚" in screen_text(pilot)
            screen = await start_drill(pilot, ["relu"])
            while isinstance(pilot.app.screen, QuizScreen):
                await answer(pilot, screen, True)
                await pilot.press("enter")
                await wait(pilot)
            await pilot.press("escape")
            await wait(pilot)
            assert isinstance(pilot.app.screen, HomeScreen)
            text = screen_text(pilot)
            assert f"＋新規{expected_new}枚" in text
            assert note in text
            assert len(app.context.store.reviews()) == 2

    await drill_relu("drill_introduces_cards = false\n", 5, "演習・模試で解いても新規のままです")
    await drill_relu("drill_introduces_cards = true\n", 3, "演習・模試で解いたものも数えます")


async def test_the_settings_form_switches_drills_to_introducing_cards(tmp_path: Path) -> None:
    app = app_in(tmp_path / "app")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("o")
        await wait(pilot)
        field = pilot.app.screen.query_one("#setting-drill_introduces_cards", Input)
        assert field.value == "false"
        field.value = "true"
        await pilot.press("ctrl+s")
        await wait(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert "演習・模試で解いたものも数えます" in screen_text(pilot)
        screen = await start_drill(pilot, ["relu"])
        await answer(pilot, screen, True)
        assert app.context.store.get_card(screen.question.card_key) is not None
    saved = (tmp_path / "app" / "config.toml").read_text(encoding="utf-8")
    assert "drill_introduces_cards = true" in saved


# --- the mistake notebook -------------------------------------------------------------------


async def drill_everything(pilot: Pilot, wrong_kinds: set[str]) -> list[str]:
    """Drill every topic, missing the questions of ``wrong_kinds``; the keys missed, in order."""
    screen = await start_drill(pilot, ["relu", "stride-padding", "gap-cam"])
    missed = []
    while isinstance(pilot.app.screen, QuizScreen):
        q = screen.question
        kind = "multi" if q.multi else q.kind
        await answer(pilot, screen, kind not in wrong_kinds)
        if kind in wrong_kinds:
            missed.append(q.card_key)
        await pilot.press("enter")
        await wait(pilot)
    await pilot.press("escape")
    await wait(pilot)
    return missed


async def test_the_notebook_lists_exactly_the_missed_items(tmp_path: Path) -> None:
    app = app_in(tmp_path / "app")
    async with app.run_test(size=(80, 24)) as pilot:
        missed = await drill_everything(pilot, {"trap", "multi", "numeric"})
        assert len(missed) == 3
        await pilot.press("n")
        await wait(pilot)
        notes = pilot.app.screen
        assert isinstance(notes, NotebookScreen)
        assert [e.card_key for e in notes.shown] == missed[::-1]
        assert notes.query_one("#entries").option_count == 3
        text = screen_text(pilot)
        assert "3/3問" in text
        # E資格 only: the generated problem
        await pilot.press("e", "e")
        await wait(pilot)
        assert [e.card_key for e in notes.shown] == ["gen:conv_output_size"]
        await pilot.press("e")
        await wait(pilot)
        # a topic: Global Average Pooling と CAM holds the multiple-choice miss
        await pilot.press("t")
        await wait(pilot)
        picker = pilot.app.screen
        picker.query_one("#entries").highlighted = next(
            i for i, (value, _) in enumerate(picker.choices) if value == "gap-cam"
        )
        await pilot.press("enter")
        await wait(pilot)
        assert [e.card_key for e in notes.shown] == ["c-gap-multi"]
        # Enter opens the missed answer's feedback: the explanation and every rationale
        await pilot.press("enter")
        await wait(pilot)
        page = pilot.app.screen
        assert isinstance(page, ItemScreen) and page.key.card_key == "c-gap-multi"
        text = screen_text(pilot)
        assert "✘間違えた解答" in text and "解説" in text and "各選択肢" in text
        assert "GlobalMaxPoolingの説明" in text
        await pilot.press("escape")
        await wait(pilot)
        # d drills what is shown
        await pilot.press("t", "enter")  # every topic again
        await wait(pilot)
        await pilot.press("d")
        await wait(pilot)
        quiz = pilot.app.screen
        assert isinstance(quiz, QuizScreen)
        asked = []
        while isinstance(pilot.app.screen, QuizScreen):
            asked.append(quiz.question.card_key)
            await answer(pilot, quiz, True)
            await pilot.press("enter")
            await wait(pilot)
        assert asked == missed[::-1]
        await pilot.press("escape")
        await wait(pilot)
        assert pilot.app.screen is notes
        assert all(e.latest_correct for e in notes.shown)
        assert "○" in rendered(notes.query_one("#entries"))


async def test_an_empty_notebook_says_so(tmp_path: Path) -> None:
    async with app_in(tmp_path / "app").run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await wait(pilot)
        assert "まだ間違えた問題はありません" in screen_text(pilot)
        await pilot.press("d")
        await wait(pilot)
        assert isinstance(pilot.app.screen, NotebookScreen)


# --- search ---------------------------------------------------------------------------------


async def test_search_finds_a_term_however_it_is_written_and_opens_or_drills_it(
    tmp_path: Path,
) -> None:
    async with app_in(tmp_path / "app").run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await wait(pilot)
        search = pilot.app.screen
        assert isinstance(search, SearchScreen)
        found = {}
        for query in ("グローバル", "ｸﾞﾛｰﾊﾞﾙ", "ぐろーばる", "ＧＬＯＢＡＬ ぷーりんぐ"):
            search.query_one("#search-box").value = ""
            await pilot.press(*query)
            await wait(pilot)
            found[query] = [hit.item_id for hit in search.hits]
        assert found["グローバル"] == ["f-gap-name"]
        assert all(ids == ["f-gap-name"] for ids in found.values()), found
        search.query_one("#search-box").value = ""
        await pilot.press(*"ＲｅＬＵ")
        await wait(pilot)
        assert {hit.item_id for hit in search.hits} == {"t-relu-zero", "c-relu-single"}
        assert "2問見つかりました" in screen_text(pilot)
        await pilot.press("enter", "enter")  # to the list, then open the first hit
        await wait(pilot)
        page = pilot.app.screen
        assert isinstance(page, ItemScreen) and page.key.item_id == search.hits[0].item_id
        assert "正解" in screen_text(pilot) and "解説" in screen_text(pilot)
        await pilot.press("escape")
        await wait(pilot)
        await pilot.press("d")
        await wait(pilot)
        quiz = pilot.app.screen
        assert isinstance(quiz, QuizScreen)
        assert quiz.session.total == 2
        assert quiz.question.card_key in {"t-relu-zero", "c-relu-single"}


# --- bookmarks and reports ------------------------------------------------------------------


async def test_a_bookmark_survives_a_restart_and_makes_a_drill(tmp_path: Path) -> None:
    where = tmp_path / "app"

    async def mark() -> str:
        async with app_in(where).run_test(size=(80, 24)) as pilot:
            await pilot.press("b")  # none yet: home says how to add one
            await wait(pilot)
            assert isinstance(pilot.app.screen, HomeScreen)
            screen = await start_drill(pilot, ["gap-cam"])
            key = screen.question.card_key
            await pilot.press("b")
            await wait(pilot)
            assert "★" in rendered(screen.query_one("#status"))
            await pilot.press("ctrl+q")
            return key

    async def drill(key: str) -> None:
        app = app_in(where)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("b")
            await wait(pilot)
            quiz = pilot.app.screen
            assert isinstance(quiz, QuizScreen) and quiz.title_text == "ブックマーク"
            assert quiz.session.total == 1 and quiz.question.card_key == key
            await pilot.press("b")  # taken off again
            await wait(pilot)
            assert app.context.store.bookmarks() == []

    key = await mark()
    with Store.open(where / "progress.db") as store:
        assert store.bookmarks() == [key]
    await drill(key)


async def test_a_report_holds_the_item_id_and_the_comment(tmp_path: Path) -> None:
    where = tmp_path / "app"

    async with app_in(where).run_test(size=(80, 24)) as pilot:
        screen = await start_drill(pilot, ["relu"])
        item_id = screen.question.item.id
        await answer(pilot, screen, False)
        await pilot.press("r")
        await wait(pilot)
        assert isinstance(pilot.app.screen, ReportScreen)
        await pilot.press(*"正解が逆では?")
        await pilot.press("enter")
        await wait(pilot)
        assert pilot.app.screen is screen
        lines = (where / "reports.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1
        assert lines[0].split("\t")[1:] == [item_id, "", "正解が逆では?"]
        # Escape writes nothing
        await pilot.press("r")
        await wait(pilot)
        await pilot.press(*"やめる", "escape")
        await wait(pilot)
        assert len((where / "reports.txt").read_text(encoding="utf-8").splitlines()) == 1


async def test_the_palette_names_the_new_screens_and_marks_in_japanese(tmp_path: Path) -> None:
    app = app_in(tmp_path / "app")
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"間違いノート", "検索", "ブックマーク"} <= set(titles)
        screen = await start_drill(pilot, ["relu"])
        titles = [c.title for c in app.get_system_commands(screen)]
        assert {"この問題をブックマーク", "この問題の誤りを報告"} <= set(titles)
