"""統計: accuracy by topic, reviews per day, the due forecast, weakest topics and leeches."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp import progress
from quizapp.progress import percent
from quizapp.ui.context import AppContext
from quizapp.ui.widgets.barchart import BarChart
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, plain

DAYS = 14
NUMBER_COLUMNS_CELLS = 42
"""Cells the number columns, the cell padding and the scroll bar take."""


class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "close", "戻る"), Binding("q", "close", "戻る", show=False)]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(id="headline", classes="panel")
            yield Static(Text("過去14日の解答数", style="bold"), classes="heading")
            yield BarChart(id="per-day")
            yield Static(Text("今後14日の復習予定", style="bold"), classes="heading")
            yield BarChart(id="forecast")
            yield Static(id="weak")
            yield Static(Text("トピック別の正答率", style="bold"), classes="heading")
            yield DataTable(id="accuracy", zebra_stripes=True, cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "統計"
        ctx = self.context
        now = ctx.clock()
        tz = now.astimezone().tzinfo
        view = progress.overview(ctx.bank, ctx.generators, ctx.store, ctx.scheduler, now)
        retention = progress.retention(ctx.store)
        self.query_one("#headline", Static).update(
            f"解答 {view.answers} 回 ・ 正答率 {percent(view.accuracy)} ・ 復習時の再生率 {percent(retention)}"
            f" ・ 学習済み {view.seen_cards}/{view.total_cards} 枚 ・ 今日の復習 {view.due_now} 枚"
        )
        per_day = ctx.store.reviews_per_day(DAYS, now, tz=tz)
        self.query_one("#per-day", BarChart).plot(
            [n for _, n in per_day], [f"{d.day}" for d, _ in per_day]
        )
        forecast = progress.due_forecast(ctx.store, now, DAYS, tz=tz)
        self.query_one("#forecast", BarChart).plot(
            [n for _, n in forecast], [f"{d.day}" for d, _ in forecast]
        )
        weak = view.weakest(5)
        leeches = progress.leeches(ctx.store, ctx.bank, ctx.generators)
        rated = any(t.answers >= progress.MIN_ANSWERS_FOR_WEAKNESS for t in view.topics)
        none = "平均を下回るトピックはありません" if rated else "まだデータがありません"
        self.query_one("#weak", Static).update(
            Group(
                Text("苦手なトピック（正答率が平均未満）", style="bold"),
                JText("、".join(f"{t.title}（{percent(t.accuracy)}）" for t in weak) or none),
                Text("苦手カード（リーチ）", style="bold"),
                JText(
                    "、".join(f"{key}（{lapses}回）" for key, _, lapses in leeches[:10]) or "なし"
                ),
            )
        )
        table = self.query_one("#accuracy", DataTable)
        table.add_columns("トピック", "解答", "正解", "正答率", "既習/総数")
        rows = sorted(view.topics, key=lambda t: (t.accuracy is None, t.accuracy or 0.0))
        # the numbers stay on screen at 80 columns: the titles give way
        title_cells = max(16, self.app.size.width - NUMBER_COLUMNS_CELLS)
        for t in rows:
            table.add_row(
                plain(t.title, cells=title_cells),
                str(t.answers),
                str(t.correct_answers),
                percent(t.accuracy),
                f"{t.seen}/{t.total}",
            )

    def action_close(self) -> None:
        self.dismiss()
