"""The question screen for every kind of item, with instant feedback (or none, in a mock exam)."""

from __future__ import annotations

import time

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from quizapp.safetext import visible
from quizapp.session import Feedback, Question, Session, review_queue
from quizapp.ui.context import AppContext
from quizapp.ui.failures import WRITE_ERRORS, report
from quizapp.ui.screens.marks import AnswerMarks
from quizapp.ui.widgets.answer import AnswerInput
from quizapp.ui.widgets.feedback import FeedbackView
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import clip
from quizapp.ui.widgets.question import KIND_LABEL, QuestionView, answer_help
from quizapp.ui.widgets.rating import RatingLine

NUMBER_KEYS = [str(n) for n in range(1, 7)]
SEPARATOR = " │ "


def status_line(parts: list[str], width: int, flexible: int) -> str:
    """Join ``parts`` with │ in ``width`` cells by shortening ``parts[flexible]`` (the topic title)
    with "…": a wrapped status bar would hide what follows it, such as the mock exam's clock."""
    parts = list(parts)
    line = SEPARATOR.join(p for p in parts if p)
    excess = cell_len(line) - width
    if excess <= 0 or not parts[flexible]:
        return line
    parts[flexible] = clip(parts[flexible], cell_len(parts[flexible]) - excess)
    return SEPARATOR.join(p for p in parts if p)


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
        time_limit: float | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.session = session
        self.title_text = title
        self.time_limit = time_limit
        self.question: Question | None = None
        self.feedback: Feedback | None = None
        self.selected: frozenset[int] = frozenset()
        self.shown_at = 0.0
        self.seconds: float | None = None
        """The time the learner took, fixed at the first try to submit: waiting out a failed
        save does not make the answer slow."""
        self.started_at = time.monotonic()
        self.closed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status")
        with VerticalScroll(id="qa"):
            yield QuestionView(id="question")
            yield Static(id="help", classes="muted")
            yield Vertical(id="inputs")
            yield RatingLine(id="rating")
            yield FeedbackView(id="feedback")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        if self.time_limit is not None:
            self.set_interval(1.0, self._tick)
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
        feedback = self.query_one("#feedback", FeedbackView)
        feedback.update("")
        feedback.display = False
        self.query_one("#rating", RatingLine).show(None)
        inputs = self.query_one("#inputs", Vertical)
        inputs.remove_children()
        inputs.display = True
        if question.kind in ("fill", "numeric"):
            count = question.blanks or 1
            fields = [
                AnswerInput(
                    placeholder=f"【{n}】" if question.kind == "fill" else "答え", classes="blank"
                )
                for n in range(1, count + 1)
            ]
            inputs.mount_all(fields)
            # focused now rather than after a refresh: the footer then lays out its keys (the
            # box's Enter among them) once, in the first frame
            self.set_focus(fields[0])
        else:
            self.query_one("#qa").focus()
        self._update_status()
        self.query_one("#qa", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()
        self.shown_at = time.monotonic()

    def _help(self, text: str, *, failed: bool = False) -> None:
        """The line under the question: how to answer, or why the answer was not saved."""
        line = self.query_one("#help", Static)
        line.update(Text(text))
        line.set_class(failed, "ng")

    def _update_status(self) -> None:
        q = self.question
        s = self.session
        topic = (
            visible(self.context.bank.topics[q.topic].title, newlines=False)
            if q and q.topic in self.context.bank.topics
            else ""
        )
        if s.mode == "practice":
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
        if self.time_limit is not None:
            left = max(0, int(self.time_limit - (time.monotonic() - self.started_at)))
            parts.append(f"残り {left // 60}:{left % 60:02d}")
        status = self.query_one("#status", Static)
        width = status.content_region.width or self.app.size.width - 2
        status.update(Text(status_line(parts, width, flexible=3)))

    def on_resize(self) -> None:
        self._update_status()

    def _tick(self) -> None:
        if self.closed:
            return
        self._update_status()
        if self.time_limit is not None and time.monotonic() - self.started_at >= self.time_limit:
            self.notify("時間切れです。", title="模擬試験")
            dialog = self.app.screen
            if dialog is not self and isinstance(dialog, ModalScreen):
                dialog.dismiss(True)  # "end the exam?" is open: the clock has answered it
            else:
                self.finish()

    # --- answering -----------------------------------------------------------------------------

    def action_truth(self, value: bool) -> None:
        self.submit("o" if value else "x")

    def action_pick(self, position: int) -> None:
        q = self.question
        if q is None or self.answered or q.kind != "choice" or position >= len(q.options):
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
            if self.selected:
                self.submit(sorted(self.selected))
            else:
                self.notify("選択肢を1つ以上選んでください。")
        elif self.question is not None and self.question.kind in ("fill", "numeric"):
            self._submit_inputs()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.answered:
            self.action_next()
            return
        fields = list(self.query_one("#inputs").query(Input))
        index = fields.index(event.input)
        if index + 1 < len(fields) and not fields[index + 1].value:
            fields[index + 1].focus()
            return
        self._submit_inputs()

    def _submit_inputs(self) -> None:
        values = [field.value for field in self.query_one("#inputs").query(Input)]
        q = self.question
        assert q is not None
        self.submit(values if q.kind == "fill" else (values[0] if values else ""))

    def submit(self, response: object) -> None:
        """Grade and save the answer, then show the feedback. When the save fails (a full disk,
        a lock held by another process) the question stays as it is, with what was typed or
        selected, and the next try saves it: the session moves on only once it is stored."""
        q = self.question
        if q is None or self.answered:
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
        if not self.session.feedback_now:
            self.next_question()
            return
        # The inputs are hidden rather than disabled (the feedback repeats the answer): disabling
        # restyles every Input and tripled the keypress-to-feedback time.
        self.query_one("#inputs").display = False
        rating = self.query_one("#rating", RatingLine)
        rating.show(feedback)
        view = self.query_one("#feedback", FeedbackView)
        view.show(feedback)
        view.display = True
        self._help("Enter / n で次へ、Escape で戻る")
        if self.focused is not None and self.focused.parent is self.query_one("#inputs"):
            # a leaf inside the scroll view: its scroll keys still apply, and focusing it
            # restyles one widget instead of the whole question area
            view.focus()
        self._update_status()
        self.refresh_bindings()
        # the top of what is new: the rating keys when offered, else the verdict
        top = rating if rating.display else view
        self.call_after_refresh(top.scroll_visible, top=True, animate=False)

    def action_next(self) -> None:
        if self.answered:
            self.next_question()

    def action_back(self) -> None:
        unanswered = self.session.remaining() + (self.question is not None and not self.answered)
        if self.session.mode == "mock" and not self.closed and unanswered:
            from quizapp.ui.screens.confirm import ConfirmScreen

            message = f"模擬試験を終了して採点しますか？\n未解答の {unanswered} 問は不正解として数えます。"
            self.app.push_screen(ConfirmScreen(message), self._confirmed_end)
            return
        self.finish(early=True)

    def _confirmed_end(self, end: bool | None) -> None:
        if end:
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
        if self.session.mode == "practice" or (early and self.session.mode != "mock"):
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
    queue = review_queue(
        ctx.bank,
        ctx.generators,
        ctx.store,
        ctx.scheduler,
        ctx.clock(),
        new_limit=ctx.settings.new_per_day,
        seed=ctx.seed,
    )
    if not queue:
        return None
    session = ctx.session("review", queue, new_limit=ctx.settings.new_per_day)
    return QuizScreen(ctx, session, title="復習")
