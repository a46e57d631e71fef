"""The solvers references that the E資格 code items grade against, each held to an independent
formulation (loops, closed forms, a second algorithm) so that a wrong reference cannot make a
wrong option the keyed one."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import generative, losses, metrics, neighbors, normalization, optim, rl, segmentation
from solvers import transformer as tf

RNG = np.random.default_rng(7)


def test_unet_skip_concat_crops_the_centre_and_puts_the_encoder_first() -> None:
    enc = RNG.normal(size=(2, 3, 7, 6))
    dec = RNG.normal(size=(2, 2, 4, 3))
    out = segmentation.unet_skip_concat(enc, dec)
    assert out.shape == (2, 5, 4, 3)
    for n, c, i, j in product(range(2), range(3), range(4), range(3)):
        assert out[n, c, i, j] == enc[n, c, i + 1, j + 1]  # margins 3 and 3: top 1, left 1
    assert np.array_equal(out[:, 3:], dec)
    with pytest.raises(ValueError):
        segmentation.unet_skip_concat(dec, enc)


def test_key_padding_mask_marks_the_real_tokens() -> None:
    mask = tf.key_padding_mask([2, 4, 1], 4)
    want = [[j < n for j in range(4)] for n in (2, 4, 1)]
    assert mask.tolist() == want
    for bad in ([0, 2], [5], [1.5]):
        with pytest.raises(ValueError):
            tf.key_padding_mask(bad, 4)


def test_padding_mask_equals_attending_to_the_real_keys_only() -> None:
    q, k, v = RNG.normal(size=(3, 4)), RNG.normal(size=(5, 4)), RNG.normal(size=(5, 2))
    mask = tf.key_padding_mask([3], 5)[0]
    assert np.allclose(tf.attention(q, k, v, mask), tf.attention(q, k[:3], v[:3]))


def test_batch_norm_inference_uses_the_running_statistics() -> None:
    x = RNG.normal(size=(4, 3))
    g, b = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
    mean, var = np.array([0.1, -0.2, 0.3]), np.array([1.5, 0.25, 4.0])
    got = normalization.batch_norm_inference(x, g, b, mean, var, eps=1e-3)
    for n, d in product(range(4), range(3)):
        want = g[d] * (x[n, d] - mean[d]) / math.sqrt(var[d] + 1e-3) + b[d]
        assert got[n, d] == pytest.approx(want)
    # a sample's output does not depend on its batch
    assert np.allclose(got[:1], normalization.batch_norm_inference(x[:1], g, b, mean, var, 1e-3))


def test_nesterov_buffer_form_tracks_the_look_ahead_form() -> None:
    """On L = ½aw² the PyTorch form's parameter is the look-ahead point w + μv of the textbook
    form (Sutskever et al., 2013), with b = −v/η."""
    a, lr, mu = 1.7, 0.1, 0.9
    w, v = 2.0, 0.0
    theta, buf = w + mu * v, 0.0
    for _ in range(20):
        w, v = optim.nesterov_step(w, v, a * (w + mu * v), lr, mu)
        theta, buf = optim.nesterov_buffer_step(theta, buf, a * theta, lr, mu)
        assert theta == pytest.approx(w + mu * v)
        assert buf == pytest.approx(-v / lr)


def test_adamw_decays_outside_the_adaptive_scale() -> None:
    w, m, v, g = np.array([2.0, -1.0]), np.zeros(2), np.zeros(2), np.array([0.5, 0.1])
    got = optim.adamw_step(w, m, v, g, 1, lr=0.1, weight_decay=0.2)
    plain = optim.adam_step(w, m, v, g, 1, lr=0.1)
    assert np.allclose(got[0], plain[0] - 0.1 * 0.2 * w)
    assert np.allclose(got[1], plain[1]) and np.allclose(got[2], plain[2])
    # first step: m̂ = g, v̂ = g², so the Adam part is −η·sign(g) (ε aside)
    assert np.allclose(got[0], w - 0.1 * (np.sign(g) + 0.2 * w), atol=1e-6)


def test_label_smoothing_is_the_mix_of_cross_entropy_and_uniform_cross_entropy() -> None:
    z, t = RNG.normal(size=(4, 5)), np.array([0, 3, 4, 1])
    eps = 0.2
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    want = np.mean([(1 - eps) * -logp[i, t[i]] + eps * -logp[i].mean() for i in range(4)])
    assert losses.label_smoothing_cross_entropy(z, t, eps) == pytest.approx(want)
    assert losses.label_smoothing_cross_entropy(z, t, 0.0) == pytest.approx(
        losses.cross_entropy(z, t)
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.01, 0.99), st.integers(0, 1)), min_size=1, max_size=6),
    st.floats(0, 4),
)
def test_focal_loss_by_cases(pairs: list[tuple[float, int]], gamma: float) -> None:
    p, y = [a for a, _ in pairs], [b for _, b in pairs]
    terms = []
    for pi, yi in pairs:
        if yi == 1:
            terms.append(-((1 - pi) ** gamma) * math.log(pi))
        else:
            terms.append(-(pi**gamma) * math.log(1 - pi))
    assert losses.focal_loss(p, y, gamma) == pytest.approx(sum(terms) / len(terms))


def test_focal_loss_with_gamma_zero_is_bce() -> None:
    p, y = [0.9, 0.2, 0.6], [1, 0, 0]
    assert losses.focal_loss(p, y, 0.0) == pytest.approx(losses.binary_cross_entropy(p, y))


def test_kmeans_inertia_by_loops() -> None:
    x, c = RNG.normal(size=(7, 2)), RNG.normal(size=(3, 2))
    want = sum(min(sum((xi - cj) ** 2) for cj in c) for xi in x)
    assert neighbors.kmeans_inertia(x, c) == pytest.approx(want)


def test_cosine_similarity_matrix_is_one_minus_the_cosine_distance() -> None:
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(5, 4))
    got = neighbors.cosine_similarity_matrix(a, b)
    for i in range(3):
        assert np.allclose(got[i], 1 - neighbors.distances(b, a[i], "cosine"))


def test_mean_average_precision_by_counting() -> None:
    """AP of a class = mean over its positives of (positives ranked at or above it) / (samples
    ranked at or above it), with distinct scores."""
    scores = RNG.permutation(24).reshape(8, 3) / 24
    labels = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]] * 2)
    aps = []
    for k in range(3):
        pos = [i for i in range(8) if labels[i, k]]
        precs = []
        for i in pos:
            above = [j for j in range(8) if scores[j, k] >= scores[i, k]]
            precs.append(sum(labels[j, k] for j in above) / len(above))
        aps.append(sum(precs) / len(precs))
    assert metrics.mean_average_precision(scores, labels) == pytest.approx(np.mean(aps))


def test_n_step_return_is_the_return_of_the_rewards_followed_by_the_value() -> None:
    r, v, g = [1.0, -0.5, 2.0], 3.0, 0.9
    assert rl.n_step_return(r, v, g) == pytest.approx(rl.returns([*r, v], g)[0])
    assert rl.n_step_return(r, 0.0, g) == pytest.approx(rl.discounted_return(r, g))


def test_reinforce_loss_by_loops() -> None:
    z, a, r, g = RNG.normal(size=(3, 2)), [1, 0, 1], [0.0, 1.0, 2.0], 0.5
    total = 0.0
    for t in range(3):
        g_t = sum(g**k * r[t + k] for k in range(3 - t))
        log_pi = z[t, a[t]] - math.log(sum(math.exp(u) for u in z[t]))
        total -= g_t * log_pi
    assert rl.reinforce_loss(z, a, r, g) == pytest.approx(total)


def test_vae_negative_elbo_by_loops() -> None:
    x = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    p = np.array([[0.8, 0.3, 0.6], [0.1, 0.4, 0.9]])
    mu, lv = np.array([[0.5, -1.0], [0.0, 0.2]]), np.array([[0.1, -0.3], [0.0, 0.4]])
    per = []
    for n in range(2):
        recon = -sum(math.log(p[n, d]) if x[n, d] else math.log(1 - p[n, d]) for d in range(3))
        kl = sum(0.5 * (mu[n, j] ** 2 + math.exp(lv[n, j]) - lv[n, j] - 1) for j in range(2))
        per.append(recon + kl)
    assert generative.vae_negative_elbo(x, p, mu, lv) == pytest.approx(sum(per) / 2)


def test_predict_x0_inverts_the_forward_process() -> None:
    x0, eps = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    a_bar = 0.37
    x_t = generative.diffusion_noise(x0, eps, a_bar)
    assert np.allclose(generative.predict_x0(x_t, eps, a_bar), x0)
