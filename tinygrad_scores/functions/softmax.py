"""Softmax and log-softmax along a dim (kernels/softmax.py)."""
import numpy as np

from ..autograd import Function
from ..kernels import softmax as softmax_kernels
from ._common import _contiguous

def _rows(x, dim):
    """x with ``dim`` moved last, as a C-contiguous 2-D array of rows."""
    moved = np.moveaxis(x, dim, -1)
    return _contiguous(moved).reshape(-1, x.shape[dim] if x.ndim else 1), moved.shape


def _unrows(y, moved_shape, dim):
    return np.moveaxis(y.reshape(moved_shape), -1, dim)


class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max)) along ``dim``;   dx = y * (g - sum(g * y)).
    Kernel: softmax.py."""

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return np.ones_like(x)
        rows, moved = _rows(x, dim)
        y = np.empty_like(rows)
        softmax_kernels.softmax_forward(rows, y)
        ctx.save_for_backward(y)
        ctx.dim, ctx.moved = dim, moved
        return _unrows(y, moved, dim)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return np.zeros_like(grad)
        (y,) = ctx.saved_tensors
        g, _ = _rows(grad, ctx.dim)
        dx = np.empty_like(y)
        softmax_kernels.softmax_backward(y, g, dx)
        return _unrows(dx, ctx.moved, ctx.dim)


class LogSoftmax(Function):
    """y = x - max - log(sum(exp(x - max))) along ``dim``;   dx = g - exp(y) * sum(g).
    Kernel: softmax.py."""

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return np.zeros_like(x)
        rows, moved = _rows(x, dim)
        y = np.empty_like(rows)
        softmax_kernels.log_softmax_forward(rows, y)
        ctx.save_for_backward(y)
        ctx.dim, ctx.moved = dim, moved
        return _unrows(y, moved, dim)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return np.zeros_like(grad)
        (y,) = ctx.saved_tensors
        g, _ = _rows(grad, ctx.dim)
        dx = np.empty_like(y)
        softmax_kernels.log_softmax_backward(y, g, dx)
        return _unrows(dx, ctx.moved, ctx.dim)
