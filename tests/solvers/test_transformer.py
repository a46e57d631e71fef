"""solvers.transformer: ViT-B/16 sizes, patch counts against the convolution output size, the
attention cost against an explicit loop, and the input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.conv import conv_params, output_size
from solvers.transformer import (
    attention,
    attention_cost_growth,
    attention_weights,
    causal_attention,
    causal_mask,
    encoder_block_params,
    mha_params,
    multi_head_attention,
    num_patches,
    patch_dim,
    position_embedding_params,
    positional_angle,
    positional_encoding,
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


# ------------------------------------------------------------------------------- attention


def _loop_attention(q, k, v, causal=False):
    """Attention one query and one key at a time, with math.exp (no NumPy broadcasting)."""
    import math

    n, m, d = len(q), len(k), len(q[0])
    out = []
    for i in range(n):
        keys = [j for j in range(m) if not causal or j <= i]
        s = [sum(q[i][t] * k[j][t] for t in range(d)) / math.sqrt(d) for j in keys]
        e = [math.exp(x - max(s)) for x in s]
        w = [x / sum(e) for x in e]
        out.append([sum(w[a] * v[j][c] for a, j in enumerate(keys)) for c in range(len(v[0]))])
    return out


small = st.lists(st.integers(-3, 3), min_size=4, max_size=4)


@FAST
@given(
    st.lists(small, min_size=3, max_size=3),
    st.lists(small, min_size=3, max_size=3),
    st.lists(small, min_size=3, max_size=3),
    st.booleans(),
)
def test_attention_matches_a_loop(q, k, v, causal):
    want = _loop_attention(q, k, v, causal)
    got = causal_attention(q, k, v) if causal else attention(q, k, v)
    assert got == pytest.approx(np.array(want))
    weights = attention_weights(q, k, causal_mask(3) if causal else None)
    assert weights.sum(axis=-1) == pytest.approx([1, 1, 1])
    if causal:
        assert weights[0].tolist() == [1.0, 0.0, 0.0]


def test_attention_known_values():
    # scores q·k/√4: (2/2, 0) → softmax (e/(e+1), 1/(e+1))
    import math

    w = attention_weights([[1, 1, 0, 0]], [[1, 1, 0, 0], [0, 0, 1, 1]])
    assert w[0, 0] == pytest.approx(math.e / (math.e + 1))
    with pytest.raises(ValueError, match="masked out"):
        attention_weights([[1.0]], [[1.0]], [[False]])
    with pytest.raises(ValueError, match="d_k"):
        attention_weights([[1.0, 2.0]], [[1.0]])


def test_multi_head_with_one_head_is_single_attention_and_heads_are_independent():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6))
    wq, wk, wv, wo = (rng.normal(size=(6, 6)) for _ in range(4))
    one = multi_head_attention(x, wq, wk, wv, wo, 1, causal=True)
    assert one == pytest.approx(causal_attention(x @ wq, x @ wk, x @ wv) @ wo)
    two = multi_head_attention(x, wq, wk, wv, wo, 2)
    heads = [
        attention(x @ wq[:, s], x @ wk[:, s], x @ wv[:, s]) for s in (slice(0, 3), slice(3, 6))
    ]
    assert two == pytest.approx(np.concatenate(heads, axis=1) @ wo)


def test_positional_encoding_against_the_formula():
    import math

    pe = positional_encoding(5, 8)
    for pos in range(5):
        for dim in range(8):
            angle = pos / 10000 ** ((dim - dim % 2) / 8)
            want = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
            assert pe[pos, dim] == pytest.approx(want)
            assert positional_angle(pos, dim, 8) == pytest.approx(angle)
    assert positional_angle(3, 5, 8) == pytest.approx(0.03)  # 2i = 4: 10000^(1/2) = 100
    with pytest.raises(ValueError):
        positional_encoding(3, 7)


def _count(shapes):
    total = 0
    for shape in shapes:
        size = 1
        for n in shape:
            size *= n
        total += size
    return total


@FAST
@given(st.sampled_from([64, 128, 512, 768]), st.sampled_from([1, 2, 4, 8]), st.booleans())
def test_parameter_counts_add_up_the_tensors(d, h, bias):
    mats = [(d, d)] * 4 + ([(d,)] * 4 if bias else [])
    assert mha_params(d, h, bias) == _count(mats)
    ffn = [(d, 4 * d), (4 * d, d)] + ([(4 * d,), (d,)] if bias else [])
    norms = [(d,)] * 4
    assert encoder_block_params(d, 4 * d, h, bias) == _count(mats + ffn + norms)


def test_bert_base_block():
    assert mha_params(768, 12) == 2_362_368
    assert encoder_block_params(768, 3072, 12) == 7_087_872
