"""The shipped bank: valid, covered, true (every check and code option recomputed), stable ids."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from quizapp.bank import Bank, load_bank
from quizapp.grading import parse_number
from quizapp.kinds import Choice, Fill, Generated, Trap
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
        if not b.topics[topic].seeds:
            continue  # written from the syllabus: counted per syllabus item (test_syllabus_coverage)
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


_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SHOWN_NUMBER = (
    r"[−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    rf"(?:\s?[×x]\s?10⁻?[{_SUPER}]+|⁻?[{_SUPER}]+|/\d+(?:\.\d+)?)?(?:兆|億|万|%|\s?[GMk]B)?"
)
"""A number as the bank shows it: 0.25, −1, 73,856, 9.8×10⁻⁴, 0.5⁵, 1/9, 700億, 44%, 14 GB."""
STATED = re.compile(
    rf"(?<![<>=!])(?:=|≈)(?!=)\s*({SHOWN_NUMBER})"
    r"(?!\d|[.,]\d|\s?[-−+×x*/^·]\s?[\d(]|[A-Za-zα-ωΑ-Ω])"
)
"""A number after = or ≈ that is the whole right-hand side: not the start of an expression
(= 12/2 + 1) or a coefficient (≈ 6ND); == and <= are comparisons, not statements."""
IN_OPTION = re.compile(rf"(?<![\w.,√^\-−]){SHOWN_NUMBER}(?!\w)")
"""A number of an option's text, but not the digits of a word (LeNet-5, VGG16, 2値, 1つ)."""
IN_PROMPT = re.compile(rf"(?<![A-Za-z0-9_.,\-−]){SHOWN_NUMBER}")
ASSIGNED = re.compile(r"(?<![\w)\]])[^\W\d]\w*['′]?\s*$")
"""What stands left of = when it only names a value (α = 1, T = 2, lr = 0.1)."""
HIRAGANA = re.compile(r"[ぁ-ゖ]")
OPTION_NAME = re.compile(r"[^\W\d_](?<![約])\s?(?:\d+×)?$")
"""A word right before an option's number names the value the option proposes (カーネル 7×7、
パディング 2): data the checks take as args, like "name = value" in prose."""
_ONE = rf"(?:\d+分の\d+|{SHOWN_NUMBER})"
APPROX = re.compile(
    rf"(?:約|およそ|ほぼ)\s*(?P<marked>{_ONE}(?:\s*[〜~]\s*{_ONE})?)"
    r"(?!\d|[.,]\d|\s?[-−+×x*/^·]\s?[\w(]|[A-Za-zα-ωΑ-Ω])"
    rf"|(?<![A-Za-z0-9_.,/^\-−])(?P<before>{SHOWN_NUMBER})\s*(?:倍\s*)?(?:程度|弱|強)"
)
"""An approximate number: after 約, およそ or ほぼ (約 0.119, およそ 1/8〜1/9, 約4分の3, ほぼ 0),
or before 程度, 弱 or 強 (1000 程度, 2 GB 弱, 2倍弱); not the start of an expression
(約 1/M + 1/K²)."""
CITED = re.compile(r"(?:19|20)\d{2}\s*年")
"""A publication year: a sentence naming one reports a published figure (Hoffmann ら、2022年)."""
SENTENCE = re.compile(r"[^。\n]+")
_SCALE = {"兆": 1e12, "億": 1e8, "万": 1e4, "GB": 1e9, "MB": 1e6, "kB": 1e3}


def shown_value(text: str, approximate: bool) -> tuple[float, float]:
    """The value of a shown number and half a unit of its last shown digit.

    Fractions and powers (1/9, 0.5⁵) are exact; 9.8×10⁻⁴ is good to ±0.05×10⁻⁴ and 44% to
    ±0.005; an approximate integer's trailing zeros are not significant (約 700億 is good to
    ±50億). 兆, 億, 万 and GB, MB, kB (10⁹, 10⁶, 10³ bytes, as the items define them) scale it.
    """
    unit = next((u for u in _SCALE if text.endswith(u)), "")
    number = text.removesuffix(unit).strip()
    value = parse_number(number) * _SCALE.get(unit, 1.0)
    if re.search(rf"/|[{_SUPER}]$", number) and not re.search(r"[×x]\s?10", number):
        return value, abs(value) * 1e-9
    lead = re.match(r"[−-]?([\d,]*)(?:\.(\d+))?", number)
    assert lead is not None
    whole, decimals = lead.group(1).replace(",", ""), lead.group(2) or ""
    step = 10.0 ** -len(decimals)
    if approximate and not decimals:
        step = 10.0 ** (len(whole) - len(whole.rstrip("0") or "0"))
    mantissa = parse_number(lead.group())
    scale = abs(value / mantissa) if mantissa else 1.0
    return value, 0.5 * step * scale * (1 + 1e-9) + 1e-12


def _numbers(value: object) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, str):  # YAML reads 7.0e10 (no sign after e) as a string
        try:
            return [float(value)]
        except ValueError:
            return []
    if isinstance(value, list | tuple):
        return [x for v in value for x in _numbers(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    return []


def approximate_value(shown: str) -> tuple[float, float]:
    """The value of an approximate number or range and how far a recomputed value may be from it:
    half a unit of its last significant digit (of the denominator in 1/8.4; a fraction of whole
    numbers such as 1/4 or 4分の3 is exact), and for a range (1/8〜1/9) anything between."""
    low, high = math.inf, -math.inf
    for end in re.split(r"[〜~]", re.sub(r"(\d+)分の(\d+)", r"\2/\1", shown)):
        fraction = re.fullmatch(r"\s*(\d+)/(\d+\.\d+)\s*", end)
        if fraction:  # 約 1/8.4: the denominator is the rounded number (1/4, 3/4 are exact)
            over, (under, half) = float(fraction[1]), shown_value(fraction[2], approximate=True)
            ends = [over / (under + half), over / (under - half)]
        else:
            value, half = shown_value(end.strip(), approximate=True)
            ends = [value - half, value + half]
        low, high = min(low, *ends), max(high, *ends)
    return (low + high) / 2, (high - low) / 2


def _texts(item: Trap | Choice | Fill) -> list[str]:
    texts = [item.prompt, item.explanation]
    if isinstance(item, Trap):
        texts.append(item.confused_with)
    if isinstance(item, Choice):
        texts += [o.text for o in item.options] + [o.rationale for o in item.options]
    return texts


def approximate_claims(text: str) -> list[tuple[int, int, str]]:
    """(start, end, shown) of each approximate number of a text that is not a cited fact: a
    sentence naming a publication year reports a published figure (LAMB's 76 minutes, Chinchilla's
    20 tokens a parameter), which no solver derives; every other 約 N is a derived claim."""
    found = []
    for sentence in SENTENCE.finditer(text):
        if CITED.search(sentence.group()):
            continue
        for match in APPROX.finditer(sentence.group()):
            group = "marked" if match.group("marked") else "before"
            start, end = match.span(group)
            found.append((sentence.start() + start, sentence.start() + end, match.group(group)))
    return found


class Claim(NamedTuple):
    shown: str
    value: float
    half: float
    """How far a recomputed value may be from ``value``: half a unit of the last shown digit."""
    named: bool = False
    """An example's "name = value" in prose (η = 0.1, α = 1.2): data the checks may take as args,
    not a result; every other claim must be an expect or a number of the prompt or code."""


def stated_claims(item: Trap | Choice | Fill) -> tuple[list[str], list[Claim]]:
    """(given numbers as shown, claims) of one hand-written item."""
    given: list[str] = []
    claims: list[Claim] = []
    stated_at: set[int] = set()
    approximate_at = approximate_claims(item.prompt)
    for start, end, shown in approximate_at:
        claims.append(Claim(shown, *approximate_value(shown)))
        stated_at.update(range(start, end))
    for match in STATED.finditer(item.prompt):
        stated_at.add(match.start(1))
        if ASSIGNED.search(item.prompt[: match.start()]):
            given.append(match.group(1))
        else:
            claims.append(Claim(match.group(1), *shown_value(match.group(1), "≈" in match.group())))
    for match in IN_PROMPT.finditer(item.prompt):
        if match.start() not in stated_at:
            given.append(match.group())
            if item.prompt[: match.start()].endswith("^("):  # D^(−0.095): the exponent is 0.095
                given.append(match.group().lstrip("−-"))
    if isinstance(item, Choice) and item.code is not None:  # the code the learner reads
        for code in (item.code.template, *(o.text for o in item.options)):
            given += [m.group() for m in IN_PROMPT.finditer(code)]
    texts = [item.explanation]
    if isinstance(item, Choice):
        texts += [o.rationale for o in item.options]
    for text in texts:
        for match in STATED.finditer(text):
            approximate = "≈" in match.group()
            named = not approximate and bool(ASSIGNED.search(text[: match.start()]))
            claims.append(Claim(match.group(1), *shown_value(match.group(1), approximate), named))
    if isinstance(item, Trap):
        texts.append(item.confused_with)
    if isinstance(item, Choice) and item.code is None:
        texts += [o.text for o in item.options]
    for text in texts:
        claims += [
            Claim(shown, *approximate_value(shown)) for _, _, shown in approximate_claims(text)
        ]
    if isinstance(item, Choice) and item.code is None:
        for option in item.options:
            if HIRAGANA.search(option.text) or "=" in option.text:
                continue  # a statement or a formula: its = and ≈ are in the rationale's hands
            approximate = "約" in option.text or "≈" in option.text
            for match in IN_OPTION.finditer(option.text):
                named = bool(OPTION_NAME.search(option.text[: match.start()]))
                value = shown_value(match.group(), approximate)
                claims.append(Claim(match.group(), *value, named))
    return given, claims


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
        given_text, claims = stated_claims(item)
        values = [x for c in item.check for x in _numbers(c.expect)]
        given = [shown_value(g, approximate=False)[0] for g in given_text]
        if isinstance(item, Choice) and item.code is not None:  # the code's inputs are data too
            given += _numbers(list(item.code.cases))
        args = [x for c in item.check for x in _numbers(c.args)]
        for shown, value, half, named in claims:
            total += 1
            percent = shown.endswith("%")  # 44% is backed by 0.444… or by 44.4…
            if not any(
                abs(v - value) <= half or (percent and abs(v - 100 * value) <= 100 * half)
                for v in values + given + (args if named else [])
            ):
                unbacked.append(f"{item.id}: {shown}")
    assert total > 500, "the claim patterns no longer find the bank's numbers"
    approximate = sum(
        len(approximate_claims(text)) for item in hand_written(bank()) for text in _texts(item)
    )
    assert approximate > 90, "the approximate-number pattern no longer finds the bank's 約 N"
    assert not unbacked, f"{len(unbacked)} stated numbers not recomputed:\n" + "\n".join(unbacked)


NUMBER_FORMAT_BITS = re.compile(r"(?<![A-Za-z])(?:FP|BF|INT)(\d+)")


def shown_data(item: Trap | Choice | Fill) -> list[float]:
    """Every number the learner reads as data: the prompt's, the code's and its cases', and the
    prose's numbers that are not stated results (an example's "T = 100", "（0.9 − 0）²")."""
    given, _ = stated_claims(item)
    values = [shown_value(g, approximate=False)[0] for g in given]
    if isinstance(item, Choice) and item.code is not None:
        values += _numbers(list(item.code.cases))
    texts = [item.explanation, *([item.confused_with] if isinstance(item, Trap) else [])]
    if isinstance(item, Choice):
        texts += [o.rationale for o in item.options]
        texts += [o.text for o in item.options] if item.code is None else []
    for text in [item.prompt, *texts]:  # a number format names its bits: FP32, INT8, BF16
        values += [float(bits) for bits in NUMBER_FORMAT_BITS.findall(text)]
    for text in texts:
        results = [m.span(1) for m in STATED.finditer(text) if not _names_a_value(text, m)]
        results += [(start, end) for start, end, _ in approximate_claims(text)]
        values += [
            shown_value(m.group(), approximate=False)[0]
            for m in IN_PROMPT.finditer(text)
            if not any(start <= m.start() < end for start, end in results)
        ]
    return values


def _names_a_value(text: str, match: re.Match[str]) -> bool:
    return "≈" not in match.group() and bool(ASSIGNED.search(text[: match.start()]))


def test_every_check_arg_is_shown_data_or_computed_by_another_check() -> None:
    """A check's args are its inputs: each is a number the item shows as data, the expect of
    another check of the item (the checks chain: 28→26 feeds ⌊(26−2)/2⌋+1), or 0 or 1 (no
    padding, one layer, the identity). So a computed intermediate (3,136 = 7×7×64) cannot be
    typed into an arg, and a check cannot run on inputs the learner never sees."""
    hidden = []
    for item in hand_written(bank()):
        data = shown_data(item)
        for k, check in enumerate(item.check):
            others = [x for j, c in enumerate(item.check) if j != k for x in _numbers(c.expect)]
            for name, arg in check.args.items():
                for x in _numbers(arg):
                    if x not in (0.0, 1.0) and not any(
                        abs(x - v) <= 1e-9 * max(1.0, abs(x)) for v in data + others
                    ):
                        hidden.append(f"{item.id}: {check.fn} {name}={x:g}")
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
