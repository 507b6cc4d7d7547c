"""Arithmetic: +, -, *, /, **, negation, dtype casts.

Binary ops broadcast like NumPy; their backward returns each gradient at the output's
shape and the engine sums it back to the input's shape (autograd._sum_to, the one place
that undoes broadcasting)."""

import math

import numpy as np

from ..autograd import ArrayFunction


class Add(ArrayFunction):
    """out = a + b;   da = g,  db = g  (each summed back to its input's shape)."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        da = grad if ctx.needs_input_grad[0] else None
        db = grad if ctx.needs_input_grad[1] else None
        return da, db


class Sub(ArrayFunction):
    """out = a - b;   da = g,  db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        db = -grad if ctx.needs_input_grad[1] else None
        return grad, db


class Mul(ArrayFunction):
    """out = a * b;   da = g * b,  db = g * a.

    Each factor is saved only if the other's gradient is wanted (PyTorch's rule), so
    ``c * 0.5`` saves nothing of ``c`` and a later ``c += 1`` does not break its backward."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs(1) else None, b if ctx.needs(0) else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da = grad * b if ctx.needs_input_grad[0] else None
        db = grad * a if ctx.needs_input_grad[1] else None
        return da, db


class Div(ArrayFunction):
    """out = a / b;   da = g / b,  db = -g * a / b**2   (a is saved only if db is wanted)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs(1) else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da = grad / b if ctx.needs_input_grad[0] else None
        db = -grad * a / (b * b) if ctx.needs_input_grad[1] else None
        return da, db


# PyTorch's special cases of a float tensor ** a number (its pow_tensor_scalar kernel)
_FEW_PRODUCTS = {
    0.0: np.ones_like,  # (NaN ** 0 is 1)
    1.0: np.copy,
    2.0: lambda a: a * a,
    3.0: lambda a: a * a * a,
    0.5: np.sqrt,
    -0.5: lambda a: 1 / np.sqrt(a),
    -1.0: lambda a: 1 / a,
    -2.0: lambda a: 1 / (a * a),
}


def _integer_power(a, b):
    """Integers to integer powers, some negative: 1 ** -n is 1, (-1) ** -n is 1 or -1, any
    other base 0 (PyTorch's integer pow; NumPy refuses)."""
    out = np.power(a, np.maximum(b, 0))
    below = np.where(a == 1, 1, np.where(a == -1, 1 - 2 * (b % 2), 0))
    return np.where(b < 0, below, out).astype(out.dtype, copy=False)


def power(a, b):
    """``np.power(a, b)``, fast for a float array and one finite exponent. NumPy's vector
    pow leaves its fast path (about 150x slower) for a negative base, even x ** 3.0: so
    small exponents are products (as PyTorch's), and the rest take |a| ** b, with the
    sign (odd integral b) or the NaN (non-integral b) of a negative base put back."""
    if not isinstance(a, np.ndarray):  # a tensor (create_graph): the Pow op itself
        return a**b
    if b.ndim or a.dtype.kind != "f":
        if b.dtype.kind in "iu" and a.dtype.kind in "iu" and (b < 0).any():
            return _integer_power(a, b)
        return np.power(a, b)
    e = float(b)
    if e in _FEW_PRODUCTS:
        return _FEW_PRODUCTS[e](a).astype(a.dtype, copy=False)
    if not math.isfinite(e):
        return np.power(a, b)
    out = np.power(np.abs(a), b)
    if e % 2 == 1:  # odd integral: a's sign
        np.copysign(out, a, out=out)
    elif not e.is_integer():  # NaN for a finite a < 0 (not -0.0, not -inf: pow's rules),
        with np.errstate(invalid="ignore"):  # without a branch per element (a random
            nan_where_negative = np.sqrt(np.minimum(a, 0)) * 0  # mask costs 10x this)
        negative_infinity = np.isneginf(a)
        if negative_infinity.any():
            nan_where_negative[negative_infinity] = 0
        out += nan_where_negative
    return out


class Pow(ArrayFunction):
    """out = a ** b;   da = g * b * a**(b-1),  db = g * a**b * log(a).

    At a == 0 PyTorch's conventions hold: da is 0 where b == 0 (x ** 0 is constant), and
    db is 0 where b >= 0 (a**b * log(a) -> 0), instead of 0 * inf = NaN. The output is
    saved only if db is wanted. Written as derivatives.yaml writes them, so that second
    derivatives agree too: a constant exponent (PyTorch's pow(Tensor, Scalar)) computes
    no a ** -1 where b == 0, so x ** 0 at 0 has no NaN second derivative; db is
    g * where(a == 0 & b >= 0, 0, out * log(a)), g outside the mask, so a NaN reaching g
    stays NaN, as PyTorch's pow_backward_exponent.
    """

    @staticmethod
    @np.errstate(divide="ignore", invalid="ignore", over="ignore")  # (decorator: cheaper)
    def forward(ctx, a, b):
        out = power(a, b)
        ctx.save_for_backward(a, b, out if ctx.needs(1) else None)
        return out

    @staticmethod
    @np.errstate(divide="ignore", invalid="ignore", over="ignore")
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        da = db = None
        if ctx.needs_input_grad[0]:
            if b.ndim or b == 0:
                # a constant b: no a ** -1 at b == 0 (its 0 * inf would reach 2nd order)
                lower = b - 1 if ctx.needs_input_grad[1] else np.where(b == 0, 1, b - 1)
                da = np.where(b == 0, 0, grad * b * power(a, lower))
            else:  # a nonzero number b: nothing to pick, no copy to make (the same bits)
                da = grad * b * power(a, b - 1)
            da = da.astype(grad.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            kept = np.where((a == 0) & (b >= 0), 0, out * np.log(a))
            db = (grad * kept).astype(grad.dtype)
        return da, db


class Neg(ArrayFunction):
    """out = -a;   da = -g."""

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Cast(ArrayFunction):
    """out = a converted to another float dtype;   da = g converted back to a's dtype."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.dtype)


class Clone(ArrayFunction):
    """out = a copy of a;   da = g."""

    @staticmethod
    def forward(ctx, a):
        return np.array(a)

    @staticmethod
    def backward(ctx, grad):
        return grad
