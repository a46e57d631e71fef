"""Parameter counts of recurrent layers: simple RNN, GRU and LSTM.

Each gate (and the candidate) is one affine map from the concatenation [xₜ, hₜ₋₁] to the hidden
size, so a cell with g such blocks has g·h·(n_in + h) weights. Biases depend on the framework:
Keras keeps one bias vector per block (its LSTM, and GRU with ``reset_after=False``), PyTorch keeps
two (b_ih and b_hh), so ``bias_vectors`` says which convention a count follows.
"""

from __future__ import annotations

from solvers._checks import whole_number

GATE_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}
"""Affine blocks per cell: the RNN's single tanh, GRU's update and reset gates plus candidate,
LSTM's forget, input and output gates plus candidate."""


def recurrent_params(cell: str, input_size: int, hidden_size: int, bias_vectors: int = 1) -> int:
    """Learnable parameters of one recurrent layer (one direction, one stacked layer).

    Args:
        cell: "rnn", "gru" or "lstm".
        input_size, hidden_size: n_in and h.
        bias_vectors: bias vectors per block: 0 (none), 1 (Keras) or 2 (PyTorch b_ih + b_hh).

    Returns:
        blocks·(h·(n_in + h) + bias_vectors·h).

    Raises:
        ValueError: an unknown cell, a size < 1 or not an integer, bias_vectors not 0, 1 or 2.
    """
    if cell not in GATE_BLOCKS:
        raise ValueError(f"cell must be one of {sorted(GATE_BLOCKS)}, got {cell!r}")
    n_in, h = whole_number("input_size", input_size), whole_number("hidden_size", hidden_size)
    if isinstance(bias_vectors, bool) or bias_vectors not in (0, 1, 2):
        raise ValueError(f"bias_vectors must be 0, 1 or 2, got {bias_vectors!r}")
    return GATE_BLOCKS[cell] * (h * (n_in + h) + int(bias_vectors) * h)


def params_ratio(cell: str, reference: str, input_size: int, hidden_size: int) -> float:
    """Parameters of one recurrent cell as a share of another's, for the same sizes.

    Items compare cells ("GRU は LSTM の約 3/4"); with one bias vector per block the share is the
    ratio of their gate blocks whatever the sizes, which this recomputes from the two counts.

    Raises:
        ValueError: as for :func:`recurrent_params`.
    """
    return recurrent_params(cell, input_size, hidden_size) / recurrent_params(
        reference, input_size, hidden_size
    )


def rnn_params(input_size: int, hidden_size: int, bias_vectors: int = 1) -> int:
    """Simple (Elman) RNN: h·(n_in + h) + bias_vectors·h; see :func:`recurrent_params`."""
    return recurrent_params("rnn", input_size, hidden_size, bias_vectors)


def gru_params(input_size: int, hidden_size: int, bias_vectors: int = 1) -> int:
    """GRU: 3 blocks, so 3/4 of an LSTM of the same sizes; see :func:`recurrent_params`."""
    return recurrent_params("gru", input_size, hidden_size, bias_vectors)


def lstm_params(input_size: int, hidden_size: int, bias_vectors: int = 1) -> int:
    """LSTM: 4 blocks (3 gates and the candidate); see :func:`recurrent_params`."""
    return recurrent_params("lstm", input_size, hidden_size, bias_vectors)
