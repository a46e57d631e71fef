"""solvers.transformer: ViT-B/16 sizes, patch counts against the convolution output size, the
attention cost against an explicit loop, and the input checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.conv import conv_params, output_size
from solvers.transformer import (
    attention_cost_growth,
    num_patches,
    patch_dim,
    position_embedding_params,
    self_attention_macs,
)

FAST = settings(max_examples=60, deadline=None)


def test_vit_b16_values():
    assert num_patches(224, 16) == 196
    assert num_patches(448, 16) == 784
    assert patch_dim(16) == 768
    assert patch_dim(16, channels=1) == 256
    assert position_embedding_params(196, 768) == 151_296
    assert position_embedding_params(196, 768, cls_token=False) == 196 * 768
    assert self_attention_macs(784, 64) == 16 * self_attention_macs(196, 64)


@FAST
@given(st.integers(1, 20), st.sampled_from([1, 2, 4, 8, 14, 16, 32]))
def test_patches_are_a_stride_p_convolution(side, p):
    """Patchify = a P×P convolution with stride P: its output grid has the same cells."""
    assert num_patches(side * p, p) == output_size(side * p, p, stride=p) ** 2
    assert patch_dim(p, 3) == conv_params(p, 3, 1, bias=False)


@FAST
@given(st.integers(1, 12), st.integers(1, 6))
def test_attention_macs_match_a_loop(n, d):
    scores = sum(d for _ in range(n) for _ in range(n))  # q_i·k_j for every pair
    mixing = sum(n for _ in range(n) for _ in range(d))  # Σ_j a_ij v_j for every output element
    assert self_attention_macs(n, d) == scores + mixing


@pytest.mark.parametrize(
    "call",
    [
        lambda: num_patches(224, 15),
        lambda: num_patches(0, 16),
        lambda: patch_dim(16, 0),
        lambda: position_embedding_params(196, 0),
        lambda: self_attention_macs(1.5, 64),
    ],
)
def test_invalid_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_attention_cost_growth_worked_example():
    # 224 → 448 with 16×16 patches: 196 → 784 tokens, attention ×16
    assert attention_cost_growth(224, 448, 16) == 16.0
    assert attention_cost_growth(224, 224, 16) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(1, 32), st.integers(1, 512))
def test_attention_cost_growth_is_the_macs_ratio_at_any_width(tiles, scale, patch, d):
    size = tiles * patch
    before = self_attention_macs(num_patches(size, patch), d)
    after = self_attention_macs(num_patches(size * scale, patch), d)
    assert attention_cost_growth(size, size * scale, patch) == pytest.approx(after / before)
    assert attention_cost_growth(size, size * scale, patch) == pytest.approx(scale**4)
