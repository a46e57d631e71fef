"""solvers.optim: single steps worked by hand, multi-step trajectories against loops written from
the papers (and PyTorch's momentum form), Adam's first step of size ≈ lr, and every input check."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solvers.optim import (
    adam_step,
    adam_update_,
    clip_by_norm,
    clip_by_value,
    clip_scale_without_norm,
    ema_update,
    grad_norm,
    l2_penalty_grad,
    l2_regularized_grad,
    momentum_gain,
    momentum_step,
    sgd_step,
    torch_momentum_update_,
    weight_decay_step,
)

FAST = settings(max_examples=60, deadline=None)

values = st.floats(-1e3, 1e3)
lrs = st.floats(0, 1)


@st.composite
def same_shape_arrays(draw, count):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5))
    return [draw(hnp.arrays(np.float64, shape, elements=values)) for _ in range(count)]


# ------------------------------------------------------------------------- SGD


def test_sgd_by_hand():
    assert sgd_step(1.0, 0.5, 0.1) == pytest.approx(0.95)
    assert sgd_step(-2.0, -4.0, 0.25) == pytest.approx(-1.0)
    assert sgd_step(3, 2, 0) == 3.0
    assert sgd_step(w=1, grad=1, lr=1) == 0.0
    assert type(sgd_step(1, 2, 0.1)) is float
    out = sgd_step(np.array([1.0, 2.0]), np.array([10.0, -10.0]), 0.01)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.9, 2.1])


def test_sgd_minimises_a_quadratic():
    """f(w) = (w − 3)², f′ = 2(w − 3): with η = 0.25 the error halves each step."""
    w = 7.0
    for _ in range(10):
        w_next = sgd_step(w, 2 * (w - 3), 0.25)
        assert w_next - 3 == pytest.approx((w - 3) / 2)
        w = w_next
    assert w == pytest.approx(3 + 4 / 2**10)


def test_scalar_and_array_kinds():
    # numpy scalars and 0-d arrays give floats; int and bool arrays are promoted to float64
    assert type(sgd_step(np.float64(1.0), np.float64(0.5), 0.1)) is float
    assert type(sgd_step(np.float32(1.0), 0.5, 0.1)) is float
    assert type(sgd_step(np.array(1.0), np.array(0.5), 0.1)) is float
    out = sgd_step(np.array([1, 2], dtype=np.int64), np.array([1, 1]), 0.5)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [0.5, 1.5])
    out32 = sgd_step(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float32), 0.1)
    assert out32.dtype == np.float64
    assert sgd_step([1.0, 2.0], [0.0, 1.0], 1.0).tolist() == [1.0, 1.0]  # lists work too


@given(arrays=same_shape_arrays(2), lr=lrs)
@FAST
def test_sgd_elementwise(arrays, lr):
    w, g = arrays
    w0, g0 = w.copy(), g.copy()
    out = sgd_step(w, g, lr)
    assert out.shape == w.shape
    for i in np.ndindex(w.shape):
        assert out[i] == pytest.approx(w[i] - lr * g[i], rel=1e-12, abs=1e-12)
    np.testing.assert_array_equal(w, w0)  # inputs never modified
    np.testing.assert_array_equal(g, g0)


# ------------------------------------------------------------------------- weight decay


def test_weight_decay_by_hand():
    # w − η(g + λw) = 1 − 0.1·(0.5 + 0.01·1) = 0.949
    assert weight_decay_step(1.0, 0.5, 0.1, 0.01) == pytest.approx(0.949)
    assert weight_decay_step(2.0, 0.0, 0.5, 0.1) == pytest.approx(1.9)  # pure shrinkage
    assert weight_decay_step(2.0, 0.3, 0.5, 0.0) == sgd_step(2.0, 0.3, 0.5)
    assert weight_decay_step(w=-4.0, grad=0.0, lr=0.1, weight_decay=0.5) == pytest.approx(-3.8)
    assert type(weight_decay_step(1, 1, 0.1, 0.1)) is float


@given(arrays=same_shape_arrays(2), lr=lrs, lam=st.floats(0, 1))
@FAST
def test_weight_decay_is_shrink_then_step(arrays, lr, lam):
    """The same as multiplying w by (1 − ηλ) before the plain SGD step."""
    w, g = arrays
    out = weight_decay_step(w, g, lr, lam)
    np.testing.assert_allclose(out, (1 - lr * lam) * w - lr * g, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out, sgd_step(w, g + lam * w, lr), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------- momentum


def test_momentum_by_hand():
    # v = 0.9·0 − 0.1·1 = −0.1; w = 1 − 0.1 = 0.9
    w, v = momentum_step(1.0, 0.0, 1.0, 0.1)
    assert (w, v) == (pytest.approx(0.9), pytest.approx(-0.1))
    # second step, same gradient: v = 0.9·(−0.1) − 0.1 = −0.19; w = 0.9 − 0.19 = 0.71
    w, v = momentum_step(w, v, 1.0, 0.1)
    assert (w, v) == (pytest.approx(0.71), pytest.approx(-0.19))
    w, v = momentum_step(0.0, 2.0, 0.0, 0.1, momentum=0.5)
    assert (w, v) == (pytest.approx(1.0), pytest.approx(1.0))
    w, v = momentum_step(1.0, 5.0, 2.0, 0.1, momentum=0.0)
    assert w == pytest.approx(sgd_step(1.0, 2.0, 0.1))
    assert type(w) is float and type(v) is float


def test_momentum_terminal_velocity():
    """With a constant gradient g the velocity tends to −ηg/(1 − μ) (here 10× a plain step)."""
    w, v = 0.0, 0.0
    for _ in range(400):
        w, v = momentum_step(w, v, 1.0, 0.01, 0.9)
    assert v == pytest.approx(-0.1, rel=1e-9)


@given(
    w0=values,
    grads=st.lists(values, min_size=1, max_size=20),
    lr=lrs,
    mu=st.floats(0, 1),
)
@FAST
def test_momentum_matches_pytorch_form(w0, grads, lr, mu):
    """PyTorch: b ← μb + g (b₀ = g₀), w ← w − ηb. With v = −ηb the trajectories agree."""
    w, v = w0, 0.0
    w_torch, b = w0, None
    for g in grads:
        w, v = momentum_step(w, v, g, lr, mu)
        b = g if b is None else mu * b + g
        w_torch = w_torch - lr * b
        assert v == pytest.approx(-lr * b, rel=1e-9, abs=1e-9)
        assert w == pytest.approx(w_torch, rel=1e-9, abs=1e-8)


@given(arrays=same_shape_arrays(3), lr=lrs, mu=st.floats(0, 1))
@FAST
def test_momentum_elementwise(arrays, lr, mu):
    w, v, g = arrays
    copies = [a.copy() for a in arrays]
    w_new, v_new = momentum_step(w, v, g, lr, mu)
    for i in np.ndindex(w.shape):
        vel = mu * v[i] - lr * g[i]
        assert v_new[i] == pytest.approx(vel, rel=1e-12, abs=1e-12)
        assert w_new[i] == pytest.approx(w[i] + vel, rel=1e-12, abs=1e-12)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)


# ------------------------------------------------------------------------- Adam


def ref_adam(w, grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba, Algorithm 1, one scalar, as a loop."""
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (math.sqrt(v_hat) + eps)
    return w, m, v


def test_adam_first_step_by_hand():
    # m = 0.1·2 = 0.2, v = 0.001·4 = 0.004; m̂ = 2, v̂ = 4; Δw = −0.001·2/(2 + 1e-8)
    w, m, v = adam_step(1.0, 0.0, 0.0, 2.0, 1)
    assert m == pytest.approx(0.2)
    assert v == pytest.approx(0.004)
    assert w == pytest.approx(1.0 - 0.001 * 2 / (2 + 1e-8), rel=1e-15)
    assert 1.0 - w == pytest.approx(1e-3, rel=1e-8)  # the first step has size ≈ lr
    assert all(type(x) is float for x in (w, m, v))


def test_adam_second_step_by_hand():
    # step 1 with g = 1: m = 0.1, v = 0.001; step 2 with g = 3:
    # m = 0.09 + 0.3 = 0.39, v = 0.000999 + 0.009 = 0.009999
    # m̂ = 0.39/0.19, v̂ = 0.009999/0.001999
    w1, m1, v1 = adam_step(0.0, 0.0, 0.0, 1.0, 1, lr=0.1)
    w2, m2, v2 = adam_step(w1, m1, v1, 3.0, 2, lr=0.1)
    assert (m2, v2) == (pytest.approx(0.39), pytest.approx(0.009999))
    step2 = 0.1 * (0.39 / 0.19) / (math.sqrt(0.009999 / 0.001999) + 1e-8)
    assert w2 == pytest.approx(w1 - step2, rel=1e-12)


def test_adam_update_works_in_place_and_keeps_float32():
    w, m, v = (np.array([1.0, -2.0, 3.0], dtype=np.float32) for _ in range(3))
    v[...] = [0.0, 1.0, 4.0]
    m[...] = 0.0
    g = np.array([0.0, 0.5, -4.0], dtype=np.float32)
    buffers = (w, m, v)
    adam_update_(w, m, v, g, 1, 0.1, 0.9, 0.999, 0.0)
    assert all(b.dtype == np.float32 for b in buffers)
    assert w[0] == 1.0  # no gradient yet and ε = 0: the component stays put instead of NaN
    expected = adam_step(np.array([1.0, -2.0, 3.0]), 0.0 * g, [0.0, 1.0, 4.0], g, 1, 0.1, eps=0)[0]
    np.testing.assert_allclose(w, expected, rtol=1e-6)


def test_torch_momentum_update_is_the_velocity_form_in_place():
    """PyTorch keeps b ← μb + g, w ← w − ηb; momentum_step keeps v = −ηb: one trajectory."""
    w = np.array([1.0, -1.0], dtype=np.float32)
    buf = np.zeros(2, dtype=np.float32)
    w_ref, v_ref = np.array([1.0, -1.0]), np.zeros(2)
    for g in ([2.0, 0.5], [1.0, -3.0], [0.0, 1.0]):
        torch_momentum_update_(w, buf, np.array(g, dtype=np.float32), 0.1, 0.9)
        w_ref, v_ref = momentum_step(w_ref, v_ref, g, 0.1, 0.9)
        assert w.dtype == buf.dtype == np.float32
        np.testing.assert_allclose(w, w_ref, rtol=1e-6)
        np.testing.assert_allclose(-0.1 * buf, v_ref, rtol=1e-6)


@given(g=st.floats(1e-3, 1e6).flatmap(lambda x: st.sampled_from([x, -x])), lr=st.floats(1e-5, 1))
@FAST
def test_adam_first_step_has_size_lr(g, lr):
    """With m = v = 0, m̂ = g and √v̂ = |g|, so the first update is lr·sign(g)."""
    w, _, _ = adam_step(5.0, 0.0, 0.0, g, 1, lr=lr)
    assert 5.0 - w == pytest.approx(lr * math.copysign(1.0, g), rel=1e-5)


@given(
    w0=values,
    grads=st.lists(values, min_size=1, max_size=15),
    lr=st.floats(1e-4, 0.5),
    b1=st.floats(0, 0.99),
    b2=st.floats(0, 0.9999),
)
@FAST
def test_adam_trajectory_matches_algorithm_1(w0, grads, lr, b1, b2):
    w, m, v = w0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        w, m, v = adam_step(w, m, v, g, t, lr=lr, beta1=b1, beta2=b2)
    ref_w, ref_m, ref_v = ref_adam(w0, grads, lr, b1, b2)
    assert w == pytest.approx(ref_w, rel=1e-9, abs=1e-9)
    assert m == pytest.approx(ref_m, rel=1e-9, abs=1e-9)
    assert v == pytest.approx(ref_v, rel=1e-9, abs=1e-9)


@given(arrays=same_shape_arrays(2), t=st.integers(1, 50), lr=st.floats(1e-4, 0.5))
@FAST
def test_adam_arrays_match_scalars(arrays, t, lr):
    """Each element is updated as the scalar version would update it; inputs untouched."""
    w, g = arrays
    m = 0.1 * g
    v = np.abs(g) * 3.0
    copies = [a.copy() for a in (w, m, v, g)]
    w_new, m_new, v_new = adam_step(w, m, v, g, t, lr=lr)
    for i in np.ndindex(w.shape):
        sw, sm, sv = adam_step(float(w[i]), float(m[i]), float(v[i]), float(g[i]), t, lr=lr)
        assert w_new[i] == pytest.approx(sw, rel=1e-12, abs=1e-12)
        assert m_new[i] == pytest.approx(sm, rel=1e-12, abs=1e-12)
        assert v_new[i] == pytest.approx(sv, rel=1e-12, abs=1e-12)
    for a, c in zip((w, m, v, g), copies, strict=True):
        np.testing.assert_array_equal(a, c)


def test_adam_zero_denominator_is_no_update():
    """eps = 0 with a zero gradient and zero moments: 0/0 is taken as no move, without warnings."""
    assert adam_step(1.5, 0.0, 0.0, 0.0, 1, eps=0.0) == (1.5, 0.0, 0.0)
    w, m, v = adam_step(
        np.array([1.0, 2.0]), np.zeros(2), np.zeros(2), np.array([0.0, 4.0]), 1, eps=0
    )
    np.testing.assert_allclose(w, [1.0, 2.0 - 1e-3])
    np.testing.assert_allclose(m, [0.0, 0.4])
    np.testing.assert_allclose(v, [0.0, 0.016])


def test_adam_zero_lr_and_betas_zero():
    w, m, v = adam_step(1.0, 0.5, 0.25, 2.0, 3, lr=0.0)
    assert w == 1.0
    # β₁ = β₂ = 0: m = g, v = g², update = lr·g/(|g| + eps) (sign SGD)
    w, m, v = adam_step(1.0, 0.5, 0.25, -2.0, 3, lr=0.1, beta1=0.0, beta2=0.0)
    assert (m, v) == (-2.0, 4.0)
    assert w == pytest.approx(1.1)


# ------------------------------------------------------------------------- input checks


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sgd_step(1.0, 1.0, -0.1), "lr must be ≥ 0"),
        (lambda: sgd_step(1.0, 1.0, math.nan), "lr must be a finite number"),
        (lambda: sgd_step(math.nan, 1.0, 0.1), "w must be finite"),
        (lambda: sgd_step(1.0, math.inf, 0.1), "grad must be finite"),
        (lambda: sgd_step([1.0, math.nan], [1.0, 1.0], 0.1), "w must be finite"),
        (lambda: sgd_step([1.0, 2.0], [1.0, -math.inf], 0.1), "grad must be finite"),
        (
            lambda: sgd_step(np.ones(3), np.ones(2), 0.1),
            r"shapes must match: w \(3,\), grad \(2,\)",
        ),
        (lambda: sgd_step(np.ones((2, 3)), np.ones((3, 2)), 0.1), "shapes must match"),
        (lambda: sgd_step(1.0, np.ones(2), 0.1), r"shapes must match: w \(\), grad \(2,\)"),
        (
            lambda: sgd_step(np.ones(2), np.ones((1, 2)), 0.1),
            "shapes must match",
        ),  # no broadcasting
        (lambda: sgd_step("1.0", 1.0, 0.1), "w must be real numbers"),
        (lambda: sgd_step(1.0, [1 + 1j], 0.1), "grad must be real numbers"),
        (lambda: weight_decay_step(1.0, 1.0, 0.1, -0.01), "weight_decay must be ≥ 0"),
        (lambda: weight_decay_step(1.0, 1.0, -0.1, 0.01), "lr must be ≥ 0"),
        (lambda: weight_decay_step(1.0, 1.0, 0.1, math.inf), "weight_decay must be a finite"),
        (lambda: weight_decay_step(np.ones(2), np.ones(3), 0.1, 0.1), "shapes must match"),
        (lambda: momentum_step(1.0, 0.0, 1.0, 0.1, 1.5), r"momentum must be in \[0, 1.0\]"),
        (lambda: momentum_step(1.0, 0.0, 1.0, 0.1, -0.1), r"momentum must be in \[0, 1.0\]"),
        (lambda: momentum_step(1.0, 0.0, 1.0, -0.1), "lr must be ≥ 0"),
        (lambda: momentum_step(1.0, math.nan, 1.0, 0.1), "v must be finite"),
        (lambda: momentum_step(np.ones(2), np.ones(3), np.ones(2), 0.1), r"v \(3,\)"),
        (lambda: adam_step(1.0, 0.0, -1e-9, 1.0, 1), r"v \(the second moment\) must be ≥ 0"),
        (lambda: adam_step(np.ones(2), np.zeros(2), [0.0, -1.0], np.ones(2), 1), "must be ≥ 0"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 0), "t must be an integer ≥ 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, -3), "t must be an integer ≥ 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1.5), "t must be an integer ≥ 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, True), "t must be an integer ≥ 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, math.nan), "t must be a finite number"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, beta1=1.0), "beta1 and beta2 must be < 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, beta2=1.0), "beta1 and beta2 must be < 1"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, beta1=1.1), r"beta1 must be in \[0, 1.0\]"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, beta2=-0.1), r"beta2 must be in \[0, 1.0\]"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, lr=-1e-3), "lr must be ≥ 0"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, eps=-1e-8), "eps must be ≥ 0"),
        (lambda: adam_step(1.0, 0.0, 0.0, 1.0, 1, eps=math.nan), "eps must be a finite number"),
        (lambda: adam_step(1.0, math.inf, 0.0, 1.0, 1), "m must be finite"),
        (lambda: adam_step(np.ones(2), np.zeros(2), np.zeros(1), np.ones(2), 1), "shapes must"),
    ],
)
def test_rejects(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------------------- clipping and EMA


def test_clipping_by_hand():
    assert grad_norm([6.0, 8.0]) == 10.0
    np.testing.assert_allclose(clip_by_norm([6.0, 8.0], 5.0), [3.0, 4.0])
    np.testing.assert_allclose(clip_by_norm([6.0, 8.0], 10.0), [6.0, 8.0])  # at the threshold
    np.testing.assert_allclose(clip_by_value([6.0, -8.0, 1.0], 5.0), [5.0, -5.0, 1.0])


@FAST
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=8), st.floats(0.01, 100))
def test_clip_by_norm_against_a_loop(g, c):
    norm = math.sqrt(sum(v * v for v in g))
    assert grad_norm(g) == pytest.approx(norm)
    expected = [v * c / norm for v in g] if norm > c else g
    out = clip_by_norm(g, c)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert grad_norm(out) <= c * (1 + 1e-12) or norm <= c  # never longer than c once clipped
    if norm > 0:  # same direction: positive multiple
        assert float(np.dot(out, g)) >= 0


def test_clip_by_norm_leaves_its_input_alone():
    g = np.array([6.0, 8.0])
    out = clip_by_norm(g, 100.0)
    out[0] = 0.0
    assert g[0] == 6.0


def test_ema_by_hand():
    assert ema_update(1.0, 0.5, 0.99) == pytest.approx(0.995)
    assert ema_update(1.0, 0.5, 0.0) == 0.5
    np.testing.assert_allclose(ema_update(np.ones(2), np.zeros(2), 0.9), [0.9, 0.9])


@FAST
@given(values, values, st.floats(0, 1))
def test_ema_is_adams_first_moment(avg, new, m):
    """Adam's m ← β₁m + (1−β₁)g is the same average (an independent implementation)."""
    _, m_adam, _ = adam_step(0.0, avg, 0.0, new, 1, beta1=min(m, 0.999999))
    assert ema_update(avg, new, min(m, 0.999999)) == pytest.approx(m_adam, abs=1e-9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: grad_norm([]),
        lambda: grad_norm([1.0, math.nan]),
        lambda: clip_by_norm([1.0], 0.0),
        lambda: clip_by_norm([math.inf], 1.0),
        lambda: clip_by_value([1.0], -1.0),
        lambda: ema_update(1.0, 0.5, 1.5),
        lambda: ema_update(np.ones(2), np.ones(3), 0.5),
    ],
)
def test_clipping_and_ema_reject_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_l2_penalty_grad_by_hand():
    assert l2_penalty_grad(2.0, 0.01) == pytest.approx(0.02)


@FAST
@given(values, values, st.floats(0, 0.1), lrs)
def test_l2_penalty_grad_is_what_weight_decay_adds(w, g, lam, lr):
    assert weight_decay_step(w, g, lr, lam) == pytest.approx(
        sgd_step(w, g + l2_penalty_grad(w, lam), lr), abs=1e-9
    )
    h = 1e-4  # central difference of (λ/2)w²
    numeric = (lam / 2 * (w + h) ** 2 - lam / 2 * (w - h) ** 2) / (2 * h)
    assert l2_penalty_grad(w, lam) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_l2_penalty_grad_invalid():
    with pytest.raises(ValueError):
        l2_penalty_grad(1.0, -0.1)


def test_momentum_gain_is_where_repeated_steps_settle():
    assert momentum_gain(0.9) == pytest.approx(10.0)
    assert momentum_gain(0.0) == 1.0
    assert momentum_gain(0.99) == pytest.approx(100.0)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.0, 0.95), st.floats(1e-3, 1.0), st.floats(-5.0, 5.0).filter(lambda g: abs(g) > 1e-3)
)
def test_momentum_gain_matches_the_iterated_velocity(mu, lr, grad):
    w, v = 0.0, 0.0
    for _ in range(2000):
        w, v = momentum_step(w, v, grad, lr, mu)
    assert v == pytest.approx(-lr * grad * momentum_gain(mu), rel=1e-6)


@pytest.mark.parametrize("bad", [1.0, 1.5, -0.1, math.nan])
def test_momentum_gain_rejects_momenta_that_do_not_settle(bad):
    with pytest.raises(ValueError, match="momentum"):
        momentum_gain(bad)


def test_l2_regularized_grad_worked_example():
    assert l2_regularized_grad(2.0, 0.5, 0.01) == pytest.approx(0.52)
    np.testing.assert_allclose(
        l2_regularized_grad(np.array([1.0, -2.0]), np.zeros(2), 0.1), [0.1, -0.2]
    )


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(0, 1), st.floats(1e-3, 1))
def test_an_sgd_step_on_the_regularized_grad_is_a_weight_decay_step(w, g, lam, lr):
    via_grad = sgd_step(w, l2_regularized_grad(w, g, lam), lr)
    assert via_grad == pytest.approx(weight_decay_step(w, g, lr, lam), abs=1e-12)


def test_clip_scale_without_norm_is_the_undivided_clip():
    np.testing.assert_allclose(clip_scale_without_norm([6.0, 8.0], 5.0), [30.0, 40.0])
    assert grad_norm(clip_scale_without_norm([6.0, 8.0], 5.0)) == pytest.approx(50.0)
    # dividing the slip by the norm gives the real clip whenever the norm is over the threshold
    np.testing.assert_allclose(
        clip_scale_without_norm([6.0, 8.0], 5.0) / grad_norm([6.0, 8.0]),
        clip_by_norm([6.0, 8.0], 5.0),
    )
    with pytest.raises(ValueError, match="max_norm"):
        clip_scale_without_norm([6.0, 8.0], 0.0)
