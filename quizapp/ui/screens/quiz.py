"""The question screen for every kind of item, with instant feedback (the mock exam has its own
answer sheet: :mod:`quizapp.ui.screens.exam`)."""

from __future__ import annotations

import time

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from quizapp.grading import key_of
from quizapp.question import Feedback, Question
from quizapp.safetext import visible
from quizapp.session import Session
from quizapp.starting import start_review
from quizapp.ui.context import AppContext
from quizapp.ui.failures import WRITE_ERRORS, report
from quizapp.ui.screens.marks import AnswerMarks
from quizapp.ui.widgets.answer import AnswerInput
from quizapp.ui.widgets.feedback import FeedbackView, VerdictView
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText
from quizapp.ui.widgets.question import KIND_LABEL, QuestionView, answer_help, unreadable_help
from quizapp.ui.widgets.rating import RatingLine
from quizapp.ui.widgets.status import status_line

NUMBER_KEYS = [str(n) for n in range(1, 7)]


class QuizScreen(AnswerMarks, Screen[None]):
    """Walks a :class:`Session`: show a question, take the answer, show feedback, next."""

    CSS_PATH = "quiz.tcss"
    BINDINGS = [
        Binding("o", "truth(True)", "○ 正しい"),
        Binding("x", "truth(False)", "× 誤り"),
        # one footer entry stands for the number keys: "1–4 選択" (see key_display_for)
        Binding("1", "pick(0)", "選択", key_display="1–6"),
        *(Binding(k, f"pick({int(k) - 1})", k, show=False) for k in NUMBER_KEYS[1:]),
        Binding("enter", "submit_or_next", "解答/次へ", priority=False),
        Binding("n", "next", "次へ"),
        # after a right answer the number keys rate it (they pick options only before answering)
        Binding("1", "rate(0)", "評価", key_display="1–3"),
        Binding("2", "rate(1)", "2", show=False),
        Binding("3", "rate(2)", "3", show=False),
        Binding("b", "bookmark", "しおり"),
        Binding("r", "report", "報告"),
        Binding("escape", "back", "戻る"),
        Binding("q", "back", "戻る", show=False),
    ]

    def __init__(
        self,
        context: AppContext,
        session: Session,
        *,
        title: str,
    ) -> None:
        super().__init__()
        self.context = context
        self.session = session
        self.title_text = title
        self.question: Question | None = None
        self.feedback: Feedback | None = None
        self.selected: frozenset[int] = frozenset()
        self.fields: list[AnswerInput] = []
        """The answer boxes of the question on screen (the previous question's boxes stay in
        the DOM until Textual has removed them: a query could still find them)."""
        self.shown_at = 0.0
        self.seconds: float | None = None
        """The time the learner took, fixed at the first try to submit: waiting out a failed
        save does not make the answer slow."""
        self.closed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status")
        with VerticalScroll(id="qa"):
            yield QuestionView(id="question")
            yield Static(id="help", classes="muted")
            yield Vertical(id="inputs")
            yield VerdictView(id="verdict")
            yield RatingLine(id="rating")
            yield FeedbackView(id="feedback")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        self.next_question()

    def key_display_for(self, binding: Binding) -> str | None:
        """The number keys' footer entry names the keys this question has (see QuizApp)."""
        q = self.question
        if binding.action == "pick(0)" and q is not None and q.options:
            return f"1–{len(q.options)}"
        return None

    # --- state ---------------------------------------------------------------------------------

    @property
    def answered(self) -> bool:
        return self.feedback is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        q = self.question
        if q is None:
            return action == "back"
        if action == "truth":
            return q.kind == "trap" and not self.answered
        if action == "pick":
            return q.kind == "choice" and not self.answered
        if action == "next":
            return self.answered
        if action == "rate":
            return self.feedback is not None and self.feedback.grade.correct
        return True

    def next_question(self) -> None:
        question = self.session.next_question()
        if question is None:
            self.finish()
            return
        self.question, self.feedback, self.selected = question, None, frozenset()
        self.seconds = None
        self.query_one("#question", QuestionView).show(question)
        self._help(answer_help(question))
        self.query_one("#help").display = True
        for view in (self.query_one("#verdict", VerdictView), self.query_one("#feedback")):
            view.update("")
            view.display = False
        self.query_one("#rating", RatingLine).show(None)
        inputs = self.query_one("#inputs", Vertical)
        inputs.remove_children()
        inputs.display = True
        self.fields = []
        if question.kind in ("fill", "numeric"):
            count = question.blanks or 1
            self.fields = [
                AnswerInput(
                    placeholder=f"【{n}】" if question.kind == "fill" else "答え", classes="blank"
                )
                for n in range(1, count + 1)
            ]
            inputs.mount_all(self.fields)
            # focused now rather than after a refresh: the footer then lays out its keys (the
            # box's Enter among them) once, in the first frame
            self.set_focus(self.fields[0])
        else:
            self.query_one("#qa").focus()
        self._update_status()
        self.query_one("#qa", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()
        self.shown_at = time.monotonic()

    def _help(self, text: str, *, failed: bool = False) -> None:
        """The line under the question: how to answer, or why the answer was not saved."""
        line = self.query_one("#help", Static)
        line.update(JText(text))  # wrapped the Japanese way: 「計算式 196*2336 も可」 stays whole
        line.set_class(failed, "ng")

    def _update_status(self) -> None:
        q = self.question
        s = self.session
        topic = (
            visible(self.context.bank.topics[q.topic].title, newlines=False)
            if q and q.topic in self.context.bank.topics
            else ""
        )
        if s.mode.endless:
            count = f"{s.summary.answered} 問解答（正解 {s.summary.correct}）"
        else:
            shown = q.number if q else s.summary.answered
            count = f"{shown}/{shown + s.remaining()}"
        kind = KIND_LABEL[q.kind] if q else ""
        if q is not None and self._bookmarked(q.card_key):
            kind += " ★"
        parts = [self.title_text, count, kind, topic]
        if q is not None and q.item is not None:
            parts.append("/".join("G検定" if e == "G" else "E資格" for e in q.item.exams))
        status = self.query_one("#status", Static)
        width = status.content_region.width or self.app.size.width - 2
        status.update(Text(status_line(parts, width, flexible=3)))

    def on_resize(self) -> None:
        self._update_status()

    # --- answering -----------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """A character that stands for one of this screen's keys (O, ｏ, お, ○ for o; ３ for 3:
        Caps Lock, full-width input or an IME left on) acts as that key; any other character on
        an unanswered ○× or choice question says which keys answer it."""
        if isinstance(self.focused, Input):
            return  # typing an answer
        char = event.character if event.is_printable else None
        key = event.key if char is None else key_of(char)
        if char is None:
            return
        active = self.active_bindings.get(key)
        if active is not None and active.enabled:
            event.stop()
            await self.app.run_action(active.binding.action, active.node)
            return
        q = self.question
        if not self.answered and q is not None and q.kind in ("trap", "choice"):
            event.stop()
            self._wrong_key(char)

    def _wrong_key(self, char: str) -> None:
        q = self.question
        assert q is not None
        shown = visible(char, newlines=False).strip() or "スペース"
        self._help(f"「{shown}」では答えられません。{answer_help(q)}", failed=True)

    def action_truth(self, value: bool) -> None:
        self.submit("o" if value else "x")

    def action_pick(self, position: int) -> None:
        q = self.question
        if q is None or self.answered or q.kind != "choice":
            return
        if position >= len(q.options):
            self._wrong_key(str(position + 1))
            return
        if q.multi:
            self.selected = self.selected ^ {position}
            self.query_one("#question", QuestionView).show(q, self.selected)
            return
        self.submit([position])

    def action_submit_or_next(self) -> None:
        if self.answered:
            self.action_next()
        elif self.question is not None and self.question.kind == "choice" and self.question.multi:
            self.submit(sorted(self.selected))
        elif self.question is not None and self.question.kind in ("fill", "numeric"):
            self._submit_inputs()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input not in self.fields:
            return  # a box of the previous question, not yet removed
        if self.answered:
            self.action_next()
            return
        index = self.fields.index(event.input)
        if index + 1 < len(self.fields) and not self.fields[index + 1].value:
            self.fields[index + 1].focus()
            return
        self._submit_inputs()

    def _submit_inputs(self) -> None:
        values = [field.value for field in self.fields]
        q = self.question
        assert q is not None
        self.submit(values if q.kind == "fill" else (values[0] if values else ""))

    def submit(self, response: object) -> None:
        """Grade and save the answer, then show the feedback. An answer that cannot be read
        (empty, not a number) is not graded: the question stays with the hint, so an Enter
        pressed twice or held down never answers the next question. When the save fails (a full
        disk, a lock held by another process) the question stays as it is, with what was typed or
        selected, and the next try saves it: the session moves on only once it is stored."""
        q = self.question
        if q is None or self.answered:
            return
        hint = self.session.grade(q, response).hint
        if hint:
            self._help(unreadable_help(q, hint), failed=True)
            return
        if self.seconds is None:
            self.seconds = time.monotonic() - self.shown_at
        try:
            feedback = self.session.answer(q, response, self.seconds)
        except WRITE_ERRORS as exc:
            message = report(self.app, "解答を保存できませんでした", exc)
            self._help(
                f"{message}\nもう一度解答すると保存し直します。Escape で終了します。", failed=True
            )
            return
        self.feedback = feedback
        # The inputs are hidden rather than disabled (the feedback repeats the answer): disabling
        # restyles every Input, which slows the answer's feedback (benchmarks/tui.py). The options and the
        # how-to line go too (the feedback lists the options with their marks, the footer the
        # keys): at 80×24 the prompt and the verdict then share the screen.
        self.query_one("#inputs").display = False
        self.query_one("#help").display = False
        self.query_one("#question", QuestionView).show(q, self.selected, answered=True)
        verdict = self.query_one("#verdict", VerdictView)
        verdict.show(feedback)
        rating = self.query_one("#rating", RatingLine)
        rating.show(feedback)
        view = self.query_one("#feedback", FeedbackView)
        view.show(feedback)
        verdict.display = view.display = True
        if self.focused is not None and self.focused.parent is self.query_one("#inputs"):
            # a leaf inside the scroll view: its scroll keys still apply, and focusing it
            # restyles one widget instead of the whole question area. Focus must not scroll to
            # it: the explanation would push the question off the screen.
            view.focus(scroll_visible=False)
        self._update_status()
        self.refresh_bindings()
        # as little scrolling as shows the verdict: the prompt stays above it when both fit (the
        # rating keys under it are in the footer too)
        self.call_after_refresh(verdict.scroll_visible, animate=False)

    def action_next(self) -> None:
        if self.answered:
            self.next_question()

    def action_back(self) -> None:
        self.finish(early=True)

    def finish(self, early: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            summary = self.session.finish()
        except WRITE_ERRORS as exc:
            # every answer is already saved: only the session's end mark and summary are missing
            report(
                self.app,
                "セッションの終了を記録できませんでした（解答は保存済み）",
                exc,
                severity="warning",
            )
            summary = self.session.summary
        if self.session.mode.endless or early:
            self.dismiss()
            return
        from quizapp.ui.screens.result import ResultScreen

        self.app.switch_screen(
            ResultScreen(self.context, summary, title=self.title_text, total=self.session.total)
        )


def review_screen(ctx: AppContext) -> Screen[None] | None:
    """The review session over today's due and new cards, or None when there are none.

    Raises:
        the :data:`WRITE_ERRORS` of starting the session in the store.
    """
    session = start_review(ctx)
    return None if session is None else QuizScreen(ctx, session, title="復習")
