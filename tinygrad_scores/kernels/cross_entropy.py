"""Cross-entropy from logits and integer labels, fused with its gradient.

Over its loop twin (loops/cross_entropy.py): about 13x for the forward on 512 x 128
float32 logits, one thread, from softmax.py's vectorised exp and row maximum; and the
gradient rows are written in the forward's pass, so backward is at most one multiply
(the twin's backward walks every row again, as a textbook backward does).

For row i with logits x, label y and class weight w = weight[y]:

    loss_i = w * (logsumexp(x) - x_y)              (0 for a row whose label is ignore_index)
    d loss_i / d x_j = w * (softmax(x)_j - [j == y]) * grad_scale

grad_scale is 1 / (total weight of the counted rows) for reduction='mean' and 1 for 'sum',
so one pass per row gives the loss and the finished gradient: backward has nothing left
to do unless the upstream gradient is not 1. Rows stay in L1 between the short loops;
exp, row_max and the sums (in a fixed order) come from vecmath.py so the loops vectorise.
"""

import math

import numpy as np
from numba import prange

from ._jit import kernel, kernel_pair
from .vecmath import exp, row_max, row_sum, strict_add, strict_sub

PARALLEL_FROM = 1 << 15
_SIG = "float64({t}[:, ::1], int64[::1], {t}[::1], int64, {t}, {t}[::1], {t}[:, ::1], boolean)"


@kernel(
    [f"Tuple((int64, float64))(int64[::1], int64, int64, {t}[::1])" for t in ("float32", "float64")]
)
def check_labels(labels, n_classes, ignore_index, weight):
    """(index of the first label outside [0, n_classes) that is not ignore_index, or -1;
    total weight of the rows that count, the divisor of reduction='mean')."""
    total = 0.0
    for i in range(labels.shape[0]):
        y = labels[i]
        if y == ignore_index:
            continue
        if y < 0 or y >= n_classes:
            return i, total
        total += weight[y]
    return -1, total


@kernel_pair(_SIG, parallel_from=PARALLEL_FROM)
def cross_entropy_forward(x, labels, weight, ignore_index, grad_scale, losses, grad, want_grad):
    """losses[i] = weighted loss of row i; grad[i] = its gradient times grad_scale (if
    want_grad; else grad, x's shape, is scratch). Returns the sum of the losses,
    accumulated in float64, in row order."""
    n, c = x.shape
    if grad.shape[0] != n or grad.shape[1] != c:  # it is written even without want_grad
        raise ValueError("cross_entropy_forward: grad must have x's shape (it is scratch)")
    for i in prange(n):
        y = labels[i]
        loss = x.dtype.type(0)
        if y == ignore_index:
            if want_grad:
                for j in range(c):
                    grad[i, j] = 0
        else:
            w = weight[y]
            m = row_max(x, i)
            for j in range(c):
                grad[i, j] = exp(x[i, j] - m)
            total = row_sum(grad, i)  # (in a fixed order: see vecmath.py)
            if want_grad:
                scale = w * grad_scale / total
                for j in range(c):
                    grad[i, j] *= scale
                grad[i, y] -= w * grad_scale
            loss = w * strict_sub(math.log(total), x[i, y] - m)  # not (log + m) - x_y
        losses[i] = loss
    loss_sum = 0.0  # summed after the rows: a reduction inside this prange trips Numba
    for i in range(n):
        loss_sum = strict_add(loss_sum, np.float64(losses[i]))  # in row order, in every build
    return loss_sum


@kernel([f"void({t}[:, ::1], {t}[::1], {t}[:, ::1])" for t in ("float32", "float64")])
def scale_rows(grad, row_scale, out):
    """out[i, :] = grad[i, :] * row_scale[i]  (the backward of reduction='none')."""
    for i in range(grad.shape[0]):
        s = row_scale[i]
        for j in range(grad.shape[1]):
            out[i, j] = grad[i, j] * s
