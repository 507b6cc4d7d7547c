"""Softmax and log-softmax over the last dimension of a 2-D array, forward and backward.

Numerically stable: each row's maximum is subtracted before exp, so logits of +-1e4 do
not overflow. A row of all -inf gives NaN, as in PyTorch.

    softmax:      y_j = exp(x_j - m) / sum_k exp(x_k - m)
                  dx  = y * (g - sum_k g_k y_k)
    log_softmax:  y_j = x_j - m - log(sum_k exp(x_k - m))
                  dx  = g - exp(y) * sum_k g_k
"""
import math

from ._jit import kernel

_FWD = [f"void({t}[:, ::1], {t}[:, ::1])" for t in ("float32", "float64")]
_BWD = [f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1])" for t in ("float32", "float64")]


@kernel(_FWD)
def softmax_forward(x, out):
    for i in range(x.shape[0]):
        m = -math.inf
        for j in range(x.shape[1]):
            m = max(m, x[i, j])
        total = 0.0
        for j in range(x.shape[1]):
            e = math.exp(x[i, j] - m)
            out[i, j] = e
            total += e
        inv = 1.0 / total
        for j in range(x.shape[1]):
            out[i, j] *= inv


@kernel(_BWD)
def softmax_backward(y, grad, grad_in):
    for i in range(y.shape[0]):
        dot = 0.0
        for j in range(y.shape[1]):
            dot += grad[i, j] * y[i, j]
        for j in range(y.shape[1]):
            grad_in[i, j] = y[i, j] * (grad[i, j] - dot)


@kernel(_FWD)
def log_softmax_forward(x, out):
    for i in range(x.shape[0]):
        m = -math.inf
        for j in range(x.shape[1]):
            m = max(m, x[i, j])
        total = 0.0
        for j in range(x.shape[1]):
            total += math.exp(x[i, j] - m)
        log_total = math.log(total)
        for j in range(x.shape[1]):
            out[i, j] = (x[i, j] - m) - log_total   # not x - (m + log_total): keeps precision


@kernel(_BWD)
def log_softmax_backward(y, grad, grad_in):
    for i in range(y.shape[0]):
        total = 0.0
        for j in range(y.shape[1]):
            total += grad[i, j]
        for j in range(y.shape[1]):
            grad_in[i, j] = grad[i, j] - math.exp(y[i, j]) * total
