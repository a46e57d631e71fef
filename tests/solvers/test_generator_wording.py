"""The wording of the E資格 generators (egen1, egen2): the bank's spacing rules on every prompt,
solution and mistake label, and the conventions and definitions each prompt must state."""

from __future__ import annotations

import re

import pytest

from solvers.generators import REGISTRY

SEEDS = range(200)
NAMES = [
    "entropy_value",
    "cross_entropy_dist",
    "kl_divergence",
    "js_divergence",
    "perplexity",
    "bernoulli_mle",
    "gaussian_mle",
    "beta_bernoulli_map",
    "knn_vote",
    "init_scale",
    "nesterov_step",
    "adam_step",
    "adaptive_lr_step",
    "vae_kl",
    "gan_loss",
    "diffusion_forward",
    "dqn_target",
    "attention_weights",
    "mha_params",
    "encoder_block_params",
    "positional_encoding",
    "layer_norm_values",
    "box_iou",
    "nms_survivors",
    "average_precision",
    "transposed_conv_size",
    "unet_sizes",
    "word2vec_params",
    "bert_masking",
    "allreduce_traffic",
    "pipeline_traffic",
    "activation_memory",
]
JAPANESE = "ぁ-ゖァ-ヺ一-龥"
SPACING = {
    "no space after a full-width bracket": re.compile(f"[）」] [{JAPANESE}]"),
    "a space between a Latin term and kana": re.compile(r"[A-Za-z0-9)\]²³⁰-⁹₀-₉][ぁ-ゖ]"),
    "a space between kana and a Latin term": re.compile(f"[{JAPANESE}][A-Za-z]"),
    "no space between Japanese words": re.compile(f"[{JAPANESE}] [ぁ-ゖ]"),
    "no space after を": re.compile(f"を [{JAPANESE}]"),
    "spaces around a minus": re.compile(f"[{JAPANESE}]−"),
    "one 求めよ": re.compile("求めよを求めよ"),
    "no coefficient 1 written": re.compile(r"(?<![\d.])1[a-zθ]"),
    "negative factors in parentheses": re.compile("×−"),
}


def _texts(name: str):
    for seed in SEEDS:
        p = REGISTRY[name].generate(seed)
        yield seed, p, [p.prompt, p.solution, *(m.label for m in p.misconceptions)]


@pytest.mark.parametrize("name", NAMES)
def test_spacing_follows_the_bank(name):
    bad = {}
    for seed, _, texts in _texts(name):
        for rule, pattern in SPACING.items():
            for text in texts:
                hit = pattern.search(text)
                if hit:
                    bad.setdefault(rule, (seed, text[max(0, hit.start() - 15) : hit.end() + 5]))
    assert not bad, bad


def test_bernoulli_prompt_defines_k_and_n():
    for _, p, _ in _texts("bernoulli_mle"):
        assert "n は観測数" in p.prompt and "k は x = 1 の個数" in p.prompt


def test_init_scale_states_the_convention_of_its_scheme():
    for _, p, _ in _texts("init_scale"):
        wanted = "n_in と n_out の両方" if p.params["scheme"] == "xavier" else "fan_in"
        assert wanted in p.prompt, p.prompt


@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence"])
def test_divergence_distractors_are_not_a_rounding_apart(name):
    for seed, p, _ in _texts(name):
        for c in p.choices:
            assert c.correct or abs(c.value - p.answer) >= 0.005, (seed, c, p.answer_text)


def test_nms_solution_shows_the_comparison_at_the_threshold():
    shown = 0
    for seed, p, _ in _texts("nms_survivors"):
        if any(m.code == "greater-or-equal" for m in p.misconceptions):
            assert "閾値と等しい（> ではない）ので残す" in p.solution, (seed, p.solution)
            shown += 1
    assert shown


def test_transposed_padding_stays_within_the_kernel():
    for _, p, _ in _texts("transposed_conv_size"):
        assert p.params["padding"] <= p.params["kernel"] - 1


def test_activation_memory_names_the_attention_weights_not_the_projections():
    for _, p, _ in _texts("activation_memory"):
        if p.params["kind"] == "attention":
            assert "ソフトマックス後のスコア行列" in p.prompt


def test_nesterov_with_unit_curvature():
    for seed, p, _ in _texts("nesterov_step"):
        if p.params["curvature"] == 1:
            assert "L(w) = ½w²（∇L(w) = w）" in p.prompt, p.prompt
            assert "forgot-lr" not in {m.code for m in p.misconceptions}, seed
