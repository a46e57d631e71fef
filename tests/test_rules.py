"""``quizapp validate`` reports each content rule (quizapp/rules.py) as ``path:line: id: message``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp import paths
from quizapp.cli import main
from quizapp.rules import MINIMUM_KEYS, rules_from

TOPICS = """\
topics:
  - {id: relu, title: ReLU, area: ディープラーニングの概要, seeds: [a.txt]}
  - id: conv
    title: 畳み込み
    area: ディープラーニングの要素技術
"""
SOURCE = "source:\n      doc: a.txt\n      section: 要点"
GOOD = f"""\
  - id: t-good
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: ReLU は負の入力に対して 0 を出力する。
    truth: true
    confused_with: Leaky ReLU
    explanation: ReLU は max(0, x) です。
    {SOURCE}
"""
CONV = f"""\
  - id: {{id}}
    kind: trap
    exams: [G]
    topic: conv
    difficulty: 1
    prompt: "{{prompt}}"
    truth: true
    confused_with: 全結合層
    explanation: "{{explanation}}"
    {SOURCE}
"""
CHECK = """\
    check:
      - fn: conv.conv_params
        args: {kernel: 3, c_in: 64, c_out: 128}
        expect: 73856
"""
SHOWN = (
    "カーネル 3×3、入力 64 チャネル、出力 128 チャネルの畳み込み層のパラメータは 73,856 個である。"
)


def _bank(tmp_path: Path, items: str, rules: str = "") -> Path:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (bank / "items.yaml").write_text("items:\n" + items, encoding="utf-8")
    if rules:
        (bank / "rules.yaml").write_text(rules, encoding="utf-8")
    return bank


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def _validate(bank: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The error lines of ``quizapp validate`` on ``bank``, which must fail."""
    assert main(["validate", str(bank)]) == 1
    return capsys.readouterr().out.splitlines()


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The test's bank stands for the shipped bank (its rules.yaml, its minimums)."""
    monkeypatch.setattr(paths, "shipped_bank_dir", lambda: tmp_path / "bank")
    return tmp_path / "bank"


def test_a_computed_number_without_a_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = CONV.format(id="t-bare", prompt="学習率 0.01 で学習する。", explanation="説明。")
    bank = _bank(tmp_path, GOOD + item)
    line = _line(bank / "items.yaml", "id: t-bare")
    assert (
        f"{bank / 'items.yaml'}:{line}: t-bare: states a computed number (0.01) but has no check:"
        " to recompute it"
    ) in _validate(bank, capsys)


def test_a_stated_result_no_check_recomputes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = CONV.format(
        id="t-wrong", prompt=SHOWN, explanation="バイアスなしのパラメータ数 = 73,000 です。"
    )
    bank = _bank(tmp_path, GOOD + item + CHECK)
    line = _line(bank / "items.yaml", "id: t-wrong")
    out = _validate(bank, capsys)
    assert any(o.startswith(f"{bank / 'items.yaml'}:{line}: t-wrong: states 73,000,") for o in out)
    assert len(out) == 1, out


def test_a_check_arg_the_learner_never_sees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = SHOWN.replace("出力 128 チャネルの", "")
    item = CONV.format(id="t-hidden", prompt=prompt, explanation="説明。")
    bank = _bank(tmp_path, GOOD + item + CHECK)
    line = _line(bank / "items.yaml", "- fn: conv.conv_params")
    assert _validate(bank, capsys) == [
        f"{bank / 'items.yaml'}:{line}: t-hidden: check 1: conv.conv_params c_out=128 is neither"
        " shown to the learner nor computed by another check"
    ]


def test_the_good_items_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item = CONV.format(id="t-ok", prompt=SHOWN, explanation="説明。")
    assert main(["validate", str(_bank(tmp_path, GOOD + item + CHECK))]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 items")


def test_a_retired_id(shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = _bank(tmp_path, GOOD, rules="retired_ids: [t-good, t-gone]\n")
    line = _line(bank / "items.yaml", "id: t-good")
    assert (
        f"{bank / 'items.yaml'}:{line}: t-good: id t-good is retired (the review log still"
        " refers to its old item): use another"
    ) in _validate(bank, capsys)


def test_a_seed_topic_below_its_minimums_in_the_shipped_bank(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = "min_per_topic: {total: 2, trap: 1, choice: 1}\n"
    bank = _bank(tmp_path, GOOD, rules=rules)
    line = _line(bank / "topics.yaml", "id: relu")
    assert _validate(bank, capsys) == [
        f"{bank / 'topics.yaml'}:{line}: relu: trap 1, choice 0, fill 0, total 1 hand-written: a"
        " topic from seed notes has at least total 2, trap 1, choice 1"
    ]


def test_a_users_bank_has_no_minimums(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the shipped bank's seed topics have minimums: a learner's bank is as small as its
    author wants (here the shipped bank is the test's, and the user's a copy of it)."""
    _bank(tmp_path, GOOD, rules="min_per_topic: {total: 2}\n")
    user = tmp_path / "user"
    user.mkdir()
    (user / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (user / "items.yaml").write_text("items:\n" + GOOD, encoding="utf-8")
    assert main(["validate", str(user)]) == 0


def test_a_malformed_rules_file(
    shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _bank(tmp_path, GOOD, rules="retired_ids: t-good\nmin_per_topic: {total: -1}\n")
    rules = bank / "rules.yaml"
    assert _validate(bank, capsys) == [
        f"{rules}:1: -: rules: retired_ids: a list of item ids",
        f"{rules}:2: -: rules: min_per_topic: whole numbers ≥ 0 for total, trap, choice, fill",
    ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.one_of(
        JSON,
        st.fixed_dictionaries(
            {},
            optional={
                "retired_ids": JSON,
                "min_per_topic": st.dictionaries(st.sampled_from(MINIMUM_KEYS), JSON) | JSON,
            },
        ),
    )
)
def test_any_rules_data_gives_rules_or_errors(data: object) -> None:
    """Whatever rules.yaml holds, reading it ends in rules and errors, never an exception; the
    rules hold only what was well formed."""
    found, errors = rules_from(Path("rules.yaml"), data)
    assert all(isinstance(i, str) for i in found.retired_ids)
    assert all(
        k in MINIMUM_KEYS and type(n) is int and n >= 0 for k, n in found.min_per_topic.items()
    )
    assert all(str(e).startswith("rules.yaml:") for e in errors)
