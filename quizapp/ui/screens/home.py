"""Home: what is due, progress per topic, and the ways in (review, drills, practice, mock, stats)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp import progress, readiness
from quizapp.progress import percent
from quizapp.session import new_cards_today
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText, plain


@dataclass(frozen=True)
class MenuEntry:
    """One way in from home: its key, its line in the menu, its action and its palette entry."""

    key: str
    label: str
    """The menu's and the palette's name for it."""
    action: str
    """A ``HomeScreen.action_*`` name without the prefix."""
    help: str
    """The palette's line under the name."""
    footer: str | None = None
    """The footer's (shorter) name; ``None`` keeps it out of the footer, which holds seven keys
    and the palette's at 80 columns."""

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.footer or self.label, show=bool(self.footer))


MENU = (
    MenuEntry("r", "復習", "review", "期限の来たカードを復習する", footer="復習"),
    MenuEntry("t", "トピック別演習", "topics", "トピックを選んで演習する", footer="トピック別"),
    MenuEntry("c", "計算問題", "practice", "生成器を選んで計算問題を解く", footer="計算問題"),
    MenuEntry("m", "模擬試験", "mock", "時間制限つきの模擬試験", footer="模試"),
    MenuEntry("e", "試験対策", "readiness", "予測得点・シラバスの網羅・学習計画"),
    MenuEntry("s", "統計", "stats", "正答率・復習数・予定", footer="統計"),
    MenuEntry("o", "設定", "settings", "保持率・新規枚数・受験日などを変える", footer="設定"),
    MenuEntry("n", "間違いノート", "notebook", "一度でも間違えた問題を見直す・解き直す"),
    MenuEntry("/", "検索", "search", "問題集全体を検索する（ホームの /）"),
    MenuEntry("b", "ブックマーク", "bookmarks", "ブックマークした問題を解く"),
)
"""Home's menu, its key bindings and its command-palette entries, all built from this table."""


TITLE_CELLS = 29
"""Topic-title width at 80 columns; wider terminals give the extra columns to the titles."""
OTHER_CELLS = 80 - TITLE_CELLS
"""The menu column, the number columns, cell padding, margins and the scroll bar."""


def coming_soon(view: progress.Overview, now: datetime) -> str:
    """ "（まもなく 3 枚、8 分後から）" when cards come due within the hour: a missed card leaves
    the queue for a few minutes (FSRS relearning), and without this home would say nothing is due
    right after a review that missed some."""
    if view.next_due is None:
        return ""
    minutes = max(1, math.ceil((view.next_due - now).total_seconds() / 60))
    return f"（まもなく {view.due_soon} 枚、{minutes} 分後から）"


def weak_topics(view: progress.Overview, n: int = 3) -> RenderableType:
    """苦手なトピック for home's narrow column: the topics below the learner's accuracy, wrapped
    the Japanese way (a title or a percentage is never cut before ー, ッ or ）)."""
    weakest = view.weakest(n)
    parts: list[RenderableType] = [Text("苦手なトピック:")]
    parts += [JText(f"・{t.title}（{percent(t.accuracy)}）", hang=2) for t in weakest]
    if not weakest:
        rated = any(t.answers >= progress.MIN_ANSWERS_FOR_WEAKNESS for t in view.topics)
        parts.append(JText("平均を下回るトピックなし" if rated else "まだデータなし"))
    return Group(*parts)


def new_cards_note(drills_count: bool) -> str:
    """What counts toward 新規 (the setting ``drill_introduces_cards``), in one line."""
    if drills_count:
        return "[dim]新規: 今日初めて解いたカード（演習・模試で解いたものも数えます）[/dim]"
    return "[dim]新規: 復習で初めて出すカード（演習・模試で解いても新規のままです）[/dim]"


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"
    BINDINGS = [*(entry.binding() for entry in MENU), Binding("q", "app.quit", "終了")]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary", classes="panel")
        with Horizontal(id="body"):
            with Vertical(id="menu-box"):
                yield OptionList(
                    *(Option(f"[b]{e.key}[/b]  {e.label}", id=e.action) for e in MENU),
                    id="menu",
                )
                yield Static(id="weakest", classes="muted")
            yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def commands(self) -> Iterable[SystemCommand]:
        """The menu's entries for the command palette."""
        for entry in MENU:
            yield SystemCommand(entry.label, entry.help, getattr(self, f"action_{entry.action}"))

    def on_mount(self) -> None:
        table = self.query_one("#topics", DataTable)
        table.add_columns("トピック", "既習/総数", "正答率")
        self.query_one("#menu", OptionList).focus()

    def on_screen_resume(self) -> None:
        """Figures are recomputed whenever home comes back to the top (and only then: when the
        app opens straight into a review, home is never drawn before the review starts)."""
        self.refresh_numbers()

    def on_resize(self) -> None:
        """Titles get the extra columns of a wide terminal: refill only when that width changes."""
        if self._view is not None and self._title_cells() != self._filled_at:
            self._fill_table(self._view)

    _view: progress.Overview | None = None
    _filled_at = 0

    def _title_cells(self) -> int:
        return max(TITLE_CELLS, self.size.width - OTHER_CELLS)

    def refresh_numbers(self) -> None:
        ctx = self.context
        now = ctx.clock()
        view = progress.overview(ctx.bank, ctx.generators, ctx.store, ctx.scheduler, now)
        self._view = view
        fresh = len(new_cards_today(ctx.bank, ctx.store, now, ctx.settings.new_per_day))
        parts = [
            f"今日の復習 [b]{view.due_now}[/b] 枚{coming_soon(view, now)}＋新規 [b]{fresh}[/b] 枚",
            f"学習済み {view.seen_cards}/{view.total_cards}",
            f"正答率 {percent(view.accuracy)}",
            f"保持率目標 {ctx.settings.desired_retention:.0%}",
            f"新規上限 {ctx.settings.new_per_day}/日",
        ]
        if (exam := progress.exam_countdown(view)) is not None:
            parts.append(exam)
        lines = Text.from_markup(
            " ・ ".join(parts) + "\n" + new_cards_note(ctx.settings.drill_introduces_cards)
        )
        for line in self._readiness_lines(now):
            lines.append_text(Text("\n") + plain(line))
        self.query_one("#summary", Static).update(lines)
        self.query_one("#weakest", Static).update(weak_topics(view))
        self._fill_table(view)
        self._recheck_later(view, now)

    def _readiness_lines(self, now: datetime) -> list[str]:
        """Per exam: syllabus coverage and the predicted score; today's forecast is kept for
        the 試験対策 screen's history (a failed save only loses that day's point)."""
        ctx = self.context
        out = []
        for exam in ctx.bank.syllabus.exams if ctx.bank.syllabus else ():
            report = readiness.build(
                ctx.bank, ctx.store, ctx.scheduler, ctx.settings, exam, now, ctx.coverage(exam)
            )
            if report is None:
                continue
            out.append(readiness.headline(report))
            with contextlib.suppress(*WRITE_ERRORS):
                readiness.record_today(ctx.store, report, now)
        return out

    _recheck: Timer | None = None

    def _recheck_later(self, view: progress.Overview, now: datetime) -> None:
        """While cards are coming due, count again each minute (and when the first falls due),
        so that '1 分後から' becomes '今日の復習 1 枚' without leaving home."""
        if self._recheck is not None:
            self._recheck.stop()
            self._recheck = None
        if view.next_due is not None:
            wait = min(60.0, max((view.next_due - now).total_seconds(), 0.0) + 0.5)
            self._recheck = self.set_timer(wait, self._recheck_now)

    def _recheck_now(self) -> None:
        self._recheck = None
        if self.is_current:
            self.refresh_numbers()

    def _fill_table(self, view: progress.Overview) -> None:
        table = self.query_one("#topics", DataTable)
        title_cells = self._filled_at = self._title_cells()
        table.clear()
        for t in view.topics:
            table.add_row(
                plain(t.title, cells=title_cells),
                f"{t.seen}/{t.total}",
                percent(t.accuracy),
                key=t.topic,
            )

    @on(OptionList.OptionSelected, "#menu")
    def _menu(self, event: OptionList.OptionSelected) -> None:
        self.run_action(str(event.option.id))

    def action_review(self) -> None:
        from quizapp.ui.screens.quiz import review_screen

        try:
            screen = review_screen(self.context)
        except WRITE_ERRORS as exc:
            report(self.app, NOT_STARTED, exc)
            return
        if screen is None:
            self.notify("今日の復習はありません。トピック別演習か計算問題へどうぞ。", title="復習")
            return
        self.app.push_screen(screen)

    def action_topics(self) -> None:
        from quizapp.ui.screens.topics import TopicsScreen

        self.app.push_screen(TopicsScreen(self.context))

    def action_practice(self) -> None:
        from quizapp.ui.screens.practice import PracticeScreen

        self.app.push_screen(PracticeScreen(self.context))

    def action_mock(self) -> None:
        from quizapp.ui.screens.exam import open_exam

        open_exam(self, self.context)

    def action_readiness(self) -> None:
        from quizapp.ui.screens.readiness import ReadinessScreen

        self.app.push_screen(ReadinessScreen(self.context))

    def action_stats(self) -> None:
        from quizapp.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.context))

    def action_notebook(self) -> None:
        from quizapp.ui.screens.notebook import NotebookScreen

        self.app.push_screen(NotebookScreen(self.context))

    def action_search(self) -> None:
        from quizapp.ui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.context))

    def action_bookmarks(self) -> None:
        from quizapp.ui.screens.lookup import start_drill

        ctx = self.context
        keys = [k for k in ctx.store.bookmarks() if _exists(k, ctx)]
        if not keys:
            self.notify(
                "ブックマークはまだありません。問題や解説の画面で b を押すと付けられます。",
                title="ブックマーク",
            )
            return
        start_drill(self, ctx, keys, title="ブックマーク")

    def action_settings(self) -> None:
        from quizapp.ui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.context))


def _exists(key: str, context: AppContext) -> bool:
    return progress.topic_of(key, context.bank, context.generators) is not None
