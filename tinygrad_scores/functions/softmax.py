"""Softmax and log-softmax along a dim (kernels/softmax.py)."""

import numpy as np

from .. import kernels
from ..autograd import Function
from ._common import _contiguous, check_dim, kernel_array


def _rows(x, dim):
    """x with ``dim`` moved last, as a C-contiguous 2-D array of rows."""
    moved = np.moveaxis(x, dim, -1)
    return _contiguous(moved).reshape(-1, x.shape[dim]), moved.shape


def _unrows(y, moved_shape, dim):
    return np.moveaxis(y.reshape(moved_shape), -1, dim)


class _RowWise(Function):
    """A function applied to each row along ``dim`` by a forward and a backward kernel
    that take 2-D row arrays; subclasses name the op (its kernels are ``<op>_forward`` and
    ``<op>_backward`` of the active floor, see kernels/__init__.py) and the 0-d case."""

    op = None

    @staticmethod
    def scalar(x):
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x, dim):
        ctx.dim = check_dim(dim, x.ndim)
        x = kernel_array(x, cls.op, layout="A")  # refuses float16, integers (as PyTorch)
        if x.ndim == 0 or x.size == 0:  # nothing to normalise over
            with np.errstate(invalid="ignore"):
                y = cls.scalar(x) if x.ndim == 0 else np.empty_like(x)
            ctx.save_for_backward(y)
            return y
        rows, moved = _rows(x, ctx.dim)
        y = np.empty_like(rows)
        getattr(kernels.active(), cls.op + "_forward")(rows, y)
        ctx.save_for_backward(y)
        ctx.moved = moved
        return _unrows(y, moved, ctx.dim)

    @classmethod
    def backward(cls, ctx, grad):
        (y,) = ctx.saved_tensors
        if grad.ndim == 0 or grad.size == 0:  # a row of one element: the output is constant
            return np.zeros_like(grad)
        g, _ = _rows(kernel_array(grad, cls.op, y.dtype, layout="A"), ctx.dim)
        dx = np.empty_like(y)
        getattr(kernels.active(), cls.op + "_backward")(y, g, dx)
        return _unrows(dx, ctx.moved, ctx.dim)


class Softmax(_RowWise):
    """y = exp(x - max) / sum(exp(x - max)) along ``dim``;   dx = y * (g - sum(g * y)).
    Kernel: softmax.py. A 0-d x gives exp(x - x): 1, or NaN for an inf or NaN."""

    op = "softmax"

    @staticmethod
    def scalar(x):
        return np.exp(x - x)


class LogSoftmax(_RowWise):
    """y = x - max - log(sum(exp(x - max))) along ``dim``;   dx = g - exp(y) * sum(g).
    Kernel: softmax.py. A 0-d x gives x - x: 0, or NaN for an inf or NaN."""

    op = "log_softmax"

    @staticmethod
    def scalar(x):
        return x - x
