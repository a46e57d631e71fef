"""Parameter counts of recurrent layers: simple RNN, GRU and LSTM.

Each gate (and the candidate) is one affine map from the concatenation [xₜ, hₜ₋₁] to the hidden
size, so a cell with g such blocks has g·h·(n_in + h) weights. Biases depend on the framework:
Keras keeps one bias vector per block (its LSTM, and GRU with ``reset_after=False``), PyTorch keeps
two (b_ih and b_hh), so ``bias_vectors`` says which convention a count follows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import real_array, whole_number

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


# --------------------------------------------------------------------------------- cell steps


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _step_inputs(x: Any, h: Any, wx: Any, wh: Any, b: Any) -> np.ndarray:
    """x·Wx + h·Wh + b for a batch: x (N, D), h (N, H), Wx (D, kH), Wh (H, kH), b (kH,)."""
    xa, ha = real_array("x", x), real_array("h", h)
    wxa, wha, ba = real_array("wx", wx), real_array("wh", wh), real_array("b", b)
    if xa.shape[-1] != wxa.shape[0] or ha.shape[-1] != wha.shape[0]:
        raise ValueError(
            f"shapes do not chain: x {xa.shape}·wx {wxa.shape}, h {ha.shape}·wh {wha.shape}"
        )
    return xa @ wxa + ha @ wha + ba


def rnn_cell_step(x: Any, h: Any, wx: Any, wh: Any, b: Any) -> np.ndarray:
    """One step of a simple RNN: hₜ = tanh(xₜWx + hₜ₋₁Wh + b) (row vectors, as in ゼロから作る)."""
    return np.tanh(_step_inputs(x, h, wx, wh, b))


def lstm_cell_step(
    x: Any, h: Any, c: Any, wx: Any, wh: Any, b: Any
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step with the four blocks side by side in the order f, g, i, o (ゼロから作る
    Deep Learning 2's layout): A = xWx + hWh + b split into four H-wide slices,
    c' = σ(f)⊙c + tanh(g)⊙σ(i), h' = σ(o)⊙tanh(c').

    Returns:
        (h', c').
    """
    a = _step_inputs(x, h, wx, wh, b)
    hidden = real_array("h", h).shape[-1]
    if a.shape[-1] != 4 * hidden:
        raise ValueError(f"the weights must give 4H = {4 * hidden} columns, got {a.shape[-1]}")
    f, g, i, o = (a[..., k * hidden : (k + 1) * hidden] for k in range(4))
    c_next = _sigmoid(f) * real_array("c", c) + np.tanh(g) * _sigmoid(i)
    return _sigmoid(o) * np.tanh(c_next), c_next


def lstm_cell_hidden(x: Any, h: Any, c: Any, wx: Any, wh: Any, b: Any) -> np.ndarray:
    """h' of :func:`lstm_cell_step`."""
    return lstm_cell_step(x, h, c, wx, wh, b)[0]


def lstm_cell_memory(x: Any, h: Any, c: Any, wx: Any, wh: Any, b: Any) -> np.ndarray:
    """c' of :func:`lstm_cell_step`."""
    return lstm_cell_step(x, h, c, wx, wh, b)[1]


def gru_cell_step(x: Any, h: Any, wx: Any, wh: Any, b: Any) -> np.ndarray:
    """One GRU step with the blocks in the order z, r, candidate (ゼロから作るDeep Learning 2 の式):
    z = σ(xWxz + hWhz + bz), r = σ(xWxr + hWhr + br), h̃ = tanh(xWxh + (r⊙h)Whh + bh),
    h' = (1 − z)⊙h + z⊙h̃.

    Args:
        wx: (D, 3H); wh: (H, 3H); b: (3H,).
    """
    xa, ha = real_array("x", x), real_array("h", h)
    wxa, wha, ba = real_array("wx", wx), real_array("wh", wh), real_array("b", b)
    hidden = ha.shape[-1]
    if wxa.shape[-1] != 3 * hidden or wha.shape != (hidden, 3 * hidden):
        raise ValueError(f"GRU weights must give 3H = {3 * hidden} columns")
    gx = xa @ wxa + ba
    z = _sigmoid(gx[..., :hidden] + ha @ wha[:, :hidden])
    r = _sigmoid(gx[..., hidden : 2 * hidden] + ha @ wha[:, hidden : 2 * hidden])
    candidate = np.tanh(gx[..., 2 * hidden :] + (r * ha) @ wha[:, 2 * hidden :])
    return (1 - z) * ha + z * candidate
