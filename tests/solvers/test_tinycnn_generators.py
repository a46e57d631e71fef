"""solvers.generators.tinycnn: determinism, answers recomputed here from solvers.cnn, and check()
diagnosing every distractor."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.cnn import (
    Conv2d,
    GlobalAvgPool,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    softmax_cross_entropy,
)
from solvers.conv import conv_params, output_size
from solvers.formatting import fmt_int
from solvers.generators.tinycnn import GENERATORS
from solvers.problem import Problem, check

SEEDS = settings(max_examples=15, deadline=None)
BY_NAME = {g.name: g for g in GENERATORS}
SHAPES = BY_NAME["tinycnn_shapes"]
EXPERIMENT = BY_NAME["tinycnn_experiment"]


def test_generators_are_registered_with_their_topics():
    assert set(BY_NAME) == {"tinycnn_shapes", "tinycnn_experiment"}
    assert SHAPES.topic == "cnn-architectures"
    assert EXPERIMENT.topic == "vanishing-exploding"
    for gen in GENERATORS:
        assert gen.exams == ("E",)
        assert gen.title


def assert_well_formed(p: Problem) -> None:
    json.dumps(p.params)
    assert p.generator in BY_NAME
    correct = [c for c in p.choices if c.correct]
    assert len(correct) == 1 and correct[0].value == p.answer and correct[0].misconception is None
    assert len(p.choices) >= 4
    assert len({c.text for c in p.choices}) == len(p.choices)
    for text in (p.prompt, p.solution, p.hint):
        assert "\\" not in text and "$" not in text
    assert p.answer_text in p.solution
    assert p.solution.startswith("1. ")


def assert_check_diagnoses(p: Problem) -> None:
    verdict = check(p, p.answer)
    assert verdict.correct and verdict.misconception is None
    codes = [m.code for m in p.misconceptions]
    assert len(set(codes)) == len(codes) >= 3
    for m in p.misconceptions:
        verdict = check(p, m.value)
        assert not verdict.correct
        assert verdict.misconception == m
    for choice in p.choices:
        verdict = check(p, choice.value)
        assert verdict.correct is choice.correct
        if not choice.correct:
            assert verdict.misconception is not None
            assert verdict.misconception.code == choice.misconception


# ------------------------------------------------------------------------------- shapes


def rebuild(params: dict) -> Sequential:
    """The architecture in the problem's params, built here layer by layer."""
    rng = np.random.default_rng(123)
    layers = [
        Conv2d(
            params["in_channels"],
            params["c1"],
            params["k1"],
            stride=params["s1"],
            padding=params["p1"],
            rng=rng,
        ),
        ReLU(),
        *([MaxPool2d(2)] if params["pool"] else []),
        Conv2d(
            params["c1"],
            params["c2"],
            params["k2"],
            stride=params["s2"],
            padding=params["p2"],
            rng=rng,
        ),
        ReLU(),
        GlobalAvgPool(),
        Linear(params["c2"], params["classes"], rng=rng),
    ]
    return Sequential(layers)


@given(seed=st.integers(0, 2**32 - 1))
@SEEDS
def test_shapes_answer_comes_from_a_real_forward_pass(seed):
    p = SHAPES.generate(seed)
    params = p.params
    net = rebuild(params)
    layer = params["layer"] - 1
    size = params["input_size"]
    out = np.random.default_rng(seed).standard_normal((2, params["in_channels"], size, size))
    for current in net.layers[: layer + 1]:
        out = current.forward(out)
    if params["question"] == "shape":
        assert p.answer == tuple(float(d) for d in out.shape[1:])
        assert p.answer_text == "×".join(str(d) for d in out.shape[1:])
    else:
        target = net.layers[layer]
        assert p.answer == float(sum(q.value.size for q in target.params()))
        assert p.answer_text == fmt_int(p.answer)
    assert p.rel_tol == 0 and p.abs_tol == 0
    assert_well_formed(p)
    assert_check_diagnoses(p)


FIRST_LAYER_MISTAKES = {
    "forgot-plus-one": lambda n, k, s, p: (n + 2 * p - k) // s,
    "forgot-padding": lambda n, k, s, p: (n - k) // s + 1,
    "padding-not-doubled": lambda n, k, s, p: (n + p - k) // s + 1,
    "ignored-stride": lambda n, k, s, p: n + 2 * p - k + 1,
}


def test_first_layer_shape_mistakes_follow_their_formulas():
    seen: set[str] = set()
    for seed in range(60):
        p = SHAPES.generate(seed, {"question": ["shape"]})
        q = p.params
        if q["layer"] != 1:
            continue
        n, k, s, pad, c = q["input_size"], q["k1"], q["s1"], q["p1"], q["c1"]
        right = output_size(n, k, s, pad)
        assert p.answer == (c, right, right)
        for m in p.misconceptions:
            seen.add(m.code)
            if m.code == "kept-input-channels":
                assert m.value == (q["in_channels"], right, right)
            else:
                wrong = FIRST_LAYER_MISTAKES[m.code](n, k, s, pad)
                assert m.value == (c, wrong, wrong), m.code
    assert seen == {*FIRST_LAYER_MISTAKES, "kept-input-channels"}


def test_pool_not_applied_is_offered_after_a_pool():
    for seed in range(40):
        p = SHAPES.generate(seed, {"question": ["shape"], "pool": [True]})
        if p.params["layer"] < 3:
            assert "pool-not-applied" not in {m.code for m in p.misconceptions}
            continue
        value = next(m.value for m in p.misconceptions if m.code == "pool-not-applied")
        assert value[1] > p.answer[1]
        return
    pytest.fail("no problem about a layer after the pool in 40 seeds")


def test_conv_param_mistakes_follow_their_formulas():
    for seed in range(60):
        p = SHAPES.generate(seed, {"question": ["params"], "in_channels": [3]})
        params = p.params
        if params["layer"] != 1:
            continue
        k, c_in, c_out = params["k1"], params["in_channels"], params["c1"]
        assert p.answer == conv_params(k, c_in, c_out)
        values = {m.code: m.value for m in p.misconceptions}
        assert values["forgot-bias"] == conv_params(k, c_in, c_out, bias=False)
        assert values["forgot-input-channels"] == k * k * c_out + c_out
        return
    pytest.fail("no first-layer parameter question in 60 seeds")


def test_fc_param_mistakes_count_the_map_gap_removes():
    for seed in range(60):
        p = SHAPES.generate(seed, {"question": ["params"]})
        params = p.params
        if not p.prompt.endswith(
            "（全結合層）の学習可能なパラメータ数（重み＋バイアス）を求めよ。"
        ):
            continue
        c, classes = params["c2"], params["classes"]
        assert p.answer == c * classes + classes
        values = {m.code: m.value for m in p.misconceptions}
        assert values["forgot-bias"] == c * classes
        shapes = rebuild(params).output_shapes(
            (params["in_channels"], params["input_size"], params["input_size"])
        )
        hw = shapes[-3][1] * shapes[-3][2]
        assert values["gap-not-applied"] == c * hw * classes + classes
        return
    pytest.fail("no fully-connected parameter question in 60 seeds")


def test_ranges_narrow_and_reject():
    for seed in range(5):
        assert SHAPES.generate(seed, {"question": ["params"]}).params["question"] == "params"
    with pytest.raises(ValueError, match="unknown"):
        SHAPES.generate(0, {"dilation": [2]})
    with pytest.raises(ValueError, match="empty"):
        SHAPES.generate(0, {"k1": []})
    with pytest.raises(ValueError, match="min"):
        SHAPES.generate(0, {"input_size": {"min": 9, "max": 8}})
    impossible = {"input_size": [8], "k1": [5], "k2": [5], "p1": [0], "p2": [0], "s1": [2]}
    with pytest.raises(ValueError, match="no valid problem"):
        SHAPES.generate(0, impossible)


# --------------------------------------------------------------------------- experiment


def norms_here(depth: int, width: int, net_seed: int) -> tuple[float, float]:
    """The experiment redone here: same recipe, forward/backward by hand."""
    data = np.random.default_rng(net_seed + 1)
    x = data.standard_normal((64, width))
    y = data.integers(0, 4, 64)
    norms = []
    for act in (Sigmoid, ReLU):
        rng = np.random.default_rng(net_seed)
        layers = []
        for _ in range(depth):
            layers += [Linear(width, width, init="xavier", rng=rng), act()]
        net = Sequential([*layers, Linear(width, 4, init="xavier", rng=rng)])
        _, grad = softmax_cross_entropy(net.forward(x), y)
        net.backward(grad)
        first = net.layers[0]
        assert isinstance(first, Linear)
        norms.append(float(np.linalg.norm(first.weight.grad)))
    return norms[0], norms[1]


@given(seed=st.integers(0, 2**32 - 1))
@SEEDS
def test_experiment_answer_is_the_measured_ratio(seed):
    p = EXPERIMENT.generate(seed)
    params = p.params
    sig, relu = norms_here(params["depth"], params["width"], params["net_seed"])
    assert relu > sig
    assert p.answer == pytest.approx(relu / sig, rel=0.05)
    assert 0 < p.rel_tol <= 0.2
    assert p.unit == "倍"
    values = {m.code: m.value for m in p.misconceptions}
    assert values.get("quarter-per-layer", 4.0 ** params["depth"]) == 4.0 ** params["depth"]
    assert values.get("no-difference", 1.0) == 1.0
    if "reversed" in values:
        assert values["reversed"] == pytest.approx(sig / relu, rel=0.05)
    assert_well_formed(p)
    assert_check_diagnoses(p)


def test_experiment_respects_narrowed_ranges_and_rejects_unknown():
    p = EXPERIMENT.generate(3, {"depth": [4], "width": [16]})
    assert (p.params["depth"], p.params["width"]) == (4, 16)
    assert "隠れ層 4 層" in p.prompt
    with pytest.raises(ValueError, match="unknown"):
        EXPERIMENT.generate(0, {"activation": ["tanh"]})
    with pytest.raises(ValueError, match="empty"):
        EXPERIMENT.generate(0, {"width": []})


def test_deeper_sigmoid_stacks_vanish_more():
    shallow = EXPERIMENT.generate(1, {"depth": [3], "width": [32]})
    deep = EXPERIMENT.generate(1, {"depth": [8], "width": [32]})
    assert deep.answer > 10 * shallow.answer


# -------------------------------------------------------------------------------- both


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.name)
def test_same_seed_same_problem_and_seeds_differ(gen):
    for seed in (0, 1, 99):
        assert gen.generate(seed) == gen.generate(seed)
    assert len({gen.generate(seed).prompt for seed in range(8)}) > 1
