"""The shipped bank: valid, covered, true (every check and code option recomputed), stable ids."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from quizapp.bank import Bank, load_bank
from quizapp.items import Choice, Fill, Generated, Trap
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
MIN_PER_TOPIC = {"total": 6, "trap": 2, "choice": 2, "fill": 1}
MIN_HAND_WRITTEN = 300
RETIRED_IDS: frozenset[str] = frozenset()
"""Ids removed from the bank. They must never be reused: the review log refers to them."""

NUMBER_CLAIM = re.compile(r"(?<![\w.])\d+\.\d+|[=≈]\s*[−-]?\d")


@cache
def bank() -> Bank:
    return load_bank([shipped_bank_dir()], generators=REGISTRY, run_checks=True)


def hand_written(b: Bank) -> list[Trap | Choice | Fill]:
    return [i for i in b.items.values() if not isinstance(i, Generated)]


def test_bank_validates_with_every_check_and_code_option_recomputed() -> None:
    b = bank()
    assert b.errors == [], "\n".join(map(str, b.errors))


def test_every_topic_meets_the_minimums() -> None:
    b = bank()
    short = []
    for topic in b.topics:
        kinds = Counter(i.kind for i in b.by_topic(topic) if not isinstance(i, Generated))
        total = sum(kinds.values())
        if total < MIN_PER_TOPIC["total"] or any(
            kinds[k] < n for k, n in MIN_PER_TOPIC.items() if k != "total"
        ):
            short.append(f"{topic}: {dict(kinds)}")
    assert not short, "\n".join(short)
    assert len(hand_written(b)) >= MIN_HAND_WRITTEN


def test_every_generator_is_reachable_from_a_topic() -> None:
    used = {i.generator for i in bank().items.values() if isinstance(i, Generated)}
    assert set(REGISTRY) - used == set()


def test_every_topic_file_is_named_for_its_topic() -> None:
    b = bank()
    for item_id, (path, _line) in b.locations.items():
        assert path.stem == b.items[item_id].topic, f"{item_id} is in {path.name}"


def test_retired_ids_are_not_reused() -> None:
    assert RETIRED_IDS.isdisjoint(bank().items)


def test_code_items_exist_for_e_shikaku() -> None:
    code = [i for i in bank().items.values() if isinstance(i, Choice) and i.code is not None]
    assert len(code) >= 10
    assert all("E" in i.exams for i in code)


def test_items_stating_numbers_carry_checks() -> None:
    """A decimal, or a number after = or ≈, is a computed claim: a solvers check must back it."""
    missing = []
    for item in hand_written(bank()):
        texts = [item.prompt, item.explanation]
        if isinstance(item, Choice):
            texts += [o.text for o in item.options] + [o.rationale for o in item.options]
        if (
            any(NUMBER_CLAIM.search(t) for t in texts)
            and not item.check
            and not (isinstance(item, Choice) and item.code is not None)
        ):
            missing.append(item.id)
    assert not missing, f"items stating numbers without check: {missing}"


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
        doc, section = item.source.doc, item.source.section.strip()
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
