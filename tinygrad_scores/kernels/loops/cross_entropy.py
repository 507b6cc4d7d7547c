"""Cross-entropy from logits x and integer labels y, with class weights w. For row i:

    loss_i = w[y_i] * (log(sum_j exp(x_ij - m_i)) - (x_iy - m_i))      m_i = max_j x_ij
    d loss_i / d x_ij = w[y_i] * (softmax(x_i)_j - [j == y_i])

A row whose label is ignore_index has loss 0 and gradient 0. The backward works the
gradient out from the logits itself (no rows saved by the forward), then multiplies it by
grad_scale (1 / total weight for reduction='mean', else 1) and by the upstream gradient.
"""

import math

import numpy as np

from .._jit import kernel
from .softmax import row_max_and_sum_exp

_DTYPES = ("float32", "float64")


@kernel([f"Tuple((int64, float64))(int64[::1], int64, int64, {t}[::1])" for t in _DTYPES])
def check_labels(labels, n_classes, ignore_index, weight):
    """(index of the first label outside [0, n_classes) that is not ignore_index, or -1;
    total weight of the rows that count)."""
    total = 0.0
    for i in range(labels.shape[0]):
        if labels[i] == ignore_index:
            continue
        if labels[i] < 0 or labels[i] >= n_classes:
            return i, total
        total += weight[labels[i]]
    return -1, total


@kernel([f"float64({t}[:, ::1], int64[::1], {t}[::1], int64, {t}[::1])" for t in _DTYPES])
def _forward(x, labels, weight, ignore_index, losses):
    """losses[i] = loss_i; returns their sum."""
    loss_sum = 0.0
    for i in range(x.shape[0]):
        y = labels[i]
        if y == ignore_index:
            losses[i] = 0.0
            continue
        m, s = row_max_and_sum_exp(x, i)
        losses[i] = weight[y] * (math.log(s) - (x[i, y] - m))
        loss_sum += losses[i]
    return loss_sum


@kernel(
    [
        f"void({t}[:, ::1], int64[::1], {t}[::1], int64, float64, {t}[::1], {t}[:, ::1])"
        for t in _DTYPES
    ]
)
def _backward(x, labels, weight, ignore_index, grad_scale, row_grad, grad_in):
    """grad_in[i, j] = row_grad[i] * grad_scale * w[y_i] * (softmax(x_i)_j - [j == y_i])."""
    n, c = x.shape
    for i in range(n):
        y = labels[i]
        if y == ignore_index:
            for j in range(c):
                grad_in[i, j] = 0.0
            continue
        m, s = row_max_and_sum_exp(x, i)
        scale = row_grad[i] * grad_scale * weight[y]
        for j in range(c):
            onehot = 1.0 if j == y else 0.0
            grad_in[i, j] = scale * (math.exp(x[i, j] - m) / s - onehot)


def cross_entropy_forward(x, labels, weight, ignore_index, grad_scale, losses, want_grad):
    """Fills losses; returns (their sum, what backward needs: here the logits)."""
    return _forward(x, labels, weight, ignore_index, losses), x


def cross_entropy_backward(saved, labels, weight, ignore_index, grad_scale, grad):
    """d loss / d logits. ``grad`` is the upstream gradient: a 0-d array for reduction
    'mean' or 'sum', one value per row (C-contiguous) for 'none'."""
    x = saved
    row_grad = np.full(x.shape[0], grad, x.dtype) if grad.ndim == 0 else grad
    grad_in = np.empty_like(x)
    _backward(x, labels, weight, ignore_index, grad_scale, row_grad, grad_in)
    return grad_in
