"""The E資格 calculation generators agree with their solvers, and every distractor is the value
its named mistake gives.

Each answer is held to the NumPy solver of its family (``solvers.information``, ``estimation``,
``neighbors``, ``initialization``, ``optim``, ``generative``, ``rl``) over 500 seeds; each
misconception's value to the mistake written out again here, from the problem's parameters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from solvers import estimation, generative, information, initialization, neighbors, optim, rl
from solvers.generators import REGISTRY
from tests.solvers.narrowing import failed_narrowings

P = dict[str, Any]
SEEDS = range(500)
LN2 = math.log(2)


def _base(a: P) -> float:
    return 2 if a["unit"] == "bits" else math.e


def _log(a: P) -> Callable[[float], float]:
    return math.log2 if a["unit"] == "bits" else math.log


def _knn(a: P, metric: str | None = None, k: int | None = None) -> tuple[float, float]:
    c, v = neighbors.knn_vote(
        a["points"], a["labels"], a["query"], k or a["k"], metric or a["metric"]
    )
    return float(c), float(v)


def _init(a: P) -> float:
    if a["scheme"] == "xavier":
        return initialization.xavier_scale(a["fan_in"], a["fan_out"], a["variant"])
    return initialization.he_scale(a["fan_in"], a["variant"])


def _adaptive(a: P) -> float:
    if a["method"] == "adagrad":
        return optim.adagrad_step(a["w"], a["h"], a["grad"], a["lr"])[0]
    return optim.rmsprop_step(a["w"], a["h"], a["grad"], a["lr"], a["rho"])[0]


def _gan(a: P) -> float:
    if a["question"] == "discriminator":
        return generative.gan_discriminator_loss(a["d_real"], a["d_fake"])
    return generative.gan_generator_loss(a["d_fake"])


def _diffusion(a: P) -> float:
    mean, var = generative.diffusion_marginal(a["x0"], a["betas"], a["t"])
    return {
        "alpha_bar": generative.alpha_bar(a["betas"], a["t"]),
        "variance": var,
        "mean": mean,
    }[a["question"]]


def _dqn(a: P) -> float:
    online = a["q_online"] if a["method"] == "double_dqn" else None
    return rl.dqn_target(a["reward"], a["q_target"], a["gamma"], a["terminal"], online)


def _nesterov(a: P) -> float:
    ahead = a["w"] + a["momentum"] * a["v"]
    grad = a["curvature"] * ahead
    return optim.nesterov_step(a["w"], a["v"], grad, a["lr"], a["momentum"])[0]


def _gauss(a: P) -> float:
    mean, var = estimation.gaussian_mle(a["x"])
    return mean if a["question"] == "mean" else var


SOLVERS: dict[str, Callable[[P], Any]] = {
    "entropy_value": lambda a: information.entropy(a["p"], _base(a)),
    "cross_entropy_dist": lambda a: information.cross_entropy_dist(a["p"], a["q"], _base(a)),
    "kl_divergence": lambda a: information.kl_divergence(a["p"], a["q"], _base(a)),
    "js_divergence": lambda a: information.js_divergence(a["p"], a["q"], _base(a)),
    "perplexity": lambda a: information.perplexity([1 / k for k in a["inverse_probs"]]),
    "bernoulli_mle": lambda a: estimation.bernoulli_mle(sum(a["x"]), len(a["x"])),
    "gaussian_mle": _gauss,
    "beta_bernoulli_map": lambda a: estimation.beta_bernoulli_map(
        a["k"], a["trials"], a["a"], a["b"]
    ),
    "knn_vote": _knn,
    "init_scale": _init,
    "nesterov_step": _nesterov,
    "adam_step": lambda a: optim.adam_step(
        a["w"], a["m"], a["v"], a["grad"], a["t"], a["lr"], eps=0.0
    )[0],
    "adaptive_lr_step": _adaptive,
    "vae_kl": lambda a: generative.vae_kl(a["mu"], [2 * math.log(s) for s in a["sigma"]]),
    "gan_loss": _gan,
    "diffusion_forward": _diffusion,
    "dqn_target": _dqn,
}
NAMES = list(SOLVERS)


def test_every_e_generator_has_a_solver_reference():
    families = {"information", "likelihood", "neighbors", "optimizers", "generative", "deep_rl"}
    assert {name for name, gen in REGISTRY.items() if gen.family in families} == set(NAMES)


def _close(got: Any, want: Any) -> bool:
    if isinstance(want, tuple):
        return all(_close(g, w) for g, w in zip(got, want, strict=True))
    return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_answer_agrees_with_the_solver(name):
    for seed in SEEDS:
        p = REGISTRY[name].generate(seed)
        assert _close(p.answer, SOLVERS[name](p.params)), (seed, p.prompt)


# ------------------------------------------------------------------ each mistake, recomputed


def _info(a: P) -> dict[str, float]:
    log = _log(a)
    ps = a["p"]
    qs = a.get("q", ps)
    h = -sum(x * log(x) for x in ps)
    ce = -sum(x * log(y) for x, y in zip(ps, qs, strict=True))
    kl = sum(x * log(x / y) for x, y in zip(ps, qs, strict=True))
    rkl = sum(y * log(y / x) for x, y in zip(ps, qs, strict=True))
    return {"h": h, "ce": ce, "kl": kl, "rkl": rkl}


def _other_base(a: P, value: float) -> dict[str, float]:
    if a["unit"] == "bits":
        return {"used-natural-log": value * LN2}
    return {"used-log2": value / LN2}


def _entropy_mistakes(a: P) -> dict[str, float]:
    log, ps = _log(a), a["p"]
    h = _info(a)["h"]
    return {
        "forgot-minus": -h,
        "unweighted": -sum(log(x) for x in ps),
        "gini-impurity": 1 - sum(x * x for x in ps),
        "max-entropy": log(len(ps)),
        "used-log10": -sum(x * math.log10(x) for x in ps),
        **_other_base(a, h),
    }


def _ce_mistakes(a: P) -> dict[str, float]:
    i = _info(a)
    swapped = -sum(y * _log(a)(x) for x, y in zip(a["p"], a["q"], strict=True))
    return {
        "swapped-arguments": swapped,
        "entropy-of-p": i["h"],
        "kl-divergence": i["kl"],
        "forgot-minus": -i["ce"],
        "unweighted": -sum(_log(a)(y) for y in a["q"]),
        **_other_base(a, i["ce"]),
    }


def _kl_mistakes(a: P) -> dict[str, float]:
    i = _info(a)
    return {
        "reversed-kl": i["rkl"],
        "flipped-ratio": -i["kl"],
        "cross-entropy": i["ce"],
        "unweighted": sum(_log(a)(x / y) for x, y in zip(a["p"], a["q"], strict=True)),
        "symmetrised": (i["kl"] + i["rkl"]) / 2,
        **_other_base(a, i["kl"]),
    }


def _js_mistakes(a: P) -> dict[str, float]:
    log = _log(a)
    ms = [(x + y) / 2 for x, y in zip(a["p"], a["q"], strict=True)]
    kl_pm = sum(x * log(x / m) for x, m in zip(a["p"], ms, strict=True))
    kl_qm = sum(y * log(y / m) for y, m in zip(a["q"], ms, strict=True))
    js = (kl_pm + kl_qm) / 2
    i = _info(a)
    return {
        "used-kl": i["kl"],
        "symmetrised-kl": (i["kl"] + i["rkl"]) / 2,
        "forgot-half": kl_pm + kl_qm,
        "mixture-not-halved": js - log(2),
        "one-side-only": kl_pm,
        **_other_base(a, js),
    }


def _perplexity_mistakes(a: P) -> dict[str, float]:
    ks = a["inverse_probs"]
    n, r = len(ks), a["perplexity"]
    return {
        "arithmetic-mean": sum(ks) / n,
        "forgot-root": float(math.prod(ks)),
        "inverse-of-mean-prob": 1 / (sum(1 / k for k in ks) / n),
        "forgot-inverse": 1 / r,
        "base-mismatch": 2 ** (sum(math.log(k) for k in ks) / n),
        "max-inverse": float(max(ks)),
    }


def _bernoulli_mistakes(a: P) -> dict[str, float]:
    k, n = sum(a["x"]), len(a["x"])
    return {
        "counted-zeros": 1 - k / n,
        "laplace-smoothing": (k + 1) / (n + 2),
        "odds": k / (n - k),
        "divided-by-n-minus-1": k / (n - 1),
        "prior-half": 0.5,
    }


def _gaussian_mistakes(a: P) -> dict[str, float]:
    xs, n = a["x"], len(a["x"])
    mean = sum(xs) / n
    if a["question"] == "mean":
        ordered = sorted(xs)
        mid = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
        return {
            "divided-by-n-minus-1": sum(xs) / (n - 1),
            "median": mid,
            "midrange": (max(xs) + min(xs)) / 2,
            "forgot-divide": float(sum(xs)),
        }
    ss = sum((x - mean) ** 2 for x in xs)
    return {
        "unbiased": ss / (n - 1),
        "standard-deviation": math.sqrt(ss / n),
        "not-centred": sum(x * x for x in xs) / n,
        "mean-abs-deviation": sum(abs(x - mean) for x in xs) / n,
        "divided-by-n-squared": ss / n**2,
    }


def _beta_mistakes(a: P) -> dict[str, float]:
    k, n, al, be = a["k"], a["trials"], a["a"], a["b"]
    return {
        "posterior-mean": estimation.beta_bernoulli_mean(k, n, al, be),
        "mle": k / n,
        "swapped-prior": estimation.beta_bernoulli_map(k, n, be, al),
        "prior-mode": (al - 1) / (al + be - 2),
        "forgot-minus-two": (k + al - 1) / (n + al + be),
    }


def _knn_mistakes(a: P) -> dict[str, Any]:
    other = {"euclidean": "manhattan", "manhattan": "euclidean", "cosine": "euclidean"}[a["metric"]]
    d = neighbors.distances(a["points"], a["query"], a["metric"])
    order = sorted(range(len(d)), key=lambda i: (round(d[i], 12), i))
    far = [a["points"][i] for i in reversed(order)]
    far_labels = [a["labels"][i] for i in reversed(order)]
    counts = Counter(far_labels[: a["k"]])
    best = max(counts.values())
    far_vote = next(c for c in far_labels if counts[c] == best)
    overall = Counter(a["labels"]).most_common(2)
    out: dict[str, Any] = {
        "nearest-only": (float(a["labels"][order[0]]), 1.0),
        f"used-{other}": _knn(a, metric=other),
        "farthest-k": (float(far_vote), float(best)),
        "other-k": _knn(a, k=5 if a["k"] == 3 else 3),
        "k-plus-one": _knn(a, k=a["k"] + 1),
    }
    assert far  # the farthest points exist
    if overall[0][1] > overall[1][1]:
        out["all-points"] = (float(overall[0][0]), float(overall[0][1]))
    return out


def _init_mistakes(a: P) -> dict[str, float]:
    fi, fo = a["fan_in"], a["fan_out"]
    uniform = a["variant"] == "uniform"
    s = math.sqrt(3) if uniform else 1.0
    right = _init(a)
    other = (
        initialization.he_scale(fi, a["variant"])
        if a["scheme"] == "xavier"
        else initialization.xavier_scale(fi, fo, a["variant"])
    )
    out = {
        "forgot-sqrt": right**2,
        "other-scheme": other,
        "other-variant": right / math.sqrt(3) if uniform else right * math.sqrt(3),
        "lecun": s / math.sqrt(fi),
    }
    if a["scheme"] == "he":
        out["used-fan-out"] = s * math.sqrt(2 / fo)
    else:
        out["forgot-two"] = s * math.sqrt(1 / (fi + fo))
    return out


def _nesterov_mistakes(a: P) -> dict[str, float]:
    w, v, lr, mu, c = a["w"], a["v"], a["lr"], a["momentum"], a["curvature"]
    g_ahead = c * (w + mu * v)
    v_new = mu * v - lr * g_ahead
    return {
        "classical-momentum": optim.momentum_step(w, v, c * w, lr, mu)[0],
        "lookahead-without-mu": w + mu * v - lr * c * (w + v),
        "gradient-ascent": w + mu * v + lr * g_ahead,
        "forgot-lr": w + mu * v - g_ahead,
        "returned-velocity": v_new,
        "no-momentum": optim.sgd_step(w, c * w, lr),
    }


def _adam_mistakes(a: P) -> dict[str, float]:
    w, m, v, g, t, lr = (a[k] for k in ("w", "m", "v", "grad", "t", "lr"))
    m1, v1 = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    mh, vh = m1 / (1 - 0.9**t), v1 / (1 - 0.999**t)
    return {
        "no-bias-correction": w - lr * m1 / math.sqrt(v1),
        "corrected-m-only": w - lr * mh / math.sqrt(v1),
        "corrected-v-only": w - lr * m1 / math.sqrt(vh),
        "forgot-sqrt": w - lr * mh / vh,
        "sign-flipped": w + lr * mh / math.sqrt(vh),
        "used-gradient": w - lr * g / math.sqrt(vh),
        "plain-sgd": w - lr * g,
    }


def _adaptive_mistakes(a: P) -> dict[str, float]:
    w, h, g, lr, rho = (a[k] for k in ("w", "h", "grad", "lr", "rho"))
    ada = a["method"] == "adagrad"
    h1 = h + g * g if ada else rho * h + (1 - rho) * g * g
    out = {
        "forgot-sqrt": w - lr * g / h1,
        "used-old-h": w - lr * g / math.sqrt(h),
        "sign-flipped": w + lr * g / math.sqrt(h1),
        "plain-sgd": w - lr * g,
    }
    if not ada:  # AdaGrad's prompt gives no ρ: RMSprop's rule is offered only the other way
        out["other-method"] = w - lr * g / math.sqrt(h + g * g)
        out["swapped-rho"] = w - lr * g / math.sqrt((1 - rho) * h + rho * g * g)
    return out


def _vae_mistakes(a: P) -> dict[str, float]:
    mu, sig = a["mu"], a["sigma"]
    kl = generative.vae_kl(mu, [2 * math.log(s) for s in sig])
    lns = sum(math.log(s) for s in sig)
    return {
        "forgot-half": 2 * kl,
        "log-sigma-not-squared": kl + lns / 2,
        "log-sign": kl + 2 * lns,
        "forgot-minus-one": kl + len(mu) / 2,
        "sigma-not-squared": sum(
            m * m + s - 2 * math.log(s) - 1 for m, s in zip(mu, sig, strict=True)
        )
        / 2,
        "mean-over-dims": kl / len(mu),
    }


def _gan_mistakes(a: P) -> dict[str, float]:
    real, fake = a["d_real"], a["d_fake"]
    m = len(fake)
    d = generative.gan_discriminator_loss(real, fake)
    g = generative.gan_generator_loss(fake)
    if a["question"] == "discriminator":
        out = {
            "fake-not-complemented": -(sum(map(math.log, real)) + sum(map(math.log, fake))) / m,
            "labels-swapped": generative.gan_discriminator_loss(
                [1 - x for x in real], [1 - x for x in fake]
            ),
            "forgot-minus": -d,
            "real-term-only": -sum(map(math.log, real)) / m,
            "generator-loss": g,
        }
        if m > 1:
            out["summed-over-batch"] = m * d
        return out
    out = {
        "minimax-form": generative.gan_generator_loss(fake, non_saturating=False),
        "complemented": -generative.gan_generator_loss(fake, non_saturating=False),
        "forgot-minus": -g,
        "discriminator-loss": d,
    }
    if m > 1:
        out["summed-over-batch"] = m * g
    return out


def _diffusion_mistakes(a: P) -> dict[str, float]:
    betas, t, x0 = a["betas"], a["t"], a["x0"]
    ab = generative.alpha_bar(betas, t)
    prev = generative.alpha_bar(betas, t - 1)
    if a["question"] == "alpha_bar":
        out = {
            "one-minus-sum": 1 - sum(betas),
            "last-alpha-only": 1 - betas[-1],
            "off-by-one": prev,
            "one-minus-product": 1 - ab,
        }
        if math.prod(betas) >= 5e-5:
            out["product-of-betas"] = math.prod(betas)
        return out
    if a["question"] == "variance":
        return {
            "used-alpha-bar": ab,
            "last-beta-only": betas[-1],
            "sum-of-betas": sum(betas),
            "off-by-one": 1 - prev,
            "std-not-variance": math.sqrt(1 - ab),
        }
    return {
        "forgot-sqrt": ab * x0,
        "used-noise-scale": math.sqrt(1 - ab) * x0,
        "last-alpha-only": math.sqrt(1 - betas[-1]) * x0,
        "unchanged": x0,
        "off-by-one": math.sqrt(prev) * x0,
    }


def _dqn_mistakes(a: P) -> dict[str, float]:
    r, g = a["reward"], a["gamma"]
    on, tg = a["q_online"], a["q_target"]
    double = a["method"] == "double_dqn"
    boot = tg[on.index(max(on))] if double else max(tg)
    if a["terminal"]:
        out = {
            "bootstrapped-terminal": r + g * boot,
            "bootstrapped-undiscounted": r + boot,
            "online-bootstrap": r + g * max(on),
            "next-value-only": g * boot,
        }
        if r:
            out["zero-target"] = 0.0
        return out
    other = rl.dqn_target(r, tg, g) if double else rl.dqn_target(r, tg, g, next_q_online=on)
    return {
        "used-online-max": r + g * max(on),
        "forgot-gamma": r + boot,
        "used-min": r + g * min(tg),
        "ignored-bootstrap": float(r),
        "used-dqn-target" if double else "used-double-target": other,
    }


MISTAKES: dict[str, Callable[[P], Mapping[str, Any]]] = {
    "entropy_value": _entropy_mistakes,
    "cross_entropy_dist": _ce_mistakes,
    "kl_divergence": _kl_mistakes,
    "js_divergence": _js_mistakes,
    "perplexity": _perplexity_mistakes,
    "bernoulli_mle": _bernoulli_mistakes,
    "gaussian_mle": _gaussian_mistakes,
    "beta_bernoulli_map": _beta_mistakes,
    "knn_vote": _knn_mistakes,
    "init_scale": _init_mistakes,
    "nesterov_step": _nesterov_mistakes,
    "adam_step": _adam_mistakes,
    "adaptive_lr_step": _adaptive_mistakes,
    "vae_kl": _vae_mistakes,
    "gan_loss": _gan_mistakes,
    "diffusion_forward": _diffusion_mistakes,
    "dqn_target": _dqn_mistakes,
}


@pytest.mark.parametrize("name", NAMES)
def test_every_distractor_is_its_mistake(name):
    """Each kept misconception's value is what its mistake gives (the tie-rule distractor of
    k-NN is checked by the pinned case below), and the choices are distinct."""
    for seed in SEEDS:
        p = REGISTRY[name].generate(seed)
        expected = MISTAKES[name](p.params)
        for mistake in p.misconceptions:
            if mistake.code == "ignored-tie-rule":
                continue
            assert mistake.code in expected, (seed, mistake.code)
            assert _close(mistake.value, expected[mistake.code]), (seed, mistake, p.prompt)
        texts = [c.text for c in p.choices]
        assert len(set(texts)) == len(texts) and len(texts) == 4


def test_knn_tie_rule_distractor_is_the_other_tied_class():
    seen = 0
    for seed in range(300):
        p = REGISTRY["knn_vote"].generate(seed)
        tie = [m for m in p.misconceptions if m.code == "ignored-tie-rule"]
        if not tie:
            continue
        seen += 1
        cls, votes = p.answer
        d = neighbors.distances(p.params["points"], p.params["query"], p.params["metric"])
        order = sorted(range(len(d)), key=lambda i: (d[i], i))[: p.params["k"]]
        counts = Counter(p.params["labels"][i] for i in order)
        other = tie[0].value
        assert other[0] != cls and counts[int(other[0])] == votes == other[1]
    assert seen > 5


@pytest.mark.parametrize("name", NAMES)
def test_every_combination_of_listed_values_has_problems(name):
    failed = failed_narrowings(REGISTRY[name])
    assert not failed, f"{len(failed)} narrowings give no problem, e.g. {failed[:3]}"
