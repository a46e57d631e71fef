"""The quantities of deep generative models a learner computes by hand or in a few lines: the
VAE's KL term and reparameterisation, the GAN's discriminator and generator losses, and the
DDPM forward process q(x_t | x_0)."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers._checks import finite, real_array, whole_number


def _finite_array(name: str, value: Any) -> np.ndarray:
    arr = real_array(name, value).astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def vae_kl(mu: Any, log_var: Any) -> float | np.ndarray:
    """KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − ln σⱼ² − 1), summed over the last axis.

    Args:
        mu: the encoder's means, (d,) or (batch, d).
        log_var: ln σ², what the encoder outputs, same shape.

    Returns:
        A float for one sample, one value per sample for a batch.

    Raises:
        ValueError: shapes differ or a non-finite value.
    """
    m, lv = _finite_array("mu", mu), _finite_array("log_var", log_var)
    if m.shape != lv.shape or m.ndim not in (1, 2):
        raise ValueError("mu and log_var must have one shape, (d,) or (batch, d)")
    kl = 0.5 * np.sum(m * m + np.exp(lv) - lv - 1.0, axis=-1)
    return float(kl) if m.ndim == 1 else kl


def reparameterize(mu: Any, log_var: Any, eps: Any) -> np.ndarray:
    """z = μ + σ⊙ε with σ = exp(½ ln σ²) and ε ~ N(0, I) given: the sample stays
    differentiable in μ and σ.

    Raises:
        ValueError: shapes differ or a non-finite value.
    """
    m, lv, e = (_finite_array(n, v) for n, v in (("mu", mu), ("log_var", log_var), ("eps", eps)))
    if not m.shape == lv.shape == e.shape:
        raise ValueError("mu, log_var and eps must have one shape")
    return m + np.exp(0.5 * lv) * e


def _probs(name: str, value: Any) -> np.ndarray:
    arr = _finite_array(name, value).ravel()
    if arr.size == 0 or np.any(arr <= 0) or np.any(arr >= 1):
        raise ValueError(f"{name} must be probabilities strictly between 0 and 1")
    return arr


def gan_discriminator_loss(d_real: Any, d_fake: Any) -> float:
    """The discriminator's binary cross-entropy, real labelled 1 and fake 0:
    −mean(ln D(x)) − mean(ln(1 − D(G(z)))).

    Raises:
        ValueError: an output outside (0, 1).
    """
    real, fake = _probs("d_real", d_real), _probs("d_fake", d_fake)
    return float(-np.mean(np.log(real)) - np.mean(np.log1p(-fake)))


def gan_generator_loss(d_fake: Any, non_saturating: bool = True) -> float:
    """The generator's loss: −mean(ln D(G(z))) (non-saturating, the usual choice), or the
    minimax form mean(ln(1 − D(G(z)))).

    Raises:
        ValueError: an output outside (0, 1).
    """
    fake = _probs("d_fake", d_fake)
    if non_saturating:
        return float(-np.mean(np.log(fake)))
    return float(np.mean(np.log1p(-fake)))


def _betas(betas: Any) -> np.ndarray:
    b = _finite_array("betas", betas).ravel()
    if b.size == 0 or np.any(b <= 0) or np.any(b >= 1):
        raise ValueError("betas must lie strictly between 0 and 1")
    return b


def alpha_bar(betas: Any, t: int) -> float:
    """ᾱ_t = Π_{s=1..t} (1 − β_s), β₁ being ``betas[0]``.

    Raises:
        ValueError: a β outside (0, 1), or t outside 1…len(betas).
    """
    b = _betas(betas)
    step = whole_number("t", t)
    if step > b.size:
        raise ValueError(f"t must be ≤ {b.size}, got {t!r}")
    return float(np.prod(1.0 - b[:step]))


def diffusion_marginal(x0: Any, betas: Any, t: int) -> tuple[Any, float]:
    """q(x_t | x_0) = N(√ᾱ_t·x₀, (1 − ᾱ_t)I): (mean, variance).

    Raises:
        ValueError: as for :func:`alpha_bar`, or a non-finite x₀.
    """
    a = alpha_bar(betas, t)
    x = _finite_array("x0", x0)
    mean = np.sqrt(a) * x
    return (float(mean) if mean.ndim == 0 else mean), 1.0 - a


def diffusion_noise(x0: Any, eps: Any, a_bar: float) -> np.ndarray:
    """x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε: a sample of q(x_t | x_0) in one step.

    Raises:
        ValueError: shapes differ, a non-finite value, or ᾱ outside (0, 1].
    """
    x, e = _finite_array("x0", x0), _finite_array("eps", eps)
    a = finite("a_bar", a_bar)
    if x.shape != e.shape or not 0 < a <= 1:
        raise ValueError("x0 and eps must have one shape and a_bar lie in (0, 1]")
    return np.sqrt(a) * x + np.sqrt(1 - a) * e


def vae_negative_elbo(x: Any, p: Any, mu: Any, log_var: Any) -> float:
    """The VAE loss, −ELBO, with a Bernoulli decoder (Kingma & Welling, 2014): per sample the
    binary cross-entropy summed over the D pixels plus :func:`vae_kl` summed over the latent
    axes, then the mean over the batch.

    Args:
        x: (N, D) targets in [0, 1]; p: (N, D) decoder probabilities in (0, 1);
        mu, log_var: (N, J).

    Raises:
        ValueError: shapes that do not match, or p outside (0, 1).
    """
    xa, pa = _finite_array("x", x), _finite_array("p", p)
    if xa.ndim != 2 or pa.shape != xa.shape:
        raise ValueError(f"x and p must be (N, D) of one shape, got {xa.shape}, {pa.shape}")
    if np.any((pa <= 0) | (pa >= 1)):
        raise ValueError("p must lie in (0, 1)")
    recon = -np.sum(xa * np.log(pa) + (1 - xa) * np.log(1 - pa), axis=1)
    kl = np.asarray(vae_kl(mu, log_var), dtype=np.float64).reshape(xa.shape[0], -1).sum(axis=1)
    return float(np.mean(recon + kl))


def predict_x0(x_t: Any, eps_pred: Any, a_bar: float) -> np.ndarray:
    """The clean sample a DDPM's noise prediction implies, from inverting
    x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε: x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t (Ho et al., 2020, eq. 15).

    Raises:
        ValueError: shapes differ or ᾱ outside (0, 1].
    """
    xt, ep = _finite_array("x_t", x_t), _finite_array("eps_pred", eps_pred)
    if xt.shape != ep.shape:
        raise ValueError(f"x_t and eps_pred must have one shape, got {xt.shape}, {ep.shape}")
    ab = finite("a_bar", a_bar)
    if not 0.0 < ab <= 1.0:
        raise ValueError(f"a_bar must be in (0, 1], got {a_bar!r}")
    return (xt - np.sqrt(1.0 - ab) * ep) / np.sqrt(ab)
