"""Small text flaws on the question screen: doubled punctuation, brackets inside brackets."""

from __future__ import annotations

import shutil
from pathlib import Path

from quizapp.ui.app import make_app

from .conftest import BANK, NOW, flat, rendered, unspaced
from .test_answering import start_practice
from .test_flows import start_drill


def bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "（(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "）)":
            depth -= 1
    return deepest


async def test_the_right_options_are_listed_without_doubled_punctuation(tmp_path: Path) -> None:
    """Options that are sentences (ending in 。) were joined with 、 into 「…。、…」."""
    bank = shutil.copytree(BANK, tmp_path / "bank")
    items = bank / "items.yaml"
    text = items.read_text(encoding="utf-8")
    for option in (
        "各チャネルの特徴マップを 1 つの平均値にまとめる",
        "全結合層を置き換えてパラメータ数を減らせる",
    ):
        text = text.replace(option, option + "。")
    items.write_text(text, encoding="utf-8")
    app = make_app(
        db_path=tmp_path / "p.db",
        bank_dirs=[bank],
        config_path=tmp_path / "c.toml",
        clock=lambda: NOW,
        seed=7,
        fuzz=False,
    )

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_drill(pilot, ["gap-cam"])
        while not screen.question.multi:
            await pilot.press("o" if screen.question.kind == "trap" else "enter")
            if screen.question.kind == "fill":
                await pilot.press(*"GAP", "enter")
            await pilot.press("enter")
            await pilot.pause()
        right = [n for n, option in enumerate(screen.question.options, 1) if "。" in option]
        await pilot.press(str(right[0]), "enter")
        await pilot.pause()
        verdict = rendered(screen.query_one("#verdict"))
        assert "。、" not in verdict
        assert all(f"{n}. " in verdict for n in right)


async def test_the_numeric_how_to_line_nests_no_brackets(app_factory) -> None:
    async with app_factory().run_test(size=(80, 24)) as pilot:
        screen = await start_practice(pilot)
        hint = screen.question.problem.hint
        assert "（" in hint  # the generator's hint holds brackets of its own
        line = flat(screen.query_one("#help"))
        assert unspaced(hint) in line
        assert bracket_depth(line) == 1, line
