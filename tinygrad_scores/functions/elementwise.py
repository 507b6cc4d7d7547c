"""Elementwise functions: exp, log, sqrt, abs, relu, sigmoid, tanh."""

import numpy as np

from .. import autograd, kernels
from ..autograd import ArrayFunction
from ..kernels import special
from ._common import _KERNEL_DTYPES, call_op, floating, kernel_array


class Exp(ArrayFunction):
    """out = exp(a);   da = g * out."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            a = floating(a)
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(ArrayFunction):
    """out = log(a);   da = g / a   (log 0 = -inf with gradient inf, as PyTorch)."""

    @staticmethod
    @np.errstate(divide="ignore", invalid="ignore")  # (as a decorator: a third of the cost)
    def forward(ctx, a):
        if a.dtype.kind != "f":
            a = floating(a)
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    @np.errstate(divide="ignore", invalid="ignore")
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Sqrt(ArrayFunction):
    """out = sqrt(a);   da = g / (2 * out)."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            a = floating(a)
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / (2 * out)


class TiedTo(ArrayFunction):
    """out = v, read as a function of v and of a whose slope in a is 0:  dv = g,  da = 0.
    The gradient of a piecewise-linear op (leaky_relu, hardtanh, abs) depends on its input
    only through a mask; PyTorch's backward ops still take the input, so a second
    derivative in it is zeros, where untied autograd.grad says it was not used."""

    @staticmethod
    def forward(ctx, v, a):
        ctx.a_like = (a.shape, a.dtype)
        return np.array(v)

    @staticmethod
    def backward(ctx, grad):
        da = np.zeros(*ctx.a_like) if ctx.needs_input_grad[1] else None
        return (grad if ctx.needs_input_grad[0] else None), da


def tied_to(value, a):
    """``value`` tied to ``a`` with slope 0 under create_graph (TiedTo); arrays unchanged."""
    return TiedTo.apply(value, a) if isinstance(value, autograd.Tensor) else value


class Abs(ArrayFunction):
    """out = |a|;   da = g * sign(a)   (0 at a == 0, as PyTorch; tied to a, TiedTo)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return tied_to(grad * np.sign(a), a)


class ReLU(ArrayFunction):
    """out = max(a, 0);   da = g * (a > 0)   (0 at a == 0, as PyTorch): ReluBackward(g, out),
    an op of its own, so the gradient is differentiable again.  Kernel: relu.py."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.type not in _KERNEL_DTYPES:  # integers, float16: NumPy (PyTorch takes them)
            if a.dtype == np.bool_:
                raise RuntimeError("Boolean inputs not supported for relu")
            out = np.maximum(a, 0)
        else:
            a = kernel_array(a, "relu")
            out = np.empty(a.shape, a.dtype)
            kernels.active().relu_forward(a.reshape(-1), out.reshape(-1))
        ctx.save_for_backward(out)  # out > 0 exactly where a > 0
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return call_op(ReluBackward, grad, out)


class ReluBackward(ArrayFunction):
    """ReLU's gradient: out = g * (y > 0), y = relu(a) (PyTorch's threshold_backward).
    Linear in g with a piecewise-constant mask:  dg = gg * (y > 0) (ReluBackward again),
    dy = 0, a zero array as PyTorch's (not None): the gradient of a ReLU network still
    depends on its input, and a second derivative in it is zeros, not "unused".
    Kernel: relu.py."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.y_like = (y.shape, y.dtype)
        if ctx.needs(0):
            ctx.save_for_backward(y)
        if y.dtype.type not in _KERNEL_DTYPES:
            return grad * (y > 0)
        grad_in = np.empty(y.shape, y.dtype)
        kernels.active().relu_backward(
            y.reshape(-1), kernel_array(grad, "relu", y.dtype).reshape(-1), grad_in.reshape(-1)
        )
        return grad_in

    @staticmethod
    def backward(ctx, gg):
        dy = np.zeros(*ctx.y_like) if ctx.needs_input_grad[1] else None
        if not ctx.needs_input_grad[0]:
            return None, dy
        (y,) = ctx.saved_tensors
        return call_op(ReluBackward, gg, y), dy


def _float_sigmoid(x):
    """1 / (1 + exp(-x)), PyTorch's formula, of a float32 / float64 array, in one pass
    (kernels/special.py): exp(-x) overflows to inf below x = -88 (float32), and 1 / inf
    is the right 0."""
    x = kernel_array(x, "sigmoid")
    out = np.empty(x.shape, x.dtype)
    special.sigmoid_forward(x.reshape(-1), out.reshape(-1))
    return out


def sigmoid(x):
    """1 / (1 + exp(-x)) as the dtype of ``x`` (the default float dtype for integer and bool
    ``x``, as PyTorch). On a tensor (a backward formula under
    create_graph) it is the Sigmoid op itself."""
    if not isinstance(x, np.ndarray):
        return x.sigmoid()
    if x.dtype.type in _KERNEL_DTYPES:
        return _float_sigmoid(x)
    if x.dtype.kind != "f":  # integers and bool: PyTorch's default float dtype
        return sigmoid(floating(x))
    # float16 (exp(-x) overflows from x = -11, where sigmoid is still 6e-6): exp of a
    # non-positive number only
    e = np.exp(-np.abs(x))
    d = 1 + e
    return np.where(x >= 0, 1 / d, e / d).astype(x.dtype, copy=False)


class Sigmoid(ArrayFunction):
    """out = 1 / (1 + exp(-a));   da = g * out * (1 - out)."""

    @staticmethod
    def forward(ctx, a):
        out = sigmoid(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(ArrayFunction):
    """out = tanh(a);   da = g * (1 - out**2)."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            a = floating(a)
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)
