"""Searching the whole bank: prompts, options, explanations and tags, in Japanese or English.

Text and query are folded the same way before they are compared, so that a learner finds an item
however the word was typed: NFKC (full- and half-width: ＲｅＬＵ, ｿﾌﾄﾏｯｸｽ), case (relu, ReLU) and
kana (そふとまっくす, ソフトマックス). Every word of the query must occur in the item; items where
the words stand in the prompt, the tags or the id come first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.bank import Bank
from quizapp.kinds import card_key_for, kind_of
from quizapp.safetext import strip_format

MAX_QUERY = 200
"""The longest query read, in characters."""
_KATA_START, _KATA_END = 0x30A1, 0x30F6
"""ァ … ヶ: the katakana with a hiragana twin 0x60 below."""

_WEIGHTS = {"id": 3, "prompt": 3, "tags": 3, "options": 2, "answer": 2, "explanation": 1}
"""How much a word found in each part of an item counts towards its rank."""


def fold(text: str) -> str:
    """``text`` as search compares it: no invisible format characters, NFKC, case-folded,
    katakana as hiragana."""
    text = unicodedata.normalize("NFKC", strip_format(text)).casefold()
    return "".join(chr(ord(c) - 0x60) if _KATA_START <= ord(c) <= _KATA_END else c for c in text)


def terms(query: str) -> list[str]:
    """The query's words, folded (a full-width space separates words too); none when it is
    longer than :data:`MAX_QUERY`."""
    if len(query) > MAX_QUERY:
        return []
    return list(dict.fromkeys(fold(query).split()))


@dataclass(frozen=True)
class Hit:
    item_id: str
    card_key: str
    """What a drill of the hit asks (a generated item's generator card)."""
    topic: str
    first_line: str
    """The prompt's first line, for a list."""
    found_in: tuple[str, ...]
    """The parts of the item the words were found in ("prompt", "options", …)."""


@dataclass(frozen=True)
class Index:
    """Every item's searchable parts, folded once."""

    entries: tuple[tuple[str, str, str, dict[str, str]], ...]
    """(item id, card key, topic, part → folded text), in bank order."""
    first_lines: Mapping[str, str]


def build_index(bank: Bank, generators: Mapping[str, Any] | None = None) -> Index:
    """Fold the searchable text of every item of ``bank`` (a generated item also by its
    generator's title)."""
    entries = []
    first_lines = {}
    for item in bank.items.values():
        parts = {
            "id": item.id,
            "prompt": item.prompt,
            "tags": " ".join(item.tags),
            "explanation": item.explanation,
            "options": "",
            "answer": "",
        }
        for name, text in kind_of(item).search_parts(item, generators).items():
            parts[name] = f"{parts[name]}\n{text}" if name == "prompt" else text
        folded = {name: fold(text) for name, text in parts.items()}
        entries.append((item.id, card_key_for(item), item.topic, folded))
        lines = item.prompt.strip().splitlines()
        first_lines[item.id] = lines[0].strip() if lines else ""
    return Index(tuple(entries), first_lines)


def search(index: Index, query: str, *, limit: int | None = None) -> list[Hit]:
    """The items holding every word of ``query``, the best first (then in bank order).

    Returns:
        At most ``limit`` hits; none for an empty query.
    """
    words = terms(query)
    if not words:
        return []
    scored = []
    for order, (item_id, key, topic, parts) in enumerate(index.entries):
        found: dict[str, None] = {}
        score = 0
        for word in words:
            where = [name for name, text in parts.items() if word in text]
            if not where:
                break
            found.update(dict.fromkeys(where))
            score += max(_WEIGHTS[name] for name in where)
        else:
            scored.append(
                (-score, order, Hit(item_id, key, topic, index.first_lines[item_id], tuple(found)))
            )
    scored.sort(key=lambda entry: entry[:2])
    hits = [hit for _, _, hit in scored]
    return hits if limit is None else hits[:limit]


def drill_keys(hits: Sequence[Hit]) -> list[str]:
    """The cards a drill of ``hits`` asks, each once (items sharing a generator share its card)."""
    return list(dict.fromkeys(hit.card_key for hit in hits))
