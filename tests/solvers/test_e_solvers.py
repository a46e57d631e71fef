"""The E資格 solvers against independent formulations: information theory against its
identities, estimates against a grid search of the likelihood, k-NN and k-means against brute
force, the optimiser steps against written-out loops, the generative-model terms against
numerical integration and recursions, and the backward passes against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import (
    dropout,
    estimation,
    generative,
    information,
    initialization,
    losses,
    metrics,
    neighbors,
    normalization,
    optim,
    rl,
)

probs = st.lists(st.integers(1, 20), min_size=2, max_size=5).map(
    lambda xs: [x / sum(xs) for x in xs]
)


# ------------------------------------------------------------------------- information


def test_entropy_golden_values():
    assert information.entropy([0.5, 0.25, 0.25], 2) == pytest.approx(1.5)
    assert information.entropy([1.0, 0.0]) == 0.0
    assert information.entropy([0.25] * 4, 2) == pytest.approx(2.0)


@settings(max_examples=60, deadline=None)
@given(probs, st.data())
def test_divergences_satisfy_their_identities(p, data):
    q = data.draw(probs.filter(lambda q: len(q) == len(p)))
    h = -sum(x * math.log(x) for x in p)
    ce = -sum(x * math.log(y) for x, y in zip(p, q, strict=True))
    assert information.entropy(p) == pytest.approx(h)
    assert information.cross_entropy_dist(p, q) == pytest.approx(ce)
    assert information.kl_divergence(p, q) == pytest.approx(ce - h, abs=1e-12)
    assert information.kl_divergence(p, q) >= -1e-12
    m = [(x + y) / 2 for x, y in zip(p, q, strict=True)]
    js = information.entropy(m) - (information.entropy(p) + information.entropy(q)) / 2
    assert information.js_divergence(p, q) == pytest.approx(js, abs=1e-12)
    assert information.js_divergence(p, q) == pytest.approx(information.js_divergence(q, p))
    assert information.js_divergence(p, q, 2) <= 1 + 1e-12
    assert information.kl_divergence(p, q, 2) == pytest.approx(
        information.kl_divergence(p, q) / math.log(2)
    )


def test_perplexity_is_the_inverse_geometric_mean():
    assert information.perplexity([0.5, 0.25, 0.125]) == pytest.approx(4.0)
    assert information.perplexity([0.1] * 7) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: information.entropy([0.5, 0.6]),
        lambda: information.kl_divergence([0.5, 0.5], [1.0, 0.0]),
        lambda: information.cross_entropy_dist([0.5, 0.5], [0.2, 0.3, 0.5]),
        lambda: information.entropy([0.5, 0.5], base=1),
        lambda: information.perplexity([0.5, 0.0]),
    ],
)
def test_information_refuses_bad_input(call):
    with pytest.raises(ValueError):
        call()


# -------------------------------------------------------------------------- estimation


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 4), (7, 7), (5, 12)])
def test_bernoulli_mle_maximises_the_likelihood(k, n):
    grid = np.linspace(0, 1, 10001)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = np.nan_to_num(k * np.log(grid) + (n - k) * np.log1p(-grid), nan=-np.inf)
    assert estimation.bernoulli_mle(k, n) == pytest.approx(grid[np.argmax(loglik)], abs=1e-4)


@pytest.mark.parametrize(("k", "n", "a", "b"), [(3, 10, 2, 2), (0, 5, 3, 2), (9, 9, 1, 3)])
def test_beta_map_maximises_the_posterior(k, n, a, b):
    grid = np.linspace(1e-6, 1 - 1e-6, 200001)
    log_post = (k + a - 1) * np.log(grid) + (n - k + b - 1) * np.log1p(-grid)
    want = grid[np.argmax(log_post)]
    assert estimation.beta_bernoulli_map(k, n, a, b) == pytest.approx(want, abs=1e-4)
    assert estimation.beta_bernoulli_mean(k, n, a, b) == pytest.approx((k + a) / (n + a + b))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12))
def test_gaussian_mle_is_mean_and_population_variance(xs):
    import statistics

    mu, var = estimation.gaussian_mle(xs)
    assert mu == pytest.approx(statistics.fmean(xs))
    assert var == pytest.approx(statistics.pvariance(xs), abs=1e-9)


def test_estimation_refuses_bad_input():
    with pytest.raises(ValueError):
        estimation.bernoulli_mle(5, 4)
    with pytest.raises(ValueError):
        estimation.beta_bernoulli_map(0, 3, 0.5, 2)
    with pytest.raises(ValueError):
        estimation.gaussian_mle([])


# ----------------------------------------------------------------------------- k-NN


def _brute_knn(x, y, q, k, dist):
    ds = [(dist(p, q), i) for i, p in enumerate(x)]
    ds.sort()
    top = [y[i] for _, i in ds[:k]]
    best = max(top.count(c) for c in set(top))
    return next(c for c in top if top.count(c) == best), best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), min_size=5, max_size=9),
    st.tuples(st.integers(1, 9), st.integers(1, 9)),
    st.sampled_from([1, 3, 5]),
    st.randoms(use_true_random=False),
)
def test_knn_vote_matches_brute_force(points, q, k, rnd):
    labels = [rnd.randint(0, 2) for _ in points]
    dists = {
        "euclidean": lambda a, b: (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2,
        "manhattan": lambda a, b: abs(a[0] - b[0]) + abs(a[1] - b[1]),
    }
    for metric, dist in dists.items():
        got = neighbors.knn_vote(points, labels, q, k, metric)
        assert got == _brute_knn(points, labels, q, k, dist)
    euclidean = _brute_knn(points, labels, q, k, dists["euclidean"])[0]
    assert neighbors.knn_predict(points, labels, q, k) == euclidean


def test_cosine_distance_golden():
    d = neighbors.distances([[1, 0], [0, 2], [1, 1]], [1, 0], "cosine")
    assert d == pytest.approx([0.0, 1.0, 1 - 1 / math.sqrt(2)])


def test_kmeans_step_matches_loops():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0], [10.0, 8.0], [0.0, 1.0]])
    c = np.array([[0.0, 0.0], [10.0, 10.0], [50.0, 50.0]])
    labels = neighbors.kmeans_assign(x, c)
    want = [min(range(3), key=lambda j, p=p: ((p - c[j]) ** 2).sum()) for p in x]
    assert labels.tolist() == want
    moved = neighbors.kmeans_update(x, labels, c)
    assert moved[0] == pytest.approx([1 / 3, 1 / 3])
    assert moved[1] == pytest.approx([9.5, 8.5])
    assert moved[2] == pytest.approx([50.0, 50.0])  # no points: stays


# ---------------------------------------------------------------------- initialisation


@pytest.mark.parametrize(("fi", "fo"), [(256, 256), (300, 500), (10, 90)])
def test_init_scales(fi, fo):
    assert initialization.xavier_scale(fi, fo) == pytest.approx(math.sqrt(2 / (fi + fo)))
    a = initialization.xavier_scale(fi, fo, "uniform")
    assert a * a / 3 == pytest.approx(2 / (fi + fo))  # U(−a, a) has variance a²/3
    assert initialization.he_scale(fi) == pytest.approx(math.sqrt(2 / fi))
    assert initialization.he_scale(fi, "uniform") == pytest.approx(math.sqrt(6 / fi))


def test_init_from_draws():
    z = np.ones((8, 3))
    assert initialization.he_normal(z) == pytest.approx(np.full((8, 3), 0.5))
    u = np.array([[0.0, 1.0, 0.5]])
    limit = math.sqrt(6 / 4)
    assert initialization.xavier_uniform(u) == pytest.approx(np.array([[-limit, limit, 0.0]]))


# -------------------------------------------------------------------------- optimisers


def test_nesterov_converges_faster_than_momentum_on_a_quadratic():
    w_n = w_m = 5.0
    v_n = v_m = 0.0
    for _ in range(30):
        w_n, v_n = optim.nesterov_step(w_n, v_n, 2 * (w_n + 0.9 * v_n), 0.05, 0.9)
        w_m, v_m = optim.momentum_step(w_m, v_m, 2 * w_m, 0.05, 0.9)
    assert abs(w_n) < abs(w_m)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=6),
    st.floats(0.01, 0.5),
    st.floats(0.5, 0.99),
)
def test_adaptive_steps_match_loops(grads, lr, rho):
    w_a = w_r = 1.0
    h_a = h_r = 0.0
    acc = ema = 0.0
    ref_a = ref_r = 1.0
    for g in grads:
        w_a, h_a = optim.adagrad_step(w_a, h_a, g, lr, eps=1e-7)
        w_r, h_r = optim.rmsprop_step(w_r, h_r, g, lr, rho, eps=1e-7)
        acc += g * g
        ema = rho * ema + (1 - rho) * g * g
        ref_a -= lr * g / (math.sqrt(acc) + 1e-7)
        ref_r -= lr * g / (math.sqrt(ema) + 1e-7)
    assert (w_a, h_a) == pytest.approx((ref_a, acc))
    assert (w_r, h_r) == pytest.approx((ref_r, ema))


def test_adaptive_steps_on_arrays_and_zero_history():
    w, h = optim.adagrad_step([1.0, 2.0], [0.0, 0.0], [0.5, 0.0], 0.1)
    assert w == pytest.approx([0.9, 2.0])
    assert h == pytest.approx([0.25, 0.0])
    with pytest.raises(ValueError):
        optim.rmsprop_step(1.0, -1.0, 1.0, 0.1)


# ---------------------------------------------------------------------- generative models


@pytest.mark.parametrize(("mu", "log_var"), [(0.0, 0.0), (1.2, -0.7), (-0.5, 1.1)])
def test_vae_kl_matches_numerical_integration(mu, log_var):
    sigma = math.exp(log_var / 2)
    x = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 200001)
    q = np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    p = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    kl = np.trapezoid(q * (np.log(q) - np.log(p)), x)
    assert generative.vae_kl([mu], [log_var]) == pytest.approx(kl, abs=1e-6)
    assert generative.vae_kl([[mu, 0.0]], [[log_var, 0.0]]) == pytest.approx([kl], abs=1e-6)


def test_reparameterize():
    z = generative.reparameterize([1.0, -1.0], [0.0, math.log(4.0)], [0.5, 0.5])
    assert z == pytest.approx([1.5, 0.0])


def test_gan_losses_are_binary_cross_entropies():
    real, fake = [0.8, 0.6], [0.3, 0.1]
    want = losses.binary_cross_entropy(np.array(real), np.ones(2)) + losses.binary_cross_entropy(
        np.array(fake), np.zeros(2)
    )
    assert generative.gan_discriminator_loss(real, fake) == pytest.approx(want)
    assert generative.gan_generator_loss(fake) == pytest.approx(
        losses.binary_cross_entropy(np.array(fake), np.ones(2))
    )
    assert generative.gan_generator_loss(fake, non_saturating=False) == pytest.approx(
        np.mean(np.log(1 - np.array(fake)))
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.001, 0.5), min_size=1, max_size=8), st.floats(-3, 3))
def test_diffusion_marginal_matches_the_step_recursion(betas, x0):
    mean, var = x0, 0.0
    for b in betas:  # q(x_t | x_(t−1)) = N(√(1 − β)x, β): mean and variance step by step
        mean, var = math.sqrt(1 - b) * mean, (1 - b) * var + b
    got_mean, got_var = generative.diffusion_marginal(x0, betas, len(betas))
    assert got_mean == pytest.approx(mean, abs=1e-12)
    assert got_var == pytest.approx(var)
    a = generative.alpha_bar(betas, len(betas))
    assert generative.diffusion_noise([x0], [0.0], a) == pytest.approx([mean], abs=1e-12)


# ---------------------------------------------------------------------------------- DQN


def test_dqn_targets():
    assert rl.dqn_target(1.0, [0.5, 2.0], 0.9) == pytest.approx(2.8)
    assert rl.dqn_target(1.0, [0.5, 2.0], 0.9, terminal=True) == 1.0
    assert rl.dqn_target(1.0, [0.5, 2.0], 0.9, next_q_online=[3.0, 1.0]) == pytest.approx(1.45)
    target = rl.dqn_target(0.0, [0.2, 0.7], 0.5)
    assert target == pytest.approx(rl.q_learning_update(0.0, 0.0, [0.2, 0.7], 1.0, 0.5))


# ---------------------------------------------------------------------- backward passes


def _numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        g[idx] = (f(up) - f(down)) / (2 * h)
    return g


def test_batch_norm_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, dy = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    gamma, beta = np.array([1.5, -0.5, 2.0]), np.array([0.1, 0.2, 0.3])
    dx, dgamma, dbeta = normalization.batch_norm_backward(x, gamma, dy, eps=1e-5)

    def loss(xx, g=gamma, b=beta):
        return float(np.sum(normalization.batch_norm(xx, g, b, 1e-5) * dy))

    assert dx == pytest.approx(_numeric_grad(loss, x), abs=1e-6)
    assert dgamma == pytest.approx(_numeric_grad(lambda g: loss(x, g), gamma), abs=1e-6)
    assert dbeta == pytest.approx(_numeric_grad(lambda b: loss(x, gamma, b), beta), abs=1e-6)


def test_inverted_dropout_keeps_the_expectation_and_its_gradient():
    x, u = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.1, 0.5, 0.7, 0.2])
    out = dropout.inverted_dropout(x, u, 0.4)
    assert out == pytest.approx([0.0, 2 / 0.6, 3 / 0.6, 0.0])
    grad = dropout.inverted_dropout_backward(np.ones(4), u, 0.4)
    assert grad == pytest.approx(
        _numeric_grad(lambda xx: float(dropout.inverted_dropout(xx, u, 0.4).sum()), x)
    )
    draws = np.random.default_rng(1).random(200000)
    assert dropout.inverted_dropout(np.ones_like(draws), draws, 0.3).mean() == pytest.approx(
        1.0, abs=0.01
    )


def test_precision_recall_from_labels():
    y_true, y_pred = [1, 0, 1, 1, 0, 1], [1, 1, 0, 1, 0, 0]
    tp = sum(t and p for t, p in zip(y_true, y_pred, strict=True))
    assert metrics.precision_recall(y_true, y_pred) == pytest.approx(
        (tp / sum(y_pred), tp / sum(y_true))
    )


def test_batched_dqn_targets_match_the_scalar_target():
    rewards, dones = [1.0, 0.0, -1.0], [0.0, 1.0, 0.0]
    online = [[0.1, 0.9], [2.0, 1.0], [0.3, -0.2]]
    target = [[0.5, -0.4], [1.0, 3.0], [-0.6, 0.7]]
    want = [
        rl.dqn_target(r, t, 0.9, bool(d)) for r, t, d in zip(rewards, target, dones, strict=True)
    ]
    assert rl.dqn_targets(rewards, target, 0.9, dones) == pytest.approx(want)
    want = [
        rl.dqn_target(r, t, 0.9, bool(d), next_q_online=o)
        for r, o, t, d in zip(rewards, online, target, dones, strict=True)
    ]
    assert rl.double_dqn_targets(rewards, online, target, 0.9, dones) == pytest.approx(want)
