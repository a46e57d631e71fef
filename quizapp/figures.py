"""The numbers a hand-written item shows the learner, read from its text: the results it states
(after = or ≈, an option's value, every approximate 約 N) and the data it gives (the prompt's
numbers, the code's, an example's "name = value"). :mod:`quizapp.rules` holds each stated result
to a check that recomputes it and each check's inputs to the data shown.

The patterns are textual: they are tuned on the shipped bank, and its content tests keep them
finding its numbers (more than 500 claims, more than 90 approximate ones).
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from quizapp.grading import parse_number
from quizapp.kinds import Choice, Fill, Trap, kind_of

NUMBER_CLAIM = re.compile(r"(?<![\w.])\d+\.\d+|[=≈]\s*[−-]?\d")
"""A decimal, or a number after = or ≈: a computed claim, which a solvers check must back."""

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


def numbers(value: object) -> list[float]:
    """Every number in a check's args or expect, or a code item's cases, however nested."""
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
        return [x for v in value for x in numbers(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers(v)]
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


def texts_of(item: Trap | Choice | Fill) -> list[str]:
    """Every text of an item that may state an approximate number."""
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
    # a linked set's stem is the scenario or listing every part works from: data like code
    # (axis=1 and (1 - done) state nothing), never a claim of its own
    given += [m.group() for m in IN_PROMPT.finditer(kind_of(item).context(item))]
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


NUMBER_FORMAT_BITS = re.compile(r"(?<![A-Za-z])(?:FP|BF|INT)(\d+)")


def shown_data(item: Trap | Choice | Fill) -> list[float]:
    """Every number the learner reads as data: the prompt's, the code's and its cases', and the
    prose's numbers that are not stated results (an example's "T = 100", "（0.9 − 0）²")."""
    given, _ = stated_claims(item)
    values = [shown_value(g, approximate=False)[0] for g in given]
    if isinstance(item, Choice) and item.code is not None:
        values += numbers(list(item.code.cases))
    texts = [item.explanation, *([item.confused_with] if isinstance(item, Trap) else [])]
    if isinstance(item, Choice):
        texts += [o.rationale for o in item.options]
        texts += [o.text for o in item.options] if item.code is None else []
    for text in [item.prompt, kind_of(item).context(item), *texts]:  # FP32, INT8, BF16 name bits
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
