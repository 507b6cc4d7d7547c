"""Elementwise losses behind nn.functional: per-element NLL (any number of spatial dims,
class weights, ignore_index), binary cross-entropy (on probabilities and on logits),
smooth L1 / Huber, and KL divergence. Each returns one loss per element; the caller
weights and reduces them with ordinary tensor ops."""

import numpy as np

from ..autograd import ArrayFunction
from ._common import call_op
from .elementwise import Sigmoid

__all__ = [
    "NLLPerElement",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyBackward",
    "BinaryCrossEntropyWithLogits",
    "SmoothL1",
    "KLDivPointwise",
]


def _at_target(shape, target, values):
    """Zeros of ``shape`` with ``values`` (class axis 1 of size 1) at each element's
    ``target`` class: a scatter into zeros on arrays (first order, fast), the same as a
    dense mask with np.where on tensors (create_graph), which differentiates again."""
    if isinstance(values, np.ndarray):
        out = np.zeros(shape, values.dtype)
        np.put_along_axis(out, np.expand_dims(target, 1), values, axis=1)
        return out
    classes = np.arange(shape[1]).reshape((-1,) + (1,) * (len(shape) - 2))
    return np.where(classes == np.expand_dims(target, 1), values, 0)


class NLLPerElement(ArrayFunction):
    """out[n, d...] = -weight[y] * logp[n, y, d...] with y = target[n, d...] (the class
    axis is 1), and 0 where y == ignore_index;
    dlogp = -weight[y] * g[n, d...] at [n, y, d...] (the target class), 0 elsewhere and
    0 for an ignored element (even where g is NaN, as PyTorch).

    ``target`` (int64, already checked to be in range or ignore_index) and ``weight``
    (an array of C floats) are options, not graph inputs.
    """

    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index=-100):
        keep = target != ignore_index
        safe = np.where(keep, target, 0)
        w = np.where(keep, weight[safe], 0).astype(logp.dtype, copy=False)
        picked = np.take_along_axis(logp, np.expand_dims(safe, 1), axis=1).squeeze(1)
        ctx.safe, ctx.w, ctx.keep, ctx.shape = safe, w, keep, logp.shape
        with np.errstate(invalid="ignore"):  # an ignored -inf: 0 * inf, then 0
            return np.where(keep, -w * picked, 0).astype(logp.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # an ignored element's gradient is 0 even where g is NaN (the 'mean' of nothing)
        picked = np.where(ctx.keep, -ctx.w * grad, 0).astype(grad.dtype, copy=False)
        return _at_target(ctx.shape, ctx.safe, np.expand_dims(picked, 1))


def _clamped_logs(p):
    """(max(log p, -100), max(log(1 - p), -100)): PyTorch clamps the logs so p = 0 or 1
    gives a finite loss."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)


class BinaryCrossEntropy(ArrayFunction):
    """out = -(y * max(log p, -100) + (1 - y) * max(log(1 - p), -100))  (PyTorch clamps
    the logs at -100 so p = 0 or 1 gives a finite loss);
    dp = g * (p - y) / max(p * (1 - p), 1e-12),
    dy = g * (max(log(1 - p), -100) - max(log p, -100)).
    Backward reads only p and y (the logs are recomputed), so it differentiates again."""

    @staticmethod
    def forward(ctx, p, y):
        log_p, log_q = _clamped_logs(p)
        ctx.save_for_backward(p, y)
        return -(y * log_p + (1 - y) * log_q)

    @staticmethod
    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        dp = dy = None
        if ctx.needs_input_grad[0]:
            dp = call_op(BinaryCrossEntropyBackward, grad, p, y)
        if ctx.needs_input_grad[1]:
            log_p, log_q = _clamped_logs(p)
            dy = grad * (log_q - log_p)
        return dp, dy


class BinaryCrossEntropyBackward(ArrayFunction):
    """Binary cross-entropy's gradient in p: out = g * (p - y) / max(p (1 - p), 1e-12).
    Its own derivatives are PyTorch's (binary_cross_entropy_double_backward and _target):
    dg = gg * (p - y) / max(p (1 - p), 1e-12)  (this op again),
    dp = gg * g * (p**2 - 2 p y + y) / ((p + 1e-12)**2 (1 - p + 1e-12)**2),
    dy = -gg * g / max(p (1 - p), 1e-12).
    Differentiating the clamp instead would give 1 / 1e-12 at a saturated p = 0 or 1,
    where PyTorch's dp is 0 for a matching target."""

    @staticmethod
    def forward(ctx, grad, p, y):
        ctx.save_for_backward(grad if ctx.needs(1) or ctx.needs(2) else None, p, y)
        return grad * (p - y) / np.maximum(p * (1 - p), 1e-12)

    @staticmethod
    def backward(ctx, gg):
        grad, p, y = ctx.saved_tensors
        dg = dp = dy = None
        if ctx.needs_input_grad[0]:
            dg = call_op(BinaryCrossEntropyBackward, gg, p, y)
        if ctx.needs_input_grad[1]:
            dp = gg * grad * (p * p - 2 * p * y + y) / ((p + 1e-12) ** 2 * (1 - p + 1e-12) ** 2)
        if ctx.needs_input_grad[2]:
            dy = -gg * grad / np.maximum(p * (1 - p), 1e-12)
        return dg, dp, dy


def _softplus(z):
    """log(1 + exp(z)), exact for large |z| (no overflow at z = 1e4)."""
    return np.logaddexp(0, z).astype(z.dtype, copy=False)


class BinaryCrossEntropyWithLogits(ArrayFunction):
    """With L = 1 + (pos_weight - 1) * y (L = 1 without pos_weight):
        out = (1 - y) * x + L * softplus(-x),  = -(pos_weight y log s(x) + (1 - y) log(1 - s(x)));
        dx = g * ((1 - y) - L * sigmoid(-x)),
        dy = g * (-x + (pos_weight - 1) * softplus(-x)),
        dpos_weight = g * y * softplus(-x).
    softplus is computed as logaddexp(0, .), so logits of +-1e4 give exact, finite values;
    sigmoid is the Sigmoid op (call_op), so the formulas differentiate again."""

    @staticmethod
    def forward(ctx, x, y, pos_weight=None):
        sp = _softplus(-x)
        big_l = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        ctx.save_for_backward(x, y, pos_weight)
        return ((1 - y) * x + big_l * sp).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y, pos_weight = ctx.saved_tensors
        big_l = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        dx = dy = dpw = None
        soft = None if pos_weight is None else _softplus(-x)  # read by dy and dpw
        if ctx.needs_input_grad[0]:
            dx = grad * ((1 - y) - big_l * call_op(Sigmoid, -x))
        if ctx.needs_input_grad[1]:
            slope = 0 if pos_weight is None else (pos_weight - 1) * soft
            dy = grad * (slope - x)
        if pos_weight is not None and ctx.needs_input_grad[2]:
            dpw = grad * y * soft
        return dx, dy, dpw


class SmoothL1(ArrayFunction):
    """With d = a - b:
    smooth L1 (beta):  out = 0.5 d**2 / beta if |d| < beta else |d| - 0.5 beta;
                       dd = d / beta inside, sign(d) outside (beta = 0: |d|, sign(d)).
    Huber (delta):     out = 0.5 d**2 if |d| < delta else delta (|d| - 0.5 delta);
                       dd = d inside, delta * sign(d) outside.
    da = g * dd,  db = -g * dd."""

    @staticmethod
    def forward(ctx, a, b, beta=1.0, huber=False):
        d = a - b
        inside = np.abs(d) < beta
        ctx.save_for_backward(a, b, inside)  # d is recomputed: backward differentiates again
        ctx.beta, ctx.huber = beta, huber
        absd = np.abs(d)
        if huber:
            out = np.where(inside, 0.5 * d * d, beta * (absd - 0.5 * beta))
        elif beta == 0:
            out = absd
        else:
            out = np.where(inside, 0.5 * d * d / beta, absd - 0.5 * beta)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b, inside = ctx.saved_tensors
        d = a - b
        beta = ctx.beta
        if ctx.huber:
            dd = np.where(inside, d, beta * np.sign(d))
        elif beta == 0:
            dd = np.sign(d)
        else:
            dd = np.where(inside, d / beta, np.sign(d))
        da = (grad * dd).astype(grad.dtype, copy=False)
        return (da if ctx.needs_input_grad[0] else None, -da if ctx.needs_input_grad[1] else None)


class KLDivPointwise(ArrayFunction):
    """log_target=False: out = t * (log t - x), 0 where t == 0 (xlogy);
        dx = -g * t,   dt = g * (log t + 1 - x)   (NaN at t == 0, as PyTorch).
    log_target=True:  out = exp(t) * (t - x);
        dx = -g * exp(t),   dt = g * exp(t) * (t - x + 1)."""

    @staticmethod
    def forward(ctx, x, t, log_target=False):
        ctx.save_for_backward(x, t)
        ctx.log_target = log_target
        if log_target:
            return (np.exp(t) * (t - x)).astype(x.dtype, copy=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            xlogy = np.where(t == 0, 0, t * np.log(np.where(t == 0, 1, t)))
        return (xlogy - t * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        dx = dt = None
        et = np.exp(t) if ctx.log_target else t
        if ctx.needs_input_grad[0]:
            dx = -grad * et
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                if ctx.log_target:
                    dt = grad * et * (t - x + 1)
                else:
                    dt = grad * np.where(t == 0, np.nan, np.log(t) + 1 - x)
        return dx, dt
