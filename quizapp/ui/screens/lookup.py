"""An item's page (its answer key, opened from the mistake notebook or a search), and drills of a
list of cards (the notebook, search hits, bookmarks)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.answerkey import AnswerKey
from quizapp.cardkey import generator_of
from quizapp.starting import start_cards
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.format import EXAM_NAMES
from quizapp.ui.screens.marks import report_item, toggle_bookmark
from quizapp.ui.widgets.answerkey import render_answer_key
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import plain


def start_drill(screen: Screen, context: AppContext, keys: Sequence[str], *, title: str) -> None:
    """Drill ``keys`` in their order over ``screen``, which comes back when the drill ends."""
    from quizapp.ui.screens.quiz import QuizScreen

    try:
        session = start_cards(context, keys, source=title)
    except WRITE_ERRORS as exc:
        report(screen.app, NOT_STARTED, exc)
        return
    if session is None:
        screen.notify("解く問題がありません。", title=title)
        return
    screen.app.push_screen(QuizScreen(context, session, title=title))


class ItemScreen(Screen[None]):
    """One item's answer key; d drills it, b bookmarks it, r reports it."""

    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("d", "drill", "この問題を解く"),
        Binding("b", "bookmark", "しおり"),
        Binding("r", "report", "報告"),
        Binding("escape", "close", "戻る"),
        Binding("q", "close", "戻る", show=False),
    ]

    def __init__(self, context: AppContext, key: AnswerKey, *, title: str) -> None:
        super().__init__()
        self.context = context
        self.key = key
        self.title_text = title

    def compose(self) -> ComposeResult:
        key = self.key
        topics = self.context.bank.topics
        topic = topics[key.topic].title if key.topic in topics else key.topic
        exams = "/".join(EXAM_NAMES.get(e, e) for e in key.exams)
        line = Text()
        line.append_text(plain(f"{key.item_id or key.card_key}  {topic}  {exams}"))
        yield Header()
        yield Static(line, id="item-status", classes="muted")
        with VerticalScroll(id="item-page"):
            yield Static(render_answer_key(key, self.app.tones), id="answer-key")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        self.query_one("#item-page").focus()

    def action_drill(self) -> None:
        start_drill(self, self.context, [self.key.card_key], title="この問題を解く")

    def action_bookmark(self) -> None:
        toggle_bookmark(self, self.context, self.key.card_key)

    def action_report(self) -> None:
        key = self.key
        generator = generator_of(key.card_key) if key.seed is not None else None
        report_item(
            self, self.context, key.item_id or key.card_key, generator=generator, seed=key.seed
        )

    def action_close(self) -> None:
        self.dismiss()
