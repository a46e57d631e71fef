"""Every generated problem can be answered by hand, exactly as it is graded.

For every registered generator and 300 seeds, the answer is worked out again from what the
problem states (``hand_exact``, exact arithmetic), and:

* the shown answer is that value rounded by the rule the prompt states, ties 四捨五入 (also for
  rational answers that land on a tie under narrowed ranges);
* no worked-solution step shows a rounding of the answer that rounds to something else;
* the live experiment asks only for a number its prompt determines, and the size problems state
  the conventions their answers depend on (padding on each side, rounding down).

``test_hand_steps`` follows the solutions step by step and works the problems by hand.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from solvers.generators import REGISTRY
from solvers.problem import Problem

from .hand_exact import EXACT, SEEDS, experiment_norms, problems
from .hand_numbers import (
    TOKEN,
    Value,
    exact_values,
    half_up,
    places,
    read_number,
    rounded,
    rule,
    shown_values,
    sig_digits,
    sig_round,
)

NAMES = list(REGISTRY)


def test_every_generator_is_recomputed_here():
    assert set(EXACT) == set(NAMES)


# ------------------------------------------------------------------------------- answers


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_answer_is_the_stated_rounding_of_the_exact_value(name):
    bad = []
    for p, value in problems(name):
        how = rule(p)
        want = [rounded(v, how) for v in exact_values(value)]
        if shown_values(p) != want:
            bad.append(f"seed {p.seed}: shows {p.answer_text}, exact {value} → {want}")
        choice = next(c for c in p.choices if c.correct)
        assert choice.text == p.answer_text
    assert not bad, f"{len(bad)}/{len(SEEDS)} answers misrounded:\n" + "\n".join(bad[:10])


# ---------------------------------------------------------------------- roundings shown


def contradictions(p: Problem, value: Value) -> list[str]:
    """Numbers in the worked solution that are the answer at more precision but round to
    something else than the shown answer."""
    kind, d = rule(p)
    if kind == "exact":
        return []
    steps = p.solution.splitlines()[:-1]
    answers = list(zip(exact_values(value), shown_values(p), strict=True))
    found = []
    for step in steps:
        for token in TOKEN.findall(step):
            shown = read_number(token)
            finer = places(token) > d if kind == "fixed" else sig_digits(token) > d
            if not finer or shown == 0:
                continue
            unit = Decimal(1).scaleb(-places(token))
            if kind == "sig":
                unit = Decimal(1).scaleb(shown.adjusted() - sig_digits(token) + 1)
            for exact, answer in answers:
                if abs(shown - Decimal(float(exact))) > unit:
                    continue  # not this quantity
                again = half_up(shown, d) if kind == "fixed" else sig_round(shown, d)
                if again != answer:
                    found.append(f"seed {p.seed}: 「{token}」 rounds to {again}, answer {answer}")
    return found


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_no_shown_rounding_contradicts_the_answer(name):
    bad = [line for p, value in problems(name) for line in contradictions(p, value)]
    assert not bad, f"{len(bad)} contradictions:\n" + "\n".join(bad[:10])


# --------------------------------------------------------------------------- the rest


def test_experiment_asks_only_for_a_number_its_prompt_determines():
    for p, _ in problems("tinycnn_experiment"):
        norms = experiment_norms(p.prompt)
        assert norms is not None, p.prompt
        sig, relu = norms
        kind, d = rule(p)
        assert kind == "sig"
        assert shown_values(p) == [sig_round(Fraction(relu) / Fraction(sig), d)]


def _conventions(p: Problem, pads: list[int], inexact: bool) -> list[str]:
    missing = []
    if any(pads) and "各辺" not in p.prompt:
        missing.append("padding on each side")
    if inexact and "切り捨て" not in p.prompt:
        missing.append("rounding down")
    return missing


def _size_conventions(p: Problem) -> list[str]:
    a = p.params
    if p.generator == "tinycnn_shapes":
        chain, n, inexact = [], a["input_size"], False
        for k, s, pad, pool in (
            (a["k1"], a["s1"], a["p1"], a["pool"]),
            (a["k2"], a["s2"], a["p2"], False),
        ):
            inexact |= (n + 2 * pad - k) % s != 0
            n = (n + 2 * pad - k) // s + 1
            chain.append(pad)
            if pool:
                inexact |= n % 2 != 0
                n //= 2
        return _conventions(p, chain, inexact)
    span = a.get("dilation", 1) * (a["kernel"] - 1) + 1
    inexact = (a["size"] + 2 * a["padding"] - span) % a["stride"] != 0
    return _conventions(p, [a["padding"]], inexact)


@pytest.mark.parametrize("name", ["conv_output_size", "conv_output_size_dilated", "tinycnn_shapes"])
def test_size_prompts_state_padding_per_side_and_rounding_down(name):
    bad = [f"seed {p.seed}: {m}" for p, _ in problems(name) for m in _size_conventions(p)]
    assert not bad, f"{len(bad)} prompts silent on a convention:\n" + "\n".join(bad[:10])


TIES = [
    pytest.param(
        "efficientnet_compound", {"quantity": ["resolution"], "phi": [2]}, "1.323", id="1.15²"
    ),
    pytest.param(
        "vanishing_product",
        {"weight": [0.3], "activation": ["sigmoid"], "layers": [2]},
        "0.00563",
        id="0.075²",
    ),
    pytest.param(
        "vanishing_product",
        {"weight": [0.35], "activation": ["tanh"], "layers": [2]},
        "0.123",
        id="0.35²",
    ),
    pytest.param("depthwise_ratio", {"kernel": [5], "c_out": [16]}, "0.103", id="1/16+1/25"),
    pytest.param("depthwise_ratio", {"kernel": [5], "c_out": [32]}, "0.0713", id="1/32+1/25"),
    pytest.param(
        "zero_memory",
        {"n_params_billion": [1.5], "n_gpus": [8], "stage": [2]},
        "5.63",
        id="zero-5.625",
    ),
    pytest.param(
        "zero_memory",
        {"n_params_billion": [7.5], "n_gpus": [64], "stage": [3]},
        "1.88",
        id="zero-1.875",
    ),
    pytest.param(
        "warmup_lr",
        {"lr_base": [0.00125], "warmup_steps": [100], "progress": [90]},
        "0.00113",
        id="warmup-0.001125",
    ),
    pytest.param(
        "linear_scaling_lr",
        {"base_lr": [0.0375], "base_batch": [3], "batch": [9]},
        "0.113",
        id="scaling-0.1125",
    ),
]


@pytest.mark.parametrize(("name", "ranges", "shown"), TIES)
def test_a_rational_tie_under_narrowed_ranges_rounds_up(name, ranges, shown):
    """Bank items may narrow a generator's ranges to any values; a rational answer that lands
    on a tie is still rounded as the prompt says."""
    p = REGISTRY[name].generate(0, ranges)
    assert p.answer_text == shown
    assert rounded(EXACT[name](p), rule(p)) == read_number(shown)
