"""The registry of problem generators: name → :class:`solvers.problem.Generator`.

Each family module lists its generators in ``GENERATORS``; the registry is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from solvers.generators import (
    activations,
    architectures,
    compression,
    conv,
    losses,
    normalization,
    scaling,
    tinycnn,
    training,
)
from solvers.problem import Generator

FAMILIES = (
    conv,
    activations,
    losses,
    architectures,
    scaling,
    compression,
    normalization,
    training,
    tinycnn,
)


def _registry() -> Mapping[str, Generator]:
    out: dict[str, Generator] = {}
    for family in FAMILIES:
        for gen in family.GENERATORS:
            if gen.name in out:
                raise RuntimeError(f"generator name {gen.name!r} is registered twice")
            out[gen.name] = gen
    return MappingProxyType(out)


REGISTRY: Mapping[str, Generator] = _registry()
"""Every generator by name (read-only)."""


def get(name: str) -> Generator:
    """The generator registered as ``name``.

    Raises:
        KeyError: unknown name; the message lists the known ones.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"unknown generator {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None
