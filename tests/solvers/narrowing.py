"""A bank item may narrow each list range of a generator to any of its values; every such
narrowing must still give problems (the loader tries a few seeds). One check, for every family."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any


def failed_narrowings(gen: Any, seeds: int = 3) -> list[tuple[Any, ...]]:
    """The combinations of listed values on which ``gen`` raises instead of generating."""
    lists = {k: v for k, v in gen.ranges.items() if not isinstance(v, Mapping)}
    failed = []
    for combo in itertools.product(*lists.values()):
        ranges = {k: [v] for k, v in zip(lists, combo, strict=True)}
        try:
            for seed in range(seeds):
                gen.generate(seed, ranges)
        except ValueError:
            failed.append(combo)
    return failed
