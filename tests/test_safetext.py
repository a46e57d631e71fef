"""Control characters never reach the terminal; invisible format characters never reach grading."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from quizapp.safetext import strip_format, visible


def test_escape_sequences_become_visible_text() -> None:
    osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
    assert visible(f"問題{osc52}です") == "問題\\x1b]52;c;ZWNobyBwd25lZA==\\x07です"
    assert visible("\x1b[2J\x9b31m") == "\\x1b[2J\\x9b31m"
    assert visible("a\x7fb") == "a\\x7fb"


def test_newlines_and_tabs_stay_unless_one_line_is_asked_for() -> None:
    assert visible("一行目\n\t二行目") == "一行目\n\t二行目"
    assert visible("id\nFAKE ok", newlines=False) == "id\\x0aFAKE ok"


def test_plain_japanese_and_math_are_unchanged() -> None:
    text = "⌊(W+2P−F)/S⌋+1、σ(x)、x²、√2 ≤ 1.5 ○×【1】"
    assert visible(text) is text


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    out = visible(text, newlines=False)
    assert not any(unicodedata.category(c) == "Cc" for c in out)


def test_format_characters_are_dropped() -> None:
    assert strip_format("G\u200bAP") == "GAP"
    assert strip_format("\ufeffReLU\u200e") == "ReLU"
    assert strip_format("ソフトマックス") == "ソフトマックス"


@given(st.text())
def test_no_format_character_survives(text: str) -> None:
    assert not any(unicodedata.category(c) == "Cf" for c in strip_format(text))
