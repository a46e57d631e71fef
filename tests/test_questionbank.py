"""The shipped bank: valid, covered, true (every check and code option recomputed), stable ids."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from quizapp import rules
from quizapp.bank import Bank, load_bank
from quizapp.figures import approximate_claims, texts_of
from quizapp.kinds import Choice, Fill, Generated, Trap
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
MIN_HAND_WRITTEN = 300


@cache
def bank() -> Bank:
    return load_bank([shipped_bank_dir()], generators=REGISTRY, run_checks=True)


@cache
def shipped_rules() -> rules.Rules:
    found, errors = rules.load_rules(shipped_bank_dir() / rules.RULES_FILE)
    assert errors == [], "\n".join(map(str, errors))
    return found


def hand_written(b: Bank) -> list[Trap | Choice | Fill]:
    return [i for i in b.items.values() if not isinstance(i, Generated)]


def test_bank_validates_with_every_check_and_code_option_recomputed() -> None:
    b = bank()
    assert b.errors == [], "\n".join(map(str, b.errors))


def test_every_topic_meets_the_minimums() -> None:
    assert shipped_rules().min_per_topic == {"total": 6, "trap": 2, "choice": 2, "fill": 1}
    short = rules.short_topics(bank(), shipped_rules(), shipped_bank_dir())
    assert not short, "\n".join(map(str, short))
    assert len(hand_written(bank())) >= MIN_HAND_WRITTEN


def test_validate_finds_nothing_in_the_shipped_bank() -> None:
    """Every content rule at once, as ``quizapp validate`` runs them."""
    found = rules.check_bank(bank(), shipped_rules(), shipped_bank_dir())
    assert not found, "\n".join(map(str, found))


def test_every_generator_is_reachable_from_a_topic() -> None:
    used = {i.generator for i in bank().items.values() if isinstance(i, Generated)}
    assert set(REGISTRY) - used == set()


def test_every_topic_file_is_named_for_its_topic() -> None:
    b = bank()
    for item_id, (path, _line) in b.locations.items():
        assert path.stem == b.items[item_id].topic, f"{item_id} is in {path.name}"


def test_retired_ids_are_not_reused() -> None:
    assert shipped_rules().retired_ids.isdisjoint(bank().items)


def test_code_items_exist_for_e_shikaku() -> None:
    code = [i for i in bank().items.values() if isinstance(i, Choice) and i.code is not None]
    assert len(code) >= 10
    assert all("E" in i.exams for i in code)


def test_items_stating_numbers_carry_checks() -> None:
    """A decimal, or a number after = or ≈, is a computed claim: a solvers check must back it."""
    missing = [i.id for i in hand_written(bank()) if rules.unchecked_claim(i) is not None]
    assert not missing, f"items stating numbers without check: {missing}"


def test_every_stated_number_is_recomputed_or_given() -> None:
    """Every number a hand-written item states as a result is recomputed by one of its checks.

    Stated results: a number after = or ≈ that is the whole right-hand side, in the prompt, the
    explanation or an option's rationale; and every number of an option whose text is a value
    (no hiragana, no formula: "約 0.42", "73,856", "(0.65, 0.32, 0.03)", "12×12", "14 GB"). A
    distractor is what a mistake gives, so it is recomputed too. And every approximate number
    anywhere in the item's text (prompt, explanation, confused_with, options, rationales): after
    約, およそ or ほぼ, or before 程度, 弱 or 強 ("約 1/8.4", "およそ 1/8〜1/9", "約4分の3",
    "ほぼ 0", "2 GB 弱"),
    good to half a unit of its last significant digit (a range: anything between its ends).
    The one exception is a published figure: a sentence that names its publication year
    ("（Hoffmann ら、2022年）") reports a fact no solver derives (LAMB's 76 minutes, 20 tokens a
    parameter), so a fact must be cited where it is stated and everything else is derived.

    Backed: equal to an expect of one of the item's checks within half a unit of the last digit
    shown (≈ 9.8×10⁻⁴ accepts 0.0009765625, = 0.41 does not accept 0.417), or given data: a
    number in the prompt (a prompt's "name = value" names given data, "16×16 = 256" does not; in
    D^(−0.095) the exponent 0.095 is given too), in the code a code item shows or its cases.
    A check's args back only a named value: an example's "name = value" in prose (η = 0.1) or
    an option's "name N" (カーネル 7×7). So a computed intermediate the text states (7×7×64 =
    3,136) cannot hide in a check's args: a check must compute it, and the next check takes
    it as an arg (the checks chain). The rule is textual, so a result that happens to equal a
    given number passes; a published figure is cited with its year and never written after =.
    """
    unbacked = []
    total = 0
    for item in hand_written(bank()):
        found, shown = rules.unbacked_claims(item)
        total += found
        unbacked += [f"{item.id}: {number}" for number in shown]
    assert total > 500, "the claim patterns no longer find the bank's numbers"
    approximate = sum(
        len(approximate_claims(text)) for item in hand_written(bank()) for text in texts_of(item)
    )
    assert approximate > 90, "the approximate-number pattern no longer finds the bank's 約 N"
    assert not unbacked, f"{len(unbacked)} stated numbers not recomputed:\n" + "\n".join(unbacked)


def test_every_check_arg_is_shown_data_or_computed_by_another_check() -> None:
    """A check's args are its inputs: each is a number the item shows as data, the expect of
    another check of the item (the checks chain: 28→26 feeds ⌊(26−2)/2⌋+1), or 0 or 1 (no
    padding, one layer, the identity). So a computed intermediate (3,136 = 7×7×64) cannot be
    typed into an arg, and a check cannot run on inputs the learner never sees."""
    hidden = [
        f"{item.id}: {message}"
        for item in hand_written(bank())
        for _, message in rules.hidden_args(item)
    ]
    assert not hidden, f"{len(hidden)} check args neither shown nor computed:\n" + "\n".join(hidden)


def test_no_latex() -> None:
    latex = re.compile(r"\\(frac|times|sqrt|sum|cdot|alpha|sigma)|\$")
    for item in bank().items.values():
        texts = [item.prompt, item.explanation]
        if isinstance(item, Choice):
            texts += [o.text + o.rationale for o in item.options]
        for text in texts:
            assert not latex.search(text), item.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed notes not beside the repository")
def test_sources_name_real_seed_headings() -> None:
    headings: dict[str, set[str]] = {}
    for path in SEEDS.glob("*.txt"):
        lines = path.read_text(encoding="utf-8").splitlines()
        headings[path.name] = {
            re.sub(r"^#+\s*", "", line).strip() for line in lines if line.strip()
        }
    bad = []
    for item in bank().items.values():
        if item.source.doc is None:
            continue  # a published reference, not a seed note
        doc, section = item.source.doc, (item.source.section or "").strip()
        if doc not in headings:
            bad.append(f"{item.id}: unknown doc {doc}")
        elif section not in headings[doc]:
            bad.append(f"{item.id}: no heading {section!r} in {doc}")
    assert not bad, "\n".join(bad)


def test_traps_are_not_all_true() -> None:
    traps = [i for i in bank().items.values() if isinstance(i, Trap)]
    share = sum(t.truth for t in traps) / len(traps)
    assert 0.3 <= share <= 0.7


def test_choice_answers_are_spread_over_positions() -> None:
    """The UI shuffles options, but a bank whose key is always option 1 is still a smell."""
    firsts = Counter(
        (i.answer if isinstance(i.answer, int) else i.answer[0])
        for i in bank().items.values()
        if isinstance(i, Choice) and i.code is None
    )
    assert firsts.most_common(1)[0][1] / sum(firsts.values()) < 0.6


CONFUSIONS: dict[str, tuple[str, str]] = {
    "pruning vs Dropout": (r"プルーニング|枝刈り", r"Dropout|ドロップアウト"),
    "pruning vs quantization": (r"プルーニング|枝刈り", r"量子化"),
    "pruning vs distillation": (r"プルーニング|枝刈り", r"蒸留"),
    "quantization vs distillation": (r"量子化", r"蒸留"),
    "quantization vs Dropout": (r"量子化", r"Dropout|ドロップアウト"),
    "distillation vs Dropout": (r"蒸留", r"Dropout|ドロップアウト"),
    "dilated vs depthwise separable": (r"Dilated|Atrous|dilation", r"Depthwise"),
    "GAP vs max pooling": (r"GAP|Global Average Pooling", r"Max Pooling"),
    "BN vs LN": (r"Batch Normalization|\bBN\b", r"Layer Normalization"),
    "BN vs IN": (r"Batch Normalization|\bBN\b", r"Instance Normalization"),
    "BN vs GN": (r"Batch Normalization|\bBN\b", r"Group Normalization"),
    "NAS vs hyper-parameter search": (r"NAS", r"ハイパーパラメータ"),
    "Sigmoid vs Softmax": (r"Sigmoid|シグモイド", r"Softmax|ソフトマックス"),
    "Leaky ReLU vs PReLU": (r"Leaky ReLU", r"PReLU"),
    "Leaky ReLU vs ELU": (r"Leaky ReLU", r"(?<![A-Za-z])ELU"),
    "PReLU vs ELU": (r"PReLU", r"(?<![A-Za-z])ELU"),
    "Kaplan vs Chinchilla": (r"Kaplan", r"Chinchilla"),
    "SimCLR vs MoCo": (r"SimCLR", r"MoCo"),
    "SimCLR vs BYOL": (r"SimCLR", r"BYOL"),
    "MoCo vs BYOL": (r"MoCo", r"BYOL"),
    "ZeRO stages": (r"ZeRO Stage \d", r"Stage \d"),
}
"""Confusions the seed notes warn about: each side's pattern, matched case-sensitively."""


def test_each_listed_confusion_has_a_trap_naming_both_sides() -> None:
    """A trap covers a confusion when its statement names one side and the statement or its
    ``confused_with`` names the other (the explanation alone does not count: it mentions much)."""
    traps = [i for i in bank().items.values() if isinstance(i, Trap)]
    uncovered = []
    for name, (a, b) in CONFUSIONS.items():
        if not any(
            (re.search(a, t.prompt) and re.search(b, t.prompt + "\n" + t.confused_with))
            or (re.search(b, t.prompt) and re.search(a, t.prompt + "\n" + t.confused_with))
            for t in traps
        ):
            uncovered.append(name)
    assert not uncovered, f"confusions without a trap: {uncovered}"


def test_conventions_are_stated_where_sources_disagree() -> None:
    """The derivative of ReLU or Leaky ReLU at 0 differs between sources: an item that asks for it
    or grades it must say which convention it uses (this app follows PyTorch)."""
    at_zero = re.compile(r"x\s*=\s*0(?![.\d])")

    def has_zero(value: object) -> bool:
        if isinstance(value, list):
            return any(has_zero(v) for v in value)
        return isinstance(value, (int, float)) and value == 0

    missing = []
    for item in hand_written(bank()):
        asks = bool(
            re.search(r"ReLU", item.prompt)
            and at_zero.search(item.prompt)
            and re.search(r"勾配|導関数", item.prompt)
        )
        grades = any(c.fn.endswith("relu_grad") and has_zero(c.args.get("x")) for c in item.check)
        if isinstance(item, Choice) and item.code is not None:
            grades = grades or (
                item.code.reference.endswith("relu_grad")
                and any(has_zero(case) for case in item.code.cases)
            )
        if (asks or grades) and not re.search(r"PyTorch|約束", item.prompt + item.explanation):
            missing.append(item.id)
    assert not missing, f"items about the kink at 0 that do not state the convention: {missing}"
