"""solvers.rl: golden values, the return's recursion against its sum in exact fractions, and the
properties of ε-greedy and of the one-step updates."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import rl

FAST = settings(max_examples=60, deadline=None)
rewards = st.lists(st.integers(-5, 10), min_size=1, max_size=10)
unit = st.fractions(0, 1, max_denominator=20)
step = st.fractions(Fraction(1, 20), 1, max_denominator=20)
small = st.fractions(-10, 10, max_denominator=10)


def test_returns_golden():
    # G₀ = 1 + 0.9·0 + 0.81·2 = 2.62: the first reward is not discounted
    assert rl.discounted_return([1, 0, 2], 0.9) == pytest.approx(2.62)
    assert rl.returns([1, 0, 2], 0.9).tolist() == pytest.approx([2.62, 1.8, 2.0])
    assert rl.discounted_return([5], 0.5) == 5
    assert rl.discounted_return([1, 1, 1], 0) == 1


@given(rewards, unit)
@FAST
def test_return_is_the_discounted_sum_and_obeys_the_recursion(rs, gamma):
    exact = [sum(gamma**k * r for k, r in enumerate(rs[t:])) for t in range(len(rs))]
    g = float(gamma)
    assert rl.discounted_return(rs, g) == pytest.approx(float(exact[0]), abs=1e-9)
    assert rl.returns(rs, g).tolist() == pytest.approx([float(v) for v in exact], abs=1e-9)
    # undiscounted: the plain sum
    assert rl.discounted_return(rs, 1) == sum(rs)


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6), unit)
@FAST
def test_epsilon_greedy_is_a_distribution_favouring_the_greedy_actions(qs, eps):
    probs = rl.epsilon_greedy_probs(qs, float(eps))
    assert probs.sum() == pytest.approx(1)
    n = len(qs)
    best = [i for i, q in enumerate(qs) if q == max(qs)]
    for i, p in enumerate(probs):
        share = eps / n + ((1 - eps) / len(best) if i in best else 0)
        assert p == pytest.approx(float(share))
        assert p >= float(eps) / n - 1e-12


def test_epsilon_greedy_golden_and_errors():
    assert rl.epsilon_greedy_probs([1, 3, 2], 0.1).tolist() == pytest.approx(
        [0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3]
    )
    assert rl.epsilon_greedy_probs([1, 3, 2], 1).tolist() == pytest.approx([1 / 3] * 3)
    assert rl.epsilon_greedy_probs([1, 3, 2], 0).tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match="epsilon"):
        rl.epsilon_greedy_probs([1, 2], 1.5)
    with pytest.raises(ValueError, match="q_values"):
        rl.epsilon_greedy_probs([], 0.1)


def test_updates_golden():
    # target 1 + 0.9·0.8 = 1.72; 0.5 + 0.1·(1.72 − 0.5) = 0.622
    assert rl.q_learning_update(0.5, 1, [0.8, 0.2], 0.1, 0.9) == pytest.approx(0.622)
    assert rl.sarsa_update(0.5, 1, 0.2, 0.1, 0.9) == pytest.approx(0.5 + 0.1 * (1.18 - 0.5))
    assert rl.td0_update(0, 1, 2, 0.5, 0.5) == 1
    assert rl.q_learning_update(0.5, 1, [9], 0.1, 0.9, terminal=True) == pytest.approx(0.55)


@given(q=small, r=small, nexts=st.lists(small, min_size=1, max_size=4), alpha=step, gamma=unit)
@FAST
def test_updates_match_the_exact_rules(q, r, nexts, alpha, gamma):
    f = float
    target = r + gamma * max(nexts)
    assert rl.q_learning_update(f(q), f(r), [f(v) for v in nexts], f(alpha), f(gamma)) == (
        pytest.approx(f(q + alpha * (target - q)), abs=1e-9)
    )
    sarsa_target = r + gamma * nexts[0]
    assert rl.sarsa_update(f(q), f(r), f(nexts[0]), f(alpha), f(gamma)) == pytest.approx(
        f(q + alpha * (sarsa_target - q)), abs=1e-9
    )
    # TD(0) is SARSA's rule on state values; α = 1 jumps to the target
    assert rl.td0_update(f(q), f(r), f(nexts[0]), f(alpha), f(gamma)) == pytest.approx(
        rl.sarsa_update(f(q), f(r), f(nexts[0]), f(alpha), f(gamma))
    )
    assert rl.td0_update(f(q), f(r), f(nexts[0]), 1, f(gamma)) == pytest.approx(f(sarsa_target))
    # Q-learning's target is never below SARSA's for the same next state
    assert (
        rl.q_learning_update(f(q), f(r), [f(v) for v in nexts], f(alpha), f(gamma))
        >= rl.sarsa_update(f(q), f(r), f(nexts[0]), f(alpha), f(gamma)) - 1e-12
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rl.td0_update(0, 1, 2, 0, 0.9), "alpha"),
        (lambda: rl.td0_update(0, 1, 2, 0.5, 1.1), "gamma"),
        (lambda: rl.q_learning_update(0, 1, [], 0.5, 0.9), "next_q"),
        (lambda: rl.discounted_return([], 0.9), "rewards"),
        (lambda: rl.sarsa_update(float("nan"), 1, 2, 0.5, 0.9), "finite"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()
