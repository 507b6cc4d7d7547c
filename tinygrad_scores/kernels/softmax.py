"""Softmax and log-softmax over the last dimension of a 2-D array, forward and backward.

Over its loop twin (loops/softmax.py): about 15x on 512 x 128 float32 rows, one thread.
The twin calls libm's exp once per element and keeps one running maximum; here exp is a
polynomial that LLVM vectorises 8 wide (vecmath.py), the row maximum runs in eight lanes,
sums stay in the array's dtype, in vector lanes added in a fixed order, and
large float32 inputs split their rows across threads.

Numerically stable: each row's maximum is subtracted before exp, so logits of +-1e4 do
not overflow. A row of all -inf gives NaN, as in PyTorch.

    softmax:      y_j = exp(x_j - m) / sum_k exp(x_k - m)
                  dx  = y * (g - sum_k g_k y_k)
    log_softmax:  y_j = x_j - m - log(sum_k exp(x_k - m))
                  dx  = g - exp(y) * sum_k g_k

Each ``_row`` function below is the math for one row: a few short loops over memory that
stays in L1. exp, row_max and the sums come from vecmath.py so the loops vectorise; the
sums are kept in the array's dtype, in lanes, in one fixed order (so the serial and the
threaded builds give the same bits). Each kernel is the loop over
rows, built twice (kernel_pair): serial, and for float32 split across threads from
PARALLEL_FROM elements on.
"""

import math

from numba import prange

from ._jit import inlined, kernel_pair
from .vecmath import exp, row_dot, row_max, row_sum, strict_sub

PARALLEL_FROM = 1 << 15
_FWD = "void({t}[:, ::1], {t}[:, ::1])"
_BWD = "void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1])"


@inlined
def _exp_row(x, out, i):
    """out[i, :] = exp(x[i, :] - max(x[i, :])); returns that maximum."""
    m = row_max(x, i)
    for j in range(x.shape[1]):
        out[i, j] = exp(x[i, j] - m)
    return m


@inlined
def _softmax_row(x, out, i):
    _exp_row(x, out, i)
    inv = x.dtype.type(1) / row_sum(out, i)
    for j in range(x.shape[1]):
        out[i, j] *= inv


@inlined
def _softmax_backward_row(y, grad, grad_in, i):
    dot = row_dot(grad, y, i, i)
    for j in range(y.shape[1]):
        grad_in[i, j] = y[i, j] * (grad[i, j] - dot)


@inlined
def _log_softmax_row(x, out, i):
    m = _exp_row(x, out, i)  # out is scratch for the exps: their sum in a fixed order
    log_total = math.log(row_sum(out, i))
    for j in range(x.shape[1]):
        out[i, j] = strict_sub(x[i, j] - m, log_total)  # x - (m + log_total) loses digits


@inlined
def _log_softmax_backward_row(y, grad, grad_in, i):
    total = row_sum(grad, i)
    for j in range(y.shape[1]):
        grad_in[i, j] = grad[i, j] - exp(y[i, j]) * total


@kernel_pair(_FWD, parallel_from=PARALLEL_FROM)
def softmax_forward(x, out):
    if x.shape[1] > 0:
        for i in prange(x.shape[0]):
            _softmax_row(x, out, i)


@kernel_pair(_BWD, parallel_from=PARALLEL_FROM)
def softmax_backward(y, grad, grad_in):
    for i in prange(y.shape[0]):
        _softmax_backward_row(y, grad, grad_in, i)


@kernel_pair(_FWD, parallel_from=PARALLEL_FROM)
def log_softmax_forward(x, out):
    if x.shape[1] > 0:
        for i in prange(x.shape[0]):
            _log_softmax_row(x, out, i)


@kernel_pair(_BWD, parallel_from=PARALLEL_FROM)
def log_softmax_backward(y, grad, grad_in):
    for i in prange(y.shape[0]):
        _log_softmax_backward_row(y, grad, grad_in, i)
