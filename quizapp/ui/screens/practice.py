"""Choose a generator for endless fresh calculation problems."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.safetext import visible
from quizapp.starting import start_practice
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.lists import StartList

TITLE_COLUMN = 36


def generator_row(title: str, topic: str, column: int) -> Text:
    """One line per generator, its topic in a dim column cut with "…": a wrapped row reads as
    two generators."""
    row = Text(title, no_wrap=True, overflow="ellipsis", end="")
    row.pad_right(max(column - cell_len(title), 0) + 2)
    row.append(visible(topic, newlines=False), style="dim")
    return row


class PracticeScreen(Screen[None]):
    """Pick a generator; Enter starts an endless drill of fresh problems from it."""

    CSS_PATH = "practice.tcss"
    BINDINGS = [
        Binding("f", "toggle_format", "入力／4択"),
        Binding("escape", "close", "戻る"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.choices = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="practice-help", classes="panel")
        topics = self.context.bank.topics
        gens = sorted(
            self.context.generators.values(),
            key=lambda g: (list(topics).index(g.topic) if g.topic in topics else 999, g.name),
        )
        column = min(max((cell_len(g.title) for g in gens), default=0), TITLE_COLUMN)
        yield StartList(
            *(
                Option(
                    generator_row(
                        g.title, topics[g.topic].title if g.topic in topics else g.topic, column
                    ),
                    id=g.name,
                )
                for g in gens
            ),
            id="generator-list",
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "計算問題"
        self._show_format()
        self.query_one(OptionList).focus()

    def _show_format(self) -> None:
        answer_form = "4択（E資格の形式）" if self.choices else "数値を入力"
        self.query_one("#practice-help", Static).update(
            "生成器を選ぶと、毎回新しい数値の問題が出題されます。Enter で開始。\n"
            f"解答方法: [b]{answer_form}[/b]（f で切替）"
        )

    def action_toggle_format(self) -> None:
        self.choices = not self.choices
        self._show_format()

    @on(OptionList.OptionSelected)
    def _start(self, event: OptionList.OptionSelected) -> None:
        from quizapp.ui.screens.quiz import QuizScreen

        name = str(event.option.id)
        ctx = self.context
        try:
            session = start_practice(ctx, name, choices=self.choices)
        except WRITE_ERRORS as exc:
            report(self.app, NOT_STARTED, exc)
            return
        title = f"計算問題: {ctx.generators[name].title}"
        self.app.push_screen(QuizScreen(ctx, session, title=title))

    def action_close(self) -> None:
        self.dismiss()
