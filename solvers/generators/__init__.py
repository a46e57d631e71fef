"""The registry of problem generators: name → :class:`solvers.problem.Generator`.

Each family module lists its generators in ``GENERATORS``. Importing a family imports NumPy, a
tenth of a second of the app's start-up that a review opening on a hand-written card does not need.
So :data:`REGISTRY` is built from ``_index.py`` (each generator's family, title, topic, exams and
ranges, written from the families by ``python -m solvers.generators``; a test checks it is
current), and a family is imported the first time one of its generators generates.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from solvers.generators._index import INDEX
from solvers.problem import Generator, Problem, Range, frozen_ranges

FAMILIES = (
    "conv",
    "activations",
    "losses",
    "architectures",
    "scaling",
    "compression",
    "normalization",
    "training",
    "tinycnn",
    "classification",
    "evaluation",
    "statistics",
    "similarity",
    "probability",
    "rl",
    "information",
    "likelihood",
    "neighbors",
    "optimizers",
    "generative",
    "deep_rl",
    "transformer",
    "detection",
    "segmentation",
    "nlp",
    "systems",
)
"""The family modules, in registry order."""


@dataclass(frozen=True, eq=False)
class LazyGenerator:
    """A registry entry: the generator's metadata, and the generator itself on first use."""

    family: str
    """The module of ``solvers.generators`` that defines it."""
    name: str
    title: str
    topic: str
    exams: tuple[str, ...]
    ranges: Mapping[str, Range] = field(repr=False)

    @cached_property
    def generator(self) -> Generator:
        """The real generator (imports its family module, and NumPy)."""
        module = importlib.import_module(f"{__name__}.{self.family}")
        return next(gen for gen in module.GENERATORS if gen.name == self.name)

    def generate(self, seed: int, ranges: Mapping[str, Range] | None = None) -> Problem:
        """The problem for ``seed``; see :meth:`solvers.template.Template.generate`."""
        return self.generator.generate(seed, ranges)


def load_families() -> dict[str, tuple[str, Generator]]:
    """Every generator by name with its family, imported from the family modules (what the index
    is written from).

    Raises:
        RuntimeError: two generators share a name.
    """
    out: dict[str, tuple[str, Generator]] = {}
    for family in FAMILIES:
        for gen in importlib.import_module(f"{__name__}.{family}").GENERATORS:
            if gen.name in out:
                raise RuntimeError(f"generator name {gen.name!r} is registered twice")
            out[gen.name] = (family, gen)
    return out


REGISTRY: Mapping[str, LazyGenerator] = MappingProxyType(
    {
        name: LazyGenerator(family, name, title, topic, tuple(exams), frozen_ranges(ranges))
        for name, (family, title, topic, exams, ranges) in INDEX.items()
    }
)
"""Every generator by name (read-only)."""


def get(name: str) -> LazyGenerator:
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
