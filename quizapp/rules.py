"""The bank's content rules: what ``quizapp validate`` asks of items beyond their format.

The loader checks that an item is well formed and that its checks hold; these rules check that
what it tells the learner is backed:

* a computed number (a decimal, or a number after = or ≈) needs a ``check:``;
* every result it states, and every approximate number, is recomputed by one of its checks or is
  data it gives (:mod:`quizapp.figures` reads both from the text);
* a check's args are numbers the learner is shown, or results of the item's other checks;
* a retired id is never used again (the review log still refers to the item it named);
* each topic of the shipped bank written from seed notes has its minimum of hand-written items
  by kind.

Each finding is a :class:`~quizapp.bank.BankError` (``path:line: id: message``). Retired ids and
the minimums are data, in the shipped bank's ``rules.yaml``. Every rule but the minimums applies
to every bank, a learner's included: a number a learner reads is held to the same standard
whoever wrote it, and the log refers to a retired id whichever bank reuses it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizapp.bank import Bank, BankError, TooLarge
from quizapp.counts import hand_written, kinds_by_topic
from quizapp.figures import (
    IN_PROMPT,
    NUMBER_CLAIM,
    SHOWN_NUMBER,
    numbers,
    shown_data,
    shown_value,
    stated_claims,
)
from quizapp.kinds import Choice, Fill, Generated, Item, Trap, kind_of

RULES_FILE = "rules.yaml"
MINIMUM_KEYS = ("total", "trap", "choice", "fill")
"""What a topic's minimum counts: its hand-written items in all, and of each kind."""


@dataclass(frozen=True)
class Rules:
    """The rules that are data (``questionbank/rules.yaml``)."""

    retired_ids: frozenset[str] = frozenset()
    """Ids removed from the bank, never to be used again."""
    min_per_topic: Mapping[str, int] = field(default_factory=dict)
    """``total`` or a kind → the hand-written items a seed-note topic has at least."""


def load_rules(path: Path) -> tuple[Rules, list[BankError]]:
    """The rules of ``path``; no rules (and no error) when the file does not exist."""
    import yaml

    from quizapp.bankyaml import read_yaml, yaml_error_line

    if not path.exists():
        return Rules(), []
    try:
        data = read_yaml(path)
    except OSError as exc:
        return Rules(), [BankError(path, 1, "-", f"cannot read rules file: {exc.strerror}")]
    except TooLarge as exc:
        return Rules(), [BankError(path, 1, "-", str(exc))]
    except yaml.YAMLError as exc:
        line, problem = yaml_error_line(exc)
        return Rules(), [BankError(path, line, "-", f"YAML error: {problem}")]
    return rules_from(path, data)


def rules_from(path: Path, data: Any) -> tuple[Rules, list[BankError]]:
    """The rules of parsed YAML ``data``, and an error for each part not as expected."""
    if data is None:
        return Rules(), []
    if not isinstance(data, dict):
        return Rules(), [BankError(path, 1, "-", "rules: a mapping of retired_ids, min_per_topic")]
    lines = getattr(data, "key_lines", {})
    errors = [
        BankError(path, lines.get(key, 1), "-", f"rules: {key}: unknown key")
        for key in data
        if key not in ("retired_ids", "min_per_topic")
    ]
    retired = data.get("retired_ids")
    retired = [] if retired is None else retired
    if not isinstance(retired, list) or not all(isinstance(i, str) for i in retired):
        line = lines.get("retired_ids", 1)
        errors.append(BankError(path, line, "-", "rules: retired_ids: a list of item ids"))
        retired = []
    minimums = data.get("min_per_topic")
    minimums = {} if minimums is None else minimums
    line = lines.get("min_per_topic", 1)
    if not isinstance(minimums, dict) or not all(
        key in MINIMUM_KEYS and type(n) is int and n >= 0 for key, n in minimums.items()
    ):
        wanted = ", ".join(MINIMUM_KEYS)
        errors.append(
            BankError(path, line, "-", f"rules: min_per_topic: whole numbers ≥ 0 for {wanted}")
        )
        minimums = {}
    return Rules(frozenset(retired), dict(minimums)), errors


def check_bank(bank: Bank, rules: Rules, shipped: Path | None = None) -> list[BankError]:
    """Every finding of every rule, sorted by place. ``shipped``: the shipped bank's directory,
    when ``bank`` holds it (its topics then have their minimums)."""
    errors: list[BankError] = []
    for item in bank.items.values():
        path, line = bank.locations[item.id]
        if item.id in rules.retired_ids:
            errors.append(BankError(path, line, item.id, retired_message(item.id)))
        if isinstance(item, Generated):
            continue
        errors += [BankError(path, line, item.id, m) for m in number_problems(item)]
        offsets = bank.raw_lines.get(item.id, {}).get("check", [])
        for k, message in hidden_args(item):
            at = offsets[k] if k < len(offsets) else 0
            errors.append(BankError(path, line + at, item.id, message))
    if shipped is not None:
        errors += short_topics(bank, rules, shipped)
    return sorted(errors, key=lambda e: (str(e.path), e.line))


def retired_message(item_id: str) -> str:
    return f"id {item_id} is retired (the review log still refers to its old item): use another"


def unchecked_claim(item: Trap | Choice | Fill) -> str | None:
    """The first computed number (a decimal, or a number after = or ≈) of an item without a
    check to back it; a code item is backed by its reference instead."""
    if item.check or (isinstance(item, Choice) and item.code is not None):
        return None
    texts = [item.prompt, item.explanation]
    if isinstance(item, Choice):
        texts += [o.text for o in item.options] + [o.rationale for o in item.options]
    stem = {m.group() for m in IN_PROMPT.finditer(kind_of(item).context(item))}
    return next(
        (
            m.group()
            for t in texts
            for m in NUMBER_CLAIM.finditer(t)
            if _number_at(t, m.start()) not in stem  # a linked set's data, repeated: no result
        ),
        None,
    )


def _number_at(text: str, start: int) -> str:
    """The whole number a :data:`NUMBER_CLAIM` match at ``start`` begins (``=0.99`` → ``0.99``)."""
    found = _SHOWN.search(text, start)
    return found.group() if found else ""


_SHOWN = re.compile(SHOWN_NUMBER)


def unbacked_claims(item: Trap | Choice | Fill) -> tuple[int, list[str]]:
    """(claims found, the numbers among them as shown that no check recomputes and the item does
    not give).

    Backed: equal to an expect of one of the item's checks within half a unit of the last digit
    shown (≈ 9.8×10⁻⁴ accepts 0.0009765625, = 0.41 does not accept 0.417), or given data: a
    number of the prompt, of the code a code item shows or of its cases. A check's args back
    only a named value (an example's η = 0.1, an option's カーネル 7×7), so a computed
    intermediate cannot hide in them: a check must compute it."""
    given_text, claims = stated_claims(item)
    values = [x for c in item.check for x in numbers(c.expect)]
    given = [shown_value(g, approximate=False)[0] for g in given_text]
    if isinstance(item, Choice) and item.code is not None:  # the code's inputs are data too
        given += numbers(list(item.code.cases))
    args = [x for c in item.check for x in numbers(c.args)]
    unbacked = []
    for shown, value, half, named in claims:
        percent = shown.endswith("%")  # 44% is backed by 0.444… or by 44.4…
        if not any(
            abs(v - value) <= half or (percent and abs(v - 100 * value) <= 100 * half)
            for v in values + given + (args if named else [])
        ):
            unbacked.append(shown)
    return len(claims), unbacked


def number_problems(item: Trap | Choice | Fill) -> list[str]:
    """The messages of the number rules for one hand-written item."""
    out = []
    claim = unchecked_claim(item)
    if claim is not None:
        out.append(f"states a computed number ({claim}) but has no check: to recompute it")
    out += [
        f"states {shown}, which no check recomputes and the item does not give"
        " (a published figure is cited with its year)"
        for shown in unbacked_claims(item)[1]
    ]
    return out


def hidden_args(item: Trap | Choice | Fill) -> list[tuple[int, str]]:
    """(check index, message) of each check arg that is neither a number the item shows as data,
    the expect of another of its checks (the checks chain), nor 0 or 1 (no padding, one layer,
    the identity): a check may not run on inputs the learner never sees."""
    if not any(check.args for check in item.check):
        return []
    data = shown_data(item)
    out = []
    for k, check in enumerate(item.check):
        others = [x for j, c in enumerate(item.check) if j != k for x in numbers(c.expect)]
        for name, arg in check.args.items():
            for x in numbers(arg):
                if x not in (0.0, 1.0) and not any(
                    abs(x - v) <= 1e-9 * max(1.0, abs(x)) for v in data + others
                ):
                    out.append(
                        (
                            k,
                            f"check {k + 1}: {check.fn} {name}={x:g} is neither shown to the"
                            " learner nor computed by another check",
                        )
                    )
    return out


def short_topics(bank: Bank, rules: Rules, shipped: Path) -> list[BankError]:
    """Each seed-note topic whose hand-written items in ``shipped`` fall short of the minimums,
    reported at its entry in topics.yaml."""
    if not rules.min_per_topic:
        return []
    root = shipped.resolve()
    files = {path for path, _ in bank.locations.values()}
    inside = {path for path in files if path.resolve().is_relative_to(root)}
    own: list[Item] = [
        item for item in hand_written(bank.items.values()) if bank.locations[item.id][0] in inside
    ]
    kinds = kinds_by_topic(own)
    topics_path = shipped / "topics.yaml"
    lines = _topic_lines(topics_path)
    wanted = ", ".join(f"{k} {n}" for k, n in rules.min_per_topic.items())
    errors = []
    for topic in bank.topics.values():
        if not topic.seeds:
            continue  # written from the syllabus: counted per syllabus item
        have = kinds.get(topic.id)
        counts = {k: (have or {}).get(k, 0) for k in MINIMUM_KEYS if k != "total"}
        counts["total"] = sum(counts.values())
        if any(counts.get(k, 0) < n for k, n in rules.min_per_topic.items()):
            shown = ", ".join(f"{k} {n}" for k, n in counts.items())
            errors.append(
                BankError(
                    topics_path,
                    lines.get(topic.id, 1),
                    topic.id,
                    f"{shown} hand-written: a topic from seed notes has at least {wanted}",
                )
            )
    return errors


def _topic_lines(path: Path) -> dict[str, int]:
    import yaml

    from quizapp.bankyaml import read_yaml

    try:
        data = read_yaml(path)
    except (OSError, TooLarge, yaml.YAMLError):  # the loader has reported it
        return {}
    topics = data.get("topics", []) if isinstance(data, dict) else []
    return {t.get("id"): getattr(t, "line", 1) for t in topics if isinstance(t, dict)}
