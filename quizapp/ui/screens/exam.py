"""The mock exam as the real one feels: every question on one answer sheet, move back and forth,
flag for review (見直し), a palette of answered / flagged / unanswered, submit with a check, and the
clock of the exam's pace."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.mock import Draw, Sheet, draft_progress, submit
from quizapp.session import Session
from quizapp.starting import start_mock
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.format import clock, numbers
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import plain
from quizapp.ui.widgets.question import QuestionView, render_question

SAVE_EVERY = 15
"""Seconds between keeping the time used in the draft (every answer, flag and move keeps it too):
a kill gives back at most this much of the clock."""
STATUS_MARK = {"answered": "✓", "flagged": "▲", "unanswered": "・"}
STATUS_LABEL = {"answered": "解答済み", "flagged": "見直し", "unanswered": "未解答"}


class ExamChoiceScreen(ModalScreen[str | None]):
    """Which exam to sit: each line says its length and time at the exam's pace."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [
        Binding("g", "choose('G')", "G検定"),
        Binding("e", "choose('E')", "E資格"),
        Binding("escape", "choose('')", "戻る"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        syllabus = self.context.bank.syllabus
        n = self.context.settings.mock_questions
        options = []
        if syllabus is not None:
            for exam in syllabus.exams.values():
                minutes = round(n * exam.minutes / exam.questions)
                options.append(
                    Option(
                        f"{exam.id.lower()}  {exam.name}  {n} 問・{minutes} 分"
                        f"（本試験 {exam.questions} 問・{exam.minutes} 分と同じペース）",
                        id=exam.id,
                    )
                )
        title = (
            "模擬試験: どちらの試験にしますか？"
            if options
            else ("この問題集にはシラバス（syllabus.yaml）がないため、模擬試験はできません。")
        )
        yield Static(title, id="exam-choice-title")
        yield OptionList(*options, id="exam-choice")
        yield KeysFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self, exam: str) -> None:
        self.dismiss(exam or None)


def start_exam(context: AppContext, exam: str) -> ExamScreen | None:
    """Draw the questions and open the sheet; None when the bank has none for this exam.

    Raises:
        the :data:`WRITE_ERRORS` of starting the session in the store.
    """
    started = start_mock(context, exam)
    if started is None:
        return None
    return ExamScreen(
        context, started.session, started.picked, started.sheet, started.expected, plan=started.plan
    )


class PaletteScreen(ModalScreen[int | None]):
    """Every question with its state; Enter jumps to it."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [Binding("escape", "close", "閉じる"), Binding("p", "close", "閉じる", show=False)]

    def __init__(self, sheet: Sheet, current: int) -> None:
        super().__init__()
        self.sheet = sheet
        self.current = current

    def compose(self) -> ComposeResult:
        counts = {s: 0 for s in STATUS_MARK}
        options = []
        for i, question in enumerate(self.sheet.questions):
            state = self.sheet.status(i)
            counts[state] += 1
            first = question.prompt.strip().splitlines()[0] if question.prompt.strip() else ""
            label = Text(f"{i + 1:>3} {STATUS_MARK[state]} {STATUS_LABEL[state]:<4} ")
            label.append_text(plain(first, cells=50))
            options.append(Option(label, id=str(i)))
        summary = "  ".join(f"{STATUS_MARK[s]} {STATUS_LABEL[s]} {n}" for s, n in counts.items())
        yield Static(f"問題一覧  {summary}", id="palette-title")
        yield OptionList(*options, id="palette")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#palette", OptionList).highlighted = self.current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(str(event.option.id)))

    def action_close(self) -> None:
        self.dismiss(None)


class ExamScreen(Screen[None]):
    CSS_PATH = "exam.tcss"
    BINDINGS = [
        Binding("1", "pick(0)", "選択", key_display="1–4"),
        *(Binding(str(k), f"pick({k - 1})", str(k), show=False) for k in range(2, 7)),
        Binding("backspace", "clear", "解答を消す", show=False),
        Binding("f", "flag", "見直し"),
        Binding("left", "move(-1)", "前へ"),
        Binding("right", "move(1)", "次へ"),
        Binding("b", "move(-1)", "前へ", show=False),
        Binding("n", "move(1)", "次へ", show=False),
        Binding("enter", "move(1)", "次へ", show=False),
        Binding("p", "palette", "一覧"),
        Binding("s", "submit", "提出"),
        Binding("escape", "submit", "提出", show=False),
    ]

    def __init__(
        self,
        context: AppContext,
        session: Session,
        picked: Draw,
        sheet: Sheet,
        forecast: float | None = None,
        *,
        plan: Any = None,
        index: int = 0,
        elapsed: float = 0.0,
    ) -> None:
        super().__init__()
        self.forecast = forecast
        """The predicted score as the exam begins (kept with the result for calibration)."""
        self.context = context
        self.session = session
        self.draw = picked
        self.sheet = sheet
        self.plan = plan
        """The draft's plan (:func:`quizapp.mock.draft_plan`): the sheet is kept in the store on
        every change, so a kill loses nothing. None keeps no draft."""
        self.index = index
        self.started_at = context.clock() - timedelta(seconds=elapsed)
        self.closed = False
        self._ticks = 0
        self._save_failed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="exam-status")
        with VerticalScroll(id="exam-qa"):
            yield QuestionView(id="exam-question")
            yield Static(id="exam-help", classes="muted")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"模擬試験 {self.draw.exam.name}"
        self.set_interval(1.0, self._tick)
        self.show()

    @property
    def elapsed(self) -> float:
        """Seconds since the sheet opened, on the app's clock (a test's is fixed)."""
        return (self.context.clock() - self.started_at).total_seconds()

    def show(self) -> None:
        question = self.sheet.questions[self.index]
        chosen = self.sheet.answers.get(self.index, [])
        self.query_one("#exam-question", QuestionView).update(
            render_question(question, frozenset(chosen), marks=True)
        )
        keys = f"1–{len(question.options)}"
        how = "正しいものをすべて選ぶ" if question.multi else "選び直すと解答が変わります"
        flag = "  ▲ 見直しの印あり" if self.index in self.sheet.flags else ""
        self.query_one("#exam-help", Static).update(
            Text(f"{keys} で選択（{how}）・f 見直し・←→ 移動・p 一覧・s 提出{flag}")
        )
        self.query_one("#exam-qa", VerticalScroll).scroll_home(animate=False)
        self._status()

    def _status(self) -> None:
        answered = len(self.sheet.answers)
        total = len(self.sheet.questions)
        left = self.draw.seconds - self.elapsed
        line = (
            f"{self.draw.exam.name} │ 問 {self.index + 1}/{total} │ 解答 {answered}/{total}"
            f" │ 見直し {len(self.sheet.flags)} │ 残り {clock(left)}"
        )
        self.query_one("#exam-status", Static).update(Text(line))

    def _save(self) -> None:
        """Keep the sheet as it is now in the draft (the first failure is said, once)."""
        if self.plan is None or self.closed:
            return
        progress = draft_progress(self.sheet, self.index, min(self.elapsed, self.draw.seconds))
        try:
            self.context.store.update_mock_draft(
                self.session.session_id, progress, now=self.context.clock()
            )
        except WRITE_ERRORS as exc:
            if not self._save_failed:
                report(self.app, "解答の途中経過を保存できませんでした", exc, severity="warning")
            self._save_failed = True
        else:
            self._save_failed = False

    def _tick(self) -> None:
        if self.closed:
            return
        self._ticks += 1
        if self._ticks % SAVE_EVERY == 0:
            self._save()
        self._status()
        if self.elapsed >= self.draw.seconds:
            self.notify("時間切れです。解答を採点します。", title="模擬試験")
            if isinstance(self.app.screen, ModalScreen):
                self.app.pop_screen()
            self._finish()

    def action_pick(self, position: int) -> None:
        question = self.sheet.questions[self.index]
        if position >= len(question.options):
            return
        chosen = set(self.sheet.answers.get(self.index, []))
        chosen = chosen ^ {position} if question.multi else {position}
        self.sheet.answer(self.index, sorted(chosen))
        self.show()
        self._save()

    def action_clear(self) -> None:
        self.sheet.answer(self.index, None)
        self.show()
        self._save()

    def action_flag(self) -> None:
        self.sheet.toggle_flag(self.index)
        self.show()
        self._save()

    def action_move(self, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.sheet.questions) - 1)
        self.show()
        self._save()

    def action_palette(self) -> None:
        self.app.push_screen(PaletteScreen(self.sheet, self.index), self._jump)

    def _jump(self, index: int | None) -> None:
        if index is not None:
            self.index = index
            self.show()
            self._save()

    def action_submit(self) -> None:
        from quizapp.ui.screens.confirm import ConfirmScreen

        lines = ["提出して採点しますか？"]
        if unanswered := self.sheet.unanswered():
            lines.append(f"未解答 {len(unanswered)} 問: {numbers(unanswered)}（不正解になります）")
        if flagged := self.sheet.flagged():
            lines.append(f"見直し {len(flagged)} 問: {numbers(flagged)}")
        lines.append(f"残り時間 {clock(self.draw.seconds - self.elapsed)}")
        self.app.push_screen(ConfirmScreen("\n".join(lines)), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self._finish()

    def _finish(self) -> None:
        if self.closed:
            return
        try:
            result = submit(
                self.session,
                self.sheet,
                self.draw.exam,
                self.draw.seconds,
                min(self.elapsed, self.draw.seconds),
                self.context.clock(),
                self.forecast,
            )
        except WRITE_ERRORS as exc:
            report(self.app, "採点結果を保存できませんでした。もう一度 s で提出してください", exc)
            self._keep_whole_draft()
            return
        self.closed = True
        from quizapp.ui.screens.exam_result import ExamResultScreen

        self.app.switch_screen(ExamResultScreen(self.context, result, self.sheet))

    def _keep_whole_draft(self) -> None:
        """Submitting drops the draft first; when grading then fails, the sheet stays on screen
        and is kept again."""
        if self.plan is None:
            return
        progress = draft_progress(self.sheet, self.index, min(self.elapsed, self.draw.seconds))
        # the failure to grade was said; one here has the same cause
        with suppress(*WRITE_ERRORS):
            self.context.store.save_mock_draft(
                self.session.session_id,
                self.draw.exam.id,
                self.plan,
                progress,
                now=self.context.clock(),
            )


def open_exam(screen: Screen, context: AppContext) -> None:
    """Ask which exam, then open its sheet (from home and the command palette)."""

    def chosen(exam: str | None) -> None:
        if not exam:
            return
        try:
            opened = start_exam(context, exam)
        except WRITE_ERRORS as exc:
            report(screen.app, NOT_STARTED, exc)
            return
        if opened is None:
            screen.notify("この試験の問題がまだありません。", title="模擬試験")
            return
        screen.app.push_screen(opened)

    screen.app.push_screen(ExamChoiceScreen(context), chosen)
