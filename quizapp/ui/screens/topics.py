"""Choose topics (and G検定 / E資格) for a drill."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, SelectionList, Static
from textual.widgets.selection_list import Selection

from quizapp.starting import start_drill
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import plain
from quizapp.ui.widgets.lists import CheckList

EXAM_FILTERS = (("G", "E"), ("G",), ("E",))
EXAM_LABEL = {("G", "E"): "G検定＋E資格", ("G",): "G検定のみ", ("E",): "E資格のみ"}


class TopicsScreen(Screen[None]):
    CSS_PATH = "topics.tcss"
    BINDINGS = [
        Binding("e", "cycle_exam", "試験の絞り込み"),
        Binding("a", "toggle_all", "全選択/解除"),
        Binding("escape", "close", "戻る"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.exams: tuple[str, ...] = ("G", "E")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filter", classes="panel")
        yield CheckList(id="topic-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "トピック別演習"
        self._fill()

    def _fill(self) -> None:
        ctx = self.context
        selected = set(self.query_one("#topic-list", SelectionList).selected)
        counts: dict[str, int] = {}
        for item in ctx.bank.items.values():
            if set(item.exams) & set(self.exams):
                counts[item.topic] = counts.get(item.topic, 0) + 1
        options = [
            Selection(plain(f"{topic.title}（{counts[tid]}問）"), tid, tid in selected)
            for tid, topic in ctx.bank.topics.items()
            if counts.get(tid)
        ]
        topic_list = self.query_one("#topic-list", SelectionList)
        highlighted = topic_list.highlighted
        topic_list.clear_options()
        topic_list.add_options(options)
        if options:  # the cursor starts on a topic, so the first Space already ticks one
            topic_list.highlighted = min(highlighted or 0, len(options) - 1)
        self.query_one("#filter", Static).update(
            f"対象: [b]{EXAM_LABEL[self.exams]}[/b]（e で切替）  スペースで選択、Enter で開始"
        )
        topic_list.focus()

    def action_cycle_exam(self) -> None:
        self.exams = EXAM_FILTERS[(EXAM_FILTERS.index(self.exams) + 1) % len(EXAM_FILTERS)]
        self._fill()

    def action_toggle_all(self) -> None:
        topic_list = self.query_one("#topic-list", SelectionList)
        if topic_list.selected:
            topic_list.deselect_all()
        else:
            topic_list.select_all()

    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.refresh_bindings()

    @on(CheckList.Submitted)
    def _start(self) -> None:
        from quizapp.ui.screens.quiz import QuizScreen

        ctx = self.context
        topic_list = self.query_one("#topic-list", SelectionList)
        topics = list(topic_list.selected)
        if not topics and topic_list.highlighted is not None:
            topics = [topic_list.get_option_at_index(topic_list.highlighted).value]
        if not topics:
            self.notify("トピックを選んでください（スペースキー）。")
            return
        try:
            session = start_drill(ctx, topics, self.exams)
        except WRITE_ERRORS as exc:
            report(self.app, NOT_STARTED, exc)
            return
        self.app.switch_screen(QuizScreen(ctx, session, title="トピック別演習"))

    def action_close(self) -> None:
        self.dismiss()
