"""Transformer arithmetic: scaled dot-product and multi-head attention (with masks), sinusoidal
positional encoding, the parameter counts of an attention layer and an encoder block, and Vision
Transformer sizes (patch count, patch vector size, position embeddings, and the cost of
self-attention, which grows with the square of the token count)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import real_array, whole_number


def num_patches(image_size: int, patch_size: int) -> int:
    """Non-overlapping P×P patches of an H×H image: (H/P)² (196 for 224 and 16).

    Raises:
        ValueError: a size < 1 or not an integer, or a patch that does not tile the image.
    """
    h, p = whole_number("image_size", image_size), whole_number("patch_size", patch_size)
    if h % p:
        raise ValueError(f"patch_size {p} does not tile image_size {h}")
    return (h // p) ** 2


def patch_dim(patch_size: int, channels: int = 3) -> int:
    """Length of a flattened patch, P·P·C (768 for a 16×16 RGB patch).

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    return whole_number("patch_size", patch_size) ** 2 * whole_number("channels", channels)


def position_embedding_params(n_patches: int, d_model: int, cls_token: bool = True) -> int:
    """Learned position embeddings: one d-vector per token, the [CLS] token included.

    Returns:
        (n_patches + 1)·d with ``cls_token``, n_patches·d without (151,296 for ViT-B/16).

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    tokens = whole_number("n_patches", n_patches) + (1 if cls_token else 0)
    return tokens * whole_number("d_model", d_model)


def self_attention_macs(n_tokens: int, d_model: int) -> int:
    """Multiply-accumulates of the attention itself, QKᵀ (n²·d) then the weights times V (n²·d),
    without the Q/K/V and output projections (those grow only linearly with n).

    Returns:
        2·n²·d.

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    n = whole_number("n_tokens", n_tokens)
    return 2 * n * n * whole_number("d_model", d_model)


def attention_cost_growth(image_size: int, new_image_size: int, patch_size: int) -> float:
    """How many times self-attention's MACs grow when a ViT's input grows from one size to
    another with the same patches: (n′/n)² for token counts n, n′, whatever the width d.

    Doubling both sides quadruples the tokens and multiplies the attention cost by 16, not 2 or 4.

    Raises:
        ValueError: as for :func:`num_patches`.
    """
    before = self_attention_macs(num_patches(image_size, patch_size), 1)
    return self_attention_macs(num_patches(new_image_size, patch_size), 1) / before


# ------------------------------------------------------------------------------- attention


def _matrix(name: str, value: Any) -> np.ndarray:
    arr = real_array(name, value)
    if arr.ndim < 2 or 0 in arr.shape:
        raise ValueError(
            f"{name} must be (…, tokens, features) with no empty axis, got {arr.shape}"
        )
    return arr


def causal_mask(n_queries: int, n_keys: int | None = None) -> np.ndarray:
    """True where query i may attend to key j (j ≤ i): the decoder's look-ahead mask."""
    n = whole_number("n_queries", n_queries)
    m = n if n_keys is None else whole_number("n_keys", n_keys)
    return np.tri(n, m, dtype=bool)


def attention_weights(q: Any, k: Any, mask: Any = None) -> np.ndarray:
    """softmax(QKᵀ/√d_k) over the keys, with masked-out keys (mask False) set to −∞ before the
    softmax, so the weights of the keys left still sum to 1.

    Args:
        q: queries (…, n, d_k); k: keys (…, m, d_k).
        mask: None, or booleans broadcastable to (…, n, m); True = may attend.

    Raises:
        ValueError: mismatched d_k, a mask that does not broadcast, or a query with every key
            masked out.
    """
    qa, ka = _matrix("q", q), _matrix("k", k)
    if qa.shape[-1] != ka.shape[-1]:
        raise ValueError(f"q and k need the same d_k, got {qa.shape[-1]} and {ka.shape[-1]}")
    scores = qa @ np.swapaxes(ka, -1, -2) / math.sqrt(qa.shape[-1])
    if mask is not None:
        allowed = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        if not allowed.any(axis=-1).all():
            raise ValueError("a query has every key masked out")
        scores = np.where(allowed, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def attention(q: Any, k: Any, v: Any, mask: Any = None) -> np.ndarray:
    """Scaled dot-product attention softmax(QKᵀ/√d_k)·V (Vaswani et al., 2017).

    Args:
        q, k, mask: as for :func:`attention_weights`; v: values (…, m, d_v).

    Returns:
        (…, n, d_v).
    """
    va = _matrix("v", v)
    weights = attention_weights(q, k, mask)
    if va.shape[-2] != weights.shape[-1]:
        raise ValueError(f"v needs {weights.shape[-1]} rows (one per key), got {va.shape[-2]}")
    return weights @ va


def causal_attention(q: Any, k: Any, v: Any) -> np.ndarray:
    """:func:`attention` with the look-ahead mask: query i sees keys 1…i only."""
    qa = _matrix("q", q)
    return attention(qa, k, v, causal_mask(qa.shape[-2], _matrix("k", k).shape[-2]))


def multi_head_attention(
    x: Any, w_q: Any, w_k: Any, w_v: Any, w_o: Any, heads: int, causal: bool = False
) -> np.ndarray:
    """Multi-head self-attention without biases: project x (n, d) by W_Q, W_K, W_V (d, d), split
    the last axis into ``heads`` heads of d/h, attend in each head, concatenate and project by W_O.

    Raises:
        ValueError: d not divisible by ``heads``, or mismatched shapes.
    """
    xa = _matrix("x", x)
    d = xa.shape[-1]
    h = whole_number("heads", heads)
    if d % h:
        raise ValueError(f"d_model {d} is not divisible by heads {h}")
    mats = [real_array(name, w) for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v))]
    wo = real_array("w_o", w_o)
    for w in (*mats, wo):
        if w.shape != (d, d):
            raise ValueError(f"projection matrices must be ({d}, {d}), got {w.shape}")
    n = xa.shape[-2]

    def split(a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a.reshape(*a.shape[:-1], h, d // h), -2, -3)

    q, k, v = (split(xa @ w) for w in mats)
    mask = causal_mask(n) if causal else None
    out = attention(q, k, v, mask)  # (…, h, n, d/h)
    joined = np.swapaxes(out, -2, -3).reshape(*xa.shape[:-1], d)
    return joined @ wo


def positional_encoding(n_positions: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """Sinusoidal positions (Vaswani et al., 2017): PE(pos, 2i) = sin(pos/base^(2i/d)),
    PE(pos, 2i+1) = cos(pos/base^(2i/d)), positions counted from 0.

    Returns:
        (n_positions, d_model).

    Raises:
        ValueError: a size < 1, or an odd d_model.
    """
    n, d = whole_number("n_positions", n_positions), whole_number("d_model", d_model)
    if d % 2:
        raise ValueError(f"d_model must be even, got {d}")
    pos = np.arange(n, dtype=np.float64)[:, None]
    two_i = np.arange(0, d, 2, dtype=np.float64)
    angle = pos / np.power(float(base), two_i / d)
    pe = np.empty((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def positional_angle(pos: int, dim: int, d_model: int, base: float = 10000.0) -> float:
    """The argument of the sin/cos at position ``pos`` and dimension ``dim`` (both from 0): the
    pair index i = ⌊dim/2⌋ gives pos/base^(2i/d)."""
    p = whole_number("pos", pos, 0)
    k, d = whole_number("dim", dim, 0), whole_number("d_model", d_model)
    if k >= d:
        raise ValueError(f"dim must be < d_model {d}, got {k}")
    return p / float(base) ** (2 * (k // 2) / d)


def mha_params(d_model: int, heads: int, bias: bool = True) -> int:
    """Parameters of a multi-head attention layer: W_Q, W_K, W_V and W_O are d×d whatever the
    number of heads (each head uses a d/h slice), plus four d-vectors of biases.

    Returns:
        4d² (+ 4d with biases).

    Raises:
        ValueError: a size < 1, or d not divisible by heads.
    """
    d, h = whole_number("d_model", d_model), whole_number("heads", heads)
    if d % h:
        raise ValueError(f"d_model {d} is not divisible by heads {h}")
    return 4 * d * d + (4 * d if bias else 0)


def encoder_block_params(d_model: int, d_ff: int, heads: int, bias: bool = True) -> int:
    """Parameters of one Transformer encoder block: multi-head attention, the position-wise FFN
    (d→d_ff→d) and two LayerNorms (γ and β, d each).

    Returns:
        mha_params + 2·d·d_ff (+ d_ff + d with biases) + 4d.
    """
    d, f = whole_number("d_model", d_model), whole_number("d_ff", d_ff)
    ffn = 2 * d * f + ((f + d) if bias else 0)
    return mha_params(d, heads, bias) + ffn + 2 * 2 * d


def key_padding_mask(lengths: Any, n_keys: int) -> np.ndarray:
    """True where key j of sequence b is a real token (j < lengths[b]), False on the padding:
    (B, n_keys), broadcast over the queries as (B, 1, n_keys) in :func:`attention_weights`.

    Raises:
        ValueError: a length outside 1…n_keys (a sequence with no real token has nothing to
            attend to).
    """
    m = whole_number("n_keys", n_keys)
    lens = np.asarray(lengths).reshape(-1)
    if lens.size == 0 or np.any((lens < 1) | (lens > m)) or np.any(lens != np.round(lens)):
        raise ValueError(f"lengths must be whole numbers in 1…{m}, got {lengths!r}")
    return np.arange(m)[None, :] < lens[:, None]
