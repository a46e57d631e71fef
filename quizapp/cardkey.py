"""What a card key names: a hand-written item by its id, or a generator (``gen:<name>``), whose
fresh problems share one card. The only place a key is taken apart."""

from __future__ import annotations

GEN_PREFIX = "gen:"


def generator_key(name: str) -> str:
    """The card of generator ``name``."""
    return GEN_PREFIX + name


def generator_of(key: str) -> str | None:
    """The generator a card key names, or None for an item's card."""
    return key[len(GEN_PREFIX) :] if key.startswith(GEN_PREFIX) else None
