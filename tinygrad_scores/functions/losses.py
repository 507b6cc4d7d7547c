"""Losses: fused cross-entropy (kernels/cross_entropy.py) and MSE."""

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import call_op, kernel_array
from .softmax import Softmax, SoftmaxBackward


class CrossEntropy(ArrayFunction):
    """Mean (or sum, or per-sample) of  w[y_i] * (logsumexp(x_i) - x_i[y_i]).

    By definition this is log-softmax, then picking each row's label entry:
    loss_i = -w[y_i] * log_softmax(x_i)[y_i]. Differentiating that composition gives

    d loss / d x_i = w[y_i] * (softmax(x_i) - onehot(y_i)) * s, with s = 1 / sum of the
    weights of the counted rows for 'mean', 1 for 'sum', and g_i for 'none'. The fast
    kernel computes the loss and the gradient rows, already times s, in one pass
    (kernels/cross_entropy.py), and backward only multiplies them by the upstream gradient;
    the loop floor's backward works the gradient out from the logits (kernels/loops/).
    The gradient is the op CrossEntropyBackward, so it is differentiable again.
    """

    @staticmethod
    def forward(ctx, logits, labels, weight=None, ignore_index=-100, reduction="mean"):
        x = kernel_array(logits, "cross_entropy")
        n, c = x.shape
        if weight is not None:
            w = kernel_array(weight, "cross_entropy", x.dtype)
        else:  # (np.ones is empty and copyto in Python: twice this)
            w = np.empty(c, x.dtype)
            w.fill(1)
        floor = kernels.active()
        bad, total_weight = floor.check_labels(labels, c, ignore_index, w)
        if bad >= 0:
            raise IndexError(
                f"cross_entropy: target {int(labels[bad])} at position {bad} is out "
                f"of bounds for {c} classes (valid labels are 0..{c - 1})"
            )
        # 'mean' over no counted rows is 0/0 = NaN, as in PyTorch
        scale = 1.0 if reduction != "mean" else 1.0 / total_weight if total_weight else np.nan
        losses = np.empty(n, x.dtype)
        want_grad = ctx.needs(0)
        loss_sum, fused = floor.cross_entropy_forward(
            x, labels, w, ignore_index, scale, losses, want_grad
        )
        if want_grad:
            ctx.save_for_backward(logits)  # the input itself: create_graph gets its tensor
            # what this floor's backward kernel reads (fast: the finished gradient rows)
            ctx.fused = fused
            ctx.options = {
                "labels": labels,
                "weight": w,
                "ignore_index": ignore_index,
                "scale": scale,
                "floor": floor,
            }
        if reduction == "none":
            return losses
        return np.asarray(loss_sum * scale, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (logits,) = ctx.saved_tensors
        # handed over, not kept: the rows may become logits.grad (a second backward with
        # retain_graph works them out again)
        fused, ctx.fused = ctx.fused, None
        if not isinstance(grad, np.ndarray):
            fused = None  # a create_graph backward: the op recomputes them from its tensor
        return call_op(CrossEntropyBackward, grad, logits, fused=fused, **ctx.options), None, None


class CrossEntropyBackward(ArrayFunction):
    """CrossEntropy's gradient: out_i = c_i * (softmax(x_i) - onehot(y_i)), c_i = g_i * s *
    w[y_i] (g 0-d for 'mean' and 'sum': one c for all rows; c_i = 0 for ignored rows).
    Kernel: cross_entropy.py (``fused``: the rows the forward's fused kernel finished).
    Its derivative, for an upstream gg, with p = softmax(x) (rows along the class axis):
        dg_i = s * w[y_i] * sum_j gg_ij * (p_ij - onehot_ij)   (summed over i for a 0-d g),
        dx_i = c_i * p_i * (gg_i - sum_j gg_ij p_ij)   (SoftmaxBackward(gg, p) * c)."""

    @staticmethod
    def forward(ctx, grad, logits, labels, weight, ignore_index, scale, floor, fused=None):
        ctx.save_for_backward(grad, logits)
        ctx.labels, ctx.weight, ctx.ignore_index, ctx.scale = labels, weight, ignore_index, scale
        if fused is None:  # the forward kernel once more, for what the backward kernel reads
            x = kernel_array(logits, "cross_entropy")
            losses = np.empty(x.shape[0], x.dtype)
            _, fused = floor.cross_entropy_forward(
                x, labels, weight, ignore_index, scale, losses, True
            )
        g = kernel_array(grad, "cross_entropy", fused.dtype) if grad.ndim else np.asarray(grad)
        return floor.cross_entropy_backward(fused, labels, weight, ignore_index, scale, g)

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        dtype = ctx.weight.dtype  # the logits' (a constant's dtype, x may be a tensor)
        counted = ctx.labels != ctx.ignore_index
        safe = np.where(counted, ctx.labels, 0)
        sw = np.where(counted, ctx.weight[safe] * dtype.type(ctx.scale), 0)  # s * w[y_i]
        p = call_op(Softmax, x, dim=1)
        dg = dx = None
        if ctx.needs_input_grad[0]:
            onehot = (np.arange(x.shape[1]) == safe[:, None]).astype(dtype)
            per_row = np.sum(gg * (p - onehot), axis=1) * sw
            dg = per_row if g.ndim else np.sum(per_row)
        if ctx.needs_input_grad[1]:
            dx = call_op(SoftmaxBackward, gg, p, dim=1) * (g * sw).reshape(-1, 1)
        return dg, dx


class MSELoss(ArrayFunction):
    """mean (or sum, or each) of (a - b)**2;   da = 2 (a - b) g / n,  db = -da.
    Under create_graph a - b is recomputed from the inputs (saved, as PyTorch's mse_loss
    does), so the formula differentiates again."""

    @staticmethod
    def forward(ctx, a, b, reduction="mean"):
        diff = a - b
        ctx.save_for_backward(a, b)
        ctx.diff = diff  # for a first-order backward
        ctx.scale = 2.0 / max(diff.size, 1) if reduction == "mean" else 2.0
        sq = diff * diff
        if reduction == "none":
            return sq
        total = sq.sum()
        if reduction == "sum":
            return np.asarray(total, a.dtype)
        return np.asarray(total / diff.size if diff.size else np.nan, a.dtype)  # empty: NaN

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        diff = ctx.diff if isinstance(grad, np.ndarray) else a - b
        da = (diff * (grad * ctx.scale)).astype(diff.dtype, copy=False)
        return (da if ctx.needs_input_grad[0] else None, -da if ctx.needs_input_grad[1] else None)
