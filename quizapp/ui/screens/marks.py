"""What the learner marks on a question: its own rating of a right answer, a bookmark, and a
"this item looks wrong" note; from the question screen (:class:`AnswerMarks`) and an item's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from quizapp.errata import MAX_COMMENT, append_note, note_line
from quizapp.paths import reports_path
from quizapp.safetext import visible
from quizapp.scheduler import SELF_RATINGS
from quizapp.store import RatingRefused
from quizapp.ui.context import AppContext
from quizapp.ui.failures import WRITE_ERRORS, report
from quizapp.ui.widgets.footer import KeysFooter
from quizapp.ui.widgets.jtext import JText
from quizapp.ui.widgets.rating import RatingLine

if TYPE_CHECKING:
    from quizapp.session import Feedback, Question, Session


def toggle_bookmark(screen: Screen, context: AppContext, card_key: str) -> bool | None:
    """Bookmark the card, or take its bookmark off; returns whether it is bookmarked now (None:
    the write failed, and the learner was told why)."""
    store = context.store
    marked = not store.is_bookmarked(card_key)
    try:
        store.set_bookmark(card_key, marked, now=context.clock())
    except WRITE_ERRORS as exc:
        report(screen.app, "ブックマークを保存できませんでした", exc)
        return None
    if marked:
        screen.notify("ブックマークしました。ホームの b でまとめて解けます", title="ブックマーク")
    else:
        screen.notify("ブックマークを外しました", title="ブックマーク")
    return marked


class ReportScreen(ModalScreen[str | None]):
    """Asks what looks wrong; dismisses with the comment (Enter) or None (Escape)."""

    CSS_PATH = "marks.tcss"
    BINDINGS = [Binding("escape", "cancel", "やめる")]

    def __init__(self, item_id: str, where: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="report-dialog", classes="panel"):
            yield Static(
                JText(
                    f"問題 {self.item_id} の誤りを報告します。気づいたことを書いて Enter"
                    f"（Escape でやめる）。報告は {self.where} に追記されます。"
                ),
                id="report-message",
            )
            yield Input(
                placeholder="例: 正解が 2 ではなく 3 では？", max_length=MAX_COMMENT, id="comment"
            )
        yield KeysFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def report_item(
    screen: Screen,
    context: AppContext,
    item_id: str,
    *,
    generator: str | None = None,
    seed: int | None = None,
) -> None:
    """Ask for a comment, then append the note to reports.txt (:mod:`quizapp.errata`)."""
    path = reports_path(context.store.path)

    def write(comment: str | None) -> None:
        if comment is None:
            return
        line = note_line(
            when=context.clock(), item_id=item_id, comment=comment, generator=generator, seed=seed
        )
        try:
            append_note(path, line)
        except WRITE_ERRORS as exc:
            report(screen.app, "報告を書き込めませんでした", exc)
            return
        screen.app.notify(
            f"報告を書きました。ありがとうございます\n{visible(str(path))}",
            title="誤りの報告",
            markup=False,
        )

    screen.app.push_screen(ReportScreen(visible(item_id, newlines=False), str(path)), write)


class AnswerMarks:
    """The question screen's keys for marking: 1–3 rate a right answer, b bookmarks, r reports."""

    if TYPE_CHECKING:
        context: AppContext
        session: Session
        question: Question | None
        feedback: Feedback | None

        def _update_status(self) -> None: ...

        def query_one(self, selector: str, expect_type: type[RatingLine]) -> RatingLine: ...

    _marked: tuple[str, bool] = ("", False)

    def action_rate(self, index: int) -> None:
        """The learner's own rating of a right answer (1 まぐれ, 2 普通, 3 簡単), saved at once;
        the feedback stays until Enter."""
        feedback = self.feedback
        if feedback is None or not feedback.grade.correct:
            return
        try:
            feedback = self.session.rate(feedback, SELF_RATINGS[index])
        except RatingRefused as exc:
            self.notify(str(exc), title="自己評価", severity="warning")
            return
        except WRITE_ERRORS as exc:
            report(self.app, "評価を保存できませんでした", exc)
            return
        self.feedback = feedback
        self.query_one("#rating", RatingLine).show(feedback)

    def action_bookmark(self) -> None:
        if self.question is not None:
            marked = toggle_bookmark(self, self.context, self.question.card_key)
            if marked is not None:
                self._marked = (self.question.card_key, marked)
                self._update_status()

    def action_report(self) -> None:
        q = self.question
        if q is None:
            return
        problem = q.problem
        report_item(
            self,
            self.context,
            q.item.id if q.item is not None else q.card_key,
            generator=problem.generator if problem is not None else None,
            seed=problem.seed if problem is not None else None,
        )

    def _bookmarked(self, card_key: str) -> bool:
        """Whether the card on screen is bookmarked (read once per card)."""
        if self._marked[0] != card_key:
            self._marked = (card_key, self.context.store.is_bookmarked(card_key))
        return self._marked[1]
