"""Cross-entropy from logits and integer labels, fused with its gradient.

For row i with logits x, label y and class weight w = weight[y]:

    loss_i = w * (logsumexp(x) - x_y)              (0 for a row whose label is ignore_index)
    d loss_i / d x_j = w * (softmax(x)_j - [j == y])

One pass per row computes the loss and writes the unscaled gradient rows, so the
backward pass only has to scale them by the upstream gradient (and by 1/total weight
for reduction='mean'). Rows stay in L1 between the three short loops.
"""
import math

from ._jit import kernel

_SIGS = [f"void({t}[:, ::1], int64[::1], {t}[::1], int64, {t}[::1], {t}[:, ::1], boolean)"
         for t in ("float32", "float64")]


@kernel(["int64(int64[::1], int64, int64)"])
def first_bad_label(labels, n_classes, ignore_index):
    """Index of the first label outside [0, n_classes) (ignore_index allowed), else -1."""
    for i in range(labels.shape[0]):
        y = labels[i]
        if (y < 0 or y >= n_classes) and y != ignore_index:
            return i
    return -1


@kernel(_SIGS)
def cross_entropy_forward(x, labels, weight, ignore_index, losses, grad, want_grad):
    """losses[i] = weighted loss of row i; grad[i] = its unscaled gradient (if want_grad)."""
    n, c = x.shape
    for i in range(n):
        y = labels[i]
        if y == ignore_index:
            losses[i] = 0.0
            if want_grad:
                for j in range(c):
                    grad[i, j] = 0.0
            continue
        w = weight[y]
        m = -math.inf
        for j in range(c):
            m = max(m, x[i, j])
        total = 0.0
        for j in range(c):
            e = math.exp(x[i, j] - m)
            total += e
            if want_grad:
                grad[i, j] = e
        log_total = math.log(total)
        losses[i] = w * (log_total - (x[i, y] - m))
        if want_grad:
            scale = w / total
            for j in range(c):
                grad[i, j] *= scale
            grad[i, y] -= w


@kernel([f"void({t}[:, ::1], {t}[::1], {t}[:, ::1])" for t in ("float32", "float64")])
def scale_rows(grad, row_scale, out):
    """out[i, :] = grad[i, :] * row_scale[i]  (the backward of reduction='none')."""
    for i in range(grad.shape[0]):
        s = row_scale[i]
        for j in range(grad.shape[1]):
            out[i, j] = grad[i, j] * s
