"""The fast floor's entry points: the tuned kernels of this directory behind the same names
and signatures as the loop floor's (kernels/loops/). The op layer reaches them through
``kernels.active()``."""

import numpy as np

from . import cross_entropy as _ce
from .bias import bias_rows, column_sums
from .conv import conv2d_backward_input, conv2d_backward_weight, conv2d_forward

# embedding's gradient: the loop floor's row loop, already one pass at memory speed
from .loops.embedding import embedding_backward

# pooling: the loop floor's kernels; a threaded max-pool with the edge tests hoisted measured
# no faster on the MNIST CNN's 64 x 64 planes of 24 x 24 (35 ms both; NumPy's reshape-max 90)
from .loops.pooling import avg_pool_backward, avg_pool_forward, max_pool_backward, max_pool_forward
from .lstm import lstm_cell_backward, lstm_cell_forward
from .matmul import matmul_into
from .optim import adam, sgd
from .relu import relu_backward, relu_forward
from .softmax import log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward

NAME = "fast"
check_labels = _ce.check_labels

__all__ = [
    "bias_rows",
    "column_sums",
    "matmul_into",
    "relu_forward",
    "relu_backward",
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "check_labels",
    "cross_entropy_forward",
    "cross_entropy_backward",
    "adam",
    "sgd",
    "lstm_cell_forward",
    "lstm_cell_backward",
    "conv2d_forward",
    "conv2d_backward_input",
    "conv2d_backward_weight",
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
    "embedding_backward",
]


def cross_entropy_forward(x, labels, weight, ignore_index, grad_scale, losses, want_grad):
    """Fills losses; returns (their sum, what backward needs). Fused: one pass per row
    also writes the finished gradient rows (times grad_scale), which is what is kept."""
    grad = np.empty(x.shape, x.dtype)  # without want_grad, scratch for the exps
    loss_sum = _ce.cross_entropy_forward(
        x, labels, weight, ignore_index, grad_scale, losses, grad, want_grad
    )
    return loss_sum, grad


def cross_entropy_backward(saved, labels, weight, ignore_index, grad_scale, grad):
    """d loss / d logits: the forward's gradient rows times the upstream gradient (a 0-d
    array for reduction 'mean' or 'sum', one value per row for 'none')."""
    if grad.ndim == 0:
        g = grad.item()
        return saved if g == 1.0 else saved * saved.dtype.type(g)
    out = np.empty_like(saved)
    _ce.scale_rows(saved, grad, out)
    return out
