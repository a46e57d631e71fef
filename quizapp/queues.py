"""Which cards a session asks, in what order: a drill's, a review's, and the day's new cards."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from quizapp.bank import Bank
from quizapp.cardkey import generator_key, generator_of
from quizapp.kinds import card_key_for, kind_of
from quizapp.scheduler import SrsScheduler
from quizapp.store import Store


def drill_queue(
    bank: Bank,
    topics: Sequence[str],
    exams: Sequence[str] = ("G", "E"),
    seed: int | None = None,
    seen: Mapping[str, tuple[int, int]] | None = None,
) -> list[str]:
    """Cards of the chosen topics for the chosen exams: unseen and weak ones first, shuffled; a
    linked set's parts together, in order, where its first part falls."""
    rng = random.Random(seed)
    seen = seen or {}
    keys: list[str] = []
    for item in bank.items.values():
        if item.topic in topics and set(item.exams) & set(exams):
            key = card_key_for(item)
            if key not in keys:
                keys.append(key)
    rng.shuffle(keys)

    def weakness(key: str) -> float:
        n, ok = seen.get(key, (0, 0))
        return -1.0 if n == 0 else ok / n

    return keep_sets_together(bank.items, sorted(keys, key=weakness))


def keep_sets_together(items: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    """``keys`` with each linked set's parts among them moved to where its first part stands,
    in the set's order: a set's stem is read once and its questions asked one after another."""
    sets: dict[str, list[str]] = {}
    set_of: dict[str, str] = {}
    wanted = set(keys)
    for item_id in items:  # bank order, decoding only the items asked
        if item_id in wanted:
            item = items[item_id]
            name = kind_of(item).set_of(item)
            if name is not None:
                sets.setdefault(name, []).append(item_id)
                set_of[item_id] = name
    out: list[str] = []
    placed: set[str] = set()
    for key in keys:
        name = set_of.get(key)
        if name is None:
            out.append(key)
        elif name not in placed:
            placed.add(name)
            out += sets[name]
    return out


def review_queue(
    bank: Bank,
    generators: Mapping[str, Any],
    store: Store,
    scheduler: SrsScheduler,
    now: datetime,
    new_limit: int = 20,
    seed: int | None = None,
) -> list[str]:
    """Due cards (lowest retrievability first), then up to ``new_limit`` new cards."""
    cards = store.all_cards()
    due = [key for key in scheduler.queue_order(cards, now) if card_exists(key, bank, generators)]
    known = {c.card_key for c in cards}
    return due + new_cards_today(bank, store, now, new_limit, seed=seed, known=known)


def new_cards_today(
    bank: Bank,
    store: Store,
    now: datetime,
    new_limit: int,
    seed: int | None = None,
    known: set[str] | None = None,
) -> list[str]:
    """Never-seen cards still allowed today: the daily limit minus those already started since
    the user's local midnight, in a seeded random order."""
    if new_limit <= 0:
        return []
    budget = max(new_limit - store.new_cards_since(start_of_day(now)), 0)
    if not budget:
        return []
    if known is None:
        known = {c.card_key for c in store.all_cards()}
    framed = bank.generator_of()
    keys = (
        generator_key(framed[i]) if i in framed else i for i in bank.items
    )  # card_key_for without decoding every item of a cached bank
    candidates = list(dict.fromkeys(key for key in keys if key not in known))
    random.Random(seed).shuffle(candidates)
    return candidates[:budget]


def card_exists(key: str, bank: Bank, generators: Mapping[str, Any]) -> bool:
    """Whether card ``key`` can still be asked: its item, or its generator, is there."""
    name = generator_of(key)
    return name in generators if name is not None else key in bank.items


def start_of_day(now: datetime) -> datetime:
    """The user's local midnight (a JST learner's day starts at 00:00 JST, not 09:00)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)
