"""Renders an item's answer key (:mod:`quizapp.answerkey`): the question, the learner's logged
answer if any, the right answer, the explanation, every option's rationale and the solution."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text

from quizapp.answerkey import AnswerKey
from quizapp.safetext import visible
from quizapp.ui.themes import Tones
from quizapp.ui.widgets.jtext import JText, plain
from quizapp.ui.widgets.question import stem_panel

BOLD = Style(bold=True)


def render_answer_key(key: AnswerKey, tones: Tones) -> RenderableType:
    parts: list[RenderableType] = [stem_panel(key.stem)] if key.stem else []
    parts.append(JText(key.prompt))
    if key.code:
        from rich.syntax import Syntax  # pygments: imported only when a code item is shown

        parts += [Text(""), Syntax(visible(key.code), "python", theme="ansi_dark", word_wrap=True)]
    parts.append(Text(""))
    if key.given is not None:
        verdict = Text("✔ 正解だった解答: ", style=BOLD + tones.ok)
        if not key.correct:
            verdict = Text("✘ 間違えた解答: ", style=BOLD + tones.ng)
        verdict.append_text(plain(key.given) if key.given else Text("（無回答）"))
        parts.append(verdict)
    if key.expected:
        parts.append(JText(f"正解: {key.expected}", "bold", hang=cell_len("正解: ")))
    if key.diagnosis:
        parts.append(JText(f"考えられる原因: {key.diagnosis}", BOLD + tones.warn))
    if key.note:
        parts.append(JText(key.note, "dim"))
    if key.explanation:
        parts += [Text(""), Text("解説", style="bold underline"), JText(key.explanation)]
    if key.options:
        parts += [Text(""), Text("各選択肢", style="bold underline")]
        for pos, option in enumerate(key.options, start=1):
            head = f" {pos}. {'○' if option.correct else '×'} "
            chosen = "（あなたの選択）" if option.chosen else ""
            style = tones.ok if option.correct else tones.ng
            parts.append(JText(f"{head}{chosen}{option.text}", style, hang=cell_len(head)))
            parts.append(Padding(JText(option.rationale, "dim"), (0, 0, 0, 6)))
    if key.solution:
        parts += [Text(""), Text("解き方", style="bold underline"), JText(key.solution)]
    return Group(*parts)
