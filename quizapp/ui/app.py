"""The Textual application: a thin shell that builds the context and routes to screens."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from quizapp.bank import load_bank
from quizapp.config import ConfigError, load_settings, save_settings
from quizapp.safetext import visible
from quizapp.scheduler import SrsScheduler
from quizapp.session import utc_now
from quizapp.store import Store, StoreError
from quizapp.ui.context import AppContext
from quizapp.ui.failures import NOT_STARTED, WRITE_ERRORS, reason, report
from quizapp.ui.themes import THEMES, Tones, tone_variables
from solvers.generators import REGISTRY


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
        Binding("ctrl+t", "toggle_theme", "テーマ切替", show=False),
        Binding("ctrl+q", "quit", "終了", priority=True, show=False),
        Binding("f1", "show_keys", "キー一覧", show=False, key_display="F1"),
        # declared here so that Textual does not add its own, labelled "palette"
        Binding(
            "ctrl+p",
            "command_palette",
            "コマンド",
            show=False,
            priority=True,
            tooltip="コマンドの一覧を開く",
        ),
    ]
    SCREENSHOT = "画面の保存"
    """The name of a screenshot delivery (Textual announces its own in English)."""

    def __init__(self, context: AppContext, start: str = "home") -> None:
        super().__init__()
        self.context = context
        self.start = start
        self.started = False
        self.drafts_offered = False
        """Whether an unsubmitted mock exam was offered yet (once a run, as home first opens)."""
        self.theme = THEMES.get(context.settings.theme, "textual-dark")

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables and ours ($ok, $ng, $warn), for the sheets and :attr:`tones`."""
        variables = super().get_css_variables()
        self.theme_variables = variables | tone_variables(variables)
        return self.theme_variables

    @property
    def tones(self) -> Tones:
        """The current theme's right, wrong and warning colours, for Rich renderables."""
        return Tones.of(self.theme_variables)

    def get_default_screen(self) -> Screen:
        return BaseScreen(id="_default")

    def on_mount(self) -> None:
        if self.start == "review":
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
        if not self.drafts_offered:
            self.drafts_offered = True
            from quizapp.ui.screens.exam_resume import offer_draft

            offer_draft(self, self.context)

    def on_unmount(self) -> None:
        self.context.store.close()

    def get_key_display(self, binding: Binding) -> str:
        """A screen may show a binding's key by its own state (``key_display_for``): the quiz
        shows its number keys as 1–4 for a four-option question."""
        custom = getattr(self.screen, "key_display_for", None)
        return (custom and custom(binding)) or super().get_key_display(binding)

    def action_toggle_theme(self) -> None:
        """Switch between dark and light and keep the choice in the settings file, as the
        settings form would (a failed save is said; the theme still changes until the end)."""
        ctx = self.context
        settings = replace(ctx.settings, theme="light" if ctx.settings.theme == "dark" else "dark")
        ctx.apply(settings)
        self.theme = THEMES[settings.theme]
        try:
            save_settings(settings, ctx.config_path)
        except ConfigError as exc:
            why = visible(str(exc))
        except WRITE_ERRORS as exc:
            why = reason(exc)
        else:
            return
        self.notify(
            f"テーマを設定ファイルに保存できませんでした: {why}",
            title="テーマ",
            severity="warning",
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex to quit) says how to quit, in Japanese."""
        self.notify("終了するには Ctrl+Q を押してください", title="終了しますか？")

    def action_show_keys(self) -> None:
        from quizapp.ui.screens.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def action_command_palette(self) -> None:
        from quizapp.ui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def save_screen(self) -> None:
        """Save an SVG picture of the screen (to the downloads folder)."""
        self.deliver_text(
            io.StringIO(self.export_screenshot()),
            save_filename=f"quizapp_{datetime.now():%Y-%m-%d_%H%M%S}.svg",
            open_method="browser",
            mime_type="image/svg+xml",
            name=self.SCREENSHOT,
        )

    @on(events.DeliveryComplete)
    def _saved_screen(self, event: events.DeliveryComplete) -> None:
        if event.name == self.SCREENSHOT:
            where = "" if event.path is None else f"\n{visible(str(event.path))}"
            self.notify(f"画面を保存しました{where}", title="画面の保存", markup=False)

    @on(events.DeliveryFailed)
    def _screen_not_saved(self, event: events.DeliveryFailed) -> None:
        if event.name == self.SCREENSHOT:
            self.notify("画面を保存できませんでした", title="画面の保存", severity="error")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands, all in Japanese: Textual's own (Theme, Keys, Quit,
        Screenshot…) are replaced by these, not listed beside them."""
        yield SystemCommand(
            "テーマ切替", "ダーク／ライトを切り替えて保存する", self.action_toggle_theme
        )
        yield SystemCommand(
            "キー一覧", "この画面で使えるキーを表示する（F1）", lambda: self._show_keys_of(screen)
        )
        if screen.maximized is not None:
            yield SystemCommand(
                "元のサイズに戻す", "最大化した部分を元に戻す", screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                "最大化", "選択中の部分を画面いっぱいに表示する", screen.action_maximize
            )
        yield SystemCommand(
            "画面の保存",
            "いまの画面を SVG 画像としてダウンロードフォルダに保存する",
            self.save_screen,
        )
        yield SystemCommand("終了", "quizapp を終了する（Ctrl+Q）", self.action_quit)
        home = self._home()
        if home is not None:
            yield from home.commands()
        from quizapp.ui.commands import learner_commands

        yield from learner_commands(screen)

    def _show_keys_of(self, screen: Screen) -> None:
        from quizapp.ui.screens.keys import KeysScreen

        self.push_screen(KeysScreen(screen))

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
