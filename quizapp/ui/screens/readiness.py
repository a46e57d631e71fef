"""試験対策: for one exam, the predicted score on exam day with its interval, the areas that cost
the most points, the forecast's last 14 days, the study plan, the calibration against the
learner's mocks, and how the bank and the log cover each syllabus item."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp import readiness
from quizapp.ui.context import AppContext
from quizapp.ui.widgets.barchart import BarChart
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, plain

DAYS = 14
NUMBER_COLUMNS_CELLS = 44
"""Cells the id and number columns, the cell padding and the scroll bar take."""


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class ReadinessScreen(Screen[None]):
    CSS_PATH = "readiness.tcss"
    BINDINGS = [
        Binding("g", "exam('G')", "G検定"),
        Binding("e", "exam('E')", "E資格"),
        Binding("escape", "close", "戻る"),
        Binding("q", "close", "戻る", show=False),
    ]

    def __init__(self, context: AppContext, exam: str = "G") -> None:
        super().__init__()
        self.context = context
        self.exam = exam

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="readiness"):
            yield Static(id="readiness-forecast", classes="panel")
            yield Static(id="readiness-plan")
            yield Static(Text("予測得点の推移（過去14日）", style="bold"), classes="heading")
            yield BarChart(id="readiness-history")
            yield Static(
                Text("シラバス項目ごとの出題範囲と学習状況", style="bold"), classes="heading"
            )
            yield DataTable(id="readiness-coverage", zebra_stripes=True, cursor_type="row")
            yield Static(id="readiness-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show()

    def action_exam(self, exam: str) -> None:
        self.exam = exam
        self.show()

    def show(self) -> None:
        ctx = self.context
        report = readiness.build(
            ctx.bank,
            ctx.store,
            ctx.scheduler,
            ctx.settings,
            self.exam,
            ctx.clock(),
            ctx.coverage(self.exam),
        )
        if report is None:
            self.query_one("#readiness-forecast", Static).update(
                "この問題集にはシラバス（syllabus.yaml）がありません。"
            )
            return
        self.report = report
        self.sub_title = f"試験対策 {report.exam.name}"
        f = report.forecast
        head = Text(
            f"{report.exam.name} {report.when}の予測得点 "
            f"{pct(f.score)}（80% の範囲 {pct(f.low)}–{pct(f.high)}）",
            style="bold",
        )
        lines = [
            f"合格ラインの目安 {pct(report.pass_line)}（推定） ・ シラバス {report.covered}/"
            f"{report.examined} 項目に問題あり ・ 未学習のカードは初回正答率から {pct(f.prior)}"
            " と見込みます",
            "失点の大きい分野: "
            + "、".join(f"{a.name}（−{a.points_lost:.0%}）" for a in f.costliest(3)),
        ]
        if report.calibration is not None:
            c = report.calibration
            lines.append(
                f"模擬試験 {c.mocks} 回との比較: 予測の平均誤差 {c.mean_error:.0%}"
                f"（{'楽観的' if c.bias > 0 else '慎重'}な側に {abs(c.bias):.0%}）"
            )
        if report.mocks:
            lines.append(
                "模擬試験の記録: "
                + "、".join(
                    f"{m.ended_at.astimezone():%m/%d} {m.correct}/{m.asked}（{m.score:.0%}）"
                    for m in report.mocks[-5:]
                )
            )
        # JText wraps the Japanese way: no line starts with 、 or ）
        self.query_one("#readiness-forecast", Static).update(Group(head, JText("\n".join(lines))))
        self.query_one("#readiness-plan", Static).update(JText(report.plan_line))
        today = ctx.clock().astimezone().date()
        days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
        history = dict(report.history)
        self.query_one("#readiness-history", BarChart).plot(
            [round(100 * history[d]) if d in history else 0 for d in days],
            [f"{d.day}" for d in days],
        )
        table = self.query_one("#readiness-coverage", DataTable)
        table.clear(columns=True)
        table.add_columns("ID", "項目", "問題", "未出KW", "既習", "正答率", "想起率")
        cells = max(14, self.app.size.width - NUMBER_COLUMNS_CELLS)
        for row, learner in report.rows:
            table.add_row(
                row.item.id,
                plain(row.item.title + ("" if row.item.examined else "（対象外）"), cells=cells),
                str(sum(row.kinds.values())),
                f"{len(row.missing)}/{len(row.item.keywords)}",
                f"{learner.seen}/{len(row.cards)}",
                pct(learner.accuracy),
                pct(learner.recall),
                key=row.item.id,
            )
        self._detail(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        rows = getattr(self, "report", None) and self.report.rows
        if not rows or not 0 <= index < len(rows):
            return
        row, _ = rows[index]
        parts = [f"{row.item.id} {row.item.title}"]
        if row.missing:
            parts.append("まだ問題にないキーワード: " + "、".join(row.missing))
        if row.generators:
            parts.append("計算問題: " + ", ".join(row.generators))
        if row.oldest_as_of is not None:
            parts.append(f"最も古い確認日（as_of）: {row.oldest_as_of}")
        self.query_one("#readiness-detail", Static).update(JText("\n".join(parts)))

    def action_close(self) -> None:
        self.dismiss()
