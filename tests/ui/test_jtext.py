"""Japanese line wrapping: nothing lost, nothing too wide, words and formulas kept whole."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st
from rich.cells import cell_len

from quizapp.ui.widgets.jtext import _NO_LINE_START, clip, wrap_line

WORDS = st.sampled_from(
    ["ReLU", "GAP", "Σwᵢxᵢ", "7×7", "f(z)", "0.25⁵", "σ′(x)", "=", "+", "b", "【1】", "、", "。"]
)
JAPANESE = st.text(
    alphabet="あいうえおかきくけこ学習率勾配消失、。）「」ー・", min_size=1, max_size=12
)
PARAGRAPHS = st.lists(st.one_of(WORDS, JAPANESE, st.just(" ")), max_size=40).map("".join)
SPACED = st.lists(st.one_of(WORDS.map(" {} ".format), JAPANESE), max_size=40).map("".join)


@given(PARAGRAPHS, st.integers(2, 90))
def test_wrapping_loses_no_character_and_keeps_every_line_in_width(text: str, width: int) -> None:
    lines = list(wrap_line(text, width))
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)


@given(SPACED, st.integers(8, 90))
def test_words_and_formulas_are_never_split(text: str, width: int) -> None:
    lines = list(wrap_line(text, width))
    for word in ("ReLU", "Σwᵢxᵢ", "0.25⁵", "σ′(x)"):
        assert "".join(lines).count(word) == sum(line.count(word) for line in lines)


KANA = st.text(alphabet="あいうえおかきくけこ学習率勾配消失", min_size=1, max_size=12)
PUNCTUATED = st.lists(
    st.tuples(
        st.one_of(WORDS.filter(lambda w: w not in "、。=+").map(" {}".format), KANA),
        st.sampled_from(["", "、", "。", "）", "、」", "ォ", "ッ"]),
    ),
    max_size=30,
).map(lambda parts: "".join(word + mark for word, mark in parts))


@given(PUNCTUATED, st.integers(10, 90))
def test_closing_punctuation_never_starts_a_line(text: str, width: int) -> None:
    """The token before 、 or 。 moves down with it (as written text needs: punctuation follows a
    word, never a space)."""
    lines = list(wrap_line(text, width))
    assert all(cell_len(line) <= width for line in lines)
    for line in lines[1:]:
        assert not line or line[0] not in _NO_LINE_START, lines


def test_a_formula_moves_to_the_next_line_whole() -> None:
    text = "さらに【2】b を加えて z = Σwᵢxᵢ + b を求める。"
    lines = list(wrap_line(text, 26))
    assert any(line.startswith("Σwᵢxᵢ") for line in lines), lines


@given(PARAGRAPHS, st.integers(8, 90), st.integers(0, 8))
def test_continuation_lines_hang_under_the_first(text: str, width: int, hang: int) -> None:
    lines = wrap_line(text, width, hang)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)
    assert all(line.startswith(" " * min(hang, width - 2)) for line in lines[1:])
    assert lines == list(wrap_line(text, width)) or hang


@given(PARAGRAPHS, st.integers(0, 40))
def test_clip_fits_and_marks_what_it_cut(text: str, cells: int) -> None:
    short = clip(text, cells)
    assert cell_len(short) <= max(cells, 0) or short == text
    if short == text:
        assert cell_len(text) <= cells
    elif short:
        assert short.endswith("…") and text.startswith(short[:-1])


PLAIN_WORDS = WORDS.filter(lambda w: w not in "、。=+【1】")
BRACKETED = st.lists(
    st.one_of(
        KANA,
        PLAIN_WORDS.map(" {} ".format),
        KANA.map("（{}）".format),
        PLAIN_WORDS.map("「{}」".format),
        st.sampled_from(["、", "。"]),
    ),
    max_size=30,
).map(lambda parts: "".join(parts).lstrip("、。"))


@given(BRACKETED, st.integers(10, 90))
def test_an_opening_bracket_never_ends_a_line(text: str, width: int) -> None:
    assume("、、" not in text and "。。" not in text and "、。" not in text and "。、" not in text)
    lines = wrap_line(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)
    assert all(line.strip() for line in lines[1:]), lines
    for line in lines[:-1]:
        assert line.rstrip()[-1:] not in ("（", "「"), lines


def test_the_bracket_moves_down_with_what_it_opens() -> None:
    text = "ネットワークに誤差逆伝播法を適用する（BPTT）ため"
    lines = wrap_line(text, 38)
    assert lines[0].endswith("適用する") and lines[1].startswith("（BPTT）"), lines
