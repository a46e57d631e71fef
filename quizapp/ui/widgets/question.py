"""Renders a question: a linked set's stem, prompt, code, and the options with the learner's current selection."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from textual.widgets import Static

from quizapp.question import Question
from quizapp.safetext import visible
from quizapp.ui.widgets.jtext import JText

KIND_LABEL = {"trap": "○×", "choice": "選択", "fill": "穴埋め", "numeric": "計算"}


STEM_TITLE = "共通の問題文"


def stem_panel(stem: str) -> Panel:
    """A linked set's shared scenario or listing, framed above its part's prompt."""
    return Panel(
        JText(stem), title=Text(STEM_TITLE), title_align="left", border_style="dim", expand=True
    )


GIVE_UP_HELP = "わからないときは ? を入力すると答えを表示します"


def answer_help(question: Question) -> str:
    """How to answer this question (the line under it)."""
    if question.kind == "trap":
        return "o で ○（正しい）、x で ×（誤り）"
    if question.kind == "choice":
        keys = f"1–{len(question.options)}"
        if question.multi:
            return f"{keys} で選択を切り替え（正しいものをすべて選ぶ）、Enter で解答"
        return f"{keys} のキーで解答"
    if question.kind == "fill":
        return f"空欄に入る語を入力して Enter（日本語でも英語・略称でも可）。{GIVE_UP_HELP}"
    # the generator's hint may hold its own brackets: a sentence of its own, not nested in ours
    hint = question.problem.hint if question.problem is not None else ""
    return f"数値を入力して Enter。{hint or '例: 16, 0.25, 1/9, 2^-10, 7x7'}。{GIVE_UP_HELP}"


def unreadable_help(question: Question, hint: str) -> str:
    """The line under the question when its answer could not be read: why, and the way out."""
    if question.kind in ("fill", "numeric"):
        return f"{hint}\n{GIVE_UP_HELP}"
    return hint


def render_question(
    question: Question,
    selected: frozenset[int] = frozenset(),
    *,
    answered: bool = False,
    marks: bool = False,
) -> RenderableType:
    """The prompt, its code and its options; ``answered``: without the options, which the
    feedback below lists with their marks (so the verdict stays on screen under the prompt);
    ``marks``: a box for every option (an answer sheet, where a single answer can change too),
    not only for multiple answers."""
    parts: list[RenderableType] = [JText(question.prompt)]
    if question.stem:
        parts[:0] = [stem_panel(question.stem)]
    if question.code:
        from rich.syntax import Syntax  # pygments: imported only when a code item is shown

        parts.append(Text(""))
        code = visible(question.code)
        parts.append(Syntax(code, "python", theme="ansi_dark", word_wrap=True))
    if question.options and not answered:
        parts.append(Text(""))
        for pos, option in enumerate(question.options):
            mark = ("[✓] " if pos in selected else "[ ] ") if question.multi or marks else ""
            head = f" {pos + 1}. {mark}"
            style = "bold" if pos in selected else ""
            parts.append(JText(f"{head}{option}", style, hang=cell_len(head)))
    return Group(*parts)


class QuestionView(Static):
    """The question being asked."""

    DEFAULT_CSS = """
    QuestionView {
        height: auto;
        padding: 0 1;
    }
    """

    def show(
        self, question: Question, selected: frozenset[int] = frozenset(), *, answered: bool = False
    ) -> None:
        self.update(render_question(question, selected, answered=answered))
