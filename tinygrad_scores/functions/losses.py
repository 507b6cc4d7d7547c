"""Losses: fused cross-entropy (kernels/cross_entropy.py) and MSE."""
import numpy as np

from ..autograd import Function
from ..kernels import cross_entropy as ce_kernels
from ._common import _contiguous

class CrossEntropy(Function):
    """Mean (or sum, or per-sample) of  w[y_i] * (logsumexp(x_i) - x_i[y_i]).

    d loss / d x_i = w[y_i] * (softmax(x_i) - onehot(y_i)) * s, with s = 1 / sum of the
    weights of the counted rows for 'mean', 1 for 'sum', and g_i for 'none'. The kernel
    computes the loss and the gradient rows, already times s, in one pass
    (cross_entropy.py); backward only multiplies by the upstream gradient when it is not 1.
    """

    @staticmethod
    def forward(ctx, logits, labels, weight=None, ignore_index=-100, reduction="mean"):
        n, c = logits.shape
        w = weight if weight is not None else np.ones(c, logits.dtype)
        bad, total_weight = ce_kernels.check_labels(labels, c, ignore_index, w)
        if bad >= 0:
            raise IndexError(f"cross_entropy: target {int(labels[bad])} at position {bad} is out "
                             f"of bounds for {c} classes (valid labels are 0..{c - 1})")
        # 'mean' over no counted rows is 0/0 = NaN, as in PyTorch
        scale = 1.0 if reduction != "mean" else 1.0 / total_weight if total_weight else np.nan
        losses = np.empty(n, logits.dtype)
        want_grad = ctx.needs_input_grad is not None and ctx.needs_input_grad[0]
        grad_rows = np.empty((n, c) if want_grad else (0, c), logits.dtype)
        loss_sum = ce_kernels.cross_entropy_forward(_contiguous(logits), labels, w, ignore_index,
                                                    scale, losses, grad_rows, want_grad)
        ctx.reduction = reduction
        ctx.save_for_backward(grad_rows)
        if reduction == "none":
            return losses
        return np.asarray(loss_sum * scale, logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        (grad_rows,) = ctx.saved_tensors
        if ctx.reduction == "none":
            out = np.empty_like(grad_rows)
            ce_kernels.scale_rows(grad_rows, _contiguous(grad), out)
            return out, None, None
        g = grad.item()
        return (grad_rows if g == 1.0 else grad_rows * grad_rows.dtype.type(g)), None, None


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
        return np.asarray(total / diff.size if reduction == "mean" else total, a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        scale = 2.0 / diff.size if ctx.reduction == "mean" else 2.0
        da = (diff * (grad * diff.dtype.type(scale))).astype(diff.dtype, copy=False)
        return (da if ctx.needs_input_grad[0] else None,
                -da if ctx.needs_input_grad[1] else None)
