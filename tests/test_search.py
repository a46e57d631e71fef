"""Searching the bank: width-, case- and kana-insensitive, every word required, from the app's
core and from ``quizapp search``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.bank import Bank, load_bank
from quizapp.paths import shipped_bank_dir
from quizapp.search import MAX_QUERY, build_index, drill_keys, fold, search, terms
from solvers.generators import REGISTRY

SCRIPT = Path(sys.executable).with_name("quizapp")
UI_BANK = Path(__file__).parent / "ui" / "bank"


@pytest.fixture(scope="module")
def shipped() -> Bank:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    assert not bank.errors
    return bank


def ids(bank: Bank, query: str) -> list[str]:
    return [hit.item_id for hit in search(build_index(bank, REGISTRY), query)]


@pytest.mark.parametrize(
    "variants",
    [
        ["ソフトマックス", "ｿﾌﾄﾏｯｸｽ", "そふとまっくす", "ソフトまっくす"],
        ["ReLU", "relu", "RELU", "ＲｅＬＵ", "ｒｅｌｕ"],
        ["Softmax", "ＳＯＦＴＭＡＸ", "ｓｏｆｔｍａｘ"],
    ],
)
def test_a_term_in_any_width_case_or_kana_finds_the_same_items(
    shipped: Bank, variants: list[str]
) -> None:
    found = [ids(shipped, v) for v in variants]
    assert found[0], f"{variants[0]} should be in the shipped bank"
    assert all(f == found[0] for f in found), dict(zip(variants, found, strict=True))


def write_bank(root: Path, items: str) -> Bank:
    root.mkdir()
    (root / "topics.yaml").write_text(
        "topics:\n  - {id: t, title: テスト, area: x}\n", encoding="utf-8"
    )
    (root / "t.yaml").write_text("items:\n" + items, encoding="utf-8")
    bank = load_bank([root])
    assert not bank.errors, bank.errors
    return bank


def trap(item_id: str, prompt: str, explanation: str = "説明。", tags: str = "[]") -> str:
    return f"""\
  - id: {item_id}
    kind: trap
    exams: [G]
    topic: t
    tags: {tags}
    difficulty: 1
    prompt: {prompt}
    truth: true
    confused_with: なし
    explanation: {explanation}
    source: {{ref: "テスト"}}
"""


def test_bank_text_is_folded_too_and_every_word_must_occur(tmp_path: Path) -> None:
    bank = write_bank(
        tmp_path / "bank",
        trap("half", "ｿﾌﾄﾏｯｸｽ は出力を確率にする。")
        + trap("wide", "ＧＡＰ はチャネルごとに平均を取る。", tags="[プーリング]")
        + trap("late", "別の話。", explanation="ソフトマックスにも触れる。"),
    )
    assert ids(bank, "ソフトマックス") == ["half", "late"]  # the prompt before the explanation
    assert ids(bank, "gap") == ["wide"]
    assert ids(bank, "ｇａｐ　ぷーりんぐ") == ["wide"]  # a full-width space separates words
    assert ids(bank, "gap ソフトマックス") == []
    assert ids(bank, "LATE") == ["late"]  # the id is searched too
    assert ids(bank, "") == ids(bank, "   ") == []
    assert terms("x" * (MAX_QUERY + 1)) == []


def test_options_rationales_answers_and_generator_titles_are_searched() -> None:
    bank = load_bank([UI_BANK], generators=REGISTRY)
    assert ids(bank, "Sigmoid") == ["c-relu-single"]  # an option's rationale
    assert ids(bank, "大域平均プーリング") == ["f-gap-name"]  # an accepted fill-in answer
    assert ids(bank, "Leaky") == ["t-relu-zero", "c-relu-single"]  # a trap's confusion; option
    hits = search(build_index(bank, REGISTRY), REGISTRY["conv_output_size"].title)
    assert [h.card_key for h in hits] == ["gen:conv_output_size"]
    assert drill_keys(hits + hits) == ["gen:conv_output_size"]


kana = st.text(st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6), min_size=1)
ascii_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1)


@given(kana)
def test_katakana_and_hiragana_fold_alike(text: str) -> None:
    hiragana = "".join(chr(ord(c) - 0x60) for c in text)
    assert fold(text) == fold(hiragana)


@given(ascii_text)
def test_full_width_and_upper_case_fold_alike(text: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in text)
    assert fold(wide) == fold(text.upper()) == fold(text.lower())


# --- the command ----------------------------------------------------------------------------


def run_search(*words: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "search", *words],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_the_command_prints_id_topic_and_first_line(
    tmp_path: Path, cli_env: dict[str, str], shipped: Bank
) -> None:
    wide = run_search("ｿﾌﾄﾏｯｸｽ", cwd=tmp_path, env=cli_env)
    assert wide.returncode == 0, wide.stderr
    lines = wide.stdout.splitlines()
    expected = ids(shipped, "ソフトマックス")
    assert [line.split("  ")[0] for line in lines] == expected
    first = shipped.items[expected[0]]
    title = shipped.topics[first.topic].title
    assert lines[0] == f"{first.id}  {title}  {first.prompt.strip().splitlines()[0].strip()}"
    assert run_search("そふとまっくす", cwd=tmp_path, env=cli_env).stdout == wide.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_the_command_says_when_nothing_is_found(tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = run_search("zzqxj", "\x1b[2J", cwd=tmp_path, env=cli_env)
    assert result.returncode == 1 and result.stdout == ""
    assert "見つかりませんでした: zzqxj \\x1b[2J" in result.stderr
