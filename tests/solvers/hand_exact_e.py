"""The E資格 calculation generators' answers (information theory, estimation, k-NN, optimisers
and initialisation, generative models, DQN) worked out again from what their problems state, in
exact arithmetic and independently of ``solvers``: the textbook formula, written out here."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from solvers.problem import Problem

from .hand_numbers import CTX, Value, dec, ln, q, sqrt


def _log(x: Fraction, unit: str) -> Decimal:
    value = ln(x)
    return CTX.divide(value, ln(Fraction(2))) if unit == "bits" else value


def _sum(terms) -> Decimal:
    total = Decimal(0)
    for t in terms:
        total = CTX.add(total, t)
    return total


def _entropy(p: Problem) -> Value:
    a = p.params
    ps = [q(v) for v in a["p"]]
    return -_sum(CTX.multiply(dec(x), _log(x, a["unit"])) for x in ps)


def _cross_entropy(p: Problem) -> Value:
    a = p.params
    pairs = zip(map(q, a["p"]), map(q, a["q"]), strict=True)
    return -_sum(CTX.multiply(dec(x), _log(y, a["unit"])) for x, y in pairs)


def _kl(ps: list[Fraction], qs: list[Fraction], unit: str) -> Decimal:
    return _sum(CTX.multiply(dec(x), _log(x / y, unit)) for x, y in zip(ps, qs, strict=True) if x)


def _kl_divergence(p: Problem) -> Value:
    a = p.params
    return _kl([q(v) for v in a["p"]], [q(v) for v in a["q"]], a["unit"])


def _js(p: Problem) -> Value:
    a = p.params
    ps, qs = [q(v) for v in a["p"]], [q(v) for v in a["q"]]
    ms = [(x + y) / 2 for x, y in zip(ps, qs, strict=True)]
    return CTX.divide(CTX.add(_kl(ps, ms, a["unit"]), _kl(qs, ms, a["unit"])), 2)


def _perplexity(p: Problem) -> Value:
    ks = p.params["inverse_probs"]
    root = round(math.prod(ks) ** (1 / len(ks)))
    assert root ** len(ks) == math.prod(ks)
    return Fraction(root)


def _bernoulli(p: Problem) -> Value:
    xs = p.params["x"]
    return Fraction(sum(xs), len(xs))


def _gaussian(p: Problem) -> Value:
    xs = [Fraction(x) for x in p.params["x"]]
    mean = sum(xs) / len(xs)
    if p.params["question"] == "mean":
        return mean
    return sum((x - mean) ** 2 for x in xs) / len(xs)


def _beta_map(p: Problem) -> Value:
    a = p.params
    alpha, beta = a["k"] + a["a"], a["trials"] - a["k"] + a["b"]  # the Beta posterior
    return Fraction(alpha - 1, alpha + beta - 2)


def _knn(p: Problem) -> Value:
    a = p.params
    qx, qy = a["query"]

    def key(i: int) -> tuple:
        x, y = a["points"][i]
        if a["metric"] == "euclidean":
            return ((x - qx) ** 2 + (y - qy) ** 2, i)
        if a["metric"] == "manhattan":
            return (abs(x - qx) + abs(y - qy), i)
        dot = x * qx + y * qy  # larger cos first: compare −dot/|a| (|q| is common)
        return (-Fraction(dot) / Fraction(math.isqrt(10**12 * (x * x + y * y)), 10**6), i)

    order = sorted(range(len(a["points"])), key=key)[: a["k"]]
    votes: dict[int, int] = {}
    for i in order:
        votes[a["labels"][i]] = votes.get(a["labels"][i], 0) + 1
    best = max(votes.values())
    winner = next(a["labels"][i] for i in order if votes[a["labels"][i]] == best)
    return Fraction(winner), Fraction(best)


def _init(p: Problem) -> Value:
    a = p.params
    n = a["fan_in"] + a["fan_out"] if a["scheme"] == "xavier" else a["fan_in"]
    variance = Fraction(2, n)
    return sqrt(variance * (3 if a["variant"] == "uniform" else 1))


def _nesterov(p: Problem) -> Value:
    a = p.params
    w, v, lr, mu, c = (q(a[k]) for k in ("w", "v", "lr", "momentum", "curvature"))
    v = mu * v - lr * c * (w + mu * v)
    return w + v


def _adam(p: Problem) -> Value:
    a = p.params
    w, m, v, g, lr = (q(a[k]) for k in ("w", "m", "v", "grad", "lr"))
    t = a["t"]
    b1, b2 = Fraction(9, 10), Fraction(999, 1000)
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return CTX.subtract(dec(w), CTX.divide(dec(lr * m_hat), CTX.sqrt(dec(v_hat))))


def _adaptive(p: Problem) -> Value:
    a = p.params
    w, h, g, lr, rho = (q(a[k]) for k in ("w", "h", "grad", "lr", "rho"))
    h = h + g * g if a["method"] == "adagrad" else rho * h + (1 - rho) * g * g
    return CTX.subtract(dec(w), CTX.divide(dec(lr * g), CTX.sqrt(dec(h))))


def _vae(p: Problem) -> Value:
    a = p.params
    total = Decimal(0)
    for mu, sigma in zip(map(q, a["mu"]), map(q, a["sigma"]), strict=True):
        total = CTX.add(total, CTX.subtract(dec(mu * mu + sigma * sigma - 1), ln(sigma * sigma)))
    return CTX.divide(total, 2)


def _gan(p: Problem) -> Value:
    a = p.params
    real, fake = [q(v) for v in a["d_real"]], [q(v) for v in a["d_fake"]]
    if a["question"] == "discriminator":
        total = _sum([*map(ln, real), *(ln(1 - f) for f in fake)])
    else:
        total = _sum(map(ln, fake))
    return CTX.divide(-total, len(fake))


def _diffusion(p: Problem) -> Value:
    a = p.params
    a_bar = math.prod((1 - q(b) for b in a["betas"]), start=Fraction(1))
    if a["question"] == "alpha_bar":
        return a_bar
    if a["question"] == "variance":
        return 1 - a_bar
    return CTX.multiply(dec(q(a["x0"])), dec(sqrt(a_bar)))


def _dqn(p: Problem) -> Value:
    a = p.params
    if a["terminal"]:
        return Fraction(a["reward"])
    online, target = [q(v) for v in a["q_online"]], [q(v) for v in a["q_target"]]
    double = a["method"] == "double_dqn"  # the online network picks, the target one values
    value = target[online.index(max(online))] if double else max(target)
    return a["reward"] + q(a["gamma"]) * value


EXACT_E: dict[str, Callable[[Problem], Value]] = {
    "entropy_value": _entropy,
    "cross_entropy_dist": _cross_entropy,
    "kl_divergence": _kl_divergence,
    "js_divergence": _js,
    "perplexity": _perplexity,
    "bernoulli_mle": _bernoulli,
    "gaussian_mle": _gaussian,
    "beta_bernoulli_map": _beta_map,
    "knn_vote": _knn,
    "init_scale": _init,
    "nesterov_step": _nesterov,
    "adam_step": _adam,
    "adaptive_lr_step": _adaptive,
    "vae_kl": _vae,
    "gan_loss": _gan,
    "diffusion_forward": _diffusion,
    "dqn_target": _dqn,
}
"""Generator name → its answer recomputed from the problem."""
