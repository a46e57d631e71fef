"""Invariants every registered generator must hold: determinism, well-formed choices whose
distractors are each diagnosed as their own mistake, Japanese multi-step solutions without LaTeX,
finite answers, a known topic, range overrides, and a check() that never raises on junk."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.generators import REGISTRY, get
from solvers.problem import Problem, Verdict, check

NAMES = list(REGISTRY)
SLOW = frozenset({"tinycnn_experiment"})
"""Generators that build and backpropagate real networks: few seeds, no hypothesis."""
FAST = [name for name in NAMES if name not in SLOW]

TOPICS_FILE = Path(__file__).resolve().parents[2] / "questionbank" / "topics.yaml"
JAPANESE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff]")
LATEX = re.compile(r"\\[A-Za-z]+|\\[\[\](){}]|\$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ASCII_MINUS = re.compile(r"(?<![\w)])-\d")
"""A hyphen-minus before a digit: shown numbers use the minus sign (−), as ``formatting`` does."""


def seeds_for(name: str) -> range:
    return range(3) if name in SLOW else range(8)


def topic_ids() -> set[str]:
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    return {topic["id"] for topic in data["topics"]}


# ------------------------------------------------------------------------------- invariants


def answer_values(answer) -> tuple[float, ...]:
    return answer if isinstance(answer, tuple) else (answer,)


def assert_answer_finite(p: Problem) -> None:
    assert isinstance(p.answer, float | tuple), type(p.answer)
    values = answer_values(p.answer)
    assert values, "empty answer tuple"
    for v in values:
        assert isinstance(v, float) and not isinstance(v, bool), (v, type(v))
        assert math.isfinite(v), p.answer
    assert p.rel_tol >= 0 and p.abs_tol >= 0
    assert math.isfinite(p.rel_tol) and math.isfinite(p.abs_tol)


def assert_choices(p: Problem) -> None:
    correct = [c for c in p.choices if c.correct]
    distractors = [c for c in p.choices if not c.correct]
    assert len(correct) == 1, p.choices
    assert correct[0].value == p.answer
    assert correct[0].misconception is None
    assert correct[0].text == p.answer_text
    assert len(distractors) >= 3, p.choices
    texts = [c.text for c in p.choices]
    assert len(set(texts)) == len(texts), texts
    codes = [m.code for m in p.misconceptions]
    assert len(set(codes)) == len(codes), codes
    for d in distractors:
        assert isinstance(d.misconception, str) and d.misconception, d
        assert SLUG.match(d.misconception), d.misconception
        assert d.misconception in codes
        assert answer_values(d.value) != answer_values(p.answer)
        verdict = check(p, d.value)
        assert verdict.correct is False, d
        assert verdict.misconception is not None, d
        assert verdict.misconception.code == d.misconception, (d, verdict)


def assert_text(p: Problem) -> None:
    assert JAPANESE.search(p.prompt), p.prompt
    assert JAPANESE.search(p.solution), p.solution
    lines = [line for line in p.solution.splitlines() if line.strip()]
    assert len(lines) >= 2, p.solution
    assert p.answer_text in lines[-1]
    for text in (p.prompt, p.solution, p.hint):
        assert not LATEX.search(text), text
        assert "\\" not in text
    for m in p.misconceptions:
        assert JAPANESE.search(m.label), m


def assert_invariants(p: Problem, name: str, seed: int) -> None:
    assert p.generator == name
    assert p.seed == seed
    json.dumps(p.params)
    assert_answer_finite(p)
    verdict = check(p, p.answer)
    assert verdict == Verdict(True, None)
    assert_choices(p)
    assert_text(p)


# ------------------------------------------------------------------------ per-generator tests


def test_registry_lists_the_85_generators():
    assert len(NAMES) == 85
    assert len(set(NAMES)) == len(NAMES)
    for name in NAMES:
        assert get(name) is REGISTRY[name]
        assert REGISTRY[name].name == name
    with pytest.raises(KeyError, match="unknown generator"):
        get("no_such_generator")


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_generator_metadata_and_topic(name):
    gen = REGISTRY[name]
    assert gen.title and JAPANESE.search(gen.title)
    assert gen.exams and set(gen.exams) <= {"G", "E"}
    assert gen.topic in topic_ids(), f"{name}: topic {gen.topic!r} not in topics.yaml"
    assert gen.ranges, "a generator with nothing to vary"


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_same_seed_same_problem(name):
    gen = REGISTRY[name]
    for seed in seeds_for(name):
        a, b = gen.generate(seed), gen.generate(seed)
        assert a.prompt == b.prompt
        assert a.answer == b.answer
        assert a.choices == b.choices
        assert a.params == b.params
        assert a.solution == b.solution
        assert a == b


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_seeds_give_different_prompts(name):
    gen = REGISTRY[name]
    prompts = {gen.generate(seed).prompt for seed in seeds_for(name)}
    assert len(prompts) >= 2


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_invariants_over_fixed_seeds(name):
    gen = REGISTRY[name]
    for seed in seeds_for(name):
        assert_invariants(gen.generate(seed), name, seed)


@pytest.mark.parametrize("name", FAST, ids=FAST)
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_for_any_seed(name, seed):
    assert_invariants(REGISTRY[name].generate(seed), name, seed)


@pytest.mark.parametrize("name", FAST, ids=FAST)
def test_negative_numbers_are_shown_with_the_minus_sign(name):
    bad = set()
    for seed in range(100):
        p = REGISTRY[name].generate(seed)
        texts = [p.prompt, p.solution, *(c.text for c in p.choices)]
        texts += [m.label for m in p.misconceptions]
        bad.update(m.group(0) + f" (seed {seed})" for t in texts for m in ASCII_MINUS.finditer(t))
    assert not bad, sorted(bad)[:5]


# ----------------------------------------------------------------------------- junk answers

JUNK = [
    pytest.param(math.nan, id="nan"),
    pytest.param(math.inf, id="inf"),
    pytest.param(-math.inf, id="-inf"),
    pytest.param("12", id="string"),
    pytest.param("", id="empty-string"),
    pytest.param(None, id="none"),
    pytest.param(10**400, id="huge-int"),
    pytest.param(1 + 2j, id="complex"),
    pytest.param(b"3", id="bytes"),
    pytest.param({}, id="dict"),
]


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_check_rejects_junk_without_raising(name, junk):
    p = REGISTRY[name].generate(0)
    assert check(p, junk) == Verdict(False, None)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_check_rejects_wrong_shapes(name):
    p = REGISTRY[name].generate(1)
    values = answer_values(p.answer)
    wrong_lengths = [(), (*values, values[0]), tuple(values[:-1])]
    for value in wrong_lengths:
        assert check(p, value) == Verdict(False, None), value
    if isinstance(p.answer, tuple):
        assert check(p, p.answer[0]) == Verdict(False, None)
        nan_inside = (math.nan, *p.answer[1:])
        assert check(p, nan_inside) == Verdict(False, None)
    else:
        assert check(p, (p.answer,)) == Verdict(False, None)
        assert check(p, [p.answer]) == Verdict(False, None)


# --------------------------------------------------------------------------- range overrides

NARROWED = [
    pytest.param(
        "conv_output_size",
        {"stride": [2], "padding": [1]},
        {"stride": {2}, "padding": {1}},
        id="conv-stride-padding",
    ),
    pytest.param(
        "receptive_field", {"layers": {"min": 3, "max": 3}}, {"layers": {3}}, id="rf-layers"
    ),
    pytest.param(
        "vanishing_product",
        {"layers": {"min": 4, "max": 6}, "activation": ["tanh"]},
        {"layers": {4, 5, 6}, "activation": {"tanh"}},
        id="vanishing-int-range",
    ),
    pytest.param("softmax_probs", {"classes": [4]}, {"classes": {4}}, id="softmax-classes"),
    pytest.param(
        "cosine_lr",
        {"lr_max": [0.01], "total_steps": [200]},
        {"lr_max": {0.01}, "total_steps": {200}},
        id="cosine",
    ),
    pytest.param(
        "leaky_relu_values",
        {"quantity": ["gradient"], "alpha": [0.1]},
        {"quantity": {"gradient"}, "alpha": {0.1}},
        id="leaky-gradient",
    ),
    pytest.param(
        "int8_quantization",
        {"question": ["scale"], "signed": [False]},
        {"question": {"scale"}, "signed": {False}},
        id="int8-scale",
    ),
    pytest.param(
        "zero_memory", {"stage": [2], "n_gpus": [8]}, {"stage": {2}, "n_gpus": {8}}, id="zero-stage"
    ),
    pytest.param(
        "efficientnet_compound", {"quantity": ["flops"]}, {"quantity": {"flops"}}, id="effnet-flops"
    ),
    pytest.param(
        "tinycnn_shapes",
        {"question": ["params"], "in_channels": [3], "pool": [False]},
        {"question": {"params"}, "in_channels": {3}, "pool": {False}},
        id="tinycnn-shapes-params",
    ),
    pytest.param(
        "recurrent_params",
        {"cell": ["gru"], "bias_vectors": [2]},
        {"cell": {"gru"}, "bias_vectors": {2}},
        id="recurrent-gru-pytorch",
    ),
    pytest.param("mlp_params", {"hidden_layers": [2]}, {"hidden_layers": {2}}, id="mlp-deep"),
    pytest.param("gelu_value", {"x": [-1, 1]}, {"x": {-1, 1}}, id="gelu-x"),
]


@pytest.mark.parametrize(("name", "ranges", "allowed"), NARROWED)
def test_narrowed_ranges_are_respected(name, ranges, allowed):
    gen = REGISTRY[name]
    for seed in range(6):
        p = gen.generate(seed, ranges)
        for param, values in allowed.items():
            assert p.params[param] in values, (param, p.params[param])
        assert_invariants(p, name, seed)
        assert gen.generate(seed, ranges) == p


def test_float_min_max_range_draws_within_bounds():
    gen = REGISTRY["sgd_momentum_step"]
    for seed in range(20):
        p = gen.generate(seed, {"w": {"min": 0.25, "max": 0.75}})
        assert 0.25 <= p.params["w"] < 0.75


def test_default_ranges_are_unchanged_by_an_override():
    gen = REGISTRY["conv_output_size"]
    before = dict(gen.ranges)
    gen.generate(0, {"stride": [1]})
    assert dict(gen.ranges) == before
    assert gen.generate(0) == gen.generate(0, None) == gen.generate(0, {})


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_unknown_parameter_is_rejected(name):
    with pytest.raises(ValueError, match=r"unknown parameter.*no_such_param.*known"):
        REGISTRY[name].generate(0, {"no_such_param": [1]})


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_empty_range_is_rejected(name):
    param = next(iter(REGISTRY[name].ranges))
    with pytest.raises(ValueError, match=rf"{param}.*is empty"):
        REGISTRY[name].generate(0, {param: []})


MALFORMED = [
    pytest.param({"min": 3, "max": 2}, "min ≤ max", id="min-above-max"),
    pytest.param({"min": 1}, "list or", id="missing-max"),
    pytest.param({"min": 1, "max": 2, "step": 1}, "list or", id="extra-key"),
    pytest.param({"min": 1, "max": math.inf}, "finite", id="infinite-max"),
    pytest.param({"min": True, "max": 3}, "finite", id="bool-min"),
    pytest.param("3", "list or", id="string"),
    pytest.param(3, "list or", id="bare-number"),
]


@pytest.mark.parametrize(("spec", "message"), MALFORMED)
def test_malformed_range_is_rejected(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        REGISTRY["receptive_field"].generate(0, {"layers": spec})


OUT_OF_DOMAIN = [
    pytest.param(
        "conv_output_size",
        {"kernel": [3], "padding": [3]},
        "no valid problem",
        id="padding-ge-kernel",
    ),
    pytest.param(
        "conv_output_size",
        {"size": [5], "kernel": [11], "padding": [0]},
        "no valid problem",
        id="kernel-larger-than-input",
    ),
    pytest.param("leaky_relu_values", {"x": [0]}, "no valid problem", id="leaky-x-zero"),
    pytest.param(
        "leaky_relu_values", {"alpha": [1.5]}, "no valid problem", id="leaky-alpha-above-one"
    ),
    pytest.param(
        "softmax_temperature", {"temperature": [1]}, "no valid problem", id="temperature-one"
    ),
    pytest.param(
        "low_rank_params",
        {"m": [64], "n": [64], "rank": [128]},
        "no valid problem",
        id="rank-too-large",
    ),
    pytest.param("zero_memory", {"stage": [4]}, "no valid problem", id="zero-stage-4"),
    pytest.param("cross_entropy", {"target_prob": [1.0]}, "no valid problem", id="ce-prob-one"),
    pytest.param("receptive_field", {"layers": [0]}, "no valid problem", id="rf-zero-layers"),
    pytest.param(
        "tinycnn_shapes", {"question": ["flops"]}, "question must be", id="tinycnn-bad-question"
    ),
    pytest.param("tinycnn_experiment", {"depth": [0]}, "depth", id="experiment-zero-depth"),
    pytest.param("gelu_value", {"x": [0]}, "no valid problem", id="gelu-x-zero"),
    pytest.param(
        "recurrent_params", {"cell": ["cnn"]}, "no valid problem", id="recurrent-bad-cell"
    ),
    pytest.param("mlp_params", {"hidden_layers": [0]}, "no valid problem", id="mlp-no-hidden"),
]


@pytest.mark.parametrize(("name", "ranges", "message"), OUT_OF_DOMAIN)
def test_out_of_domain_range_raises(name, ranges, message):
    with pytest.raises(ValueError, match=message):
        REGISTRY[name].generate(0, ranges)


def test_no_valid_problem_message_shows_the_ranges():
    with pytest.raises(ValueError) as info:
        REGISTRY["conv_output_size"].generate(5, {"kernel": [3], "padding": [3]})
    text = str(info.value)
    assert text.startswith("conv_output_size:")
    assert "'padding': [3]" in text and "'kernel': [3]" in text


@pytest.mark.parametrize("seed", [-1, 1.5, "3", None, True])
def test_bad_seed_is_rejected(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        REGISTRY["conv_params"].generate(seed)
