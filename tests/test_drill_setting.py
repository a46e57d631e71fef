"""drill_introduces_cards: whether drills and mock exams put new cards into FSRS (and so use the
day's new-card quota). The file, the form, and the sessions the app builds from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.config import (
    ConfigError,
    Settings,
    load_settings,
    render_settings,
    save_settings,
    settings_from_form,
)


def test_off_by_default_and_read_from_the_file(tmp_path: Path) -> None:
    assert Settings().drill_introduces_cards is False
    path = tmp_path / "config.toml"
    assert "drill_introduces_cards = false" in render_settings(Settings())
    path.write_text("drill_introduces_cards = true\n", encoding="utf-8")
    assert load_settings(path).drill_introduces_cards is True
    save_settings(Settings(drill_introduces_cards=False), path)
    assert load_settings(path).drill_introduces_cards is False


@pytest.mark.parametrize("value", ["1", '"yes"', "2026-01-01"])
def test_a_non_boolean_in_the_file_is_said_in_japanese(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"drill_introduces_cards = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "drill_introduces_cards: 「true」か「false」にしてください" in str(info.value)


def test_the_form_takes_true_and_false_and_explains_anything_else() -> None:
    form = {"drill_introduces_cards": "true"}
    assert settings_from_form(form).drill_introduces_cards is True
    assert (
        settings_from_form({"drill_introduces_cards": "ＦＡＬＳＥ"}).drill_introduces_cards is False
    )
    with pytest.raises(ConfigError) as info:
        settings_from_form({"drill_introduces_cards": "たぶん"})
    assert "演習で新規カードを始める: 「true」か「false」で入力してください" in str(info.value)
