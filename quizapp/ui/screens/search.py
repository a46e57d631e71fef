"""Search the whole bank from home (/): the hits as the query is typed; Enter opens one, d drills
them all."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.answerkey import answer_key
from quizapp.search import MAX_QUERY, Hit, build_index, drill_keys, search
from quizapp.ui.context import AppContext
from quizapp.ui.format import column
from quizapp.ui.screens.lookup import ItemScreen, start_drill
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import plain
from quizapp.ui.widgets.lists import OpenList

SHOWN = 200
"""The most hits listed (a drill takes them all)."""
FIXED_CELLS = 28
"""What a row's topic and the list's borders take at 80 columns."""
TOPIC_CELLS = 22
HELP = "日本語・英語で。全角／半角、大文字／小文字、ひらがな／カタカナは区別しません。"


class SearchScreen(Screen[None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("d", "drill", "全部解く"),
        Binding("slash", "focus_query", "検索語"),
        Binding("escape", "close", "戻る"),
    ]

    def __init__(self, context: AppContext, query: str = "") -> None:
        super().__init__()
        self.context = context
        self.query_text = query
        self.index = build_index(context.bank, context.generators)
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            self.query_text,
            placeholder="検索語（例: 過学習、ReLU、ｿﾌﾄﾏｯｸｽ）",
            max_length=MAX_QUERY,
            id="search-box",
        )
        yield Static(HELP, id="filter-line", classes="muted")
        yield OpenList(id="entries")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "検索"
        self.query_one("#search-box", Input).focus()
        self._run(self.query_text)

    @on(Input.Changed, "#search-box")
    def _changed(self, event: Input.Changed) -> None:
        self._run(event.value)

    @on(Input.Submitted, "#search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits:
            self.query_one("#entries").focus()

    def _run(self, query: str) -> None:
        self.hits = search(self.index, query)
        topics = self.context.bank.topics
        width = self.app.size.width
        rows = []
        for n, hit in enumerate(self.hits[:SHOWN]):
            title = topics[hit.topic].title if hit.topic in topics else hit.topic
            row = column(title, TOPIC_CELLS, "dim")
            row.append_text(plain(hit.first_line, cells=max(10, width - FIXED_CELLS)))
            rows.append(Option(row, id=str(n)))
        entries = self.query_one("#entries", OptionList)
        entries.clear_options()
        entries.add_options(rows)
        if rows:
            entries.highlighted = 0
        line = Text(HELP, style="dim")
        if query.strip():
            found = f"{len(self.hits)} 問見つかりました" if self.hits else "見つかりませんでした"
            more = f"（先頭の {SHOWN} 問を表示）" if len(self.hits) > SHOWN else ""
            line = Text(f"{found}{more}", style="bold")
            if self.hits:
                line.append("  Enter で一覧へ（一覧の Enter で開く、d で全部解く）", style="dim")
        self.query_one("#filter-line", Static).update(line)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """d and / act from the list; in the box they are typed."""
        typing = isinstance(self.focused, Input)
        if action == "drill":
            return not typing and (bool(self.hits) or None)
        if action == "focus_query":
            return not typing
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#entries")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(str(event.option.id))]
        ctx = self.context
        key = answer_key(ctx.bank, ctx.generators, hit.card_key, item_id=hit.item_id)
        if key is not None:
            self.app.push_screen(ItemScreen(ctx, key, title="検索"))

    def action_drill(self) -> None:
        start_drill(self, self.context, drill_keys(self.hits), title="検索した問題")

    def action_focus_query(self) -> None:
        self.query_one("#search-box", Input).focus()

    def action_close(self) -> None:
        self.dismiss()
