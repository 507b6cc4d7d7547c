"""Arithmetic: +, -, *, /, **, negation, dtype casts."""

import numpy as np

from ..autograd import Function
from ._common import unbroadcast


class Add(Function):
    """out = a + b;   da = g,  db = g  (each summed back to its input's shape)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da = unbroadcast(grad, sa) if ctx.needs_input_grad[0] else None
        db = unbroadcast(grad, sb) if ctx.needs_input_grad[1] else None
        return da, db


class Sub(Function):
    """out = a - b;   da = g,  db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a - b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        db = unbroadcast(-grad, sb) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad, sa), db


class Mul(Function):
    """out = a * b;   da = g * b,  db = g * a.

    Each factor is saved only if the other's gradient is wanted (PyTorch's rule), so
    ``c * 0.5`` saves nothing of ``c`` and a later ``c += 1`` does not break its backward."""

    @staticmethod
    def forward(ctx, a, b):
        needs = ctx.needs_input_grad
        if needs is not None:
            ctx.shapes = (a.shape, b.shape)
            ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        da = unbroadcast(grad * b, sa) if ctx.needs_input_grad[0] else None
        db = unbroadcast(grad * a, sb) if ctx.needs_input_grad[1] else None
        return da, db


class Div(Function):
    """out = a / b;   da = g / b,  db = -g * a / b**2   (a is saved only if db is wanted)."""

    @staticmethod
    def forward(ctx, a, b):
        needs = ctx.needs_input_grad
        if needs is not None:
            ctx.shapes = (a.shape, b.shape)
            ctx.save_for_backward(a if needs[1] else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        da = unbroadcast(grad / b, sa) if ctx.needs_input_grad[0] else None
        db = unbroadcast(-grad * a / (b * b), sb) if ctx.needs_input_grad[1] else None
        return da, db


class Pow(Function):
    """out = a ** b;   da = g * b * a**(b-1),  db = g * a**b * log(a).

    At a == 0 PyTorch's conventions hold: da is 0 where b == 0 (x ** 0 is constant), and
    db is 0 where b >= 0 (a**b * log(a) -> 0), instead of 0 * inf = NaN. The output is
    saved only if db is wanted.
    """

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.power(a, b)
        needs = ctx.needs_input_grad
        if needs is not None:
            ctx.save_for_backward(a, b, out if needs[1] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        da = db = None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ctx.needs_input_grad[0]:
                da = np.where(b == 0, 0, grad * b * np.power(a, b - 1)).astype(grad.dtype)
                da = unbroadcast(da, a.shape)
            if ctx.needs_input_grad[1]:
                db = np.where((a == 0) & (b >= 0), 0, grad * out * np.log(a)).astype(grad.dtype)
                db = unbroadcast(db, b.shape)
        return da, db


class Neg(Function):
    """out = -a;   da = -g."""

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Cast(Function):
    """out = a converted to another float dtype;   da = g converted back to a's dtype."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.dtype)


class Clone(Function):
    """out = a copy of a;   da = g."""

    @staticmethod
    def forward(ctx, a):
        return np.array(a)

    @staticmethod
    def backward(ctx, grad):
        return grad
