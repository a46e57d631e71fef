"""Counts in language models: word2vec's embedding matrices and BERT's masked-token split."""

from __future__ import annotations

from fractions import Fraction

from solvers._checks import whole_number


def word2vec_params(vocab: int, dim: int) -> int:
    """Parameters of word2vec, CBOW or skip-gram alike (Mikolov et al., 2013): the input
    embedding W_in (V×d) and the output matrix W_out (d×V), no biases: 2·V·d.

    The context window changes how many rows an update touches, never the count.
    """
    return 2 * whole_number("vocab", vocab) * whole_number("dim", dim)


def negative_sampling_rows(k: int, context: int = 1) -> int:
    """Output vectors one skip-gram (center, context) pair updates with k negative samples:
    the context word's and the k negatives' rows of W_out (k + 1), times pairs."""
    return (whole_number("k", k, 0) + 1) * whole_number("context", context)


def _half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def bert_masking_counts(
    n_tokens: int, rate: float = 0.15, mask: float = 0.8, random: float = 0.1
) -> tuple[int, int, int, int]:
    """BERT's masked-LM split as a fixed count (Devlin et al., 2019): round(rate·N) tokens are
    selected (rounded half up), of those round(mask·selected) become [MASK],
    round(random·selected) a random token, and the rest stay unchanged; the loss is computed on
    every selected token.

    Returns:
        (selected, [MASK], random, unchanged).

    Raises:
        ValueError: N < 1, or shares outside [0, 1] or summing past 1.
    """
    n = whole_number("n_tokens", n_tokens)
    r, m, x = (Fraction(repr(float(v))) for v in (rate, mask, random))
    if not (0 <= r <= 1 and m >= 0 and x >= 0 and m + x <= 1):
        raise ValueError("rate, mask and random must be shares with mask + random ≤ 1")
    selected = _half_up(r * n)
    masked, randomized = _half_up(m * selected), _half_up(x * selected)
    return selected, masked, randomized, selected - masked - randomized
