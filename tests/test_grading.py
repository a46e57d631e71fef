"""Answer normalization, numeric parsing and grading never raise and accept what a learner types."""

from __future__ import annotations

import math
import unicodedata
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quizapp.bank import load_bank
from quizapp.grading import (
    MAX_INPUT,
    TOO_LONG,
    ParseError,
    key_of,
    matches_any,
    normalize_text,
    parse_number,
    parse_shape,
    parse_truth,
)
from quizapp.items import Source
from quizapp.kinds import Blank, Choice, Fill, Option, Trap
from quizapp.kinds.choice import grade_choice
from quizapp.kinds.fill import grade_fill
from quizapp.kinds.generated import grade_problem
from quizapp.kinds.trap import grade_trap
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

SRC = Source(doc="000_1cc36260ef192bf7.txt", section="要点")
COMMON = dict(exams=["G"], topic="relu", difficulty=1, explanation="説明", source=SRC)


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("ＲｅＬＵ", "ReLU"),
        ("relu", "ReLU"),
        ("  Leaky ReLU。", "LeakyReLU"),
        ("leaky-relu", "Leaky ReLU"),
        ("ばっちせいきか", "バッチ正規化"[:0] + "バッチセイキカ"),
        ("バッチノーマライゼーション", "バッチノ－マライゼ－ション"),
        ("ﾊﾞｯﾁ", "バッチ"),
        ("「GAP」", "GAP"),
        ("エンコーダ・デコーダ", "エンコーダデコーダ"),
    ],
)
def test_normalization_folds_harmless_differences(given: str, accepted: str) -> None:
    assert matches_any(given, [accepted])


@pytest.mark.parametrize(("given", "accepted"), [("ReLU", "PReLU"), ("", ""), ("BN", "LN")])
def test_different_answers_do_not_match(given: str, accepted: str) -> None:
    assert not matches_any(given, [accepted])


@given(st.text())
def test_normalize_is_idempotent_and_total(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("16", 16),
        ("１６", 16),
        ("0.25", 0.25),
        ("０．２５", 0.25),
        (".5", 0.5),
        ("-3", -3),
        ("1/9", 1 / 9),
        ("9.5e-7", 9.5e-7),
        ("9.5E-7", 9.5e-7),
        ("2^-10", 2**-10),
        ("2**-10", 2**-10),
        ("2⁻¹⁰", 2**-10),
        ("0.25^10", 0.25**10),
        ("3×10^-4", 3e-4),
        ("3x10⁻⁴", 3e-4),
        ("25%", 0.25),
        ("２５％", 0.25),
        ("1,000", 1000),
        ("1,000,000", 1e6),
        (" 16 ", 16),
        ("16。", 16),
        ("2倍", 2),
        ("(1+2)*3", 9),
    ],
)
def test_parse_number_accepts_common_forms(text: str, value: float) -> None:
    assert math.isclose(parse_number(text), value, rel_tol=1e-12)


def test_percent_unit_keeps_the_number() -> None:
    assert parse_number("25%", unit="%") == 25
    assert parse_number("12.5MB", unit="MB") == 12.5


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1/0",
        "2^99999",
        "(1",
        "1..2",
        "１６個個",
        "e5",
        "--",
        "(" * 199 + "1",
        "-" * 150 + "1",
        "2^" * 100 + "1",
    ],
)
def test_parse_number_rejects_with_a_hint(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_number(text)
    assert str(info.value)


@pytest.mark.parametrize(
    ("text", "length", "value"),
    [
        ("7x7", 2, (7, 7)),
        ("7×7", 2, (7, 7)),
        ("16×6×6", 3, (16, 6, 6)),
        ("(16, 6, 6)", 3, (16, 6, 6)),
        ("７ｘ７", 2, (7, 7)),
        ("7 7", 2, (7, 7)),
    ],
)
def test_parse_shape(text: str, length: int, value: tuple[float, ...]) -> None:
    assert parse_shape(text, length) == value


def test_parse_shape_wrong_length_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="2 個"):
        parse_shape("7x7x7", 2)


@given(st.text(max_size=300))
def test_parsers_only_raise_parse_error(text: str) -> None:
    for parse in (parse_number, lambda t: parse_shape(t, 2)):
        try:
            result = parse(text)
        except ParseError:
            continue
        values = result if isinstance(result, tuple) else (result,)
        assert all(math.isfinite(v) for v in values)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_parse_number_round_trips_repr(x: float) -> None:
    assert parse_number(repr(x)) == x


TRAP = Trap(id="t", kind="trap", prompt="文", truth=False, confused_with="x", **COMMON)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("o", True),
        ("○", True),
        ("〇", True),
        ("x", False),
        ("×", False),
        ("Ｘ", False),
        ("true", True),
        ("誤", False),
    ],
)
def test_parse_truth(text: str, value: bool) -> None:
    assert parse_truth(text) is value


def test_grade_trap() -> None:
    assert grade_trap(TRAP, "x").correct
    assert not grade_trap(TRAP, "o").correct
    odd = grade_trap(TRAP, "maybe")
    assert not odd.correct and odd.hint
    assert odd.expected == "×"


CHOICE = Choice(
    id="c",
    kind="choice",
    prompt="選べ",
    options=[Option(text=t, rationale="r") for t in "ABCD"],
    answer=[2, 4],
    **COMMON,
)


def test_grade_choice_needs_exactly_the_correct_set() -> None:
    assert grade_choice(CHOICE, [1, 3]).correct
    assert not grade_choice(CHOICE, [1]).correct
    assert not grade_choice(CHOICE, [1, 3, 0]).correct
    assert not grade_choice(CHOICE, [99]).correct
    assert grade_choice(CHOICE, [3, 1]).expected == "2,4"


FILL = Fill(
    id="f",
    kind="fill",
    prompt="【1】は平均、【2】は出力サイズ。",
    blanks=[
        Blank(answers=["Global Average Pooling", "GAP", "グローバル平均プーリング"]),
        Blank(number=16),
    ],
    **COMMON,
)


def test_grade_fill_aliases_and_numbers() -> None:
    assert grade_fill(FILL, ["gap", "16"]).correct
    assert grade_fill(FILL, ["グローバル平均プーリング", "１６"]).correct
    result = grade_fill(FILL, ["GAP", "15"])
    assert not result.correct and result.blanks == (True, False)
    unreadable = grade_fill(FILL, ["GAP", "sixteen"])
    assert not unreadable.correct and unreadable.hint
    assert not grade_fill(FILL, []).correct


@given(st.lists(st.text(max_size=50), max_size=3))
def test_grade_fill_never_raises(answers: list[str]) -> None:
    grade_fill(FILL, answers)


@given(st.text(max_size=50))
def test_grade_trap_never_raises(answer: str) -> None:
    grade_trap(TRAP, answer)


def test_sequential_brackets_are_not_counted_as_nesting() -> None:
    assert parse_number("+".join(["(1)"] * 45)) == 45
    assert parse_number("(" * 20 + "2" + ")" * 20) == 2


# --- invisible characters -------------------------------------------------------------------------

FORMAT_CHARS = st.characters(categories=["Cf"])
"""Unicode format characters: zero-width space and joiner, bidi marks, BOM, soft hyphen, …"""


def sprinkle(text: str, inserts: list[tuple[int, str]]) -> str:
    """``text`` with each character of ``inserts`` put at its position (modulo the length)."""
    chars = list(text)
    for at, char in inserts:
        chars.insert(at % (len(chars) + 1), char)
    return "".join(chars)


@pytest.mark.parametrize("given", ["G\u200bAP", "GAP\u200e", "\ufeffGAP", "G\u2060A\u00adP\u202c"])
def test_invisible_characters_do_not_make_a_right_answer_wrong(given: str) -> None:
    grade = grade_fill(FILL, [given, "1\u200b6\u200f"])
    assert grade.correct
    assert grade.answer == "GAP / 16"  # the log and the feedback keep no invisible string
    assert parse_truth("\ufeffx\u200e") is False
    assert grade_trap(TRAP, "\u200bx").correct


@cache
def bank_answers() -> list[tuple[Fill, int, str]]:
    """Every accepted spelling and number of the shipped bank's fill-ins: (item, blank, text)."""
    bank = load_bank([shipped_bank_dir()])
    return [
        (item, i, text)
        for item in bank.items.values()
        if isinstance(item, Fill)
        for i, blank in enumerate(item.blanks)
        for text in (blank.answers or [f"{blank.number:g}"])
    ]


@settings(deadline=None)
@given(data=st.data(), inserts=st.lists(st.tuples(st.integers(0, 99), FORMAT_CHARS), max_size=8))
def test_format_characters_anywhere_keep_a_bank_answer_right(
    data: st.DataObject, inserts: list[tuple[int, str]]
) -> None:
    item, blank, text = data.draw(st.sampled_from(bank_answers()))
    answers = [
        b.answers[0] if b.answers else f"{b.number:g}" for b in item.blanks
    ]  # every other blank answered right
    answers[blank] = sprinkle(text, inserts)
    assert grade_fill(item, answers).correct, answers[blank]


@given(
    accepted=st.text(max_size=60).filter(normalize_text),
    inserts=st.lists(st.tuples(st.integers(0, 99), FORMAT_CHARS), max_size=8),
)
def test_format_characters_anywhere_keep_any_spelling_right(
    accepted: str, inserts: list[tuple[int, str]]
) -> None:
    assert matches_any(sprinkle(accepted, inserts), [accepted])


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(sorted(REGISTRY)),
    seed=st.integers(0, 2**31 - 1),
    inserts=st.lists(st.tuples(st.integers(0, 99), FORMAT_CHARS), max_size=8),
)
def test_format_characters_anywhere_keep_a_computed_answer_right(
    name: str, seed: int, inserts: list[tuple[int, str]]
) -> None:
    problem = REGISTRY[name].generate(seed)
    assert grade_problem(problem, problem.answer_text).correct  # the premise
    assert grade_problem(problem, sprinkle(problem.answer_text, inserts)).correct


# --- length -------------------------------------------------------------------------------------

HUGE = {
    "1 MB": "7" * 1_000_000,
    "NFKC bomb": "\ufdfa" * 100_000,  # each U+FDFA becomes 18 characters under NFKC
    "right answer, then blanks": "GAP" + " " * 1_000_000,
}
NFKC_MAX_EXPANSION = 18
"""The most characters NFKC makes of one (U+FDFA)."""


@pytest.mark.parametrize("huge", HUGE.values(), ids=HUGE.keys())
def test_a_huge_answer_is_refused_before_it_is_normalised(
    huge: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    normalised: list[int] = []
    nfkc = unicodedata.normalize

    def spy(form: str, text: str) -> str:
        normalised.append(len(text))
        return nfkc(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(unicodedata, "normalize", spy)
    term = Fill(id="t", kind="fill", prompt="【1】", blanks=[Blank(answers=["GAP"])], **COMMON)
    number = Fill(id="n", kind="fill", prompt="【1】", blanks=[Blank(number=7)], **COMMON)
    problem = REGISTRY["conv_output_size"].generate(1)
    grades = [
        grade_fill(term, [huge]),
        grade_fill(number, [huge]),
        grade_trap(TRAP, huge),
        grade_problem(problem, huge),
    ]
    for grade in grades:
        assert not grade.correct
        assert grade.hint.startswith(TOO_LONG)
        assert len(grade.answer) <= MAX_INPUT + 1
    assert not matches_any(huge, [huge])
    assert parse_truth(huge) is None
    with pytest.raises(ParseError, match="長すぎ"):
        parse_number(huge)
    assert max(normalised, default=0) <= MAX_INPUT * NFKC_MAX_EXPANSION


def test_an_answer_at_the_limit_is_still_read() -> None:
    assert grade_fill(FILL, ["GAP" + " " * (MAX_INPUT - 3), "16"]).correct
    assert parse_number("0" * (MAX_INPUT - 2) + "16") == 16


def has_format_character(text: str) -> bool:
    return any(unicodedata.category(c) == "Cf" for c in text)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_hints_and_recorded_answers_hold_no_invisible_format_character(text: str) -> None:
    """A hint that quotes the answer (「…」を数として読めません) never quotes an invisible one."""
    number = Fill(id="n", kind="fill", prompt="【1】", blanks=[Blank(number=7)], **COMMON)
    problem = REGISTRY["conv_output_size"].generate(1)
    for grade in (
        grade_fill(number, [text]),
        grade_problem(problem, text),
        grade_trap(TRAP, text),
        grade_fill(FILL, [text, text]),
    ):
        assert not has_format_character(grade.hint), grade.hint
        assert not has_format_character(grade.answer), grade.answer


def test_a_hint_for_an_answer_of_invisible_characters_asks_for_a_number() -> None:
    number = Fill(id="n", kind="fill", prompt="【1】", blanks=[Blank(number=7)], **COMMON)
    assert grade_fill(number, ["\u200b\u200e"]).hint == "数値を入力してください"
    assert grade_fill(number, ["x\u200e"]).hint == "「x」を数として読めません"


def test_an_empty_or_unreadable_answer_carries_a_hint_and_a_readable_one_none() -> None:
    """The hint is how the UI knows not to grade an answer: set for empty, unreadable and
    too-long answers, never for a readable one, right or wrong."""
    problem = REGISTRY["conv_output_size"].generate(1)
    single = Fill(id="s", kind="fill", prompt="【1】", blanks=[Blank(answers=["GAP"])], **COMMON)
    assert grade_fill(single, [""]).hint == "答えを入力してください"
    assert grade_fill(single, ["  "]).hint == "答えを入力してください"
    assert grade_fill(FILL, ["GAP", ""]).hint == "【2】: 数値を入力してください"
    assert grade_fill(FILL, ["", "16"]).hint == "【1】: 答えを入力してください"
    assert grade_problem(problem, "").hint.startswith("数値を入力してください")
    assert grade_problem(problem, "abc").hint.startswith("「abc」を数として読めません")
    assert grade_choice(CHOICE, []).hint
    for readable in (
        grade_fill(single, ["まちがい"]),
        grade_fill(FILL, ["GAP", "15"]),
        grade_problem(problem, "-98765"),
        grade_choice(CHOICE, [0]),
        grade_trap(TRAP, "o"),
    ):
        assert not readable.correct and readable.hint == ""


@pytest.mark.parametrize("text", ["?", "？", " ? "])
def test_a_question_mark_gives_up_without_a_hint(text: str) -> None:
    problem = REGISTRY["conv_output_size"].generate(1)
    number = Fill(id="n", kind="fill", prompt="【1】", blanks=[Blank(number=7)], **COMMON)
    for grade in (
        grade_problem(problem, text),
        grade_fill(number, [text]),
        grade_fill(FILL, [text, text]),
    ):
        assert not grade.correct and grade.hint == ""


@settings(deadline=None)
@given(st.text(min_size=0, max_size=MAX_INPUT))
@example("1+" + "x" * 198)
@example("9" * 100 + "abc")
def test_a_hint_repeats_at_most_a_short_piece_of_the_answer(text: str) -> None:
    """An unreadable answer of 200 characters is quoted in 20 at most."""
    try:
        parse_number(text)
    except ParseError as exc:
        quoted = str(exc).partition("「")[2].rpartition("」")[0]
        assert len(quoted) <= 20


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        *((c, "o") for c in "oOｏＯ○〇◯お"),
        *((c, "x") for c in "xXｘＸ×✕"),
        *((c, str(n)) for n, c in enumerate("０１２３４５６７８９")),
        ("ｎ", "n"),
        ("Q", "q"),
        ("あ", "あ"),
        ("a", "a"),
    ],
)
def test_key_of_reads_ime_caps_lock_and_full_width_keys(typed: str, key: str) -> None:
    assert key_of(typed) == key
