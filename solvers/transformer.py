"""Vision Transformer sizes: patch count, patch vector size, position embeddings and the cost of
self-attention, which grows with the square of the token count."""

from __future__ import annotations

from solvers._checks import whole_number


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
