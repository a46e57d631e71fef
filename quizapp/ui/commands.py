"""The command palette's entries for marking the question on screen (the way to them while an
answer box holds the keys); home's come from its menu table (``HomeScreen.commands``)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.screen import Screen

from quizapp.ui.screens.quiz import QuizScreen


def learner_commands(screen: Screen) -> Iterable[SystemCommand]:
    if isinstance(screen, QuizScreen) and screen.question is not None:
        yield SystemCommand("この問題をブックマーク", "付ける・外す（b）", screen.action_bookmark)
        yield SystemCommand(
            "この問題の誤りを報告", "コメントを報告ファイルに書く（r）", screen.action_report
        )
