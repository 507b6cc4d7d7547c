"""Softmax and log-softmax along a dim (kernels/softmax.py), and their gradients as ops
of their own (SoftmaxBackward, LogSoftmaxBackward), so a gradient is differentiable again."""

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import _FLOAT32, _FLOAT64, _contiguous, call_op, check_dim, kernel_array


def _are_rows(x, dim):
    """Whether ``x`` is already what the kernels take: a native float32 / float64 2-D array
    of C-contiguous writeable rows, ``dim`` 1 (the common case)."""
    if dim != 1 or x.ndim != 2:
        return False
    dtype, flags = x.dtype, x.flags
    return (dtype is _FLOAT32 or dtype is _FLOAT64) and flags.c_contiguous and flags.writeable


def _rows(x, dim):
    """x with ``dim`` moved last, as a C-contiguous 2-D array of rows."""
    if x.ndim == 2 and dim == 1:  # already rows, if C-contiguous (the common case)
        flags = x.flags
        if flags.c_contiguous and flags.writeable:
            return x, x.shape
    moved = x if dim == x.ndim - 1 else np.moveaxis(x, dim, -1)
    return _contiguous(moved).reshape(-1, x.shape[dim]), moved.shape


def _unrows(y, moved_shape, dim):
    if y.shape != moved_shape:
        y = y.reshape(moved_shape)
    return y if dim == y.ndim - 1 else np.moveaxis(y, -1, dim)


def _row_kernel(op, arrays, dim):
    """The active floor's kernel ``op`` on the rows (along ``dim``) of ``arrays``, into a
    new array of their shape."""
    rows = [_rows(a, dim)[0] for a in arrays[1:]]  # the first one also gives the shape
    first, moved = _rows(arrays[0], dim)
    out = np.empty(first.shape, first.dtype)
    getattr(kernels.active(), op)(first, *rows, out)
    return _unrows(out, moved, dim)


class _RowWise(ArrayFunction):
    """A function applied to each row along ``dim`` by a forward kernel; its backward is
    the op ``gradient`` (a backward kernel with a derivative of its own). Subclasses name
    the op (its kernels are ``<op>_forward`` and ``<op>_backward`` of the active floor, see
    kernels/__init__.py) and the 0-d case."""

    op = None
    forward_kernel = None  # the name of its forward kernel among the entry points
    gradient: type[ArrayFunction]

    @staticmethod
    def scalar(x):
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x, dim):
        ctx.dim = dim = check_dim(dim, x.ndim)
        if x.size and _are_rows(x, dim):  # the common case: no copy, no reshape
            y = np.empty(x.shape, x.dtype)
            getattr(kernels.active(), cls.forward_kernel)(x, y)
        else:
            x = kernel_array(x, cls.op, layout="A")  # refuses float16, integers (as PyTorch)
            if x.ndim == 0 or x.size == 0:  # nothing to normalise over
                with np.errstate(invalid="ignore"):
                    y = cls.scalar(x) if x.ndim == 0 else np.empty_like(x)
            else:
                y = _row_kernel(cls.forward_kernel, [x], dim)
        ctx.save_for_backward(y)  # the output itself: create_graph hands its tensor back
        return y

    @classmethod
    def backward(cls, ctx, grad):
        (y,) = ctx.saved_tensors
        return call_op(cls.gradient, grad, y, dim=ctx.dim)


class _RowWiseBackward(ArrayFunction):
    """The gradient of a _RowWise op, dx from (g, y) by the op's backward kernel; a row of
    one element (0-d) or no rows give zeros: the op's output is constant there."""

    op = None
    backward_kernel = None  # the name of its kernel among the entry points

    @classmethod
    def forward(cls, ctx, grad, y, dim):
        ctx.save_for_backward(grad if ctx.needs(1) else None, y)
        ctx.dim = dim
        if grad.ndim == 0 or grad.size == 0:
            return np.zeros_like(grad)
        if grad.dtype is y.dtype and _are_rows(y, dim) and _are_rows(grad, dim):
            grad_in = np.empty(y.shape, y.dtype)  # the common case, as forward's
            getattr(kernels.active(), cls.backward_kernel)(y, grad, grad_in)
            return grad_in
        y = kernel_array(y, cls.op, layout="A")
        grad = kernel_array(grad, cls.op, y.dtype, layout="A")
        return _row_kernel(cls.backward_kernel, [y, grad], dim)

    @classmethod
    def backward(cls, ctx, gg):
        g, y = ctx.saved_tensors
        if gg.ndim == 0 or gg.size == 0:  # the forward gave constant zeros
            return None, None
        return cls.derivative(g, y, gg, ctx.dim, ctx.needs_input_grad)

    @staticmethod
    def derivative(g, y, gg, dim, needs):
        """(dg, dy) for the upstream gradient gg, each None where ``needs`` says so."""
        raise NotImplementedError


class SoftmaxBackward(_RowWiseBackward):
    """Softmax's gradient: dx = y * (g - sum(g * y)), sums along ``dim``, y = softmax(x).
    Kernel: softmax.py. Its derivative, for an upstream gg:
        dg = y * (gg - sum(gg * y))   (SoftmaxBackward again: the Jacobian is symmetric),
        dy = gg * (g - sum(g * y)) - g * sum(gg * y)."""

    op = "softmax"
    backward_kernel = "softmax_backward"

    @staticmethod
    def derivative(g, y, gg, dim, needs):
        dg = call_op(SoftmaxBackward, gg, y, dim=dim) if needs[0] else None
        dy = None
        if needs[1]:
            gy = np.sum(g * y, axis=dim, keepdims=True)
            dy = gg * (g - gy) - g * np.sum(gg * y, axis=dim, keepdims=True)
        return dg, dy


class LogSoftmaxBackward(_RowWiseBackward):
    """Log-softmax's gradient: dx = g - exp(y) * sum(g), sums along ``dim``,
    y = log_softmax(x).  Kernel: softmax.py. Its derivative, for an upstream gg:
        dg = gg - sum(gg * exp(y)),   dy = -gg * exp(y) * sum(g)."""

    op = "log_softmax"
    backward_kernel = "log_softmax_backward"

    @staticmethod
    def derivative(g, y, gg, dim, needs):
        p = np.exp(y)
        dg = dy = None
        if needs[0]:
            dg = gg - np.sum(gg * p, axis=dim, keepdims=True)
        if needs[1]:
            dy = -gg * p * np.sum(g, axis=dim, keepdims=True)
        return dg, dy


class Softmax(_RowWise):
    """y = exp(x - max) / sum(exp(x - max)) along ``dim``;   dx = y * (g - sum(g * y))
    (SoftmaxBackward). Kernel: softmax.py. A 0-d x gives exp(x - x): 1, or NaN for an inf
    or NaN."""

    op = "softmax"
    forward_kernel = "softmax_forward"
    gradient = SoftmaxBackward

    @staticmethod
    def scalar(x):
        return np.exp(x - x)


class LogSoftmax(_RowWise):
    """y = x - max - log(sum(exp(x - max))) along ``dim``;   dx = g - exp(y) * sum(g)
    (LogSoftmaxBackward). Kernel: softmax.py. A 0-d x gives x - x: 0, or NaN for an inf or
    NaN."""

    op = "log_softmax"
    forward_kernel = "log_softmax_forward"
    gradient = LogSoftmaxBackward

    @staticmethod
    def scalar(x):
        return x - x
