"""Problems computed by really building and running a TinyCNN (solvers.cnn).

* ``tinycnn_shapes``: a random small CNN; the output shape of one layer, or the parameter count of
  one layer, read off a real forward pass and the real weight arrays.
* ``tinycnn_experiment``: a live vanishing-gradient experiment; two MLPs with the same weights,
  Sigmoid vs ReLU, one backward pass. The prompt states both first-layer gradient norms (they
  depend on weights the learner never sees) and asks for their ratio; the solution explains why
  it is far from 4^L.

Distractors are the numbers that real mistakes produce (forgetting the +1, the padding, the bias,
the input channels; assuming exactly 1/4 per sigmoid layer; …), each computed for this problem.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from solvers.cnn import (
    Conv2d,
    GlobalAvgPool,
    Layer,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    first_layer_grad_norm,
)
from solvers.formatting import INTEGER, NumberFormat, fmt_int, fmt_result, fmt_sig, shown_value, sig
from solvers.generators.conv import FLOOR_RULE, padding_text
from solvers.problem import Answer
from solvers.template import Candidate, Draft, Template

# ------------------------------------------------------------------------- tinycnn_shapes


@dataclass(frozen=True)
class ShapeFormat(NumberFormat):
    """Exact integers (kind "int"), with a shape written "16×6×6" (channels×height×width)."""

    def text(self, value: Answer) -> str:
        """ "16×6×6" for a tuple, "1,168" for a count."""
        if isinstance(value, tuple):
            return "×".join(fmt_int(v) for v in value)
        return fmt_int(value)


SHAPE = ShapeFormat("int")


@dataclass(frozen=True)
class Arch:
    """A TinyCNN: conv → ReLU → [max pool 2] → conv → ReLU → GAP → FC."""

    in_channels: int
    input_size: int
    c1: int
    k1: int
    s1: int
    p1: int
    pool: bool
    c2: int
    k2: int
    s2: int
    p2: int
    classes: int

    def build(self, seed: int = 0) -> Sequential:
        """The network as real solvers.cnn layers (weights drawn from ``seed``)."""
        rng = np.random.default_rng(seed)
        layers: list[Layer] = [
            Conv2d(self.in_channels, self.c1, self.k1, stride=self.s1, padding=self.p1, rng=rng),
            ReLU(),
        ]
        if self.pool:
            layers.append(MaxPool2d(2))
        layers += [
            Conv2d(self.c1, self.c2, self.k2, stride=self.s2, padding=self.p2, rng=rng),
            ReLU(),
            GlobalAvgPool(),
            Linear(self.c2, self.classes, rng=rng),
        ]
        return Sequential(layers)

    @property
    def conv2_index(self) -> int:
        """Index of the second convolution in :meth:`build`'s layers."""
        return 3 if self.pool else 2

    def describe(self) -> list[str]:
        """One Japanese line per layer, numbered from 1."""
        lines = [_conv_line(self.in_channels, self.c1, self.k1, self.s1, self.p1), "ReLU"]
        if self.pool:
            lines.append("最大プーリング 2×2（ストライド 2）")
        lines += [
            _conv_line(self.c1, self.c2, self.k2, self.s2, self.p2),
            "ReLU",
            "GAP（グローバル平均プーリング）",
            f"全結合層 {self.c2}→{self.classes}（バイアスあり）",
        ]
        return [f"{i}. {line}" for i, line in enumerate(lines, start=1)]


def _conv_line(c_in: int, c_out: int, k: int, s: int, p: int) -> str:
    return (
        f"畳み込み層 {c_in}→{c_out}ch（カーネル {k}×{k}、ストライド {s}、{padding_text(p)}、"
        "バイアスあり）"
    )


def _conv_out(n: int, k: int, s: int, p: int, mistake: str | None) -> int:
    """Output length under a (possibly mistaken) reading of ⌊(W+2P−F)/S⌋+1."""
    if mistake == "forgot-plus-one":
        return (n + 2 * p - k) // s
    if mistake == "forgot-padding":
        return (n - k) // s + 1 if n >= k else 0
    if mistake == "padding-not-doubled":
        return (n + p - k) // s + 1 if n + p >= k else 0
    if mistake == "ignored-stride":
        return n + 2 * p - k + 1
    return (n + 2 * p - k) // s + 1


def shape_chain(arch: Arch, mistake: str | None = None) -> list[tuple[int, ...]] | None:
    """Per-layer output shapes from the size formulas, optionally with one mistake made at every
    layer it applies to; None when the mistake leads to an empty feature map."""
    shapes: list[tuple[int, ...]] = []
    c, n = arch.in_channels, arch.input_size
    for c_out, k, s, p, pool_after in (
        (arch.c1, arch.k1, arch.s1, arch.p1, arch.pool),
        (arch.c2, arch.k2, arch.s2, arch.p2, False),
    ):
        c = c if mistake == "kept-input-channels" else c_out
        n = _conv_out(n, k, s, p, mistake)
        if n < 1:
            return None
        shapes += [(c, n, n), (c, n, n)]
        if pool_after:
            n = n if mistake == "pool-not-applied" else n // 2
            if n < 1:
                return None
            shapes.append((c, n, n))
    shapes += [(c,), (arch.classes,)]
    return shapes


SHAPE_MISTAKES: tuple[tuple[str, str], ...] = (
    ("forgot-plus-one", "出力サイズの式 ⌊(W+2P−F)/S⌋+1 の「+1」を忘れています"),
    ("forgot-padding", "パディング P を足し忘れています（⌊(W−F)/S⌋+1 で計算）"),
    (
        "padding-not-doubled",
        "パディングを片側分（P）しか足していません。パディングは両側に付くので 2P です",
    ),
    ("ignored-stride", "ストライド S で割るのを忘れています"),
    ("pool-not-applied", "最大プーリングで高さ・幅が半分になることを忘れています"),
    (
        "kept-input-channels",
        "出力チャンネル数を入力チャンネル数のままにしています（出力チャンネル数はフィルタの数）",
    ),
)


def _conv_params_mistakes(c_in: int, c_out: int, k: int, out: int) -> list[Candidate]:
    w = k * k * c_in * c_out
    return [
        ("forgot-bias", "バイアス（出力チャンネルごとに1つ）を数え忘れています", float(w)),
        (
            "forgot-input-channels",
            "フィルタ1枚が入力の全チャンネル分の重み（F×F×C_in）を持つことを忘れています",
            float(k * k * c_out + c_out),
        ),
        (
            "kernel-not-squared",
            "カーネルを F×F ではなく F として数えています",
            float(k * c_in * c_out + c_out),
        ),
        (
            "no-weight-sharing",
            "重み共有を忘れ、出力位置ごとに別の重みがあると数えています",
            float((w + c_out) * out * out),
        ),
    ]


def _fc_params_mistakes(c: int, classes: int, hw: int) -> list[Candidate]:
    return [
        ("forgot-bias", "バイアス（出力ごとに1つ）を数え忘れています", float(c * classes)),
        (
            "gap-not-applied",
            "GAP で各チャンネルが1つの値になることを忘れ、特徴マップ全体を入力として数えています",
            float(c * hw * classes + classes),
        ),
        (
            "gap-not-applied-forgot-bias",
            "GAP を無視して特徴マップ全体を入力とし、さらにバイアスも数え忘れています",
            float(c * hw * classes),
        ),
    ]


def _build_shapes(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    question = p["question"]
    if question not in ("shape", "params"):
        raise ValueError(f"question must be 'shape' or 'params', got {question!r}")
    arch = Arch(**{k: v for k, v in p.items() if k != "question"})
    if arch.p1 >= arch.k1 or arch.p2 >= arch.k2:
        return None  # padding ≥ kernel only adds border outputs that see nothing but zeros
    net = arch.build()
    try:
        shapes = net.output_shapes((arch.in_channels, arch.input_size, arch.input_size))
    except ValueError:
        return None
    lead = (
        f"{arch.in_channels}×{arch.input_size}×{arch.input_size}（チャンネル×高さ×幅）の画像1枚を"
        f"次の TinyCNN に入力する。{FLOOR_RULE}（プーリングも同じ）。"
    )
    if question == "shape":
        targets = [0, 2, arch.conv2_index] if arch.pool else [0, arch.conv2_index]
        target = targets[int(rng.integers(len(targets)))]
        answer, candidates, tail, steps, hint = _shape_question(arch, net, shapes, target)
    else:
        target = [0, arch.conv2_index, len(net.layers) - 1][int(rng.integers(3))]
        answer, candidates, tail, steps, hint = _params_question(arch, net, shapes, target)
    return Draft(
        params={**asdict(arch), "question": question, "layer": target + 1},
        prompt="\n".join([lead, *arch.describe(), tail]),
        answer=answer,
        fmt=SHAPE,
        candidates=candidates,
        steps=steps,
        hint=hint,
    )


def _shape_question(
    arch: Arch, net: Sequential, shapes: list[tuple[int, ...]], target: int
) -> tuple[Answer, list[Candidate], str, list[str], str]:
    answer = tuple(float(d) for d in shapes[target])
    candidates: list[Candidate] = []
    for code, label in SHAPE_MISTAKES:
        if code == "pool-not-applied" and not (arch.pool and target >= 2):
            continue
        chain = shape_chain(arch, code)
        candidates.append(
            (code, label, None if chain is None else tuple(float(d) for d in chain[target]))
        )
    kind = "最大プーリング" if isinstance(net.layers[target], MaxPool2d) else "畳み込み層"
    tail = f"第{target + 1}層（{kind}）の出力の形状（チャンネル×高さ×幅）を求めよ。"
    steps = ["出力サイズは ⌊(W+2P−F)/S⌋+1、出力チャンネル数はフィルタの数（出力ch）に等しい"]
    size = arch.input_size
    for i, layer in enumerate(net.layers[: target + 1]):
        out = shapes[i]
        if isinstance(layer, Conv2d):
            k, st, pad = layer.kernel_size, layer.stride, layer.padding
            steps.append(
                f"第{i + 1}層（畳み込み）: ⌊({size}+2×{pad}−{k})/{st}⌋+1 = "
                f"⌊{size + 2 * pad - k}/{st}⌋+1 = {out[1]} → {SHAPE.text(out)}"
            )
        elif isinstance(layer, MaxPool2d):
            steps.append(
                f"第{i + 1}層（最大プーリング 2×2）: 高さ・幅は ⌊{size}/2⌋ = {out[1]}、"
                f"チャンネル数はそのまま → {SHAPE.text(out)}"
            )
        size = out[-1]
    hint = "チャンネル×高さ×幅 の形で答えてください（例: 16x6x6）"
    return answer, candidates, tail, steps, hint


def _params_question(
    arch: Arch, net: Sequential, shapes: list[tuple[int, ...]], target: int
) -> tuple[Answer, list[Candidate], str, list[str], str]:
    count = net.param_counts()[net.labels()[target]]
    layer = net.layers[target]
    ask = "の学習可能なパラメータ数（重み＋バイアス）を求めよ。"
    if isinstance(layer, Conv2d):
        c_in, c_out, k = layer.in_channels, layer.out_channels, layer.kernel_size
        candidates = _conv_params_mistakes(c_in, c_out, k, shapes[target][1])
        tail = f"第{target + 1}層（畳み込み層）{ask}"
        weights = k * k * c_in * c_out
        steps = [
            "畳み込み層のパラメータ数 = F×F×C_in×C_out（重み）+ C_out（バイアス）。"
            "重みは全出力位置で共有されるので、出力サイズには依存しない",
            f"重み: {k}×{k}×{c_in}×{c_out} = {fmt_int(weights)}",
            f"バイアス: {c_out}、合計 {fmt_int(weights)} + {c_out} = {fmt_int(count)}",
        ]
    else:
        gap_in = shapes[arch.conv2_index]
        c = arch.c2
        candidates = _fc_params_mistakes(c, arch.classes, gap_in[1] * gap_in[2])
        tail = f"第{target + 1}層（全結合層）{ask}"
        steps = [
            f"GAP は各チャンネルの特徴マップ（{SHAPE.text(gap_in)}）を平均して1つの値にするので、"
            f"全結合層への入力は {c} 個",
            "全結合層のパラメータ数 = 入力数×出力数（重み）+ 出力数（バイアス）",
            f"{c}×{arch.classes} + {arch.classes} = {fmt_int(c * arch.classes)} + {arch.classes}"
            f" = {fmt_int(count)}",
        ]
    return float(count), candidates, tail, steps, INTEGER.hint()


# --------------------------------------------------------------------- tinycnn_experiment

EXPERIMENT_BATCH = 64
EXPERIMENT_CLASSES = 4
RATIO = sig(2)
NORM_DIGITS = 3
"""Significant figures of the measured norms the experiment prompt states."""


def experiment_mlp(depth: int, width: int, activation: str, seed: int) -> Sequential:
    """``depth`` hidden layers Linear(width→width)+activation, then Linear(width→4), Xavier-
    initialised from ``seed`` (so the Sigmoid and ReLU nets of one seed share every weight)."""
    act: type[Layer] = {"sigmoid": Sigmoid, "relu": ReLU}[activation]
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    for _ in range(depth):
        layers += [Linear(width, width, init="xavier", rng=rng), act()]
    layers.append(Linear(width, EXPERIMENT_CLASSES, init="xavier", rng=rng))
    return Sequential(layers)


def experiment_batch(width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The experiment's inputs, N(0, 1) of shape (64, width), and random labels in 0…3."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((EXPERIMENT_BATCH, width))
    return x, rng.integers(0, EXPERIMENT_CLASSES, EXPERIMENT_BATCH)


def gradient_norms(depth: int, width: int, seed: int) -> tuple[float, float]:
    """(Sigmoid, ReLU) first-layer weight-gradient norms for one batch, same weights and data."""
    x, y = experiment_batch(width, seed + 1)
    sig_norm = first_layer_grad_norm(experiment_mlp(depth, width, "sigmoid", seed), x, y)
    relu_norm = first_layer_grad_norm(experiment_mlp(depth, width, "relu", seed), x, y)
    return sig_norm, relu_norm


def _build_experiment(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    depth, width = p["depth"], p["width"]
    if depth < 1 or width < 2:
        raise ValueError(f"need depth ≥ 1 and width ≥ 2, got {depth} and {width}")
    net_seed = int(rng.integers(2**31))
    sig_norm, relu_norm = gradient_norms(depth, width, net_seed)
    # the learner cannot rerun the network: the prompt states both measurements (3 figures)
    # and the answer is their ratio, so it follows from what is shown
    sig_text, relu_text = fmt_sig(sig_norm, NORM_DIGITS), fmt_sig(relu_norm, NORM_DIGITS)
    sig_shown = Fraction(shown_value(sig_text))
    relu_shown = Fraction(shown_value(relu_text))
    ratio = relu_shown / sig_shown
    candidates: list[Candidate] = [
        ("reversed", "Sigmoid 版を ReLU 版で割っています（逆の比）", float(sig_shown / relu_shown)),
        (
            "quarter-per-layer",
            "測定値を使わず、Sigmoid の微分の最大値 1/4 が各層で掛かるとして 4^L 倍としています",
            float(4**depth),
        ),
        (
            "difference",
            "比ではなく差（ReLU 版 − Sigmoid 版）を答えています",
            float(relu_shown - sig_shown),
        ),
        ("no-difference", "活性化関数を変えても勾配の大きさは変わらないと考えています", 1.0),
        (
            "additive-shrink",
            "勾配が層ごとに掛け算で縮むことを見落とし、足し算で考えています（4×L 倍）",
            float(4 * depth),
        ),
    ]
    per_layer = float(ratio) ** (1 / depth)
    prompt = "\n".join(
        [
            f"隠れ層 {depth} 層（各 {width} ユニット）の全結合ネットを2つ用意した。"
            f"重み（Xavier 初期化）と入力（{EXPERIMENT_BATCH} サンプル）は共通で、"
            "違いは隠れ層の活性化関数が Sigmoid か ReLU かだけである。",
            "出力4クラスのソフトマックス交差エントロピーで1回だけ誤差逆伝播し、"
            "第1層の重み勾配のノルム ‖∂L/∂W₁‖ を測ると、"
            f"Sigmoid 版は {sig_text}、ReLU 版は {relu_text} だった。",
            f"ReLU 版の ‖∂L/∂W₁‖ は Sigmoid 版の何倍か。{RATIO.instruction()}答えよ。",
        ]
    )
    steps = [
        f"比 = ReLU 版 / Sigmoid 版 = {relu_text} / {sig_text} {fmt_result(ratio, RATIO)}",
        "誤差逆伝播では、各隠れ層を通るたびに活性化関数の微分と重み行列が勾配に掛かる（連鎖律）",
        "Sigmoid の微分は σ′(x) = σ(x)(1−σ(x)) ≤ 1/4、ReLU の微分は x > 0 で 1 なので、"
        "Sigmoid 版の勾配は層を重ねるほど指数的に小さくなる（勾配消失）。"
        f"この実験では 1 層あたり約 {per_layer:.1f} 倍の差",
        f"4^{depth} = {fmt_int(4**depth)} 倍にはならない。Sigmoid 版の σ′ は 1/4 に近いが、"
        "ReLU 版でも入力が負のユニット（約半数）では勾配が 0 になり、ReLU 版の勾配も層ごとに縮むため",
    ]
    return Draft(
        params={"depth": depth, "width": width, "net_seed": net_seed},
        prompt=prompt,
        answer=ratio,
        fmt=RATIO,
        candidates=candidates,
        steps=steps,
        unit="倍",
    )


GENERATORS: list = [
    Template(
        name="tinycnn_shapes",
        title="TinyCNN の出力形状とパラメータ数",
        topic="cnn-architectures",
        exams=("E",),
        build=_build_shapes,
        ranges={
            "question": ["shape", "params"],
            "in_channels": [1, 3],
            "input_size": {"min": 8, "max": 32},
            "c1": [4, 8, 16, 32],
            "k1": [1, 3, 5],
            "s1": [1, 2],
            "p1": [0, 1, 2],
            "pool": [True, False],
            "c2": [8, 16, 32, 64],
            "k2": [1, 3, 5],
            "s2": [1, 2],
            "p2": [0, 1, 2],
            "classes": [2, 4, 10],
        },
    ),
    Template(
        name="tinycnn_experiment",
        title="勾配消失の実験（Sigmoid と ReLU）",
        topic="vanishing-exploding",
        exams=("E",),
        build=_build_experiment,
        ranges={"depth": {"min": 3, "max": 8}, "width": [16, 32]},
    ),
]
