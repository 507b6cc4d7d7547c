"""Softmax and log-softmax of each row of a 2-D array, forward and backward.

With m = max_k x_k (subtracted so exp never overflows) and s = sum_k exp(x_k - m):

    softmax:      y_j = exp(x_j - m) / s              dx_j = y_j * (g_j - sum_k g_k y_k)
    log_softmax:  y_j = x_j - m - log(s)              dx_j = g_j - exp(y_j) * sum_k g_k

A row of all -inf gives NaN, as in PyTorch.
"""

import math

from numba import njit

from .._jit import kernel

_DTYPES = ("float32", "float64")
_FWD = [f"void({t}[:, ::1], {t}[:, ::1])" for t in _DTYPES]
_BWD = [f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1])" for t in _DTYPES]


@njit(error_model="numpy")  # no fast-math, as the kernels here
def row_max_and_sum_exp(x, i):
    """(m, s) of row i: m = max_j x_ij and s = sum_j exp(x_ij - m), in float64."""
    m = -math.inf
    for j in range(x.shape[1]):
        m = max(m, x[i, j])
    s = 0.0
    for j in range(x.shape[1]):
        s += math.exp(x[i, j] - m)
    return m, s


@kernel(_FWD)
def softmax_forward(x, out):
    n, c = x.shape
    for i in range(n):
        m = -math.inf
        for j in range(c):
            m = max(m, x[i, j])
        s = 0.0
        for j in range(c):
            out[i, j] = math.exp(x[i, j] - m)
            s += out[i, j]
        for j in range(c):
            out[i, j] /= s


@kernel(_BWD)
def softmax_backward(y, grad, grad_in):
    n, c = y.shape
    for i in range(n):
        dot = 0.0
        for j in range(c):
            dot += grad[i, j] * y[i, j]
        for j in range(c):
            grad_in[i, j] = y[i, j] * (grad[i, j] - dot)


@kernel(_FWD)
def log_softmax_forward(x, out):
    n, c = x.shape
    for i in range(n):
        m, s = row_max_and_sum_exp(x, i)
        log_s = math.log(s)
        for j in range(c):
            out[i, j] = (x[i, j] - m) - log_s


@kernel(_BWD)
def log_softmax_backward(y, grad, grad_in):
    n, c = y.shape
    for i in range(n):
        total = 0.0
        for j in range(c):
            total += grad[i, j]
        for j in range(c):
            grad_in[i, j] = grad[i, j] - math.exp(y[i, j]) * total
