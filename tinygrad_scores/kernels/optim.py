"""Fused, in-place optimizer updates: one pass over a parameter updates its state and it.

Adam (PyTorch's algorithm, Kingma & Ba with bias correction), for step t:

    g     = grad + weight_decay * p               (Adam's L2 penalty; 0 for AdamW)
    p     = p * (1 - lr * decoupled_decay)        (AdamW's decoupled weight decay)
    m     = beta1 * m + (1 - beta1) * g
    v     = beta2 * v + (1 - beta2) * g * g
    vmax  = max(vmax, v)                          (amsgrad only; then v -> vmax below)
    p     = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

SGD with momentum mu, dampening d (PyTorch's form):

    g   = grad + weight_decay * p
    buf = g                              on the first step, else mu * buf + (1 - d) * g
    g   = g + mu * buf if nesterov else buf
    p   = p - lr * g

NumPy needs one pass (and often a temporary) per line; here each element is read and
written once. Parameters of a million elements or more are split across threads.
"""
import math

from numba import prange

from ._jit import kernel

PARALLEL_SIZE = 1 << 20


def _adam(p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, amsgrad):
    step_size = lr / (1.0 - beta1 ** step)
    inv_bc2_sqrt = 1.0 / math.sqrt(1.0 - beta2 ** step)
    shrink = 1.0 - lr * decoupled_decay
    for i in prange(p.shape[0]):
        pi = p[i] * shrink
        gi = g[i] + weight_decay * p[i]
        mi = beta1 * m[i] + (1.0 - beta1) * gi
        vi = beta2 * v[i] + (1.0 - beta2) * gi * gi
        m[i] = mi
        v[i] = vi
        if amsgrad:
            vi = max(vmax[i], vi)
            vmax[i] = vi
        p[i] = pi - step_size * mi / (math.sqrt(vi) * inv_bc2_sqrt + eps)


def _sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step):
    for i in prange(p.shape[0]):
        gi = g[i] + weight_decay * p[i]
        if momentum != 0.0:
            b = gi if first_step else momentum * buf[i] + (1.0 - dampening) * gi
            buf[i] = b
            gi = gi + momentum * b if nesterov else b
        p[i] -= lr * gi


def _adam_sig(t):
    return (f"void({t}[::1], {t}[::1], {t}[::1], {t}[::1], {t}[::1], "
            "float64, float64, float64, float64, float64, float64, int64, boolean)")


def _sgd_sig(t):
    return f"void({t}[::1], {t}[::1], {t}[::1], float64, float64, float64, float64, boolean, boolean)"


_ADAM = [_adam_sig(t) for t in ("float32", "float64")]
_SGD = [_sgd_sig(t) for t in ("float32", "float64")]
adam_update = kernel(_ADAM)(_adam)
adam_update_parallel = kernel(_ADAM, parallel=True)(_adam)
sgd_update = kernel(_SGD)(_sgd)
sgd_update_parallel = kernel(_SGD, parallel=True)(_sgd)
