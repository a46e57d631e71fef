"""One update step of the classic optimizers, on scalars or arrays.

Scalars in give Python floats out; arrays (any shape, all the same shape) give new ndarrays; inputs
are never modified. The ``*_`` kernels (:func:`adam_update_`, :func:`torch_momentum_update_`)
are the in-place, dtype-keeping steps that both these functions and the trainable TinyCNN
(solvers.cnn.training) run, so a worked example and a training run share one set of numerics.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers._checks import finite, real_array


def _arrays(**named: Any) -> tuple[list[Any], bool]:
    """Validate finite inputs: all Python scalars (returned as floats, the fast path for
    hand-sized problems) or same-shaped arrays (returned as float64 ndarrays)."""
    values = list(named.values())
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        floats = [float(v) for v in values]
        for name, number in zip(named, floats, strict=True):
            if not math.isfinite(number):
                raise ValueError(f"{name} must be finite")
        return floats, True
    arrays = [real_array(name, value).astype(np.float64) for name, value in named.items()]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        listed = ", ".join(f"{n} {a.shape}" for n, a in zip(named, arrays, strict=True))
        raise ValueError(f"shapes must match: {listed}")
    for name, arr in zip(named, arrays, strict=True):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite")
    return arrays, arrays[0].ndim == 0


def _out(value: Any, scalar: bool) -> float | np.ndarray:
    return float(value) if scalar else value


def _rate(name: str, value: Any, upper: float | None = None) -> float:
    number = finite(name, value)
    if number < 0 or (upper is not None and number > upper):
        bound = f"in [0, {upper}]" if upper is not None else "≥ 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return number


def sgd_step(w: Any, grad: Any, lr: float) -> float | np.ndarray:
    """Plain gradient descent: w − η·g.

    Raises:
        ValueError: shapes differ, a non-finite value, or a negative learning rate.
    """
    (wa, ga), scalar = _arrays(w=w, grad=grad)
    return _out(wa - _rate("lr", lr) * ga, scalar)


def weight_decay_step(w: Any, grad: Any, lr: float, weight_decay: float) -> float | np.ndarray:
    """Gradient descent with L2 weight decay folded into the gradient (PyTorch ``SGD(weight_decay=λ)``).

    Returns:
        w − η·(g + λ·w), the same as shrinking w by (1 − ηλ) before the plain step.

    Raises:
        ValueError: shapes differ, a non-finite value, or a negative rate.
    """
    (wa, ga), scalar = _arrays(w=w, grad=grad)
    eta, lam = _rate("lr", lr), _rate("weight_decay", weight_decay)
    return _out(wa - eta * (ga + lam * wa), scalar)


def momentum_step(
    w: Any, v: Any, grad: Any, lr: float, momentum: float = 0.9
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """SGD with momentum in the velocity form: v ← μ·v − η·g, then w ← w + v.

    PyTorch's ``SGD(momentum=μ)`` keeps b ← μ·b + g and steps w ← w − η·b instead; with a fixed η
    the two are the same trajectory, with v = −η·b.

    Returns:
        (w_new, v_new).

    Raises:
        ValueError: shapes differ, a non-finite value, a negative rate, or momentum outside [0, 1].
    """
    (wa, va, ga), scalar = _arrays(w=w, v=v, grad=grad)
    v_new = _rate("momentum", momentum, 1.0) * va - _rate("lr", lr) * ga
    return _out(wa + v_new, scalar), _out(v_new, scalar)


def momentum_gain(momentum: float) -> float:
    """How many times the plain SGD step a momentum step becomes under a constant gradient.

    With v ← μv − ηg repeated on the same g, v approaches −ηg/(1 − μ): the geometric series
    1 + μ + μ² + …. Items say "μ = 0.9 なら通常の SGD の約 10 倍"; this is that factor.

    Returns:
        1/(1 − μ).

    Raises:
        ValueError: momentum outside [0, 1) (at 1 the series diverges) or not finite.
    """
    mu = _rate("momentum", momentum)
    if mu >= 1.0:
        raise ValueError(f"momentum must be < 1 for the steps to settle, got {momentum!r}")
    return 1.0 / (1.0 - mu)


def adam_step(
    w: Any,
    m: Any,
    v: Any,
    grad: Any,
    t: int,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[float | np.ndarray, float | np.ndarray, float | np.ndarray]:
    """One Adam step (Kingma & Ba, Algorithm 1), as PyTorch's ``Adam`` computes it.

    m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);
    w ← w − η·m̂/(√v̂ + ε).

    Args:
        w, m, v, grad: parameters, first and second moment estimates, gradient.
        t: the step number, counting from 1 (used in the bias corrections).

    Returns:
        (w_new, m_new, v_new), the moments without bias correction.

    Raises:
        ValueError: shapes differ, a non-finite value, a negative v, t not an integer ≥ 1, betas
            outside [0, 1), or a negative lr or eps.
    """
    (wa, ma, va, ga), scalar = _arrays(w=w, m=m, v=v, grad=grad)
    if np.any(np.asarray(va) < 0):
        raise ValueError("v (the second moment) must be ≥ 0")
    step = finite("t", t)
    if isinstance(t, bool) or not step.is_integer() or step < 1:
        raise ValueError(f"t must be an integer ≥ 1, got {t!r}")
    b1, b2 = _rate("beta1", beta1, 1.0), _rate("beta2", beta2, 1.0)
    if b1 == 1.0 or b2 == 1.0:
        raise ValueError("beta1 and beta2 must be < 1")
    eta, e = _rate("lr", lr), _rate("eps", eps)
    w_new, m_new, v_new = (np.array(a, dtype=np.float64) for a in (wa, ma, va))
    adam_update_(w_new, m_new, v_new, np.asarray(ga, dtype=np.float64), int(step), eta, b1, b2, e)
    return _out(w_new, scalar), _out(m_new, scalar), _out(v_new, scalar)


def adam_update_(
    w: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    grad: np.ndarray,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> None:
    """One Adam step on ``w``, ``m`` and ``v`` in place, in their dtype and PyTorch's order:
    w ← w − (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).

    Unchecked (the callers validate once, not every step); a component whose denominator is 0
    (ε = 0, no gradient yet) does not move.
    """
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    denom = np.sqrt(v)
    denom /= math.sqrt(1 - beta2**t)
    denom += eps
    if eps > 0:
        update = m / denom
    else:
        update = np.zeros_like(m)
        np.divide(m, denom, out=update, where=denom > 0)
    update *= lr / (1 - beta1**t)
    w -= update


def torch_momentum_update_(
    w: np.ndarray, buf: np.ndarray, grad: np.ndarray, lr: float, momentum: float
) -> None:
    """One step of PyTorch's ``SGD(momentum=μ)`` on ``w`` and ``buf`` in place, in their dtype:
    b ← μ·b + g, then w ← w − η·b (:func:`momentum_step` is the same trajectory in the velocity
    form v = −η·b). Unchecked, as for :func:`adam_update_`."""
    buf *= momentum
    buf += grad
    w -= lr * buf


def grad_norm(grad: Any) -> float:
    """The L2 norm ‖g‖ over every element, the quantity gradient clipping by norm compares.

    Raises:
        ValueError: an empty or non-finite gradient.
    """
    arr = real_array("grad", grad).astype(np.float64)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError("grad must be a non-empty array of finite numbers")
    return float(np.sqrt(np.sum(arr * arr)))


def clip_by_norm(grad: Any, max_norm: float) -> np.ndarray:
    """Gradient clipping by norm: g·c/‖g‖ when ‖g‖ > c, else g unchanged.

    The direction is kept and only the length is capped at c, unlike :func:`clip_by_value`.
    (PyTorch's ``clip_grad_norm_`` adds 1e-6 to ‖g‖; this is the textbook form.)

    Raises:
        ValueError: an empty or non-finite gradient, or max_norm ≤ 0.
    """
    arr, c, norm = _norm_clip_inputs(grad, max_norm)
    return arr * (c / norm) if norm > c else arr.copy()


def _norm_clip_inputs(grad: Any, max_norm: float) -> tuple[np.ndarray, float, float]:
    """(g as float64, c, ‖g‖) after the checks clipping by norm needs."""
    c = finite("max_norm", max_norm)
    if c <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    arr = real_array("grad", grad).astype(np.float64)
    return arr, c, grad_norm(arr)


def clip_scale_without_norm(grad: Any, max_norm: float) -> np.ndarray:
    """The slip of multiplying g by the threshold c but forgetting to divide by ‖g‖: g·c.

    Clipping by norm scales by c/‖g‖; dropping the division keeps the direction but stretches the
    length to c·‖g‖ ((6, 8) with c = 5 gives (30, 40), length 50): a distractor's vector.

    Raises:
        ValueError: an empty or non-finite gradient, or max_norm ≤ 0.
    """
    arr, c, _ = _norm_clip_inputs(grad, max_norm)
    return arr * c


def clip_by_value(grad: Any, clip_value: float) -> np.ndarray:
    """Gradient clipping by value: each element clamped to [−c, c] (the direction may change).

    Raises:
        ValueError: a non-finite gradient, or clip_value ≤ 0.
    """
    c = finite("clip_value", clip_value)
    if c <= 0:
        raise ValueError(f"clip_value must be > 0, got {clip_value!r}")
    arr = real_array("grad", grad).astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("grad must be finite")
    return np.clip(arr, -c, c)


def ema_update(average: Any, value: Any, decay: float) -> float | np.ndarray:
    """Exponential moving average step, average ← m·average + (1 − m)·value.

    The momentum-encoder update of MoCo and BYOL (θ_k ← mθ_k + (1−m)θ_q) and the shape of Adam's
    moment estimates.

    Raises:
        ValueError: shapes differ, a non-finite value, or decay outside [0, 1].
    """
    (avg, new), scalar = _arrays(average=average, value=value)
    m = _rate("decay", decay, 1.0)
    return _out(m * avg + (1.0 - m) * new, scalar)


def l2_penalty_grad(w: Any, weight_decay: float) -> float | np.ndarray:
    """Gradient of the L2 penalty (λ/2)·‖w‖²: λ·w.

    The 1/2 is there so the derivative has no factor 2; :func:`weight_decay_step` adds exactly
    this term to the loss gradient (w = 2.0, λ = 0.01 gives 0.02, not λw/2 = 0.01).

    Raises:
        ValueError: a non-finite w or a negative weight_decay.
    """
    (wa,), scalar = _arrays(w=w)
    return _out(_rate("weight_decay", weight_decay) * wa, scalar)


def l2_regularized_grad(w: Any, grad: Any, weight_decay: float) -> float | np.ndarray:
    """The gradient SGD follows once the L2 penalty (λ/2)·‖w‖² is added to the loss: ∂L/∂w + λw.

    This is the number a worked example states before the step (0.5 + 0.01×2.0 = 0.52);
    :func:`weight_decay_step` takes the step with it.

    Raises:
        ValueError: as for :func:`l2_penalty_grad`, or a non-finite or mismatched grad.
    """
    (wa, ga), scalar = _arrays(w=w, grad=grad)
    return _out(ga + l2_penalty_grad(wa, weight_decay), scalar)


def nesterov_step(
    w: Any, v: Any, grad_ahead: Any, lr: float, momentum: float = 0.9
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Nesterov accelerated gradient: v ← μ·v − η·∇L(w + μv), then w ← w + v.

    Args:
        grad_ahead: the gradient at the look-ahead point w + μv (not at w: that is
            :func:`momentum_step`).

    Returns:
        (w_new, v_new).

    Raises:
        ValueError: as for :func:`momentum_step`.
    """
    return momentum_step(w, v, grad_ahead, lr, momentum)


def adagrad_step(
    w: Any, h: Any, grad: Any, lr: float, eps: float = 0.0
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """AdaGrad: h ← h + g², then w ← w − η·g/(√h + ε).

    Returns:
        (w_new, h_new); a component with √h + ε = 0 (no gradient yet) does not move.

    Raises:
        ValueError: shapes differ, a non-finite value, a negative h, lr or eps.
    """
    (wa, ha, ga), scalar = _arrays(w=w, h=h, grad=grad)
    if np.any(np.asarray(ha) < 0):
        raise ValueError("h (the sum of squared gradients) must be ≥ 0")
    h_new = ha + ga * ga
    return _out(_scaled_step(wa, ga, h_new, _rate("lr", lr), _rate("eps", eps)), scalar), _out(
        h_new, scalar
    )


def rmsprop_step(
    w: Any, h: Any, grad: Any, lr: float, rho: float = 0.9, eps: float = 0.0
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """RMSprop: h ← ρ·h + (1 − ρ)·g², then w ← w − η·g/(√h + ε).

    Returns:
        (w_new, h_new), as for :func:`adagrad_step`.

    Raises:
        ValueError: as for :func:`adagrad_step`, or ρ outside [0, 1].
    """
    (wa, ha, ga), scalar = _arrays(w=w, h=h, grad=grad)
    if np.any(np.asarray(ha) < 0):
        raise ValueError("h (the mean of squared gradients) must be ≥ 0")
    r = _rate("rho", rho, 1.0)
    h_new = r * ha + (1 - r) * ga * ga
    return _out(_scaled_step(wa, ga, h_new, _rate("lr", lr), _rate("eps", eps)), scalar), _out(
        h_new, scalar
    )


def _scaled_step(w: Any, g: Any, h: Any, lr: float, eps: float) -> Any:
    denom = np.sqrt(h) + eps
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(denom > 0, g / np.where(denom > 0, denom, 1.0), 0.0)
    return w - lr * step


def nesterov_buffer_step(
    w: Any, buf: Any, grad: Any, lr: float, momentum: float = 0.9
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Nesterov momentum as PyTorch's ``SGD(momentum=μ, nesterov=True)`` computes it (no
    dampening): b ← μ·b + g, then w ← w − η·(g + μ·b), with g the gradient at w itself.

    The parameter it keeps is the look-ahead point of :func:`nesterov_step` (Sutskever et al.,
    2013), so no second gradient evaluation is needed.

    Returns:
        (w_new, buf_new).
    """
    (wa, ba, ga), scalar = _arrays(w=w, buf=buf, grad=grad)
    mu, eta = _rate("momentum", momentum, 1.0), _rate("lr", lr)
    b_new = mu * ba + ga
    return _out(wa - eta * (ga + mu * b_new), scalar), _out(b_new, scalar)


def adamw_step(
    w: Any,
    m: Any,
    v: Any,
    grad: Any,
    t: int,
    lr: float = 1e-3,
    weight_decay: float = 1e-2,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[float | np.ndarray, float | np.ndarray, float | np.ndarray]:
    """AdamW (Loshchilov & Hutter, 2019): the Adam step of :func:`adam_step` on the loss gradient
    alone, plus the decoupled decay −η·λ·w, so the decay is not divided by √v̂ as an L2 term
    added to g would be: w ← w − η·(m̂/(√v̂ + ε) + λ·w).

    Returns:
        (w_new, m_new, v_new).
    """
    (wa,), _ = _arrays(w=w)
    lam, eta = _rate("weight_decay", weight_decay), _rate("lr", lr)
    stepped, m_new, v_new = adam_step(w, m, v, grad, t, lr, beta1, beta2, eps)
    return stepped - eta * lam * wa, m_new, v_new
