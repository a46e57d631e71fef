"""A mock exam's result: the score against the estimated pass line, each area of the syllabus,
the time used, and the questions to look at again with their answers."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp.mock import Result, Sheet
from quizapp.ui.context import AppContext
from quizapp.ui.format import clock, numbers
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, plain

AREA_CELLS = 30


def verdict(result: Result) -> str:
    """The score and whether it reaches the estimated pass line."""
    head = f"{result.correct}/{result.asked} 問正解（{result.score:.0%}）  合格ラインの目安 "
    if result.passed:
        return head + f"{result.pass_line:.0%}に到達"
    return head + f"{result.pass_line:.0%}まであと {result.pass_line - result.score:.0%}"


class ExamResultScreen(Screen[None]):
    CSS_PATH = "exam.tcss"
    BINDINGS = [
        Binding("escape", "close", "ホームへ"),
        Binding("q", "close", "ホームへ", show=False),
    ]

    def __init__(self, context: AppContext, result: Result, sheet: Sheet) -> None:
        super().__init__()
        self.context = context
        self.result = result
        self.sheet = sheet

    def compose(self) -> ComposeResult:
        r = self.result
        syllabus = self.context.bank.syllabus
        name = syllabus.exams[r.exam].name if syllabus else r.exam
        yield Header()
        with VerticalScroll(id="exam-result"):
            yield Static(Text(f"{name} 模擬試験の結果", style="bold"), classes="heading")
            yield Static(Text(verdict(r)), id="exam-score", classes="ok" if r.passed else "ng")
            yield Static(
                f"所要時間 {clock(r.seconds)} / 制限 {clock(r.limit)}"
                "  ・合格基準は公表されていないため、目安は推定です。",
                classes="muted",
            )
            yield DataTable(id="exam-areas", zebra_stripes=True, cursor_type="none")
            if r.unanswered:
                yield Static(f"未解答 {len(r.unanswered)} 問: {numbers(r.unanswered)}")
            review = sorted(set(r.wrong) | set(r.unanswered) | set(r.flagged))
            if review:
                yield Static(
                    Text(f"見直す問題（{len(review)} 問）", style="bold underline"),
                    classes="heading",
                )
                for index in review:
                    yield Static(self._review_entry(index), classes="exam-review panel")
        yield KeysFooter()

    def _review_entry(self, index: int) -> Group:
        question = self.sheet.questions[index]
        marks = []
        if index in self.result.unanswered:
            marks.append("未解答")
        elif index in self.result.wrong:
            marks.append("不正解")
        else:
            marks.append("正解")
        if index in self.result.flagged:
            marks.append("見直し")
        head = JText(f"問 {index + 1}［{'・'.join(marks)}］ {question.prompt}", "bold")
        correct = self._correct_text(index)
        return Group(head, JText(f"正解: {correct}"))

    def _correct_text(self, index: int) -> str:
        question = self.sheet.questions[index]
        if question.problem is not None:
            return question.problem.answer_text + question.problem.unit
        item = question.item
        keyed = getattr(item, "correct", frozenset())
        return " / ".join(
            question.options[pos]
            for pos, original in enumerate(question.order)
            if original in keyed
        )

    def on_mount(self) -> None:
        table = self.query_one("#exam-areas", DataTable)
        table.add_columns("分野", "正解", "出題", "正答率")
        cells = max(16, self.app.size.width - AREA_CELLS)
        for area in self.result.areas:
            table.add_row(
                plain(area.name, cells=cells),
                str(area.correct),
                str(area.asked),
                f"{area.correct / area.asked:.0%}",
            )
        table.styles.height = len(self.result.areas) + 1

    def action_close(self) -> None:
        self.dismiss()
