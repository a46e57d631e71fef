"""The mistake notebook (間違いノート): every item answered wrong at least once, the most recently
missed first, filtered by exam and topic; Enter opens the missed answer's feedback, d drills them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp import notebook
from quizapp.answerkey import answer_key
from quizapp.ui.context import AppContext
from quizapp.ui.format import EXAM_NAMES, column
from quizapp.ui.screens.lookup import ItemScreen, start_drill
from quizapp.ui.themes import Tones
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import plain
from quizapp.ui.widgets.lists import OpenList

EXAM_FILTERS: tuple[str | None, ...] = (None, "G", "E")
FIXED_CELLS = 40
"""What a row's date, counts, topic and the list's borders take at 80 columns."""
TOPIC_CELLS = 20


def entry_row(entry: notebook.Entry, topic_title: str, width: int, tones: Tones) -> Text:
    """One line: when it was last missed, wrong/answered, the topic and the prompt's start."""
    when = entry.last_wrong.reviewed_at.astimezone()
    row = Text(f"{when:%m/%d} ")
    row.append(f"✘{entry.wrong}/{entry.answers} ", style=tones.ng)
    row.append("○ " if entry.latest_correct else "  ", style=tones.ok)
    row.append_text(column(topic_title, TOPIC_CELLS, "dim"))
    row.append_text(plain(entry.first_line, cells=max(10, width - FIXED_CELLS)))
    return row


class TopicPicker(ModalScreen[str | None]):
    """Which topic to show: every topic, or one of those the notebook holds."""

    CSS_PATH = "lookup.tcss"
    BINDINGS = [Binding("escape", "cancel", "やめる")]

    def __init__(self, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = options

    def compose(self) -> ComposeResult:
        yield Static("どのトピックを表示しますか？", id="filter-line")
        yield OpenList(
            *(Option(plain(label), id=value or "*") for value, label in self.choices),
            id="entries",
        )
        yield KeysFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        value = str(event.option.id)
        self.dismiss("" if value == "*" else value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotebookScreen(Screen[None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("d", "drill", "表示中を解く"),
        Binding("e", "cycle_exam", "試験"),
        Binding("t", "pick_topic", "トピック"),
        Binding("escape", "close", "戻る"),
        Binding("q", "close", "戻る", show=False),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.exam: str | None = None
        self.topic: str | None = None
        self.all: list[notebook.Entry] = []
        self.shown: list[notebook.Entry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filter-line", classes="panel")
        yield OpenList(id="entries")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "間違いノート"
        self.query_one("#entries").focus()

    def on_screen_resume(self) -> None:
        """Read the log again whenever the notebook comes back (a drill from it has ended)."""
        ctx = self.context
        self.all = notebook.entries(ctx.bank, ctx.generators, ctx.store)
        self._fill()

    def _title(self, topic: str) -> str:
        topics = self.context.bank.topics
        return topics[topic].title if topic in topics else topic

    def _fill(self) -> None:
        self.shown = notebook.filtered(self.all, topic=self.topic, exam=self.exam)
        entries = self.query_one("#entries", OptionList)
        highlighted = entries.highlighted
        entries.clear_options()
        width = self.app.size.width
        tones = self.app.tones
        entries.add_options(
            Option(entry_row(e, self._title(e.topic), width, tones), id=str(n))
            for n, e in enumerate(self.shown)
        )
        if self.shown:
            entries.highlighted = min(highlighted or 0, len(self.shown) - 1)
        exam = EXAM_NAMES.get(self.exam or "", "すべて")
        topic = self._title(self.topic) if self.topic else "すべて"
        line = Text(f"試験: {exam}（e）  トピック: ")
        line.append_text(plain(topic, cells=30))
        line.append(f"（t）  {len(self.shown)}/{len(self.all)} 問")
        if not self.all:
            line.append("\nまだ間違えた問題はありません。", style="bold")
        elif not self.shown:
            line.append("\nこの絞り込みに当てはまる問題はありません。", style="bold")
        else:
            line.append(
                "\n✘ 間違えた回数/解答数  ○ その後正解  Enter で解説、d で解き直し", style="dim"
            )
        self.query_one("#filter-line", Static).update(line)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return bool(self.shown) or None
        return True

    @on(OptionList.OptionSelected, "#entries")
    def _open(self, event: OptionList.OptionSelected) -> None:
        entry = self.shown[int(str(event.option.id))]
        ctx = self.context
        key = answer_key(ctx.bank, ctx.generators, entry.card_key, entry.last_wrong)
        if key is None:
            self.notify("この問題は問題集にもうありません。", title="間違いノート")
            return
        self.app.push_screen(ItemScreen(ctx, key, title="間違いノート"))

    def action_drill(self) -> None:
        start_drill(self, self.context, notebook.drill_keys(self.shown), title="間違いノート")

    def action_cycle_exam(self) -> None:
        self.exam = EXAM_FILTERS[(EXAM_FILTERS.index(self.exam) + 1) % len(EXAM_FILTERS)]
        self._fill()

    def action_pick_topic(self) -> None:
        choices = [("", f"すべてのトピック（{len(self.all)} 問）")]
        choices += [
            (topic, f"{self._title(topic)}（{n} 問）")
            for topic, n in notebook.topic_counts(self.all)
        ]

        def picked(topic: str | None) -> None:
            if topic is not None:
                self.topic = topic or None
                self._fill()

        self.app.push_screen(TopicPicker(choices), picked)

    def action_close(self) -> None:
        self.dismiss()
