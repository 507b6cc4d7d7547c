"""The optimizer updates, in place, one element at a time.

Adam (PyTorch's form), at step t:

    g    = grad + weight_decay * p
    p    = p * (1 - lr * decoupled_decay)            (AdamW)
    m    = beta1 * m + (1 - beta1) * g
    v    = beta2 * v + (1 - beta2) * g^2
    vmax = max(vmax, v)                              (amsgrad: v -> vmax below)
    p    = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

SGD with momentum mu and dampening d:

    g   = grad + weight_decay * p
    buf = g on the first step, else mu * buf + (1 - d) * g
    g   = g + mu * buf if nesterov else buf
    p   = p - lr * g
"""

import math

from .._jit import kernel

_DTYPES = ("float32", "float64")


@kernel(
    [
        f"void({', '.join([t + '[::1]'] * 5)}, {', '.join(['float64'] * 6)}, int64, boolean)"
        for t in _DTYPES
    ]
)
def _adam(p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, amsgrad):
    bias1 = 1.0 - beta1**step
    bias2 = 1.0 - beta2**step
    for i in range(p.shape[0]):
        gi = g[i] + weight_decay * p[i]
        p[i] = p[i] * (1.0 - lr * decoupled_decay)
        m[i] = beta1 * m[i] + (1.0 - beta1) * gi
        v[i] = beta2 * v[i] + (1.0 - beta2) * gi * gi
        second = v[i]
        if amsgrad:
            vmax[i] = max(vmax[i], v[i])
            second = vmax[i]
        p[i] = p[i] - lr / bias1 * m[i] / (math.sqrt(second) / math.sqrt(bias2) + eps)


@kernel(
    [
        f"void({t}[::1], {t}[::1], {t}[::1], float64, float64, float64, float64, boolean, boolean)"
        for t in _DTYPES
    ]
)
def _sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step):
    for i in range(p.shape[0]):
        gi = g[i] + weight_decay * p[i]
        if momentum != 0.0:
            if first_step:
                buf[i] = gi
            else:
                buf[i] = momentum * buf[i] + (1.0 - dampening) * gi
            if nesterov:
                gi = gi + momentum * buf[i]
            else:
                gi = buf[i]
        p[i] = p[i] - lr * gi


def adam(
    p,
    g,
    m,
    v,
    vmax,
    lr,
    beta1,
    beta2,
    eps,
    weight_decay,
    decoupled_decay,
    step,
    amsgrad,
    parallel=None,
):
    """One Adam step on flat arrays, in place (``parallel`` is ignored: one thread here)."""
    _adam(p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, amsgrad)


def sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step, parallel=None):
    """One SGD step on flat arrays, in place (``parallel`` is ignored: one thread here)."""
    _sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step)


def adam_group(ps, gs, ms, vs, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step):
    """Adam (amsgrad off) on several flat parameters that share the step count ``step``:
    adam on each, one after another (the fast floor's adam_group does them in one call)."""
    for p, g, m, v in zip(ps, gs, ms, vs):
        args = (lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, False)
        adam(p, g, m, v, v[:0], *args)
