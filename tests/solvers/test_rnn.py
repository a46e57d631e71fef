"""solvers.rnn: the counts of the exam's worked examples, an independent count that builds every
weight matrix and bias vector the way PyTorch and Keras name them, and the input checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.rnn import gru_params, lstm_params, params_ratio, recurrent_params, rnn_params

FAST = settings(max_examples=60, deadline=None)


def test_known_values():
    assert lstm_params(10, 20) == 2_480
    assert gru_params(10, 20) == 1_860
    assert rnn_params(10, 20) == 620
    assert lstm_params(10, 20, bias_vectors=0) == 2_400
    assert lstm_params(100, 100) == 80_400
    assert gru_params(100, 100) == 60_300
    # PyTorch nn.LSTM(10, 20): weight_ih 80×10, weight_hh 80×20, bias_ih 80, bias_hh 80
    assert lstm_params(10, 20, bias_vectors=2) == 80 * 10 + 80 * 20 + 80 + 80


def _by_matrices(gates: int, n_in: int, h: int, bias_vectors: int) -> int:
    """Count entry by entry: per block a W (h×n_in), a U (h×h) and bias_vectors biases (h)."""
    total = 0
    for _ in range(gates):
        total += sum(1 for _ in range(h) for _ in range(n_in))
        total += sum(1 for _ in range(h) for _ in range(h))
        total += bias_vectors * h
    return total


@FAST
@given(st.integers(1, 40), st.integers(1, 40), st.sampled_from([0, 1, 2]))
def test_matches_a_count_of_every_matrix(n_in, h, bias_vectors):
    assert rnn_params(n_in, h, bias_vectors) == _by_matrices(1, n_in, h, bias_vectors)
    assert gru_params(n_in, h, bias_vectors) == _by_matrices(3, n_in, h, bias_vectors)
    assert lstm_params(n_in, h, bias_vectors) == _by_matrices(4, n_in, h, bias_vectors)


@FAST
@given(st.integers(1, 200), st.integers(1, 200), st.sampled_from([0, 1, 2]))
def test_gru_is_three_quarters_of_lstm(n_in, h, bias_vectors):
    assert 4 * gru_params(n_in, h, bias_vectors) == 3 * lstm_params(n_in, h, bias_vectors)


@pytest.mark.parametrize(
    "call",
    [
        lambda: recurrent_params("transformer", 10, 20),
        lambda: lstm_params(0, 20),
        lambda: lstm_params(10, 2.5),
        lambda: lstm_params(10, 20, bias_vectors=3),
        lambda: lstm_params(10, 20, bias_vectors=True),
    ],
)
def test_invalid_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_params_ratio_worked_example():
    # 入力・隠れ状態 100: GRU 60,300 / LSTM 80,400 = 3/4
    assert params_ratio("gru", "lstm", 100, 100) == pytest.approx(0.75)
    assert params_ratio("rnn", "lstm", 10, 20) == pytest.approx(620 / 2_480)


@FAST
@given(st.integers(1, 500), st.integers(1, 500))
def test_params_ratio_is_the_ratio_of_gate_blocks_whatever_the_sizes(n_in, h):
    assert params_ratio("gru", "lstm", n_in, h) == pytest.approx(3 / 4)
    assert params_ratio("lstm", "rnn", n_in, h) == pytest.approx(4)


def test_params_ratio_rejects_an_unknown_cell():
    with pytest.raises(ValueError, match="cell"):
        params_ratio("gru", "transformer", 10, 10)


# --------------------------------------------------------------------------------- cell steps

import math  # noqa: E402

import numpy as np  # noqa: E402

from solvers.rnn import gru_cell_step, lstm_cell_step, rnn_cell_step  # noqa: E402


def _sig(v):
    return 1 / (1 + math.exp(-v))


def _affine(x, h, wx, wh, b, col):
    return (
        sum(x[d] * wx[d][col] for d in range(len(x)))
        + sum(h[k] * wh[k][col] for k in range(len(h)))
        + b[col]
    )


def _random(seed, d, hidden, blocks):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=d).tolist(),
        rng.normal(size=hidden).tolist(),
        rng.normal(size=hidden).tolist(),
        rng.normal(size=(d, blocks * hidden)).tolist(),
        rng.normal(size=(hidden, blocks * hidden)).tolist(),
        rng.normal(size=blocks * hidden).tolist(),
    )


@pytest.mark.parametrize("seed", range(5))
def test_cells_match_scalar_loops(seed):
    x, h, c, wx, wh, b = _random(seed, 3, 2, 1)
    want = [math.tanh(_affine(x, h, wx, wh, b, j)) for j in range(2)]
    assert rnn_cell_step([x], [h], wx, wh, b)[0] == pytest.approx(want)

    x, h, c, wx, wh, b = _random(seed, 3, 2, 4)
    a = [_affine(x, h, wx, wh, b, j) for j in range(8)]
    f, g, i, o = a[0:2], a[2:4], a[4:6], a[6:8]
    c2 = [_sig(f[j]) * c[j] + math.tanh(g[j]) * _sig(i[j]) for j in range(2)]
    h2 = [_sig(o[j]) * math.tanh(c2[j]) for j in range(2)]
    got_h, got_c = lstm_cell_step([x], [h], [c], wx, wh, b)
    assert got_h[0] == pytest.approx(h2)
    assert got_c[0] == pytest.approx(c2)

    x, h, _, wx, wh, b = _random(seed, 3, 2, 3)
    z = [_sig(_affine(x, h, wx, wh, b, j)) for j in range(2)]
    r = [_sig(_affine(x, h, wx, wh, b, 2 + j)) for j in range(2)]
    rh = [r[j] * h[j] for j in range(2)]
    cand = [
        math.tanh(
            sum(x[d] * wx[d][4 + j] for d in range(3))
            + sum(rh[k] * wh[k][4 + j] for k in range(2))
            + b[4 + j]
        )
        for j in range(2)
    ]
    want = [(1 - z[j]) * h[j] + z[j] * cand[j] for j in range(2)]
    assert gru_cell_step([x], [h], wx, wh, b)[0] == pytest.approx(want)
