"""Every generator's answer worked out again from what its problem states, exactly.

Written independently of ``solvers``: the parameters a problem states (``params``, and the
prompt where the learner reads a number there) go through the textbook formula in exact
arithmetic (``hand_numbers``). A value that is rational is never handed over as a ``Decimal``
approximation, so a tie such as 1.15² = 1.3225 stays a tie.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from solvers.generators import REGISTRY
from solvers.problem import Problem

from .hand_exact_e import EXACT_E
from .hand_exact_stats import EXACT_STATS
from .hand_exact_transformer import EXACT_TRANSFORMER
from .hand_numbers import (
    CTX,
    PI,
    Value,
    cos,
    dec,
    erf,
    exp,
    ln,
    log10,
    pow_,
    q,
    read_number,
    sqrt,
)

SEEDS = range(300)


@functools.cache
def problems(name: str) -> tuple[tuple[Problem, Value], ...]:
    """The problems of ``name`` for :data:`SEEDS`, each with its recomputed answer (generated
    once for all the tests that look at them)."""
    return tuple((p, EXACT[name](p)) for p in map(REGISTRY[name].generate, SEEDS))


# ------------------------------------------------------------------------------ convolution


def conv_out(w: int, f: int, s: int, p: int) -> int:
    return (w + 2 * p - f) // s + 1


def _conv_output_size(p: Problem) -> Value:
    a = p.params
    return Fraction(conv_out(a["size"], a["kernel"], a["stride"], a["padding"]))


def _dilated(p: Problem) -> Value:
    a = p.params
    span = a["dilation"] * (a["kernel"] - 1) + 1
    return Fraction(conv_out(a["size"], span, a["stride"], a["padding"]))


def _receptive_field(p: Problem) -> Value:
    a = p.params
    jump, field = 1, 1
    for _ in range(a["layers"]):
        field += (a["kernel"] - 1) * jump
        jump *= a["stride"]
    return Fraction(field)


def _conv_params(p: Problem) -> Value:
    a = p.params
    return Fraction(a["kernel"] ** 2 * a["c_in"] * a["c_out"] + (a["c_out"] if a["bias"] else 0))


def _conv_by_hand(p: Problem) -> Value:
    a = p.params
    r, c = a["row"] - 1, a["col"] - 1
    total = sum(a["x"][r + i][c + j] * a["kernel"][i][j] for i in range(3) for j in range(3))
    return Fraction(total + a["bias"])


def _pooling(p: Problem) -> Value:
    a = p.params
    r, c = 2 * (a["row"] - 1), 2 * (a["col"] - 1)
    window = [a["x"][r + i][c + j] for i in range(2) for j in range(2)]
    return Fraction(max(window)) if a["kind"] == "max" else Fraction(sum(window), 4)


def _gap(p: Problem) -> Value:
    return tuple(Fraction(sum(map(sum, m)), len(m) * len(m)) for m in p.params["x"])


# ------------------------------------------------------------------------------ activations


def _softmax(z: list[Fraction], i: int) -> Decimal:
    exps = [exp(v) for v in z]
    return CTX.divide(exps[i], sum(exps, Decimal(0)))


def _softmax_probs(p: Problem) -> Value:
    return _softmax([q(v) for v in p.params["logits"]], p.params["index"] - 1)


def _softmax_temperature(p: Problem) -> Value:
    t = q(p.params["temperature"])
    return _softmax([q(v) / t for v in p.params["logits"]], p.params["index"] - 1)


def _sigmoid_max_grad(p: Problem) -> Value:
    a = p.params
    lo, hi = q(a["lower"]), q(a["lower"]) + q(a["width"])
    x = min(max(Fraction(0), lo), hi)
    if a["function"] == "sigmoid":
        if x == 0:
            return Fraction(1, 4), x
        s = CTX.divide(1, CTX.add(1, exp(-x)))
        return CTX.multiply(s, CTX.subtract(1, s)), x
    if x == 0:
        return Fraction(1), x
    cosh2 = CTX.add(exp(x), exp(-x))
    return CTX.divide(4, CTX.multiply(cosh2, cosh2)), x


def _vanishing(p: Problem) -> Value:
    a = p.params
    peak = Fraction(1, 4) if a["activation"] == "sigmoid" else Fraction(1)
    return (q(a["weight"]) * peak) ** a["layers"]


def _leaky(p: Problem) -> Value:
    a = p.params
    x, alpha = q(a["x"]), q(a["alpha"])
    if a["quantity"] == "output":
        return x if x > 0 else alpha * x
    return Fraction(1) if x > 0 else alpha


def _relu_vs_leaky(p: Problem) -> Value:
    a = p.params
    alpha = q(a["alpha"]) if a["function"] == "leaky_relu" else Fraction(0)
    xs = [q(v) for v in a["x"]]
    if a["quantity"] == "output_sum":
        return sum((v if v > 0 else alpha * v for v in xs), Fraction(0))
    return sum((Fraction(1) if v > 0 else alpha for v in xs), Fraction(0))


def _gelu(p: Problem) -> Value:
    x = q(p.params["x"])
    phi = CTX.multiply(Decimal("0.5"), CTX.add(1, erf(CTX.divide(dec(x), CTX.sqrt(2)))))
    return CTX.multiply(dec(x), phi)


def _cross_entropy(p: Problem) -> Value:
    a = p.params
    return -ln(q(a["probs"][a["target"] - 1]))


# ---------------------------------------------------------------------------- architectures


def _depthwise_macs(p: Problem) -> Value:
    a = p.params
    hw = a["size"] ** 2
    return Fraction(hw * a["kernel"] ** 2 * a["c_in"] + hw * a["c_in"] * a["c_out"])


def _depthwise_ratio(p: Problem) -> Value:
    a = p.params
    return Fraction(1, a["c_out"]) + Fraction(1, a["kernel"] ** 2)


_ALPHA, _BETA, _GAMMA = Fraction("1.2"), Fraction("1.1"), Fraction("1.15")


def _efficientnet(p: Problem) -> Value:
    a = p.params
    base = {
        "depth": _ALPHA,
        "width": _BETA,
        "resolution": _GAMMA,
        "flops": _ALPHA * _BETA**2 * _GAMMA**2,
    }[a["quantity"]]
    return base ** a["phi"]


def _mlp(p: Problem) -> Value:
    a = p.params
    sizes = [a["n_in"], *[a["hidden"]] * a["hidden_layers"], a["n_out"]]
    return Fraction(sum(m * n + n for m, n in itertools.pairwise(sizes)))


def _recurrent(p: Problem) -> Value:
    a = p.params
    blocks = {"rnn": 1, "gru": 3, "lstm": 4}[a["cell"]]
    h, n = a["hidden_size"], a["input_size"]
    return Fraction(blocks * (h * n + h * h + a["bias_vectors"] * h))


# ---------------------------------------------------------------------------------- scaling


def _scaling_fit(p: Problem) -> Value:
    a = p.params
    decades = {10: 1, 100: 2, 1000: 3}[a["step"]]
    xs = [Decimal(a["n0_exp"] + decades * i) for i in range(a["points"])]
    ys = [log10(q(v)) for v in a["losses"]]
    n = len(xs)
    mx, my = sum(xs) / n, CTX.divide(sum(ys, Decimal(0)), n)
    sxy = sum(
        (CTX.multiply(x - mx, CTX.subtract(y, my)) for x, y in zip(xs, ys, strict=True)), Decimal(0)
    )
    sxx = sum(((x - mx) ** 2 for x in xs), Decimal(0))
    return -CTX.divide(sxy, sxx)


def _loss_ratio(p: Problem) -> Value:
    a = p.params
    return pow_(q(a["factor"]), -q(a["exponent"]))


def _chinchilla(p: Problem) -> Value:
    a = p.params
    n = sqrt(q(a["flops"]) / 120)
    billions = dec(n) / Decimal(10) ** 9 if isinstance(n, Decimal) else n / 10**9
    return billions if a["ask"] == "params" else 20 * billions


# ------------------------------------------------------------------------------ compression


def _round_half_up(x: Fraction) -> int:
    sign = -1 if x < 0 else 1
    return sign * int(abs(x) + Fraction(1, 2))


def _int8(p: Problem) -> Value:
    a = p.params
    qmin, qmax = (-128, 127) if a["signed"] else (0, 255)
    if a["question"] == "scale":
        return (q(a["x_max"]) - q(a["x_min"])) / 255
    if a["question"] == "zero_point":
        s = (q(a["x_max"]) - q(a["x_min"])) / 255
        return Fraction(min(max(qmin - _round_half_up(q(a["x_min"]) / s), qmin), qmax))
    raw = _round_half_up(q(a["x"]) / q(a["q_scale"])) + a["q_zero"]
    return Fraction(min(max(raw, qmin), qmax))


_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": Fraction(1, 2)}


def _model_memory(p: Problem) -> Value:
    return q(p.params["n_params_billion"]) * _BYTES[p.params["dtype"]]


def _pruning(p: Problem) -> Value:
    a = p.params
    flat = [q(v) for row in a["w"] for v in row]
    if a["question"] == "threshold":
        t = q(a["threshold"])
        return Fraction(100 * sum(abs(v) < t for v in flat), len(flat))
    k = Fraction(a["sparsity_percent"] * len(flat), 100)
    assert k.denominator == 1
    kept = sorted(flat, key=abs)[int(k) :]
    return sum(kept, Fraction(0))


def _low_rank(p: Problem) -> Value:
    a = p.params
    m, n, r = a["m"], a["n"], a["rank"]
    return Fraction(r * (m + n)) if a["question"] == "params" else Fraction(r * (m + n), m * n)


# ---------------------------------------------------------------------------- normalization


def _bn_values(p: Problem) -> Value:
    a = p.params
    x = [q(v) for v in a["x"]]
    mean = sum(x, Fraction(0)) / len(x)
    var = sum(((v - mean) ** 2 for v in x), Fraction(0)) / len(x)
    sd = sqrt(var)
    xi = x[a["index"] - 1]
    gamma, beta = q(a["gamma"]), q(a["beta"])
    if isinstance(sd, Fraction):
        return gamma * (xi - mean) / sd + beta
    return CTX.add(CTX.divide(dec(gamma * (xi - mean)), sd), dec(beta))


def _bn_counts(p: Problem) -> Value:
    a = p.params
    if a["question"] == "affine":
        return Fraction(2 * a["channels"])
    return Fraction(a["batch"] * a["size"] ** 2)


# --------------------------------------------------------------------------------- training


def _momentum(p: Problem) -> Value:
    a = p.params
    v = q(a["momentum"]) * q(a["v"]) - q(a["lr"]) * q(a["grad"])
    return q(a["w"]) + v


def _cosine(p: Problem) -> Value:
    a = p.params
    lr_max = q(a["lr_max"])
    lr_min = lr_max * q(a["lr_min_ratio"])
    frac = Fraction(a["step"], a["total_steps"])
    if frac == Fraction(1, 2):
        return lr_min + (lr_max - lr_min) / 2
    c = cos(CTX.multiply(PI, dec(frac)))
    return CTX.add(dec(lr_min), CTX.multiply(dec((lr_max - lr_min) / 2), CTX.add(1, c)))


def _warmup(p: Problem) -> Value:
    a = p.params
    lr, t, w = q(a["lr_base"]), a["step"], a["warmup_steps"]
    return lr * t / w if t < w else lr


def _linear_scaling(p: Problem) -> Value:
    a = p.params
    return q(a["base_lr"]) * a["batch"] / a["base_batch"]


def _zero(p: Problem) -> Value:
    a = p.params
    psi, n = q(a["n_params_billion"]), a["n_gpus"]  # in units of 10⁹, so the result is in GB
    return {
        0: 16 * psi,
        1: 4 * psi + 12 * psi / n,
        2: 2 * psi + 14 * psi / n,
        3: 16 * psi / n,
    }[a["stage"]]


# ---------------------------------------------------------------------------------- tinycnn


def _tinycnn_layers(a: dict[str, Any]) -> list[tuple[str, tuple[int, ...], int]]:
    """(kind, output shape, parameter count) of every layer, from the stated architecture."""
    out = []
    c, n = a["in_channels"], a["input_size"]
    n = conv_out(n, a["k1"], a["s1"], a["p1"])
    out.append(("conv", (a["c1"], n, n), a["k1"] ** 2 * c * a["c1"] + a["c1"]))
    out.append(("relu", (a["c1"], n, n), 0))
    if a["pool"]:
        n //= 2
        out.append(("pool", (a["c1"], n, n), 0))
    n = conv_out(n, a["k2"], a["s2"], a["p2"])
    out.append(("conv", (a["c2"], n, n), a["k2"] ** 2 * a["c1"] * a["c2"] + a["c2"]))
    out.append(("relu", (a["c2"], n, n), 0))
    out.append(("gap", (a["c2"],), 0))
    out.append(("fc", (a["classes"],), a["c2"] * a["classes"] + a["classes"]))
    return out


def _tinycnn_shapes(p: Problem) -> Value:
    a = p.params
    _, shape, count = _tinycnn_layers(a)[a["layer"] - 1]
    if a["question"] == "shape":
        return tuple(Fraction(d) for d in shape)
    return Fraction(count)


_NUMBER = r"([0-9][0-9,.]*(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)"


def experiment_norms(prompt: str) -> tuple[Decimal, Decimal] | None:
    """The two measured gradient norms the prompt states (Sigmoid, ReLU), if it states them."""
    found = []
    for name in ("Sigmoid", "ReLU"):
        m = re.search(rf"{name} 版(?:は|で|が)?\s*{_NUMBER}", prompt)
        if m is None:
            return None
        found.append(read_number(m.group(1)))
    return found[0], found[1]


def _tinycnn_experiment(p: Problem) -> Value:
    norms = experiment_norms(p.prompt)
    assert norms is not None, (
        f"the prompt does not state what the answer is computed from:\n{p.prompt}"
    )
    sig, relu = norms
    return Fraction(relu) / Fraction(sig)


EXACT: dict[str, Callable[[Problem], Value]] = {
    "conv_output_size": _conv_output_size,
    "conv_output_size_dilated": _dilated,
    "receptive_field": _receptive_field,
    "conv_params": _conv_params,
    "conv_by_hand": _conv_by_hand,
    "pooling_values": _pooling,
    "gap_values": _gap,
    "softmax_probs": _softmax_probs,
    "softmax_temperature": _softmax_temperature,
    "sigmoid_max_grad": _sigmoid_max_grad,
    "vanishing_product": _vanishing,
    "leaky_relu_values": _leaky,
    "relu_vs_leaky": _relu_vs_leaky,
    "gelu_value": _gelu,
    "cross_entropy": _cross_entropy,
    "depthwise_macs": _depthwise_macs,
    "depthwise_ratio": _depthwise_ratio,
    "efficientnet_compound": _efficientnet,
    "mlp_params": _mlp,
    "recurrent_params": _recurrent,
    "scaling_fit": _scaling_fit,
    "scaling_loss_ratio": _loss_ratio,
    "chinchilla_allocation": _chinchilla,
    "int8_quantization": _int8,
    "model_memory": _model_memory,
    "pruning_sparsity": _pruning,
    "low_rank_params": _low_rank,
    "batch_norm_values": _bn_values,
    "batch_norm_counts": _bn_counts,
    "sgd_momentum_step": _momentum,
    "cosine_lr": _cosine,
    "warmup_lr": _warmup,
    "linear_scaling_lr": _linear_scaling,
    "zero_memory": _zero,
    "tinycnn_shapes": _tinycnn_shapes,
    "tinycnn_experiment": _tinycnn_experiment,
    **EXACT_STATS,
    **EXACT_E,
    **EXACT_TRANSFORMER,
}
"""Generator name → its answer recomputed from the problem."""
