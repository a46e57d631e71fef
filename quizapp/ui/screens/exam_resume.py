"""A mock exam left unsubmitted (the app was quit or killed) is offered again on the next start:
resume it where it was, with the time it had left, or discard it."""

from __future__ import annotations

from typing import Literal

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quizapp.mock import Resumable, resumable
from quizapp.starting import resume_mock
from quizapp.store.drafts import DraftRecord
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
from quizapp.ui.format import clock
from quizapp.ui.screens.exam import ExamScreen
from quizapp.ui.widgets.footer import KeysFooter

Choice = Literal["resume", "discard", "later"]
TITLE = "模擬試験"


class ResumeExamScreen(ModalScreen[Choice]):
    """再開 (y), 破棄 (d) or あとで (Escape: asked again on the next start)."""

    CSS_PATH = "exam_resume.tcss"
    BINDINGS = [
        Binding("y", "choose('resume')", "再開"),
        Binding("d", "choose('discard')", "破棄"),
        Binding("escape", "choose('later')", "あとで"),
    ]

    def __init__(self, found: Resumable) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        draw = self.found.draw
        answered = len(self.found.progress.get("answers", {}))
        left = clock(draw.seconds - self.found.elapsed)
        message = (
            "中断した模擬試験があります。再開しますか？\n\n"
            f"{draw.exam.name}  {len(draw.cards)} 問中 {answered} 問解答済み・残り {left}\n"
            "閉じていた間の時間は数えません。"
        )
        with Vertical(id="resume-dialog", classes="panel"):
            yield Static(message, id="resume-message")
            with Horizontal(id="resume-buttons"):
                yield Button("再開 (y)", id="resume", variant="primary")
                yield Button("破棄 (d)", id="discard", variant="warning")
                yield Button("あとで (Esc)", id="later")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)


def offer_draft(app: App, context: AppContext) -> None:
    """Ask about the latest unsubmitted mock, if any. One the bank can no longer give back (its
    syllabus or cards changed, or the draft is damaged) is discarded with a word why."""
    try:
        draft = context.store.mock_draft()
    except WRITE_ERRORS:
        return
    if draft is None:
        return
    found = resumable(context.bank, draft.exam, draft.plan, draft.progress)
    if found is None:
        _discard(app, context, draft, "中断した模擬試験を読み込めないため、破棄しました。")
        return

    def chosen(choice: Choice | None) -> None:
        if choice == "resume":
            _resume(app, context, draft, found)
        elif choice == "discard":
            _discard(app, context, draft, "中断した模擬試験を破棄しました。")

    app.push_screen(ResumeExamScreen(found), chosen)


def _resume(app: App, context: AppContext, draft: DraftRecord, found: Resumable) -> None:
    try:
        screen = resume_exam(context, draft, found)
    except WRITE_ERRORS as exc:
        report(app, NOT_STARTED, exc)
        return
    if screen is None:
        _discard(
            app,
            context,
            draft,
            "問題集が変わったため、中断した模擬試験を再開できません。破棄しました。",
        )
        return
    app.push_screen(screen)


def resume_exam(context: AppContext, draft: DraftRecord, found: Resumable) -> ExamScreen | None:
    """The draft's sheet in a new session seeded as the first (the draft moves to it, and the
    old session ends without a result); None when the bank no longer gives the same sheet.

    Raises:
        the :data:`WRITE_ERRORS` of starting the session in the store.
    """
    resumed = resume_mock(context, draft, found)
    if resumed is None:
        return None
    session, sheet, index = resumed
    return ExamScreen(
        context,
        session,
        found.draw,
        sheet,
        found.forecast,
        plan=draft.plan,
        index=index,
        elapsed=found.elapsed,
    )


def _discard(app: App, context: AppContext, draft: DraftRecord, message: str) -> None:
    try:
        context.store.discard_mock_draft(draft.session_id, now=context.clock())
    except WRITE_ERRORS as exc:
        report(app, "中断した模擬試験を破棄できませんでした", exc)
        return
    app.notify(message, title=TITLE)
