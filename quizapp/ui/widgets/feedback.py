"""Renders the feedback after an answer: verdict, right answer, diagnosis, explanation, rationales."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from quizapp.grading import gives_up
from quizapp.session import Feedback
from quizapp.ui.themes import Tones
from quizapp.ui.widgets.jtext import JText, plain

RIGHT = "正解: "


def expected_text(feedback: Feedback) -> str:
    """The right answer as the learner saw it: for options, their numbers with their text, one
    option a line under the first (an option is often a sentence: joined with 、 they read
    「…。、…」)."""
    right = [(pos, o.text) for pos, o in enumerate(feedback.options, start=1) if o.correct]
    if not right:
        return feedback.grade.expected
    indent = "\n" + " " * cell_len(RIGHT)
    return indent.join(f"{pos}. {text}" for pos, text in right)


ANSWER_CELLS = 40
"""The most of a learner's answer the verdict repeats (the box takes up to 200 characters)."""


def answer_text(answer: str) -> Text:
    """The learner's answer in the verdict line: as typed, cut to :data:`ANSWER_CELLS`."""
    if not answer:
        return Text("（無回答）")
    if gives_up(answer):
        return Text("？（わからない）")
    return plain(answer, cells=ANSWER_CELLS)


def chosen_text(feedback: Feedback) -> Text:
    """The learner's answer: for options, their numbers with their text (the question above no
    longer lists the options once answered)."""
    chosen = [(pos, o.text) for pos, o in enumerate(feedback.options, start=1) if o.chosen]
    if not chosen:
        return answer_text(feedback.grade.answer)
    text = "、".join(f"{pos}. {text.rstrip('。')}" for pos, text in chosen)
    return plain(text, cells=ANSWER_CELLS)


BOLD = Style(bold=True)


def render_verdict(feedback: Feedback, tones: Tones) -> RenderableType:
    """Right or wrong, the learner's answer, the right one and the diagnosis: what must share
    the screen with the question."""
    grade = feedback.grade
    parts: list[RenderableType] = []
    if grade.correct:
        parts.append(Text("✔ 正解", style=BOLD + tones.ok))
    else:
        verdict = Text("✘ 不正解", style=BOLD + tones.ng)
        verdict.append("   あなたの解答: ")
        verdict.append_text(chosen_text(feedback))
        parts.append(verdict)
    parts.append(JText(f"{RIGHT}{expected_text(feedback)}", "bold", hang=cell_len(RIGHT)))
    if grade.hint:
        parts.append(JText(f"入力のヒント: {grade.hint}", tones.warn))
    if feedback.diagnosis:
        parts.append(JText(f"考えられる原因: {feedback.diagnosis}", BOLD + tones.warn))
    if feedback.question.kind == "fill" and grade.blanks:
        marks = "  ".join(f"【{n}】{'○' if ok else '×'}" for n, ok in enumerate(grade.blanks, 1))
        parts.append(Text(marks))
    return Group(*parts)


def render_details(feedback: Feedback, tones: Tones) -> RenderableType:
    """The explanation, every option with its rationale, the worked solution."""
    parts: list[RenderableType] = []
    if feedback.explanation:
        parts += [Text("解説", style="bold underline"), JText(feedback.explanation), Text("")]
    if feedback.options:
        parts += [Text("各選択肢", style="bold underline")]
        for pos, option in enumerate(feedback.options, start=1):
            mark = "○" if option.correct else "×"
            # the marker leads the text: at its end it wrapped apart from the option it marks
            head = f" {pos}. {mark} "
            chosen = "（あなたの選択）" if option.chosen else ""
            style = tones.ok if option.correct else tones.ng
            parts.append(JText(f"{head}{chosen}{option.text}", style, hang=cell_len(head)))
            parts.append(Padding(JText(option.rationale, "dim"), (0, 0, 0, 6)))
        parts.append(Text(""))
    if feedback.solution:
        parts += [Text("解き方", style="bold underline"), JText(feedback.solution)]
    while parts and isinstance(parts[-1], Text) and not parts[-1].plain:
        parts.pop()
    return Group(*parts)


def render_feedback(feedback: Feedback, tones: Tones) -> RenderableType:
    """The whole feedback in one renderable (the result screen's missed questions)."""
    return Group(render_verdict(feedback, tones), Text(""), render_details(feedback, tones))


class VerdictView(Static):
    """The first lines of the feedback, right under the question: the screen scrolls only as
    far as it takes to show them, so the question stays above them."""

    DEFAULT_CSS = """
    VerdictView {
        height: auto;
        padding: 0 1;
        margin-top: 1;
        border-top: heavy $primary 50%;
    }
    """

    def show(self, feedback: Feedback) -> None:
        self.update(render_verdict(feedback, self.app.tones))


class FeedbackView(Static):
    """The rest of the feedback, below the verdict.

    Focusable so that focus can leave a hidden answer input without restyling the question area;
    the scroll keys of the surrounding view still work from here."""

    can_focus = True

    DEFAULT_CSS = """
    FeedbackView {
        height: auto;
        padding: 0 1;
        margin-top: 1;
    }
    """

    def show(self, feedback: Feedback) -> None:
        self.update(render_details(feedback, self.app.tones))
