"""Tabular reinforcement learning by hand: returns, ε-greedy policies and one-step updates.

Rewards are indexed as in Sutton & Barto: the reward after the action at time t is r_{t+1}, so
the return G_t = r_{t+1} + γr_{t+2} + γ²r_{t+3} + … weighs the first reward by γ⁰ = 1. An update
returns the new value of the entry it changes; ``terminal=True`` means s′ ends the episode, so
nothing is bootstrapped from it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _discount(gamma: Any) -> float:
    g = finite("gamma", gamma)
    if not 0 <= g <= 1:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma!r}")
    return g


def _step_size(alpha: Any) -> float:
    a = finite("alpha", alpha)
    if not 0 < a <= 1:
        raise ValueError(f"alpha must lie in (0, 1], got {alpha!r}")
    return a


def _values(name: str, values: Any) -> np.ndarray:
    v = real_array(name, values)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a non-empty 1-D list of finite numbers, got {values!r}")
    return v


def returns(rewards: Any, gamma: float) -> np.ndarray:
    """割引収益 G_t for every t of an episode, by G_t = r_{t+1} + γG_{t+1} from the end
    (G after the last reward is 0).

    Args:
        rewards: r₁, r₂, …, r_T in order.
        gamma: the discount rate γ in [0, 1].

    Raises:
        ValueError: no rewards, a non-finite one, or γ outside [0, 1].
    """
    r = _values("rewards", rewards)
    g = _discount(gamma)
    out = np.empty_like(r, dtype=np.float64)
    acc = 0.0
    for t in range(r.size - 1, -1, -1):
        acc = r[t] + g * acc
        out[t] = acc
    return out


def discounted_return(rewards: Any, gamma: float) -> float:
    """G₀ = Σₖ γᵏ r_{k+1}: the return from the start of the episode.

    Raises:
        ValueError: as for :func:`returns`.
    """
    r = _values("rewards", rewards)
    return float(np.dot(_discount(gamma) ** np.arange(r.size), r))


def epsilon_greedy_probs(q_values: Any, epsilon: float) -> np.ndarray:
    """Each action's probability under ε-greedy: with probability ε an action uniformly at random
    (the greedy one included), otherwise the greedy one. A greedy action gets 1 − ε + ε/|A|, any
    other ε/|A|; tied maxima share the greedy 1 − ε equally.

    Raises:
        ValueError: no actions, a non-finite value, or ε outside [0, 1].
    """
    q = _values("q_values", q_values)
    eps = finite("epsilon", epsilon)
    if not 0 <= eps <= 1:
        raise ValueError(f"epsilon must lie in [0, 1], got {epsilon!r}")
    greedy = q == q.max()
    return eps / q.size + (1 - eps) * greedy / greedy.sum()


def _update(
    value: Any, reward: Any, bootstrap: float, alpha: Any, gamma: Any, terminal: bool
) -> float:
    v, r = finite("value", value), finite("reward", reward)
    a, g = _step_size(alpha), _discount(gamma)
    target = r if terminal else r + g * bootstrap
    return v + a * (target - v)


def q_learning_update(
    q: float, reward: float, next_q: Any, alpha: float, gamma: float, terminal: bool = False
) -> float:
    """Q 学習 (off-policy): Q(s,a) ← Q(s,a) + α[r + γ maxₐ′ Q(s′,a′) − Q(s,a)].

    Args:
        q: Q(s, a) before the update.
        reward: r received after a.
        next_q: Q(s′, ·) for every action in s′.
        alpha: step size in (0, 1]; gamma: discount rate in [0, 1].
        terminal: s′ ends the episode (the target is r alone).

    Raises:
        ValueError: non-finite input, or α, γ out of range.
    """
    best = float(_values("next_q", next_q).max())
    return _update(q, reward, best, alpha, gamma, terminal)


def sarsa_update(
    q: float, reward: float, next_q: float, alpha: float, gamma: float, terminal: bool = False
) -> float:
    """SARSA (on-policy): Q(s,a) ← Q(s,a) + α[r + γQ(s′,a′) − Q(s,a)], a′ being the action the
    policy actually takes next.

    Args:
        next_q: Q(s′, a′) of that next action.

    Raises:
        ValueError: as for :func:`q_learning_update`.
    """
    return _update(q, reward, finite("next_q", next_q), alpha, gamma, terminal)


def td0_update(
    v: float, reward: float, next_v: float, alpha: float, gamma: float, terminal: bool = False
) -> float:
    """TD(0) state-value update: V(s) ← V(s) + α[r + γV(s′) − V(s)].

    Raises:
        ValueError: as for :func:`q_learning_update`.
    """
    return _update(v, reward, finite("next_v", next_v), alpha, gamma, terminal)


def dqn_target(
    reward: float,
    next_q_target: Any,
    gamma: float,
    terminal: bool = False,
    next_q_online: Any = None,
) -> float:
    """The DQN regression target y = r + γ·maxₐ′ Q_target(s′, a′), or r when s′ is terminal.

    With ``next_q_online`` it is the Double DQN target: the online network picks
    a* = argmaxₐ′ Q_online(s′, a′) (the first on a tie) and the target network evaluates it,
    y = r + γ·Q_target(s′, a*).

    Raises:
        ValueError: non-finite input, γ outside [0, 1], or value lists of different lengths.
    """
    r, g = finite("reward", reward), _discount(gamma)
    target = _values("next_q_target", next_q_target)
    if next_q_online is None:
        bootstrap = float(target.max())
    else:
        online = _values("next_q_online", next_q_online)
        if online.shape != target.shape:
            raise ValueError("next_q_online and next_q_target must list the same actions")
        bootstrap = float(target[int(np.argmax(online))])
    return r if terminal else r + g * bootstrap


def dqn_targets(rewards: Any, next_q_target: Any, gamma: float, dones: Any) -> np.ndarray:
    """:func:`dqn_target` for a mini-batch: y = r + γ(1 − done)·maxₐ′ Q_target(s′, a′).

    Args:
        rewards, dones: (N,); dones is 1 where s′ is terminal, else 0.
        next_q_target: (N, A), the target network's values of every action in s′.

    Raises:
        ValueError: shapes that do not fit, a non-finite value, or γ outside [0, 1].
    """
    r, d = _batch("rewards", rewards), _batch("dones", dones)
    q = real_array("next_q_target", next_q_target).astype(np.float64)
    if q.ndim != 2 or q.shape[0] != r.size or d.shape != r.shape or not np.all(np.isfinite(q)):
        raise ValueError("next_q_target must be finite (N, A) for N rewards and dones")
    return r + _discount(gamma) * (1 - d) * q.max(axis=1)


def double_dqn_targets(
    rewards: Any, next_q_online: Any, next_q_target: Any, gamma: float, dones: Any
) -> np.ndarray:
    """Double DQN targets for a mini-batch: the online network picks a* = argmax Q_online(s′, ·)
    (the first on a tie), the target network values it: y = r + γ(1 − done)·Q_target(s′, a*).

    Raises:
        ValueError: as for :func:`dqn_targets`, or the two value arrays differ in shape.
    """
    online = real_array("next_q_online", next_q_online).astype(np.float64)
    target = real_array("next_q_target", next_q_target).astype(np.float64)
    if online.shape != target.shape or online.ndim != 2:
        raise ValueError("next_q_online and next_q_target must both be (N, A)")
    chosen = target[np.arange(target.shape[0]), online.argmax(axis=1)]
    r, d = _batch("rewards", rewards), _batch("dones", dones)
    if r.size != target.shape[0] or d.shape != r.shape or not np.all(np.isfinite(chosen)):
        raise ValueError("rewards and dones must have one entry per row")
    return r + _discount(gamma) * (1 - d) * chosen


def _batch(name: str, values: Any) -> np.ndarray:
    v = real_array(name, values).astype(np.float64)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a non-empty 1-D array of finite numbers")
    return v


def n_step_return(rewards: Any, next_value: float, gamma: float) -> float:
    """The n-step return G_t^(n) = r_{t+1} + γr_{t+2} + … + γ^(n−1)r_{t+n} + γⁿV(s_{t+n}) for the
    n = len(rewards) rewards after s_t, bootstrapped from next_value (0 if the episode ended).

    Raises:
        ValueError: no rewards, a non-finite value, or γ outside [0, 1].
    """
    r = _values("rewards", rewards)
    g = _discount(gamma)
    weights = g ** np.arange(r.size)
    return float(np.sum(weights * r) + g**r.size * finite("next_value", next_value))


def reinforce_loss(logits: Any, actions: Any, rewards: Any, gamma: float) -> float:
    """The REINFORCE surrogate loss of one episode (Williams, 1992), −Σ_t G_t·log π(a_t | s_t),
    whose gradient is minus the policy-gradient estimate; G_t from :func:`returns`, no baseline.

    Args:
        logits: (T, A) policy logits per step; actions: (T,) the actions taken; rewards: (T,)
            r_{t+1} after each action.

    Raises:
        ValueError: shapes that do not match, an action outside 0…A−1, or γ outside [0, 1].
    """
    z = real_array("logits", logits).astype(np.float64)
    a = np.asarray(actions).reshape(-1)
    g_t = returns(rewards, gamma)
    if z.ndim != 2 or z.shape[0] != g_t.size or a.size != g_t.size:
        raise ValueError(f"need logits (T, A), actions (T,), rewards (T,), got {z.shape}")
    if np.any((a < 0) | (a >= z.shape[1])) or np.any(a != np.round(a)):
        raise ValueError(f"actions must be indices 0…{z.shape[1] - 1}")
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(g_t * logp[np.arange(g_t.size), a.astype(int)]))
