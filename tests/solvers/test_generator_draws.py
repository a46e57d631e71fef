"""The slow generators keep nearly every draw (issue 16: ≥ 5,000 problems/s each): the rules a
problem must meet are met by how it is drawn, not by rebuilding rejected drafts. Counted, not
timed."""

from __future__ import annotations

import dataclasses

import pytest

from solvers.generators import detection, transformer

SEEDS = range(300)


def _drafts_per_problem(template) -> float:
    calls = 0

    def counting(p, rng):
        nonlocal calls
        calls += 1
        return template.build(p, rng)

    counted = dataclasses.replace(template, build=counting)
    for seed in SEEDS:
        counted.generate(seed)
    return calls / len(SEEDS)


@pytest.mark.parametrize(
    ("family", "name", "most"),
    [(detection, "nms_survivors", 1.05), (transformer, "attention_weights", 1.3)],
)
def test_few_drafts_per_problem(family, name, most):
    template = next(gen for gen in family.GENERATORS if gen.name == name)
    assert _drafts_per_problem(template) <= most
