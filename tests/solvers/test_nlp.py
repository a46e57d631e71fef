"""solvers.nlp: word2vec's two matrices counted from their shapes; BERT's split by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solvers.nlp import bert_masking_counts, negative_sampling_rows, word2vec_params


@given(st.integers(1, 10**6), st.integers(1, 1024))
def test_word2vec_is_two_v_by_d_matrices(v, d):
    w_in, w_out = (v, d), (d, v)
    assert word2vec_params(v, d) == w_in[0] * w_in[1] + w_out[0] * w_out[1]


def test_negative_sampling_rows():
    assert negative_sampling_rows(5) == 6
    assert negative_sampling_rows(5, context=4) == 24


@given(st.integers(1, 5000))
def test_bert_counts_add_up(n):
    sel, mask, rnd, same = bert_masking_counts(n)
    assert sel == int(n * 15 / 100 + 0.5) if (n * 15) % 100 != 50 else sel == (n * 15 + 50) // 100
    assert mask + rnd + same == sel
    assert mask == (8 * sel + 5) // 10
    assert rnd == (sel + 5) // 10


def test_bert_known_values():
    assert bert_masking_counts(512) == (77, 62, 8, 7)
    assert bert_masking_counts(200) == (30, 24, 3, 3)
    with pytest.raises(ValueError):
        bert_masking_counts(10, mask=0.95)
