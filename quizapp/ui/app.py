"""The Textual application: a thin shell that builds the context and routes to screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from quizapp.bank import load_bank
from quizapp.config import load_settings
from quizapp.scheduler import SrsScheduler
from quizapp.session import utc_now
from quizapp.store import Store
from quizapp.ui.context import AppContext
from quizapp.ui.themes import THEMES


class StartupError(Exception):
    """The app cannot start: a corrupt database, a broken bank file or an invalid settings file."""


class BaseScreen(Screen[None]):
    """The bottom of the screen stack. Whenever everything above it has closed (a review opened
    with ``quizapp review`` has ended), it brings up home."""

    def on_screen_resume(self) -> None:
        app = self.app
        if isinstance(app, QuizApp) and app.started and app.screen is self:
            app.open_home()


class QuizApp(App[int]):
    # the question screen's sheet is read with the app's: a sheet first met at push_screen makes
    # Textual parse every stylesheet again on the way to the first question
    CSS_PATH = ["app.tcss", "screens/quiz.tcss"]
    TITLE = "quizapp"
    SUB_TITLE = "G検定・E資格ドリル"
    BINDINGS = [
        Binding("ctrl+t", "toggle_theme", "テーマ", show=False),
        Binding("ctrl+q", "quit", "終了", priority=True, show=False),
    ]

    def __init__(self, context: AppContext, start: str = "home") -> None:
        super().__init__()
        self.context = context
        self.start = start
        self.started = False
        self.theme = THEMES.get(context.settings.theme, "textual-dark")

    def get_default_screen(self) -> Screen:
        return BaseScreen(id="_default")

    def on_mount(self) -> None:
        if self.start == "review":
            from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, report
            from quizapp.ui.screens.quiz import review_screen

            # straight into the review: home is built only when the review ends
            try:
                review = review_screen(self.context)
            except WRITE_ERRORS as exc:
                report(self, NOT_STARTED, exc)
            else:
                if review is not None:
                    self.push_screen(review)
                    self.started = True
                    return
                self.notify("今日の復習はありません。", title="復習")
        self.open_home()
        self.started = True

    def open_home(self) -> None:
        from quizapp.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen(self.context))

    def on_unmount(self) -> None:
        self.context.store.close()

    def get_key_display(self, binding: Binding) -> str:
        """A screen may show a binding's key by its own state (``key_display_for``): the quiz
        shows its number keys as 1–4 for a four-option question."""
        custom = getattr(self.screen, "key_display_for", None)
        return (custom and custom(binding)) or super().get_key_display(binding)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("テーマ切替", "ダーク／ライトを切り替える", self.action_toggle_theme)
        home = self._home()
        if home is not None:
            yield SystemCommand("復習", "期限の来たカードを復習する", home.action_review)
            yield SystemCommand("トピック別演習", "トピックを選んで演習する", home.action_topics)
            yield SystemCommand("計算問題", "生成器を選んで計算問題を解く", home.action_practice)
            yield SystemCommand("模擬試験", "時間制限つきの模擬試験", home.action_mock)
            yield SystemCommand("統計", "正答率・復習数・予定", home.action_stats)
            yield SystemCommand(
                "設定", "保持率・新規枚数・受験日などを変える", home.action_settings
            )
        from quizapp.ui.commands import learner_commands

        yield from learner_commands(self, screen)

    def _home(self):
        from quizapp.ui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                return screen
        return None


def build_context(
    *,
    db_path: Path,
    bank_dirs: Sequence[Path],
    config_path: Path,
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    fuzz: bool = True,
    cache_dir: Path | None = None,
) -> AppContext:
    """Open the store, load settings and the bank (parsed files kept in ``cache_dir`` if given).
    Raises StartupError with a clear message."""
    from quizapp.config import ConfigError
    from quizapp.store import StoreError
    from solvers.generators import REGISTRY

    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        raise StartupError(str(exc)) from exc
    bank = load_bank(bank_dirs, generators=REGISTRY, cache_dir=cache_dir)
    if bank.errors:
        lines = "\n".join(str(e) for e in bank.errors[:20])
        more = f"\n…ほか {len(bank.errors) - 20} 件" if len(bank.errors) > 20 else ""
        raise StartupError(
            f"問題集にエラーがあります（quizapp validate で確認できます）:\n{lines}{more}"
        )
    try:
        store = Store.open(db_path, now=(clock or utc_now)())
    except StoreError as exc:
        raise StartupError(
            f"進捗データベースを開けません（ファイルはそのまま残しています）:\n{exc}"
        ) from exc
    return AppContext(
        bank=bank,
        store=store,
        settings=settings,
        scheduler=SrsScheduler.from_settings(settings, fuzz=fuzz, seed=seed),
        generators=REGISTRY,
        config_path=config_path,
        clock=clock or utc_now,
        seed=seed,
        fuzz=fuzz,
    )


def make_app(
    *,
    db_path: Path,
    bank_dirs: Sequence[Path],
    config_path: Path,
    start: str = "home",
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    fuzz: bool = True,
    cache_dir: Path | None = None,
) -> QuizApp:
    """Build the app from paths (tests and snapshots pass temporary ones)."""
    context = build_context(
        db_path=db_path,
        bank_dirs=bank_dirs,
        config_path=config_path,
        clock=clock,
        seed=seed,
        fuzz=fuzz,
        cache_dir=cache_dir,
    )
    return QuizApp(context, start=start)
