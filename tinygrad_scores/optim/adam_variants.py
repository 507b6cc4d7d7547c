"""Adamax, NAdam and RAdam: Adam's moment estimates with another step.

For a parameter p with gradient g (negated under ``maximize``), at step t:

    m = m + (1 - beta1) * (g - m)                  (all three: PyTorch's lerp)
    Adamax:  g = g + weight_decay * p
             u = max(beta2 * u, |g| + eps)
             p = p - (lr / (1 - beta1^t)) * m / u
    NAdam:   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  mu_prod = prod mu_1..t
             v = beta2 * v + (1 - beta2) * g^2,  d = sqrt(v / (1 - beta2^t)) + eps
             p = p - lr * (1 - mu_t) / (1 - mu_prod) * g / d
                   - lr * mu_{t+1} / (1 - mu_prod * mu_{t+1}) * m / d
    RAdam:   v as NAdam's,  rho_inf = 2 / (1 - beta2) - 1,
             rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
             rho_t > 5:  p = p - m / (1 - beta1^t) * lr * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
                         r = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t))
             else:       p = p - m / (1 - beta1^t) * lr

NAdam and RAdam add ``weight_decay * p`` to the gradient, or with
``decoupled_weight_decay`` scale p by 1 - lr * weight_decay first (AdamW's way).

Written with in-place NumPy in the order of PyTorch's single-tensor CPU code (its default
on CPU), each scalar rounded to the parameter's dtype as PyTorch does; PyTorch's lerp,
addcmul and ``add(alpha=)`` round a multiply-add once, and so does ``_fma`` here.
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from .adam import _check_betas
from .optimizer import Optimizer, ParamsT, _check_nonnegative, _fresh_state, _step_tensor


def _fma(a, b, c):
    """a * b + c rounded once, as PyTorch's vectorised multiply-add: for float32 in
    float64 (the product is exact there; the sum rounds twice, which differs from one
    rounding only in rare near-ties); for float64 with the product's and the sum's
    rounding errors carried (Dekker's split, Knuth's two-sum) and added back at the end."""
    if c.dtype == np.float32:
        return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + c).astype(np.float32)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    product = a * b
    total = product + c
    with np.errstate(over="ignore", invalid="ignore"):
        a_hi, a_lo = _split(a)
        b_hi, b_lo = _split(b)
        product_error = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
        back = total - product
        sum_error = (product - (total - back)) + (c - back)
        fused = total + (sum_error + product_error)
    # beyond 2**996 the split overflows: there, the plain sum
    return np.where(np.isfinite(fused), fused, total)


def _split(x):
    """x = hi + lo, each half of the mantissa, so products of halves are exact."""
    scaled = 134217729.0 * x  # 2**27 + 1
    hi = scaled - (scaled - x)
    return hi, x - hi


def _lerp_(m, g, weight):
    """PyTorch's ``m.lerp_(g, weight)``: the form it picks for the weight's size."""
    w = m.dtype.type(weight)
    if abs(w) < 0.5:
        m[...] = _fma(w, g - m, m)
    else:
        m[...] = _fma(w - 1, g - m, g)


def _decayed_grad(group, p, grad):
    """The gradient after ``maximize`` and the L2 term (``grad.add(p, alpha=wd)``), and
    p scaled in place by 1 - lr * weight_decay when the decay is decoupled."""
    g = -grad if group["maximize"] else grad
    wd = float(group["weight_decay"])
    if wd == 0:
        return g
    if group.get("decoupled_weight_decay", False):
        p *= 1 - float(group["lr"]) * wd
        return g
    return _fma(p.dtype.type(wd), p, g)


def _second_moment_(v, g, beta2):
    """``v.mul_(beta2).addcmul_(g, g, value=1 - beta2)``: a multiply-add of
    ((1 - beta2) * g) * g, as PyTorch's addcmul."""
    v *= beta2
    v[...] = _fma(v.dtype.type(1 - beta2) * g, g, v)


class _AdamVariant(Optimizer):
    """Options and checks shared by the three (PyTorch's order of ValueErrors)."""

    def __init__(self, params: ParamsT, **defaults) -> None:
        betas = defaults["betas"]
        defaults["betas"] = tuple(betas) if isinstance(betas, list) else betas
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("epsilon value", group["eps"])
        _check_betas(group["betas"])
        _check_nonnegative("weight_decay value", group["weight_decay"])

    def _state_keys(self, group):
        return ("exp_avg", "exp_avg_sq")

    def _init_state(self, group, p):
        return _fresh_state(self._state_keys(group), p)


class Adamax(_AdamVariant):
    """PyTorch's Adamax (Kingma & Ba, section 7.1): Adam with the infinity norm in place
    of the second moment. State per parameter: ``step``, ``exp_avg``, ``exp_inf``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )

    def _state_keys(self, group):
        return ("exp_avg", "exp_inf")

    def _update(self, group, p, grad, state):
        step = _step_tensor(state)
        beta1, beta2 = group["betas"]
        g = _decayed_grad(group, p, grad)
        m, u = state["exp_avg"].array, state["exp_inf"].array
        _lerp_(m, g, 1 - beta1)
        u *= beta2
        np.maximum(u, np.abs(g) + p.dtype.type(group["eps"]), out=u)
        clr = float(group["lr"]) / (1 - beta1**step)
        p += p.dtype.type(-clr) * m / u


class NAdam(_AdamVariant):
    """PyTorch's NAdam (Dozat): Adam with Nesterov momentum, its momentum warmed up by
    ``momentum_decay``. State per parameter: ``step``, ``mu_product`` (a scalar tensor),
    ``exp_avg``, ``exp_avg_sq``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )

    def _check_group(self, group):
        super()._check_group(group)
        _check_nonnegative("momentum_decay value", group["momentum_decay"])

    def _init_state(self, group, p):
        state = super()._init_state(group, p)
        step = state.pop("step")  # PyTorch's order: step, mu_product, the moments
        mu_product = Tensor.wrap(np.array(1.0, dtypes.default_float()))
        return {"step": step, "mu_product": mu_product, **state}

    def _check_state(self, group, p, i, state, loading):
        super()._check_state(group, p, i, state, loading)
        mu = state.get("mu_product")
        mu = mu.array if isinstance(mu, Tensor) else np.asarray(mu)
        if mu.size != 1 or mu.dtype.kind not in "iuf" or not math.isfinite(mu.item()):
            raise RuntimeError(
                f"NAdam: parameter {i} (shape {list(p.shape)}): state 'mu_product' must be "
                f"a number, got {state.get('mu_product')!r}"
            )
        if loading or not isinstance(state["mu_product"], Tensor):
            state["mu_product"] = Tensor.wrap(np.array(mu.item(), dtypes.default_float()))

    def _update(self, group, p, grad, state):
        step = _step_tensor(state)
        beta1, beta2 = group["betas"]
        lr, decay = float(group["lr"]), float(group["momentum_decay"])
        g = _decayed_grad(group, p, grad)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        product = state["mu_product"].array
        product[()] = product * mu  # in the state's dtype, as PyTorch's mu_product *= mu
        mu_product = float(product)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        _lerp_(m, g, 1 - beta1)
        _second_moment_(v, g, beta2)
        denom = np.sqrt(v / p.dtype.type(1 - beta2**step))
        denom += p.dtype.type(group["eps"])
        p += p.dtype.type(-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        p += p.dtype.type((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m / denom


class RAdam(_AdamVariant):
    """PyTorch's RAdam (Liu et al.): Adam whose adaptive step is rectified by the
    variance of its estimate, and plain momentum SGD while that is not yet defined
    (rho_t <= 5). State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )

    def _update(self, group, p, grad, state):
        step = _step_tensor(state)
        beta1, beta2 = group["betas"]
        lr = float(group["lr"])
        g = _decayed_grad(group, p, grad)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        _lerp_(m, g, 1 - beta1)
        _second_moment_(v, g, beta2)
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        corrected = m / p.dtype.type(correction1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive = p.dtype.type(correction2**0.5) / (np.sqrt(v) + p.dtype.type(group["eps"]))
            p -= corrected * p.dtype.type(lr) * adaptive * p.dtype.type(rect)
        else:
            p -= corrected * p.dtype.type(lr)
