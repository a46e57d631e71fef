"""Hostile or odd text from a bank: escape sequences reach the screen as visible text, never the
terminal; Rich markup in bank text shows literally and crashes nothing; a huge paste is refused by
the answer box."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable

from quizapp.grading import MAX_INPUT
from quizapp.ui.app import QuizApp, make_app
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.quiz import QuizScreen
from quizapp.ui.screens.result import ResultScreen
from quizapp.ui.screens.stats import StatsScreen
from quizapp.ui.widgets.answer import AnswerInput

from .conftest import NOW, rendered, screen_chars

OSC52 = "\x1b]52;c;SGFja2Vk\x07"
"""Writes "Hacked" to the clipboard of a terminal that honours OSC 52."""

TOPICS = r"""topics:
  - {id: relu, title: "TITLE", area: "\e[2J領域"}
"""
MARKUP_TITLE = r"[/]ReLU\e]0;PWNED\a[bold]"
ITEMS = r"""items:
  - id: t-hostile
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: "クリップボード\e]52;c;SGFja2Vk\a と [bold]太字[/bold] と [/] の問題。"
    truth: true
    confused_with: "\e]0;TITLE\a"
    explanation: "解説\e[2J[/] [link=https://example.com]リンク[/link]"
    source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}
  - id: c-hostile
    kind: choice
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: "[/]選べ\e]0;T\a"
    options:
      - {text: "正\e]52;c;QQ==\a[/]", rationale: "理由\e]0;x\a[b]"}
      - {text: "誤[red]", rationale: "違う\e[31m"}
    answer: 1
    explanation: "[/]"
    source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}
  - id: c-code
    kind: choice
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: "空欄に入るコードは"
    code:
      template: "def f(x):\n    # \e]52;c;QQ==\a [/]\n    return ____\n"
      entry: f
      reference: activations.relu
      cases: [[[1.0, -1.0]]]
    options:
      - {text: "np.maximum(x, 0)", rationale: "正しい"}
      - {text: "x", rationale: "負の入力が残る"}
    answer: 1
    explanation: "説明"
    source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}
  - id: f-hostile
    kind: fill
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: "【1】を答えよ\e]0;T\a"
    blanks:
      - answers: [GAP]
    explanation: "説明"
    source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}
"""


def hostile_app(tmp_path: Path, title: str = r"ReLU\e]0;PWNED\a") -> QuizApp:
    """The app on a bank of hostile items, in a topic of this title (YAML escapes)."""
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "topics.yaml").write_text(TOPICS.replace("TITLE", title), encoding="utf-8")
    (bank / "items.yaml").write_text(ITEMS, encoding="utf-8")
    return make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[bank],
        config_path=tmp_path / "c.toml",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )


def assert_no_raw_controls(text: str) -> None:
    raw = sorted({c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0})
    assert not raw, f"control characters reach the terminal: {raw}"


async def drill(pilot: Pilot) -> QuizScreen:
    await pilot.press("t")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def answer_any(pilot: Pilot, screen: QuizScreen) -> None:
    q = screen.question
    assert q is not None
    await pilot.press("1" if q.kind == "choice" else "x" if q.kind == "trap" else "a")
    if q.kind == "fill":
        await pilot.press("enter")
    await pilot.pause()


async def walk_to(pilot: Pilot, key: str) -> QuizScreen:
    """Start the drill and answer questions until ``key`` is asked."""
    screen = await drill(pilot)
    while screen.question is not None and screen.question.card_key != key:
        await answer_any(pilot, screen)
        await pilot.press("n")
        await pilot.pause()
    assert screen.question is not None
    return screen


async def test_escape_sequences_in_a_prompt_show_as_text(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)

    async with app.run_test(size=(100, 30)) as pilot:
        screen = await walk_to(pilot, "t-hostile")
        question = rendered(screen.query_one("#question"))
        assert "\\x1b]52;c;SGFja2Vk\\x07" in question
        assert OSC52 not in question
        assert "ReLU\\x1b]0;PWNED\\x07" in rendered(screen.query_one("#status"))
        assert_no_raw_controls(screen_chars(pilot))
        await pilot.press("x")
        await pilot.pause()
        feedback = rendered(screen.query_one("#feedback"))
        assert "解説\\x1b[2J[/]" in feedback
        assert_no_raw_controls(screen_chars(pilot))


async def test_markup_in_bank_text_shows_literally(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, MARKUP_TITLE)

    async with app.run_test(size=(100, 30)) as pilot:
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        titles = rendered(home.query_one("#topics", DataTable))
        assert "[/]ReLU\\x1b]0;PWNED\\x07[bold]" in titles
        await pilot.press("t")
        await pilot.pause()
        assert "[/]ReLU\\x1b]0;PWNED\\x07[bold]" in screen_chars(pilot)
        await pilot.press("escape")
        await pilot.pause()
        screen = await drill(pilot)
        seen = set()
        while pilot.app.screen is screen:
            q = screen.question
            assert q is not None
            seen.add(q.card_key)
            text = rendered(screen.query_one("#question"))
            if q.card_key == "t-hostile":
                assert "[bold]太字[/bold] と [/]" in text
            if q.card_key == "c-hostile":
                assert "[/]選べ" in text and "誤[red]" in text
            if q.card_key == "c-code":
                assert "# \\x1b]52;c;QQ==\\x07 [/]" in text
            assert_no_raw_controls(screen_chars(pilot))
            await answer_any(pilot, screen)
            assert_no_raw_controls(screen_chars(pilot))
            await pilot.press("n")
            await pilot.pause()
        assert seen == {"t-hostile", "c-hostile", "c-code", "f-hostile"}
        assert isinstance(pilot.app.screen, ResultScreen)
        assert "[/]ReLU" in screen_chars(pilot)
        assert_no_raw_controls(screen_chars(pilot))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        assert "[/]ReLU" in screen_chars(pilot)
        assert_no_raw_controls(screen_chars(pilot))


async def test_a_huge_paste_is_refused_by_the_answer_box(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, "ReLU")

    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await walk_to(pilot, "f-hostile")
        box = screen.query_one(AnswerInput)
        box.post_message(events.Paste("\ufdfa" * 1_000_000))
        await pilot.pause()
        assert len(box.value) <= MAX_INPUT
        assert f"解答は {MAX_INPUT} 文字までです" in screen_chars(pilot)
        await pilot.press(*"GAP")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.feedback is not None and screen.feedback.grade.correct
        assert app.context.store.reviews(card_key="f-hostile")[0].answer == "GAP"
