"""solvers.cnn and solvers.datasets: finite-difference gradients, independent formulations from
solvers.conv / losses / normalization, hand-counted parameters, real-run shapes, determinism and a
small training run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import cnn
from solvers.cnn import (
    SGD,
    Adam,
    BatchNorm2d,
    Conv2d,
    Flatten,
    GlobalAvgPool,
    LeakyReLU,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    epoch_permutations,
    evaluate,
    first_layer_grad_norm,
    reference_net,
    softmax_cross_entropy,
    train,
)
from solvers.conv import conv2d, conv2d_backward, max_pool2d
from solvers.datasets import CLASS_NAMES, make_shapes
from solvers.losses import cross_entropy, softmax_cross_entropy_grad
from solvers.normalization import batch_norm
from solvers.optim import adam_step

FAST = settings(max_examples=25, deadline=None)
H = 1e-6


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def numeric_grad(f, arr: np.ndarray) -> np.ndarray:
    """Central differences of the scalar f() with respect to every element of arr (in place)."""
    grad = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + H
        up = f()
        flat[i] = old - H
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * H)
    return grad


def check_layer(layer: cnn.Layer, x: np.ndarray, seed: int = 1) -> None:
    """Compare backward against central differences of L = Σ out·R, for the input and params."""
    r = rng(seed).standard_normal(layer.forward(x).shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x) * r))

    loss()
    dx = layer.backward(r)
    analytic = {p.name: p.grad.copy() for p in layer.params()}
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-5, atol=1e-7)
    for p in layer.params():
        np.testing.assert_allclose(
            analytic[p.name], numeric_grad(loss, p.value), rtol=1e-5, atol=1e-7, err_msg=p.name
        )


def away_from_zero(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Random values with |x| ≥ 0.1, so ReLU-type kinks are never crossed by ±H."""
    x = rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.1, np.sign(x) * 0.1 + x, x)


# ---------------------------------------------------------------- gradient checks, layer by layer


@pytest.mark.parametrize(
    ("c_in", "c_out", "k", "stride", "padding", "hw"),
    [
        (1, 3, 3, 1, 1, (5, 5)),
        (2, 3, 3, 2, 1, (7, 6)),
        (3, 2, 2, 1, 0, (4, 5)),
        (2, 2, 3, 2, 2, (5, 5)),
    ],
)
def test_conv2d_gradients(c_in, c_out, k, stride, padding, hw):
    layer = Conv2d(c_in, c_out, k, stride=stride, padding=padding, rng=rng())
    layer.bias.value[:] = rng(5).standard_normal(c_out)
    check_layer(layer, rng(2).standard_normal((2, c_in, *hw)))


def test_conv2d_without_bias_has_only_weight():
    layer = Conv2d(2, 3, 3, padding=1, bias=False, rng=rng())
    assert [p.name for p in layer.params()] == ["weight"]
    check_layer(layer, rng(2).standard_normal((2, 2, 4, 4)))


def test_linear_gradients():
    check_layer(Linear(5, 3, rng=rng()), rng(3).standard_normal((4, 5)))


@pytest.mark.parametrize("layer", [ReLU(), LeakyReLU(0.2), Sigmoid()], ids=repr)
def test_activation_gradients(layer):
    check_layer(layer, away_from_zero((2, 3, 4, 4)))


@pytest.mark.parametrize("hw", [(4, 4), (5, 7)])
def test_maxpool_gradients_including_cropped_edges(hw):
    check_layer(MaxPool2d(2), rng(4).standard_normal((2, 3, *hw)))


def test_maxpool3_gradients():
    check_layer(MaxPool2d(3), rng(4).standard_normal((2, 2, 7, 6)))


def test_global_avg_pool_and_flatten_gradients():
    check_layer(GlobalAvgPool(), rng(6).standard_normal((3, 4, 3, 5)))
    check_layer(Flatten(), rng(6).standard_normal((3, 2, 3, 2)))


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients(training):
    layer = BatchNorm2d(3)
    layer.gamma.value[:] = [0.5, 1.5, -2.0]
    layer.beta.value[:] = [0.1, -0.3, 0.7]
    layer.running_mean[:] = [0.2, -0.1, 0.4]
    layer.running_var[:] = [0.5, 2.0, 1.5]
    layer.training = training
    check_layer(layer, rng(7).standard_normal((3, 3, 3, 4)) * 2 + 1)


def small_net(seed: int = 0, dtype: type = np.float64) -> Sequential:
    g = rng(seed)
    return Sequential(
        [
            Conv2d(2, 4, 3, stride=2, padding=1, rng=g, dtype=dtype),
            BatchNorm2d(4, dtype=dtype),
            LeakyReLU(0.1),
            MaxPool2d(2),
            Conv2d(4, 3, 2, padding=1, init="xavier", rng=g, dtype=dtype),
            Sigmoid(),
            GlobalAvgPool(),
            Linear(3, 5, init="xavier", rng=g, dtype=dtype),
        ],
        dtype=dtype,
    )


def test_whole_net_gradients_through_softmax_cross_entropy():
    net = small_net()
    x = rng(8).standard_normal((4, 2, 9, 9))
    y = np.array([0, 3, 4, 1])

    def loss() -> float:
        return softmax_cross_entropy(net.forward(x), y)[0]

    loss()
    net.backward(softmax_cross_entropy(net.forward(x), y)[1])
    for i, p in enumerate(net.parameters()):
        np.testing.assert_allclose(
            p.grad, numeric_grad(loss, p.value), rtol=1e-4, atol=1e-8, err_msg=f"param {i} {p.name}"
        )


def test_float32_net_gradients_agree_with_float64():
    net64, net32 = small_net(3), small_net(3, np.float32)
    x = rng(9).standard_normal((6, 2, 9, 9))
    y = np.array([0, 1, 2, 3, 4, 0])
    for net in (net64, net32):
        net.backward(softmax_cross_entropy(net.forward(x), y)[1])
    for p64, p32 in zip(net64.parameters(), net32.parameters(), strict=True):
        assert p32.grad.dtype == np.float32
        scale = np.abs(p64.grad).max()
        np.testing.assert_allclose(
            p32.grad, p64.grad, atol=max(1e-4 * scale, 1e-7), err_msg=p64.name
        )


# ------------------------------------------------------------ against independent formulations


@given(
    n=st.integers(1, 3),
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    k=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    h=st.integers(4, 9),
    w=st.integers(4, 9),
    seed=st.integers(0, 1000),
)
@FAST
def test_conv2d_matches_solvers_conv(n, c_in, c_out, k, stride, padding, h, w, seed):
    layer = Conv2d(c_in, c_out, k, stride=stride, padding=padding, rng=rng(seed))
    layer.bias.value[:] = rng(seed + 1).standard_normal(c_out)
    x = rng(seed + 2).standard_normal((n, c_in, h, w))
    out = layer.forward(x)
    wv, bv = layer.weight.value, layer.bias.value
    np.testing.assert_allclose(out, conv2d(x, wv, bv, stride=stride, padding=padding), atol=1e-12)
    g = rng(seed + 3).standard_normal(out.shape)
    dx = layer.backward(g)
    ref_dx, ref_dw, ref_db = conv2d_backward(x, wv, g, stride=stride, padding=padding)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad, ref_dw, atol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, ref_db, atol=1e-12)


@given(h=st.integers(2, 9), w=st.integers(2, 9), k=st.integers(2, 3), seed=st.integers(0, 1000))
@FAST
def test_maxpool_matches_solvers_conv(h, w, k, seed):
    x = rng(seed).standard_normal((2, 3, max(h, k), max(w, k)))
    np.testing.assert_array_equal(MaxPool2d(k).forward(x), max_pool2d(x, k))


def test_maxpool_routes_ties_to_the_first_maximum():
    x = np.array([[[[1.0, 1.0], [0.0, 1.0]]]])
    pool = MaxPool2d(2)
    pool.forward(x)
    np.testing.assert_array_equal(
        pool.backward(np.ones((1, 1, 1, 1))), [[[[1.0, 0.0], [0.0, 0.0]]]]
    )


def test_batchnorm_training_matches_solvers_normalization_and_updates_running_stats():
    x = rng(10).standard_normal((4, 3, 2, 5)) * 3 + 2
    layer = BatchNorm2d(3, momentum=0.1)
    layer.gamma.value[:] = [1.0, 2.0, 0.5]
    layer.beta.value[:] = [0.0, -1.0, 3.0]
    out = layer.forward(x)
    np.testing.assert_allclose(out, batch_norm(x, layer.gamma.value, layer.beta.value), atol=1e-12)
    count = 4 * 2 * 5
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(
        layer.running_var, 0.9 + 0.1 * x.var(axis=(0, 2, 3)) * count / (count - 1)
    )


def test_batchnorm_eval_uses_running_stats_and_leaves_them():
    layer = BatchNorm2d(2)
    layer.running_mean[:] = [1.0, -1.0]
    layer.running_var[:] = [4.0, 0.25]
    layer.training = False
    x = rng(11).standard_normal((3, 2, 2, 2))
    expected = (x - layer.running_mean[:, None, None]) / np.sqrt(
        layer.running_var[:, None, None] + layer.eps
    )
    np.testing.assert_allclose(layer.forward(x), expected)
    np.testing.assert_array_equal(layer.running_mean, [1.0, -1.0])


def test_softmax_cross_entropy_matches_solvers_losses_and_is_stable():
    logits = rng(12).standard_normal((5, 4)) * 3
    y = np.array([0, 3, 2, 2, 1])
    loss, grad = softmax_cross_entropy(logits, y)
    assert loss == cross_entropy(logits, y)
    np.testing.assert_array_equal(grad, softmax_cross_entropy_grad(logits, y))
    big, big_grad = softmax_cross_entropy(
        np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([1, 1])
    )
    assert big == pytest.approx(500.0)
    assert np.isfinite(big_grad).all()
    np.testing.assert_allclose(big_grad.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="labels"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


# --------------------------------------------------------------------------------- optimizers


def one_param(value: list[float], grad: list[float]) -> cnn.Param:
    return cnn.Param("weight", np.array(value), np.array(grad))


def test_adam_first_two_steps_by_hand():
    p = one_param([1.0, -2.0], [0.5, -4.0])
    opt = Adam([p], lr=0.1)
    opt.step()
    # step 1: m̂ = g, v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g)
    np.testing.assert_allclose(
        p.value, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 4 / (4 + 1e-8)]
    )
    before = p.value.copy()
    p.grad[...] = [1.0, 1.0]
    opt.step()
    g1, g2 = np.array([0.5, -4.0]), np.array([1.0, 1.0])
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    v = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    update = 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(p.value, before - update, rtol=1e-12)


def test_adam_takes_exactly_the_steps_of_solvers_optim():
    """The trainable net and the worked examples run one Adam: same bits, step after step."""
    gen = rng(21)
    w0 = gen.standard_normal(500)
    grads = gen.standard_normal((5, 500)) * np.logspace(-6, 2, 500)
    p = one_param(list(w0), list(grads[0]))
    opt = Adam([p], lr=0.01)
    w, m, v = w0, np.zeros(500), np.zeros(500)
    for t, g in enumerate(grads, start=1):
        p.grad[...] = g
        opt.step()
        w, m, v = adam_step(w, m, v, g, t, lr=0.01)
        np.testing.assert_array_equal(p.value, w)


def test_sgd_momentum_by_hand():
    p = one_param([1.0], [2.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    assert p.value[0] == pytest.approx(1.0 - 0.1 * 2.0)
    p.grad[...] = 1.0
    opt.step()
    assert p.value[0] == pytest.approx(0.8 - 0.1 * (0.9 * 2.0 + 1.0))


def test_optimizer_keeps_layers_and_params_in_sync():
    net = reference_net(0)
    layer = net.layers[0]
    assert isinstance(layer, Conv2d)
    opt = Adam(net.parameters(), lr=0.01)
    X, y = make_shapes(8, 0)
    net.backward(softmax_cross_entropy(net.forward(X), y)[1])
    before = layer.weight.value.copy()
    opt.step()
    assert not np.array_equal(layer.weight.value, before)
    assert net.parameters()[0] is layer.weight


# ----------------------------------------------------------------- parameter counts and shapes


def test_reference_net_param_counts_by_hand():
    counts = reference_net(0).param_counts()
    assert counts == {
        "0:Conv2d": 3 * 3 * 1 * 8 + 8,
        "1:ReLU": 0,
        "2:MaxPool2d": 0,
        "3:Conv2d": 3 * 3 * 8 * 16 + 16,
        "4:ReLU": 0,
        "5:GlobalAvgPool": 0,
        "6:Linear": 16 * 4 + 4,
        "total": 80 + 1168 + 68,
    }
    assert counts["0:Conv2d"] == 80


@given(
    c_in=st.integers(1, 8),
    c_out=st.integers(1, 8),
    k=st.integers(1, 5),
    bias=st.booleans(),
    features=st.integers(1, 20),
)
@FAST
def test_param_counts_follow_the_formulas(c_in, c_out, k, bias, features):
    net = Sequential(
        [
            Conv2d(c_in, c_out, k, bias=bias, rng=rng()),
            BatchNorm2d(c_out),
            GlobalAvgPool(),
            Linear(c_out, features, bias=bias, rng=rng()),
        ]
    )
    counts = net.param_counts()
    assert counts["0:Conv2d"] == k * k * c_in * c_out + (c_out if bias else 0)
    assert counts["1:BatchNorm2d"] == 2 * c_out
    assert counts["3:Linear"] == c_out * features + (features if bias else 0)
    assert counts["total"] == sum(v for key, v in counts.items() if key != "total")


@given(
    c=st.integers(1, 3),
    size=st.integers(6, 20),
    k=st.integers(1, 5),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    pool=st.booleans(),
)
@FAST
def test_output_shapes_agree_with_a_real_forward_pass_and_the_formula(
    c, size, k, stride, padding, pool
):
    layers: list[cnn.Layer] = [Conv2d(c, 4, k, stride=stride, padding=padding, rng=rng()), ReLU()]
    conv_out = (size + 2 * padding - k) // stride + 1
    expected = [(4, conv_out, conv_out)] * 2
    if pool and conv_out >= 2:
        layers.append(MaxPool2d(2))
        expected.append((4, conv_out // 2, conv_out // 2))
    layers += [BatchNorm2d(4), Flatten()]
    last = expected[-1]
    expected += [last, (last[0] * last[1] * last[2],)]
    net = Sequential(layers)
    shapes = net.output_shapes((c, size, size))
    assert shapes == expected
    x = rng().standard_normal((3, c, size, size))
    real = []
    out = x
    for layer in net.layers:
        out = layer.forward(out)
        real.append(out.shape[1:])
    assert shapes == real


def test_output_shapes_keep_mode_and_running_stats():
    net = Sequential([Conv2d(1, 2, 3, rng=rng()), BatchNorm2d(2)])
    shapes = net.output_shapes((1, 5, 5))
    assert shapes == [(2, 3, 3), (2, 3, 3)]
    assert net.training
    bn = net.layers[1]
    assert isinstance(bn, BatchNorm2d)
    np.testing.assert_array_equal(bn.running_mean, 0.0)
    np.testing.assert_array_equal(bn.running_var, 1.0)


def test_layers_reject_inputs_that_do_not_fit():
    with pytest.raises(ValueError, match="channels"):
        Conv2d(3, 2, 3, rng=rng()).forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="larger than the padded input"):
        Conv2d(1, 2, 5, rng=rng()).forward(np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="at least"):
        MaxPool2d(2).forward(np.zeros((1, 1, 1, 4)))
    with pytest.raises(ValueError, match="in_features"):
        Linear(0, 2, rng=rng())
    with pytest.raises(RuntimeError, match="before forward"):
        ReLU().backward(np.zeros(3))


# ----------------------------------------------------------------- determinism and training


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = reference_net(7), reference_net(7), reference_net(8)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(pa.value, pb.value)
    assert not np.array_equal(a.parameters()[0].value, c.parameters()[0].value)


def test_he_and_xavier_scales():
    big = rng(1)
    he = cnn.init_weights(big, (400, 50), 50, 400, "he")
    xavier = cnn.init_weights(big, (400, 50), 50, 400, "xavier")
    assert he.std() == pytest.approx(np.sqrt(2 / 50), rel=0.05)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 450), rel=0.05)
    with pytest.raises(ValueError, match="init"):
        cnn.init_weights(big, (2, 2), 2, 2, "lecun")  # type: ignore[arg-type]


def test_epoch_permutations_are_seeded_permutations():
    orders = epoch_permutations(10, 3, seed=4)
    assert orders.shape == (3, 10)
    for row in orders:
        assert sorted(row) == list(range(10))
    np.testing.assert_array_equal(orders, epoch_permutations(10, 3, seed=4))
    assert not np.array_equal(orders, epoch_permutations(10, 3, seed=5))


def test_make_shapes_is_balanced_deterministic_and_shaped():
    X, y = make_shapes(42, seed=3)
    assert X.shape == (42, 1, 12, 12) and X.dtype == np.float64
    assert y.shape == (42,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=4)
    assert counts.sum() == 42 and counts.max() - counts.min() <= 1
    X2, y2 = make_shapes(42, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_shapes(42, seed=4)[0])
    assert len(CLASS_NAMES) == 4


def test_make_shapes_classes_look_like_their_names():
    X, y = make_shapes(200, seed=0, noise=0.0)
    img = X[:, 0] > 0.5
    rows_lit = img.any(axis=2).sum(axis=1)
    cols_lit = img.any(axis=1).sum(axis=1)
    horizontal, vertical, diagonal, cross = (y == k for k in range(4))
    assert (rows_lit[horizontal] <= 2).all() and (cols_lit[horizontal] >= 8).all()
    assert (cols_lit[vertical] <= 2).all() and (rows_lit[vertical] >= 8).all()
    assert (rows_lit[diagonal] >= 8).all() and (cols_lit[diagonal] >= 8).all()
    per_image = img.sum(axis=(1, 2))
    assert (per_image[diagonal] < per_image[cross]).mean() > 0.9


def test_make_shapes_rejects_bad_arguments():
    for kwargs in (
        {"n": 0, "seed": 0},
        {"n": 4, "seed": 0, "size": 4},
        {"n": 4, "seed": 0, "noise": -1},
    ):
        with pytest.raises(ValueError):
            make_shapes(**kwargs)


def test_training_is_deterministic():
    X, y = make_shapes(96, seed=1)
    runs = []
    for _ in range(2):
        net = reference_net(3)
        history = train(net, X, y, epochs=2, batch_size=32, optimizer="adam", lr=0.01, seed=9)
        runs.append((history, [p.value.copy() for p in net.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_small_reference_task_learns_well_above_chance():
    X, y = make_shapes(400, seed=10)
    Xt, yt = make_shapes(200, seed=11)
    net = reference_net(0)
    before = evaluate(net, Xt, yt)
    history = train(net, X, y, epochs=6, batch_size=32, optimizer="adam", lr=0.01, seed=0)
    assert history.loss[-1] < history.loss[0]
    assert len(history.acc) == 6
    assert evaluate(net, Xt, yt) >= 0.85 > before + 0.3


def test_sgd_training_lowers_the_loss():
    X, y = make_shapes(128, seed=12)
    net = reference_net(1)
    history = train(net, X, y, epochs=4, batch_size=16, optimizer="sgd", lr=0.02, seed=1)
    assert history.loss[-1] < history.loss[0]


def test_train_rejects_bad_arguments():
    X, y = make_shapes(8, seed=0)
    net = reference_net(0)
    with pytest.raises(ValueError, match="optimizer"):
        train(net, X, y, epochs=1, batch_size=4, optimizer="rmsprop", lr=0.1, seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="labels"):
        train(net, X, y + 4, epochs=1, batch_size=4, optimizer="adam", lr=0.1, seed=0)
    with pytest.raises(ValueError, match="samples"):
        train(net, X, y[:4], epochs=1, batch_size=4, optimizer="adam", lr=0.1, seed=0)


def mlp(depth: int, act: type[cnn.Layer], seed: int) -> Sequential:
    g = rng(seed)
    layers: list[cnn.Layer] = []
    for _ in range(depth):
        layers += [Linear(16, 16, init="xavier", rng=g), act()]
    return Sequential([*layers, Linear(16, 3, init="xavier", rng=g)])


def test_first_layer_grad_norm_matches_backward_and_shows_vanishing_gradients():
    x = rng(13).standard_normal((32, 16))
    y = rng(14).integers(0, 3, 32)
    net = mlp(6, Sigmoid, 0)
    norm = first_layer_grad_norm(net, x, y)
    net.backward(softmax_cross_entropy(net.forward(x), y)[1])
    assert norm == pytest.approx(np.linalg.norm(net.parameters()[0].grad))
    assert (
        first_layer_grad_norm(mlp(6, Sigmoid, 0), x, y)
        < first_layer_grad_norm(mlp(6, ReLU, 0), x, y) / 10
    )
    with pytest.raises(ValueError, match="weight"):
        first_layer_grad_norm(Sequential([Flatten()]), x, y)
