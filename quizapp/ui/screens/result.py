"""The end of a session: score overall and by topic, and the missed items with explanations."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp.progress import percent
from quizapp.session import Summary
from quizapp.ui.context import AppContext
from quizapp.ui.widgets.feedback import render_feedback
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, plain

NUMBER_COLUMNS_CELLS = 30
"""Cells the number columns, the cell padding and the scroll bar take."""


class ResultScreen(Screen[None]):
    CSS_PATH = "result.tcss"
    BINDINGS = [
        Binding("escape", "close", "ホームへ"),
        Binding("q", "close", "ホームへ", show=False),
    ]

    def __init__(self, context: AppContext, summary: Summary, *, title: str, total: int) -> None:
        super().__init__()
        self.context = context
        self.summary = summary
        self.title_text = title
        self.total = max(total, summary.answered)

    def compose(self) -> ComposeResult:
        s = self.summary
        tones = self.app.tones
        unanswered = self.total - s.answered
        score = s.correct / self.total if self.total else 0.0
        head = Text(f"{self.title_text}の結果  ", style="bold")
        head.append(
            f"{s.correct}/{self.total} 問正解（{score:.0%}）",
            style=Style(bold=True) + (tones.ok if score >= 0.7 else tones.ng),
        )
        if unanswered:
            head.append(f"  未解答 {unanswered} 問", style=tones.warn)
        yield Header()
        with VerticalScroll(id="result"):
            yield Static(head, id="score")
            yield DataTable(
                id="by-topic", zebra_stripes=True, cursor_type="none", show_cursor=False
            )
            if s.missed:
                yield Static(
                    Text(f"間違えた問題（{len(s.missed)} 問）", style="bold underline"),
                    classes="heading",
                )
                for n, fb in enumerate(s.missed, start=1):
                    yield Static(
                        Group(
                            JText(f"{n}. {fb.question.prompt}", "bold"), render_feedback(fb, tones)
                        ),
                        classes="missed panel",
                    )
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#by-topic", DataTable)
        table.add_columns("トピック", "解答", "正解", "正答率")
        topics = self.context.bank.topics
        rows = sorted(self.summary.by_topic.items(), key=lambda kv: kv[1][0] / kv[1][1])
        # the numbers stay on screen at 80 columns: the titles give way
        title_cells = max(16, self.app.size.width - NUMBER_COLUMNS_CELLS)
        for topic, (ok, n) in rows:
            title = topics[topic].title if topic in topics else topic
            table.add_row(plain(title, cells=title_cells), str(n), str(ok), percent(ok / n))
        table.styles.height = len(rows) + 1

    def action_close(self) -> None:
        self.dismiss()
