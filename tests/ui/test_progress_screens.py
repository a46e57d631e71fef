"""Home and stats: one definition of 正解 and 正答率, whole at 80 columns; weak topics are the
ones below the learner's own accuracy, wrapped the Japanese way."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable

from quizapp.ui.app import QuizApp, make_app
from quizapp.ui.screens.home import HomeScreen
from quizapp.ui.screens.stats import StatsScreen

from ..test_progress import answer_at
from .conftest import BANK, NOW, rendered

LONG_TITLE = "ストライド・パディング・ダイレーテッドコンボリューションとチェックポイント"


def app_with_history(tmp_path: Path) -> QuizApp:
    """relu: 3 answers all right; stride-padding (a long title of ー and ッ): 1 of 3 right;
    gap-cam: 2 of 3 right. The learner's accuracy is 6/9."""
    bank = shutil.copytree(BANK, tmp_path / "bank")
    topics = bank / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace(
            "ストライド・パディング・出力サイズ", LONG_TITLE
        ),
        encoding="utf-8",
    )
    app = make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[bank],
        config_path=tmp_path / "c.toml",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )
    ctx = app.context
    at = NOW - timedelta(hours=5)
    history = [
        ("t-relu-zero", True),
        ("c-relu-single", True),
        ("t-relu-zero", True),
        ("gen:conv_output_size", False),
        ("gen:conv_output_size", True),
        ("gen:conv_output_size", False),
        ("f-gap-name", True),
        ("c-gap-multi", False),
        ("f-gap-name", True),
    ]
    for key, correct in history:
        answer_at(ctx.store, ctx.scheduler, key, correct, at)
        at += timedelta(minutes=1)
    return app


def column(table: DataTable, label: str) -> dict[str, str]:
    """Topic title → the cell of the column labelled ``label``."""
    labels = [str(c.label) for c in table.ordered_columns]
    at = labels.index(label)
    return {
        str(table.get_row_at(i)[0]): str(table.get_row_at(i)[at]) for i in range(table.row_count)
    }


async def test_weak_topics_are_below_the_learners_accuracy_and_wrap_the_japanese_way(
    tmp_path: Path,
) -> None:
    app = app_with_history(tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        weak = rendered(home.query_one("#weakest"))
        assert "ストライド" in weak and "33%" in weak
        assert "ReLU" not in weak and "100%" not in weak  # all right: no weakness
        assert "Global" not in weak  # 67% is the learner's own accuracy, not below it
        lines = [line.strip() for line in weak.splitlines() if line.strip()]
        assert not [line for line in lines if line[0] in "ーッ）%"], lines
        assert "（33%）" in "".join(lines)
        await pilot.press("s")
        await pilot.pause()
        weak = rendered(pilot.app.screen.query_one("#weak"))
        assert "ストライド" in weak and "ReLU" not in weak and "Global" not in weak


async def test_home_and_stats_agree_on_every_topic_and_show_whole_labels_at_80_columns(
    tmp_path: Path,
) -> None:
    app = app_with_history(tmp_path)

    async with app.run_test(size=(80, 24)) as pilot:
        home_table = pilot.app.screen.query_one("#topics", DataTable)
        await pilot.pause()
        assert home_table.virtual_size.width <= home_table.scrollable_content_region.width
        labels = [str(c.label) for c in home_table.ordered_columns]
        assert "正答率" in labels and "正解" not in labels
        home = column(home_table, "正答率")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        stats_table = pilot.app.screen.query_one("#accuracy", DataTable)
        stats = column(stats_table, "正答率")
        answers, right = column(stats_table, "解答"), column(stats_table, "正解")
        for title in stats:
            cut = title.rstrip("…")
            (home_title,) = [t for t in home if t.startswith(cut) or cut.startswith(t.rstrip("…"))]
            assert home[home_title] == stats[title], title
            if answers[title] != "0":
                assert stats[title] == f"{int(right[title]) / int(answers[title]):.0%}"


async def test_the_shipped_banks_topic_tables_fit_80_columns(tmp_path: Path) -> None:
    """With 43 topics the tables scroll: their vertical scroll bar takes two columns too."""
    from quizapp.paths import shipped_bank_dir

    app = make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[shipped_bank_dir()],
        config_path=tmp_path / "c.toml",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for screen_key, table_id in ((None, "#topics"), ("s", "#accuracy")):
            if screen_key:
                await pilot.press(screen_key)
                await pilot.pause()
            table = pilot.app.screen.query_one(table_id, DataTable)
            assert table.show_vertical_scrollbar or table_id == "#accuracy"
            assert table.virtual_size.width <= table.scrollable_content_region.width, table_id
