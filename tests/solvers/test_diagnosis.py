"""Named mistakes pinned by hand: each case fixes a generator's parameters with range overrides,
works out the right answer and one wrong answer by an independent formula written here, and checks
that check() grades the right answer correct and names the expected mistake for the wrong one."""

from __future__ import annotations

import math
from typing import Any

import pytest

from solvers.generators import REGISTRY
from solvers.problem import Problem, Verdict, check

from .pinned import Case, assert_diagnosed, make, params_of


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def softmax(z: list[float], t: float = 1.0) -> list[float]:
    e = [math.exp(v / t) for v in z]
    return [v / sum(e) for v in e]


# ------------------------------------------------------------------------------ conv sizes

CONV = {"size": 32, "kernel": 5, "stride": 1, "padding": 2}  # (32+4−5)/1+1 = 32
CONV_S2 = {"size": 10, "kernel": 3, "stride": 2, "padding": 1}  # ⌊9/2⌋+1 = 5
DILATED = {"size": 16, "kernel": 3, "dilation": 2, "stride": 1, "padding": 0}  # F′=5 → 12
RF = {"layers": 3, "kernel": 3, "stride": 2}  # 1 + 2·(1+2+4) = 15
PARAMS_BIAS = {"kernel": 3, "c_in": 16, "c_out": 32, "bias": True, "size": 16}  # 4608 + 32
PARAMS_NO_BIAS = {**PARAMS_BIAS, "bias": False}

CASES: dict[str, Case] = {
    "conv-size/forgot-plus-one": Case("conv_output_size", CONV, 32.0, 31.0, "forgot-plus-one"),
    "conv-size/forgot-padding": Case("conv_output_size", CONV, 32.0, 28.0, "forgot-padding"),
    "conv-size/padding-counted-once": Case(
        "conv_output_size", CONV, 32.0, 30.0, "padding-not-doubled"
    ),
    "conv-size/padding-subtracted": Case(
        "conv_output_size", CONV, 32.0, 24.0, "padding-subtracted"
    ),
    "conv-size/rounded-up": Case("conv_output_size", CONV_S2, 5.0, 6.0, "rounded-up"),
    "conv-size/ignored-stride": Case("conv_output_size", CONV_S2, 5.0, 10.0, "ignored-stride"),
    "dilated/ignored-dilation": Case(
        "conv_output_size_dilated", DILATED, 12.0, 14.0, "ignored-dilation"
    ),
    "dilated/dilation-times-kernel": Case(
        "conv_output_size_dilated", DILATED, 12.0, 11.0, "dilation-times-kernel"
    ),
    "dilated/holes-off-by-one": Case(
        "conv_output_size_dilated", DILATED, 12.0, 10.0, "holes-off-by-one"
    ),
    "receptive-field/ignored-stride": Case("receptive_field", RF, 15.0, 7.0, "ignored-stride"),
    "receptive-field/forgot-plus-one": Case("receptive_field", RF, 15.0, 14.0, "forgot-plus-one"),
    "receptive-field/own-stride": Case("receptive_field", RF, 15.0, 29.0, "own-stride-included"),
    "receptive-field/sum-of-kernels": Case("receptive_field", RF, 15.0, 9.0, "sum-of-kernels"),
    "conv-params/forgot-bias": Case("conv_params", PARAMS_BIAS, 4640.0, 4608.0, "forgot-bias"),
    "conv-params/forgot-input-channels": Case(
        "conv_params", PARAMS_BIAS, 4640.0, 3 * 3 * 32 + 32.0, "forgot-input-channels"
    ),
    "conv-params/no-weight-sharing": Case(
        "conv_params", PARAMS_BIAS, 4640.0, 4640.0 * 16 * 16, "no-weight-sharing"
    ),
    "conv-params/added-bias": Case("conv_params", PARAMS_NO_BIAS, 4608.0, 4640.0, "added-bias"),
}


# ------------------------------------------------------------------------------ activations


def _softmax_i(params: dict[str, Any]) -> float:
    return softmax(params["logits"])[params["index"] - 1]


def _temperature_i(params: dict[str, Any], t: float) -> float:
    return softmax(params["logits"], t)[params["index"] - 1]


SOFTMAX = {"classes": 3, "logit_min": 0, "logit_max": 3}
TEMPERATURE = {"temperature": 2, "classes": 3, "logit_min": 0, "logit_max": 6}
LEAKY_OUT = {"x": -2, "alpha": 0.1, "quantity": "output"}  # αx = −0.2
LEAKY_GRAD = {"x": -2, "alpha": 0.1, "quantity": "gradient"}  # α = 0.1
SIG_RIGHT = {"function": "sigmoid", "lower": 1, "width": 2}  # [1, 3] → max at x = 1
SIG_GRAD_1 = sigmoid(1) * (1 - sigmoid(1))
VANISH = {"layers": 5, "activation": "sigmoid", "weight": 1}  # 0.25⁵

CASES.update(
    {
        "softmax/not-normalized": Case(
            "softmax_probs",
            SOFTMAX,
            _softmax_i,
            lambda q: math.exp(q["logits"][q["index"] - 1]),
            "not-normalized",
        ),
        "softmax/sigmoid-instead": Case(
            "softmax_probs",
            SOFTMAX,
            _softmax_i,
            lambda q: sigmoid(q["logits"][q["index"] - 1]),
            "sigmoid-instead",
        ),
        "temperature/ignored": Case(
            "softmax_temperature",
            TEMPERATURE,
            lambda q: _temperature_i(q, 2),
            lambda q: _temperature_i(q, 1),
            "ignored-temperature",
        ),
        "temperature/multiplied": Case(
            "softmax_temperature",
            TEMPERATURE,
            lambda q: _temperature_i(q, 2),
            lambda q: _temperature_i(q, 1 / 2),
            "multiplied-by-temperature",
        ),
        "temperature/divided-probability": Case(
            "softmax_temperature",
            TEMPERATURE,
            lambda q: _temperature_i(q, 2),
            lambda q: _temperature_i(q, 1) / 2,
            "divided-probability",
        ),
        "sigmoid-max-grad/assumed-max-at-zero": Case(
            "sigmoid_max_grad", SIG_RIGHT, (SIG_GRAD_1, 1.0), (0.25, 0.0), "assumed-max-at-zero"
        ),
        "sigmoid-max-grad/took-far-end": Case(
            "sigmoid_max_grad",
            SIG_RIGHT,
            (SIG_GRAD_1, 1.0),
            (sigmoid(3) * (1 - sigmoid(3)), 3.0),
            "took-minimum",
        ),
        "sigmoid-max-grad/maximised-function": Case(
            "sigmoid_max_grad",
            SIG_RIGHT,
            (SIG_GRAD_1, 1.0),
            (sigmoid(3), 3.0),
            "maximised-function",
        ),
        "tanh-max-grad/confused-with-sigmoid": Case(
            "sigmoid_max_grad",
            {"function": "tanh", "lower": -1, "width": 2},
            (1.0, 0.0),
            (0.25, 0.0),
            "confused-other-function",
        ),
        "vanishing/added-not-multiplied": Case(
            "vanishing_product", VANISH, 0.25**5, 5 * 0.25, "added-instead-of-multiplied"
        ),
        "vanishing/sigmoid-0.5-as-max": Case(
            "vanishing_product", VANISH, 0.25**5, 0.5**5, "confused-max-derivative"
        ),
        "leaky-output/treated-as-relu": Case(
            "leaky_relu_values", LEAKY_OUT, -0.2, 0.0, "treated-as-relu"
        ),
        "leaky-output/sign-of-alpha-dropped": Case(
            "leaky_relu_values", LEAKY_OUT, -0.2, 0.2, "sign-dropped"
        ),
        "leaky-output/forgot-alpha": Case(
            "leaky_relu_values", LEAKY_OUT, -0.2, -2.0, "forgot-alpha"
        ),
        "leaky-gradient/treated-as-relu": Case(
            "leaky_relu_values", LEAKY_GRAD, 0.1, 0.0, "treated-as-relu"
        ),
        "leaky-gradient/negative-alpha": Case(
            "leaky_relu_values", LEAKY_GRAD, 0.1, -0.1, "sign-flipped"
        ),
        "leaky-gradient/one-for-negative": Case(
            "leaky_relu_values", LEAKY_GRAD, 0.1, 1.0, "gradient-one-for-negative"
        ),
        "leaky-gradient-positive/alpha-for-positive": Case(
            "leaky_relu_values",
            {"x": 3, "alpha": 0.2, "quantity": "gradient"},
            1.0,
            0.2,
            "alpha-for-positive",
        ),
    }
)

# ----------------------------------------------------------------------------------- losses

CE = {"classes": 3, "target_prob": 0.25}  # −ln 0.25 = 1.386…

CASES.update(
    {
        "cross-entropy/log10": Case(
            "cross_entropy", CE, math.log(4), math.log10(4), "used-common-log"
        ),
        "cross-entropy/log2": Case("cross_entropy", CE, math.log(4), 2.0, "used-log2"),
        "cross-entropy/sign": Case("cross_entropy", CE, math.log(4), -math.log(4), "sign-flipped"),
        "cross-entropy/forgot-log": Case("cross_entropy", CE, math.log(4), 0.75, "forgot-log"),
        "cross-entropy/summed-all-classes": Case(
            "cross_entropy",
            CE,
            math.log(4),
            lambda q: sum(-math.log(v) for v in q["probs"]),
            "summed-all-classes",
        ),
    }
)


# ---------------------------------------------------------------------------- architectures

DW = {"size": 14, "kernel": 3, "c_in": 32, "c_out": 64}
DW_DEPTHWISE = 14 * 14 * 3 * 3 * 32  # 56,448
DW_POINTWISE = 14 * 14 * 32 * 64  # 401,408
DW_RATIO = {"kernel": 3, "c_out": 64}  # 1/64 + 1/9
EFF_DEPTH = {"phi": 2, "quantity": "depth"}  # α² = 1.2²
EFF_FLOPS = {"phi": 2, "quantity": "flops"}  # (1.2·1.1²·1.15²)²
EFF_FACTOR = 1.2 * 1.1**2 * 1.15**2

CASES.update(
    {
        "depthwise-macs/dropped-pointwise": Case(
            "depthwise_macs",
            DW,
            float(DW_DEPTHWISE + DW_POINTWISE),
            float(DW_DEPTHWISE),
            "dropped-pointwise",
        ),
        "depthwise-macs/standard-conv": Case(
            "depthwise_macs",
            DW,
            float(DW_DEPTHWISE + DW_POINTWISE),
            14.0 * 14 * 3 * 3 * 32 * 64,
            "standard-conv",
        ),
        "depthwise-ratio/dropped-pointwise": Case(
            "depthwise_ratio", DW_RATIO, 1 / 64 + 1 / 9, 1 / 9, "dropped-pointwise"
        ),
        "depthwise-ratio/inverted": Case(
            "depthwise_ratio", DW_RATIO, 1 / 64 + 1 / 9, 1 / (1 / 64 + 1 / 9), "inverted-ratio"
        ),
        "efficientnet-depth/exponent-linear": Case(
            "efficientnet_compound", EFF_DEPTH, 1.44, 1 + 0.2 * 2, "exponent-used-linearly"
        ),
        "efficientnet-depth/multiplied-not-powered": Case(
            "efficientnet_compound", EFF_DEPTH, 1.44, 2.4, "multiplied-not-powered"
        ),
        "efficientnet-flops/assumed-exactly-two": Case(
            "efficientnet_compound", EFF_FLOPS, EFF_FACTOR**2, 4.0, "assumed-exactly-two"
        ),
        "efficientnet-flops/forgot-squares": Case(
            "efficientnet_compound",
            EFF_FLOPS,
            EFF_FACTOR**2,
            (1.2 * 1.1 * 1.15) ** 2,
            "forgot-squares",
        ),
    }
)

# ---------------------------------------------------------------------------------- scaling

LOSS_RATIO = {"factor": 10, "exponent": 0.1, "resource": "params"}  # 10^−0.1
CHINCHILLA = {"n_billion": 10, "ask": "params"}  # C = 120·(10¹⁰)² → N = 10 B


def _fit_step_ratio(params: dict[str, Any]) -> float:
    losses = params["losses"]
    return (losses[-1] / losses[0]) ** (1 / (len(losses) - 1))


def _fit_alpha(params: dict[str, Any]) -> float:
    """Least-squares slope of log L on log N, negated (the points are equally spaced in log N)."""
    losses = params["losses"]
    step = math.log10(params["step"])
    xs = [params["n0_exp"] + step * i for i in range(len(losses))]
    ys = [math.log10(v) for v in losses]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return -slope


SCALING_FIT = {"exponent": 0.2, "points": 3, "step": 10, "loss0": 4.0, "n0_exp": 7}

CASES.update(
    {
        "loss-ratio/exponent-used-linearly": Case(
            "scaling_loss_ratio", LOSS_RATIO, 10**-0.1, 1 - 0.1, "exponent-used-linearly"
        ),
        "loss-ratio/sign-flipped": Case(
            "scaling_loss_ratio", LOSS_RATIO, 10**-0.1, 10**0.1, "sign-flipped"
        ),
        "loss-ratio/inverse-proportional": Case(
            "scaling_loss_ratio", LOSS_RATIO, 10**-0.1, 0.1, "ignored-exponent"
        ),
        "scaling-fit/exponent-used-linearly": Case(
            "scaling_fit",
            SCALING_FIT,
            _fit_alpha,
            lambda q: 1 - _fit_step_ratio(q),
            "exponent-used-linearly",
        ),
        "scaling-fit/sign-flipped": Case(
            "scaling_fit", SCALING_FIT, _fit_alpha, lambda q: -_fit_alpha(q), "sign-flipped"
        ),
        "chinchilla/forgot-factor-6": Case(
            "chinchilla_allocation",
            CHINCHILLA,
            10.0,
            math.sqrt(1.2e22 / 20) / 1e9,
            "forgot-factor-6",
        ),
        "chinchilla/swapped-n-and-d": Case(
            "chinchilla_allocation", CHINCHILLA, 10.0, 200.0, "swapped-n-and-d"
        ),
    }
)

# ------------------------------------------------------------------------------ compression

SCALE = {"question": "scale", "signed": True, "x_min": -1, "x_max": 6}  # 7/255
SCALE_SYM = {"question": "scale", "signed": True, "x_min": -1, "x_max": 1}  # 2/255
ZP_U = {"question": "zero_point", "signed": False, "x_min": -1, "x_max": 6}  # round(255/7) = 36
ZP_S = {**ZP_U, "signed": True}  # −128 + 36 = −92
QUANT = {"question": "quantize", "signed": True, "q_scale": 0.1, "q_zero": 10}
LOW_RANK = {"m": 512, "n": 256, "rank": 16, "question": "params"}  # 16·(512+256)
LOW_RANK_RATIO = {**LOW_RANK, "question": "ratio"}  # 12288 / 131072
MEMORY = {"n_params_billion": 7, "dtype": "fp16"}  # 7e9 × 2 bytes = 14 GB


def _quantize(params: dict[str, Any], zero: int) -> float:
    """round-half-to-even of x/s plus ``zero``, clamped to INT8 (x/s is never a tie here)."""
    q = round(params["x"] / params["q_scale"]) + zero
    return float(min(max(q, -128), 127))


CASES.update(
    {
        "int8-scale/inverted": Case("int8_quantization", SCALE, 7 / 255, 255 / 7, "inverted-scale"),
        "int8-scale/bits-as-levels": Case(
            "int8_quantization", SCALE, 7 / 255, 7 / 8, "bits-as-levels"
        ),
        "int8-scale/symmetric-formula": Case(
            "int8_quantization", SCALE, 7 / 255, 6 / 127, "used-symmetric-range"
        ),
        "int8-scale/256-levels": Case(
            "int8_quantization",
            SCALE_SYM,
            2 / 255,
            2 / 256,
            "used-256-levels",
        ),
        "int8-zero-point/forgot-zero-point": Case(
            "int8_quantization", ZP_U, 36.0, 0.0, "forgot-zero-point"
        ),
        "int8-zero-point/sign-flipped": Case(
            "int8_quantization", ZP_U, 36.0, -36.0, "sign-flipped"
        ),
        "int8-zero-point/rounded-up": Case("int8_quantization", ZP_U, 36.0, 37.0, "rounded-up"),
        "int8-zero-point/no-rounding": Case(
            "int8_quantization", ZP_U, 36.0, 255 / 7, "no-rounding"
        ),
        "int8-zero-point/signed-range-confused": Case(
            "int8_quantization", ZP_S, -92.0, 36.0, "unsigned-range"
        ),
        "int8-quantize/forgot-zero-point": Case(
            "int8_quantization",
            QUANT,
            lambda q: _quantize(q, 10),
            lambda q: _quantize(q, 0),
            "forgot-zero-point",
        ),
        "int8-quantize/subtracted-zero-point": Case(
            "int8_quantization",
            QUANT,
            lambda q: _quantize(q, 10),
            lambda q: _quantize(q, -10),
            "subtracted-zero-point",
        ),
        "model-memory/bits-as-bytes": Case("model_memory", MEMORY, 14.0, 112.0, "bits-as-bytes"),
        "model-memory/gib": Case("model_memory", MEMORY, 14.0, 14e9 / 2**30, "used-gib"),
        "low-rank/product-not-sum": Case(
            "low_rank_params", LOW_RANK, 12288.0, 16.0 * 512 * 256, "product-not-sum"
        ),
        "low-rank/one-factor-only": Case(
            "low_rank_params", LOW_RANK, 12288.0, 512.0 * 16, "one-factor-only"
        ),
        "low-rank/counted-singular-values": Case(
            "low_rank_params", LOW_RANK, 12288.0, 12288.0 + 16, "counted-singular-values"
        ),
        "low-rank-ratio/inverted": Case(
            "low_rank_params", LOW_RANK_RATIO, 12288 / 131072, 131072 / 12288, "inverted-ratio"
        ),
    }
)

# ---------------------------------------------------------------------------- normalization

BN = {"batch": 4, "value_max": 8, "gamma": 2, "beta": 1}
BN_AFFINE = {"batch": 8, "channels": 16, "size": 7, "question": "affine"}  # 2C = 32
BN_COUNT = {**BN_AFFINE, "question": "values_per_channel"}  # N·H·W = 392


def _bn(params: dict[str, Any], ddof: int = 0, root: bool = True, affine: bool = True) -> float:
    x = params["x"]
    xi = x[params["index"] - 1]
    mean = sum(x) / len(x)
    var = sum((v - mean) ** 2 for v in x) / (len(x) - ddof)
    x_hat = (xi - mean) / (math.sqrt(var) if root else var)
    return params["gamma"] * x_hat + params["beta"] if affine else x_hat


CASES.update(
    {
        "batch-norm/unbiased-variance": Case(
            "batch_norm_values", BN, _bn, lambda q: _bn(q, ddof=1), "used-unbiased-variance"
        ),
        "batch-norm/divided-by-variance": Case(
            "batch_norm_values", BN, _bn, lambda q: _bn(q, root=False), "divided-by-variance"
        ),
        "batch-norm/forgot-affine": Case(
            "batch_norm_values", BN, _bn, lambda q: _bn(q, affine=False), "forgot-affine"
        ),
        "batch-norm-counts/only-gamma": Case(
            "batch_norm_counts", BN_AFFINE, 32.0, 16.0, "counted-only-gamma"
        ),
        "batch-norm-counts/running-stats": Case(
            "batch_norm_counts", BN_AFFINE, 32.0, 64.0, "included-running-stats"
        ),
        "batch-norm-counts/instance-norm": Case(
            "batch_norm_counts", BN_COUNT, 392.0, 49.0, "instance-norm-count"
        ),
        "batch-norm-counts/layer-norm": Case(
            "batch_norm_counts", BN_COUNT, 392.0, 16.0 * 49, "layer-norm-count"
        ),
    }
)

# --------------------------------------------------------------------------------- training

MOMENTUM = {"w": 1.0, "v": 0.1, "grad": 2, "lr": 0.1, "momentum": 0.9}  # v′ = −0.11, w′ = 0.89
COSINE = {"total_steps": 100, "progress": 25, "lr_max": 0.1, "lr_min_ratio": 0}
COSINE_ANSWER = 0.05 * (1 + math.cos(math.pi / 4))
ZERO = {"n_params_billion": 7.5, "n_gpus": 8, "stage": 1}  # 4Ψ + 12Ψ/8 = 41.25 GB
WARMUP = {"warmup_steps": 1000, "progress": 25, "lr_base": 0.1}  # t = 250 → 0.025
SCALING_LR = {"base_lr": 0.1, "base_batch": 256, "batch": 1024}  # ×4 → 0.4

CASES.update(
    {
        "momentum/ignored-momentum": Case(
            "sgd_momentum_step", MOMENTUM, 0.89, 1.0 - 0.1 * 2, "ignored-momentum"
        ),
        "momentum/gradient-ascent": Case(
            "sgd_momentum_step", MOMENTUM, 0.89, 1.0 + 0.09 + 0.2, "gradient-ascent"
        ),
        "momentum/forgot-learning-rate": Case(
            "sgd_momentum_step", MOMENTUM, 0.89, 1.0 + 0.09 - 2, "forgot-learning-rate"
        ),
        "momentum/velocity-not-decayed": Case(
            "sgd_momentum_step", MOMENTUM, 0.89, 1.0 + 0.1 - 0.2, "velocity-not-decayed"
        ),
        "cosine/forgot-half": Case(
            "cosine_lr", COSINE, COSINE_ANSWER, 2 * COSINE_ANSWER, "forgot-half"
        ),
        "cosine/linear-decay": Case("cosine_lr", COSINE, COSINE_ANSWER, 0.075, "linear-decay"),
        "cosine/full-period": Case("cosine_lr", COSINE, COSINE_ANSWER, 0.05, "full-period"),
        "warmup/inverted-fraction": Case("warmup_lr", WARMUP, 0.025, 0.4, "inverted-fraction"),
        "warmup/no-warmup": Case("warmup_lr", WARMUP, 0.025, 0.1, "no-warmup"),
        "linear-scaling/sqrt-rule": Case(
            "linear_scaling_lr", SCALING_LR, 0.4, 0.2, "used-sqrt-rule"
        ),
        "linear-scaling/inverted": Case(
            "linear_scaling_lr", SCALING_LR, 0.4, 0.025, "inverted-scaling"
        ),
        "zero/no-partitioning": Case("zero_memory", ZERO, 41.25, 120.0, "no-partitioning"),
        "zero/partitioned-everything": Case(
            "zero_memory", ZERO, 41.25, 15.0, "partitioned-everything"
        ),
        "zero/stage-2-instead": Case("zero_memory", ZERO, 41.25, 15 + 13.125, "stage-shifted-up"),
        "zero/forgot-master-weights": Case(
            "zero_memory", ZERO, 41.25, 30 + 7.5, "forgot-master-weights"
        ),
        "zero/gib": Case("zero_memory", ZERO, 41.25, 41.25e9 / 2**30, "used-gib"),
    }
)


# ------------- mistakes within 0.5% of the answer: told apart by half a unit of the last figure

COSINE_EARLY = {"total_steps": 100, "progress": 10, "lr_max": 1.0, "lr_min_ratio": 0.1}
COSINE_EARLY_COS = 1 + math.cos(math.pi / 10)

CASES.update(
    {
        "cosine/ignored-lr-min-early": Case(
            "cosine_lr",
            COSINE_EARLY,
            0.1 + 0.45 * COSINE_EARLY_COS,
            0.5 * COSINE_EARLY_COS,
            "ignored-lr-min",
        ),
        "int8-scale/symmetric-formula-on-symmetric-range": Case(
            "int8_quantization",
            SCALE_SYM,
            2 / 255,
            1 / 127,
            "used-symmetric-range",
        ),
    }
)

# ------------------------------------------------------------- values drawn by the generator


def _window(x: list[list[int]], r: int, c: int, size: int) -> list[int]:
    return [x[i][j] for i in range(r, r + size) for j in range(c, c + size)]


def _conv_at(params: dict[str, Any], flip: bool = False, bias: bool = True) -> float:
    window = _window(params["x"], params["row"] - 1, params["col"] - 1, 3)
    kernel = [v for line in params["kernel"] for v in line]
    if flip:
        kernel = kernel[::-1]
    return float(sum(a * b for a, b in zip(window, kernel, strict=True))) + (
        params["bias"] if bias else 0
    )


def _pool_window(params: dict[str, Any]) -> list[int]:
    return _window(params["x"], 2 * (params["row"] - 1), 2 * (params["col"] - 1), 2)


CONV_HAND = {"row": 2, "col": 3, "bias": 2, "input_max": 5}
MAX_POOL = {"kind": "max", "row": 2, "col": 1, "value_max": 9}
AVG_POOL = {**MAX_POOL, "kind": "avg"}
GAP = {"channels": 2, "size": 3, "value_max": 9}

CASES.update(
    {
        "conv-by-hand/kernel-flipped": Case(
            "conv_by_hand",
            CONV_HAND,
            _conv_at,
            lambda q: _conv_at(q, flip=True),
            "kernel-flipped",
        ),
        "conv-by-hand/forgot-bias": Case(
            "conv_by_hand", CONV_HAND, _conv_at, lambda q: _conv_at(q, bias=False), "forgot-bias"
        ),
        "max-pool/used-average": Case(
            "pooling_values",
            MAX_POOL,
            lambda q: float(max(_pool_window(q))),
            lambda q: sum(_pool_window(q)) / 4,
            "used-average",
        ),
        "avg-pool/sum-not-average": Case(
            "pooling_values",
            AVG_POOL,
            lambda q: sum(_pool_window(q)) / 4,
            lambda q: float(sum(_pool_window(q))),
            "sum-not-average",
        ),
        "gap/used-max-pooling": Case(
            "gap_values",
            GAP,
            lambda q: tuple(sum(map(sum, m)) / 9 for m in q["x"]),
            lambda q: tuple(float(max(map(max, m))) for m in q["x"]),
            "used-max-pooling",
        ),
        "gap/divided-by-side": Case(
            "gap_values",
            GAP,
            lambda q: tuple(sum(map(sum, m)) / 9 for m in q["x"]),
            lambda q: tuple(sum(map(sum, m)) / 3 for m in q["x"]),
            "divided-by-side",
        ),
    }
)


# ------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("case", params_of(CASES))
def test_named_mistake_is_diagnosed(case: Case):
    assert_diagnosed(case)


# ------------------------------------------------------------- gradient at 0: the convention


def _with_a_zero(function: str) -> Problem:
    """The first seed whose drawn vector has a 0 (so the x = 0 convention matters)."""
    ranges = {"function": [function], "quantity": ["gradient_sum"], "alpha": [0.1]}
    for seed in range(200):
        p = REGISTRY["relu_vs_leaky"].generate(seed, ranges)
        if 0.0 in p.params["x"]:
            return p
    pytest.fail(f"no {function} gradient problem with a zero in 200 seeds")


def test_relu_gradient_at_zero_counted_as_one():
    p = _with_a_zero("relu")
    x = p.params["x"]
    positive, zeros = sum(v > 0 for v in x), x.count(0.0)
    assert check(p, float(positive)) == Verdict(True, None)  # PyTorch: relu'(0) = 0
    verdict = check(p, float(positive + zeros))
    assert not verdict.correct
    assert verdict.misconception is not None
    assert verdict.misconception.code == "counted-zero-as-one"


def test_leaky_relu_gradient_at_zero_counted_as_one():
    p = _with_a_zero("leaky_relu")
    x = p.params["x"]
    positive, zeros, negative = sum(v > 0 for v in x), x.count(0.0), sum(v < 0 for v in x)
    assert check(p, positive + 0.1 * (zeros + negative)) == Verdict(True, None)  # f'(0) = α
    verdict = check(p, positive + zeros + 0.1 * negative)
    assert not verdict.correct
    assert verdict.misconception is not None
    assert verdict.misconception.code == "zero-gradient-as-one"


def test_leaky_relu_output_sum_treated_as_relu():
    ranges = {"function": ["leaky_relu"], "quantity": ["output_sum"], "alpha": [0.2]}
    p = REGISTRY["relu_vs_leaky"].generate(3, ranges)
    x = p.params["x"]
    assert check(p, sum(v if v > 0 else 0.2 * v for v in x)) == Verdict(True, None)
    verdict = check(p, sum(max(v, 0.0) for v in x))
    assert verdict.misconception is not None
    assert verdict.misconception.code == "treated-as-relu"


# --------------------------------------------------------------------- TinyCNN first layer


def test_tinycnn_first_layer_shape_forgot_plus_one():
    pinned = {
        "question": "shape",
        "in_channels": 3,
        "input_size": 20,
        "c1": 8,
        "k1": 3,
        "s1": 2,
        "p1": 1,
        "pool": False,
    }
    for seed in range(50):
        p = make("tinycnn_shapes", pinned, seed)
        if p.params["layer"] == 1:
            break
    else:
        pytest.fail("no first-layer shape question in 50 seeds")
    # ⌊(20+2−3)/2⌋+1 = 10
    assert check(p, (8.0, 10.0, 10.0)) == Verdict(True, None)
    verdict = check(p, (8.0, 9.0, 9.0))
    assert verdict.misconception is not None
    assert verdict.misconception.code == "forgot-plus-one"
    verdict = check(p, (3.0, 10.0, 10.0))
    assert verdict.misconception is not None
    assert verdict.misconception.code == "kept-input-channels"


# -------------------------------------------------------------- answers matching no mistake

UNEXPLAINED = [
    pytest.param("conv_output_size", CONV, 17.0, id="conv-size"),
    pytest.param("receptive_field", RF, 16.0, id="receptive-field"),
    pytest.param("conv_params", PARAMS_BIAS, 4641.0, id="conv-params-off-by-one"),
    pytest.param("cross_entropy", CE, 0.5, id="cross-entropy"),
    pytest.param("leaky_relu_values", LEAKY_OUT, -0.5, id="leaky-output"),
    pytest.param("sigmoid_max_grad", SIG_RIGHT, (0.25, 1.0), id="sigmoid-half-right"),
    pytest.param("zero_memory", ZERO, 100.0, id="zero-memory"),
    pytest.param("cosine_lr", COSINE, 0.06, id="cosine"),
    pytest.param("int8_quantization", ZP_U, 35.0, id="int8-zero-point"),
    pytest.param("low_rank_params", LOW_RANK, 1.0, id="low-rank"),
    pytest.param("efficientnet_compound", EFF_DEPTH, 1.3, id="efficientnet"),
]


@pytest.mark.parametrize(("name", "pinned", "wrong"), UNEXPLAINED)
def test_answer_matching_no_mistake_is_just_wrong(name, pinned, wrong):
    p = make(name, pinned)
    assert check(p, wrong) == Verdict(False, None)


def test_near_miss_within_tolerance_is_correct_and_outside_is_unexplained():
    p = make("cross_entropy", CE)  # fixed(3): accepted within ±0.0005
    assert check(p, round(math.log(4), 3)) == Verdict(True, None)
    assert check(p, math.log(4) + 0.0004) == Verdict(True, None)
    assert check(p, math.log(4) + 0.002) == Verdict(False, None)
    q = make("conv_output_size", CONV)  # integers: no tolerance
    assert check(q, 32.4) == Verdict(False, None)
    assert check(q, 31.0).misconception is not None


def test_first_matching_mistake_wins():
    """When two mistakes agree, the kept one (the first in priority) names the answer: here
    forgetting the padding and rounding up both give 28 for 32/5/1/2."""
    p = make("conv_output_size", CONV)
    verdict = check(p, 28.0)
    assert verdict.misconception is not None
    assert verdict.misconception.code == "forgot-padding"
    assert len({m.code for m in p.misconceptions}) == len(p.misconceptions)


@pytest.mark.parametrize(
    ("x", "digits", "unit"),
    [(0.00784, 3, 0.00001), (0.978, 3, 0.001), (1.0, 3, 0.01), (6000.0, 2, 100.0), (9.996, 3, 0.1)],
)
def test_half_unit_is_half_the_last_shown_figure(x, digits, unit) -> None:
    from solvers.problem import half_unit

    assert half_unit(x, digits) == pytest.approx(unit / 2, rel=1e-6)
    assert half_unit(-x, digits) == half_unit(x, digits)
    assert half_unit(0.0, digits) == 0.0
