"""The command palette's entries for the mistake notebook, search and bookmarks, and for marking
the question on screen (the way to them while an answer box holds the keys)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.quiz import QuizScreen


def learner_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    home = next((s for s in app.screen_stack if isinstance(s, HomeScreen)), None)
    if home is not None:
        yield SystemCommand(
            "間違いノート", "一度でも間違えた問題を見直す・解き直す", home.action_notebook
        )
        yield SystemCommand("検索", "問題集全体を検索する（ホームの /）", home.action_search)
        yield SystemCommand("ブックマーク", "ブックマークした問題を解く", home.action_bookmarks)
    if isinstance(screen, QuizScreen) and screen.question is not None:
        yield SystemCommand("この問題をブックマーク", "付ける・外す（b）", screen.action_bookmark)
        yield SystemCommand(
            "この問題の誤りを報告", "コメントを報告ファイルに書く（r）", screen.action_report
        )
