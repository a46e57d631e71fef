"""The item kinds and their registry: kind name → :class:`~quizapp.kinds.base.ItemKind`.

Each kind is one module (its dataclass, validation, asking, grading, feedback, lookup, search
and Anki fields) plus a ``*_schema`` module for its YAML model, imported only to validate. The
loader, bank cache, session, mock, coverage, search, answer keys and export look a kind up here,
never by ``isinstance``. A new kind is a module and a line in :data:`KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.items import PARTS
from quizapp.kinds import case, choice, fill, generated, trap
from quizapp.kinds.base import Asking, ItemKind
from quizapp.kinds.case import CaseChoice
from quizapp.kinds.choice import CODE_BLANK, Choice, CodeSpec, Option
from quizapp.kinds.fill import Blank, Fill
from quizapp.kinds.generated import Generated, GenerationError
from quizapp.kinds.trap import Trap

KINDS: dict[str, ItemKind] = {
    k.name: k for k in (trap.KIND, choice.KIND, fill.KIND, generated.KIND, case.KIND)
}
"""Every kind by its ``kind:`` name, in the order the JSON Schema lists them. Built here and
never changed by the app (a test adds its own kind with ``monkeypatch.setitem``)."""

Item = Trap | Choice | Fill | Generated | CaseChoice
"""The shipped kinds' items, for type hints."""


def kind_of(item: Any) -> ItemKind:
    """The kind of a bank item."""
    return KINDS[item.kind]


def card_key_for(item: Any) -> str:
    """The card an item is scheduled as: its id, or its generator's card."""
    return KINDS[item.kind].card_key(item)


def kind_for_card(key: str, items: Mapping[str, Any]) -> ItemKind | None:
    """The kind that asks card ``key`` (None when no item or kind answers to it)."""
    for kind in KINDS.values():
        if kind.owns_card(key):
            return kind
    item = items.get(key)
    return KINDS.get(item.kind) if item is not None else None


def item_from(data: dict[str, Any]) -> Any:
    """An item from its fields as plain data, parts as mappings: what the bank cache keeps and
    what a validated schema model dumps.

    Raises:
        LookupError, TypeError: ``data`` is not an item's fields."""
    kind = KINDS[data["kind"]]
    for key, part in {**PARTS, **kind.parts}.items():
        value = data.get(key)
        if isinstance(value, list):
            data[key] = [part(**v) for v in value]
        elif value is not None:
            data[key] = part(**value)
    return kind.item_type(**data)


__all__ = [
    "CODE_BLANK",
    "KINDS",
    "Asking",
    "Blank",
    "CaseChoice",
    "Choice",
    "CodeSpec",
    "Fill",
    "Generated",
    "GenerationError",
    "Item",
    "ItemKind",
    "Option",
    "Trap",
    "card_key_for",
    "item_from",
    "kind_for_card",
    "kind_of",
]
