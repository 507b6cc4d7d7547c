"""Losses: fused cross-entropy (kernels/cross_entropy.py) and MSE."""

import numpy as np

from .. import kernels
from ..autograd import Function
from ._common import kernel_array


class CrossEntropy(Function):
    """Mean (or sum, or per-sample) of  w[y_i] * (logsumexp(x_i) - x_i[y_i]).

    By definition this is log-softmax, then picking each row's label entry:
    loss_i = -w[y_i] * log_softmax(x_i)[y_i]. Differentiating that composition gives

    d loss / d x_i = w[y_i] * (softmax(x_i) - onehot(y_i)) * s, with s = 1 / sum of the
    weights of the counted rows for 'mean', 1 for 'sum', and g_i for 'none'. The fast
    kernel computes the loss and the gradient rows, already times s, in one pass
    (kernels/cross_entropy.py), and backward only multiplies them by the upstream gradient;
    the loop floor's backward works the gradient out from the logits (kernels/loops/).
    """

    @staticmethod
    def forward(ctx, logits, labels, weight=None, ignore_index=-100, reduction="mean"):
        logits = kernel_array(logits, "cross_entropy")
        n, c = logits.shape
        w = (
            kernel_array(weight, "cross_entropy", logits.dtype)
            if weight is not None
            else np.ones(c, logits.dtype)
        )
        floor = kernels.active()
        bad, total_weight = floor.check_labels(labels, c, ignore_index, w)
        if bad >= 0:
            raise IndexError(
                f"cross_entropy: target {int(labels[bad])} at position {bad} is out "
                f"of bounds for {c} classes (valid labels are 0..{c - 1})"
            )
        # 'mean' over no counted rows is 0/0 = NaN, as in PyTorch
        scale = 1.0 if reduction != "mean" else 1.0 / total_weight if total_weight else np.nan
        losses = np.empty(n, logits.dtype)
        want_grad = ctx.needs_input_grad is not None and ctx.needs_input_grad[0]
        loss_sum, saved = floor.cross_entropy_forward(
            logits, labels, w, ignore_index, scale, losses, want_grad
        )
        ctx.reduction, ctx.floor = reduction, floor  # backward reads what this floor saved
        ctx.labels, ctx.weight, ctx.ignore_index, ctx.scale = labels, w, ignore_index, scale
        ctx.save_for_backward(saved)
        if reduction == "none":
            return losses
        return np.asarray(loss_sum * scale, logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        (saved,) = ctx.saved_tensors
        g = (
            kernel_array(grad, "cross_entropy", saved.dtype)
            if ctx.reduction == "none"
            else np.asarray(grad)
        )
        return (
            ctx.floor.cross_entropy_backward(
                saved, ctx.labels, ctx.weight, ctx.ignore_index, ctx.scale, g
            ),
            None,
            None,
        )


class MSELoss(Function):
    """mean (or sum, or each) of (a - b)**2;   da = 2 (a - b) g / n,  db = -da."""

    @staticmethod
    def forward(ctx, a, b, reduction="mean"):
        diff = a - b
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        sq = diff * diff
        if reduction == "none":
            return sq
        total = sq.sum()
        if reduction == "sum":
            return np.asarray(total, a.dtype)
        return np.asarray(total / diff.size if diff.size else np.nan, a.dtype)  # empty: NaN

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        scale = 2.0 / max(diff.size, 1) if ctx.reduction == "mean" else 2.0
        da = (diff * (grad * diff.dtype.type(scale))).astype(diff.dtype, copy=False)
        return (da if ctx.needs_input_grad[0] else None, -da if ctx.needs_input_grad[1] else None)
