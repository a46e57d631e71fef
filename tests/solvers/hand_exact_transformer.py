"""Exact answers of the Transformer, detection, segmentation, NLP and systems generators, worked
out again from what each problem states, independently of ``solvers`` (see ``hand_exact``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from solvers.problem import Problem

from .hand_numbers import CTX, PI, Value, cos, dec, exp, q

# ------------------------------------------------------------------------------ transformer


def _attention(p: Problem) -> Value:
    a = p.params
    d = a["d_k"]
    i = a["query"] - 1
    keys = range(a["query"]) if a["causal"] else range(a["tokens"])
    scores = {
        j: Fraction(sum(x * y for x, y in zip(a["q"][i], a["k"][j], strict=True))) / math.isqrt(d)
        for j in keys
    }
    e = {j: exp(s) for j, s in scores.items()}
    total = sum(e.values(), Decimal(0))
    if a["question"] == "weight":
        return CTX.divide(e[a["key"] - 1], total)
    c = a["component"] - 1
    return CTX.divide(sum((e[j] * a["v"][j][c] for j in keys), Decimal(0)), total)


def _mha(p: Problem) -> Value:
    d = p.params["d_model"]
    weights = 4 * d * d  # W_Q, W_K, W_V, W_O
    return Fraction(weights + (4 * d if p.params["bias"] else 0))


def _encoder(p: Problem) -> Value:
    d = p.params["d_model"]
    f = p.params["ff_ratio"] * d
    attention = 4 * (d * d + d)
    ffn = (d * f + f) + (f * d + d)
    norms = 2 * (d + d)
    return Fraction(attention + ffn + norms)


def _sin(x: Decimal) -> Decimal:
    return cos(CTX.subtract(CTX.divide(PI, 2), x))


def _positional(p: Problem) -> Value:
    a = p.params
    k, d = a["dim"], a["d_model"]
    i = k // 2
    # 10000^(2i/d) = 10^(8i/d): the generator's dimensions make 8i/d whole
    assert (8 * i) % d == 0
    angle = Fraction(a["pos"], 10 ** (8 * i // d))
    if a["question"] == "angle":
        return angle
    return _sin(dec(angle)) if k % 2 == 0 else cos(dec(angle))


def _layer_norm(p: Problem) -> Value:
    a = p.params
    x = [q(v) for v in a["x"]]
    mu = sum(x, Fraction(0)) / len(x)
    var = sum(((v - mu) ** 2 for v in x), Fraction(0)) / len(x)
    xi = x[a["index"] - 1]
    g, b = q(a["gamma"]), q(a["beta"])
    num, den = var.numerator, var.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn == num and rd * rd == den:
        return g * (xi - mu) / Fraction(rn, rd) + b
    return CTX.add(CTX.divide(dec(g * (xi - mu)), CTX.sqrt(dec(var))), dec(b))


# ------------------------------------------------------------------------------- detection


def _area(b, one):
    return (b[2] - b[0] + one) * (b[3] - b[1] + one)


def _inter(a, b, one):
    w = min(a[2], b[2]) - max(a[0], b[0]) + one
    h = min(a[3], b[3]) - max(a[1], b[1]) + one
    return max(w, 0) * max(h, 0)


def _box_iou(p: Problem) -> Value:
    one = 1 if p.params["inclusive"] else 0
    a, b = p.params["a"], p.params["b"]
    i = _inter(a, b, one)
    return Fraction(i, _area(a, one) + _area(b, one) - i)


def _nms(p: Problem) -> Value:
    boxes, scores, t = p.params["coords"], p.params["scores"], q(p.params["threshold"])
    todo = sorted(range(len(boxes)), key=lambda m: scores[m], reverse=True)
    kept = 0
    while todo:
        top = todo.pop(0)
        kept += 1
        todo = [
            m
            for m in todo
            if Fraction(
                _inter(boxes[top], boxes[m], 0),
                _area(boxes[top], 0) + _area(boxes[m], 0) - _inter(boxes[top], boxes[m], 0),
            )
            <= t
        ]
    return Fraction(kept)


def _ap(p: Problem) -> Value:
    hits = p.params["hits"]
    g = sum(hits) + p.params["missed"]
    prec = [Fraction(sum(hits[: k + 1]), k + 1) for k in range(len(hits))]
    if p.params["interpolated"]:
        prec = [max(prec[k:]) for k in range(len(prec))]
    return sum((x for x, h in zip(prec, hits, strict=True) if h), Fraction(0)) / g


# ---------------------------------------------------------------------------- segmentation


def _transposed(p: Problem) -> Value:
    a = p.params
    # the stride-S convolution that maps the output back to the input: (o + 2P − K)/S + 1 = n
    o = (a["size"] - 1) * a["stride"] - 2 * a["padding"] + a["kernel"] + a["output_padding"]
    assert (o + 2 * a["padding"] - a["kernel"]) // a["stride"] + 1 == a["size"]
    return Fraction(o)


def _unet(p: Problem) -> Value:
    a = p.params
    side = a["size"]
    for _ in range(a["depth"]):
        side = (side - 2 - 2) // 2
    side -= 4
    if a["question"] == "bottleneck":
        return Fraction(side)
    for _ in range(a["depth"]):
        side = side * 2 - 4
    return Fraction(side)


# ------------------------------------------------------------------------------------- NLP


def _word2vec(p: Problem) -> Value:
    v, d = p.params["vocab"], p.params["dim"]
    return Fraction(v * d + d * v)


def _round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def _bert(p: Problem) -> Value:
    n = p.params["tokens"]
    chosen = _round_half_up(Fraction(15, 100) * n)
    masked = _round_half_up(Fraction(80, 100) * chosen)
    swapped = _round_half_up(Fraction(10, 100) * chosen)
    return Fraction(
        {
            "loss": chosen,
            "mask": masked,
            "random": swapped,
            "unchanged": chosen - masked - swapped,
        }[p.params["question"]]
    )


# --------------------------------------------------------------------------------- systems

_SIZE = {"fp32": 4, "fp16": 2}


def _allreduce(p: Problem) -> Value:
    a = p.params
    gb = Fraction(a["params_million"] * _SIZE[a["dtype"]], 1000)
    n = a["n_gpus"]
    if a["algorithm"] == "ring":
        return (n - 1) * (gb / n) * 2
    return gb * n


def _pipeline(p: Problem) -> Value:
    a = p.params
    per = a["batch"] * a["tokens"] * a["hidden"] * 2
    return Fraction(per * (a["stages"] - 1) * 2, 10**6)


def _activation(p: Problem) -> Value:
    a = p.params
    if a["kind"] == "conv":
        elements = a["channels"] * a["size"] ** 2
    else:
        elements = (a["channels"] // 8) * (a["size"] * 8) ** 2
    return Fraction(a["batch"] * elements * _SIZE[a["dtype"]], 10**6)


EXACT_TRANSFORMER: dict[str, Callable[[Problem], Value]] = {
    "attention_weights": _attention,
    "mha_params": _mha,
    "encoder_block_params": _encoder,
    "positional_encoding": _positional,
    "layer_norm_values": _layer_norm,
    "box_iou": _box_iou,
    "nms_survivors": _nms,
    "average_precision": _ap,
    "transposed_conv_size": _transposed,
    "unet_sizes": _unet,
    "word2vec_params": _word2vec,
    "bert_masking": _bert,
    "allreduce_traffic": _allreduce,
    "pipeline_traffic": _pipeline,
    "activation_memory": _activation,
}
