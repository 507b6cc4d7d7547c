"""Elementwise math beyond exp/log/sqrt: trigonometry, logs and powers of other bases,
rounding (zero gradient, as PyTorch), clamp, where, maximum/minimum, lerp and the binary
functions atan2, hypot, logaddexp, remainder and fmod.

Inputs reach these classes already promoted to one floating dtype (tensor_methods.py does
that), so every backward returns arrays of the gradient's dtype.
"""

import math

import numpy as np

from .. import dtypes
from ..autograd import ArrayFunction

__all__ = [
    "Sin",
    "Cos",
    "Tan",
    "Asin",
    "Acos",
    "Atan",
    "Sinh",
    "Cosh",
    "Asinh",
    "Acosh",
    "Atanh",
    "Log1p",
    "Expm1",
    "Log2",
    "Log10",
    "Exp2",
    "Square",
    "Rsqrt",
    "Reciprocal",
    "Floor",
    "Ceil",
    "Round",
    "Trunc",
    "Sign",
    "Frac",
    "Clamp",
    "Where",
    "Maximum",
    "Minimum",
    "Fmax",
    "Fmin",
    "Lerp",
    "Atan2",
    "Hypot",
    "LogAddExp",
    "Remainder",
    "Fmod",
    "Einsum",
]

_QUIET = dict(divide="ignore", invalid="ignore", over="ignore")


def _same(x, like):
    """``x`` (an array, a number, or a tensor under create_graph) in ``like``'s dtype."""
    if not hasattr(x, "astype"):
        x = np.asarray(x)
    return x.astype(like.dtype, copy=False)


class Sin(ArrayFunction):
    """out = sin(a);   da = g * cos(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * np.cos(a)


class Cos(ArrayFunction):
    """out = cos(a);   da = -g * sin(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return -grad * np.sin(a)


class Tan(ArrayFunction):
    """out = tan(a);   da = g * (1 + out**2)."""

    @staticmethod
    def forward(ctx, a):
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(ArrayFunction):
    """out = asin(a);   da = g / sqrt(1 - a**2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.arcsin(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / np.sqrt(1 - a * a)


class Acos(ArrayFunction):
    """out = acos(a);   da = -g / sqrt(1 - a**2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.arccos(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return -grad / np.sqrt(1 - a * a)


class Atan(ArrayFunction):
    """out = atan(a);   da = g / (1 + a**2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (1 + a * a)


class Sinh(ArrayFunction):
    """out = sinh(a);   da = g * cosh(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(over="ignore"):
            return np.sinh(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(over="ignore"):
            return grad * np.cosh(a)


class Cosh(ArrayFunction):
    """out = cosh(a);   da = g * sinh(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(over="ignore"):
            return np.cosh(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(over="ignore"):
            return grad * np.sinh(a)


class Asinh(ArrayFunction):
    """out = asinh(a);   da = g / sqrt(a**2 + 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / np.sqrt(a * a + 1)


class Acosh(ArrayFunction):
    """out = acosh(a);   da = g / sqrt(a**2 - 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.arccosh(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / np.sqrt(a * a - 1)


class Atanh(ArrayFunction):
    """out = atanh(a);   da = g / (1 - a**2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.arctanh(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / (1 - a * a)


class Log1p(ArrayFunction):
    """out = log(1 + a);   da = g / (1 + a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.log1p(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / (1 + a)


class Expm1(ArrayFunction):
    """out = exp(a) - 1;   da = g * (out + 1)."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(over="ignore"):
            out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(ArrayFunction):
    """out = log2(a);   da = g / (a * ln 2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.log2(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / (a * math.log(2.0))


class Log10(ArrayFunction):
    """out = log10(a);   da = g / (a * ln 10)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(**_QUIET):
            return np.log10(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return grad / (a * math.log(10.0))


class Exp2(ArrayFunction):
    """out = 2 ** a;   da = g * out * ln 2."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(over="ignore"):
            out = np.exp2(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * math.log(2.0)


class Square(ArrayFunction):
    """out = a * a;   da = 2 * g * a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return 2 * grad * a


class Rsqrt(ArrayFunction):
    """out = 1 / sqrt(a);   da = -g * out**3 / 2."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(**_QUIET):
            out = 1 / np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(**_QUIET):
            return -0.5 * grad * out * out * out


class Reciprocal(ArrayFunction):
    """out = 1 / a;   da = -g * out**2."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            out = 1 / a
        ctx.save_for_backward(out)
        return _same(out, a)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class _Rounding(ArrayFunction):
    """out = a rounded (floor, ceil, round, trunc, sign: ``_op``);   da = 0: these are
    piecewise constant, and PyTorch defines their gradient as zero everywhere."""

    _op = None

    @classmethod
    def forward(cls, ctx, a, decimals=0):
        if cls._op == "round" and decimals:
            return np.round(a, decimals)  # half to even, as torch.round
        return getattr(np, cls._op)(a)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Floor(_Rounding):
    """out = floor(a);   da = 0."""

    _op = "floor"


class Ceil(_Rounding):
    """out = ceil(a);   da = 0."""

    _op = "ceil"


class Round(_Rounding):
    """out = a rounded half to even (to ``decimals`` places);   da = 0."""

    _op = "round"


class Trunc(_Rounding):
    """out = a rounded towards zero;   da = 0."""

    _op = "trunc"


class Sign(_Rounding):
    """out = -1, 0 or 1 as a is negative, zero or positive;   da = 0."""

    _op = "sign"


class Frac(ArrayFunction):
    """out = a - trunc(a);   da = g."""

    @staticmethod
    def forward(ctx, a):
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Clamp(ArrayFunction):
    """out = min(max(a, lo), hi); lo or hi may be None or an array (a number bound comes
    as a 0-d array; PyTorch's clamp: where lo > hi every element is hi).

    PyTorch's subgradient (clamp_backward, clamp_backward_min_max), ties going to a:
    da = g [lo <= a <= hi],  dlo = g [a < lo < hi],  dhi = g [a > hi or hi < lo]
    (one-sided: da = g [a >= lo], dlo = g [a < lo]; da = g [a <= hi], dhi = g [a > hi]).
    """

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        out = a
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return _same(out, a) if out is not a else np.array(a)

    @staticmethod
    def backward(ctx, grad):
        a, lo, hi = ctx.saved_tensors
        da = dlo = dhi = None
        if ctx.needs_input_grad[0]:  # where, not a product: an inf gradient gives 0, not NaN
            da = np.where(a >= lo, grad, 0) if lo is not None else grad
            da = np.where(a <= hi, da, 0) if hi is not None else da
        if ctx.needs_input_grad[1]:
            dlo = np.where((a < lo) if hi is None else (a < lo) & (lo < hi), grad, 0)
        if ctx.needs_input_grad[2]:
            dhi = np.where((a > hi) if lo is None else (a > hi) | (hi < lo), grad, 0)
        return tuple(None if d is None else _same(d, grad) for d in (da, dlo, dhi))


class Where(ArrayFunction):
    """out = x where cond else y (``cond`` an option, broadcast with both);
    dx = g where cond,  dy = g where not cond (each summed back to its shape)."""

    @staticmethod
    def forward(ctx, x, y, cond):
        ctx.cond, ctx.shapes = cond, (np.shape(x), np.shape(y))
        return np.where(cond, x, y)

    @staticmethod
    def backward(ctx, grad):
        sx, sy = ctx.shapes
        dx = dy = None
        if ctx.needs_input_grad[0]:
            dx = np.where(ctx.cond, grad, 0).astype(grad.dtype)
        if ctx.needs_input_grad[1]:
            dy = np.where(ctx.cond, 0, grad).astype(grad.dtype)
        return dx, dy


class _Extremum(ArrayFunction):
    """Shared backward of maximum/minimum/fmax/fmin: the gradient goes to the input that
    was picked, split in half where the two are equal (maximum/minimum). As PyTorch, the
    input not picked gets an exact 0 (masked_fill, not a product with 0), so a NaN or inf
    gradient reaches only the input it belongs to."""

    @staticmethod
    def _pick(a, b):
        raise NotImplementedError

    @staticmethod
    def _masks(a, b):
        """(a not picked, b not picked, tie or None)."""
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)  # not the masks: a pass without backward makes none
        return cls._pick(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        drop_a, drop_b, tie = cls._masks(*ctx.saved_tensors)
        g = grad if tie is None else np.where(tie, grad / 2, grad)
        da = _same(_dropped(g, drop_a), grad) if ctx.needs_input_grad[0] else None
        db = _same(_dropped(g, drop_b), grad) if ctx.needs_input_grad[1] else None
        return da, db


def _dropped(g, drop):
    """g with 0 where ``drop``: a product with the mask while g is finite (a where on a
    mixed mask mispredicts its branches, 10x slower), a where on an inf or NaN."""
    if isinstance(g, np.ndarray) and np.isfinite(g).all():
        return g * ~drop
    return np.where(drop, 0, g)


class Maximum(_Extremum):
    """out = max(a, b) elementwise (NaN if either is NaN);
    da = g where a > b, g/2 where a == b;   db = g where b > a, g/2 where a == b
    (both get g where either is NaN, as PyTorch's masks)."""

    _pick = staticmethod(np.maximum)

    @staticmethod
    def _masks(a, b):
        return a < b, a > b, a == b


class Minimum(_Extremum):
    """out = min(a, b) elementwise (NaN if either is NaN);
    da = g where a < b, g/2 where a == b;   db = g where b < a, g/2 where a == b."""

    _pick = staticmethod(np.minimum)

    @staticmethod
    def _masks(a, b):
        return a > b, a < b, a == b


class Fmax(_Extremum):
    """out = max(a, b) ignoring a NaN on one side;
    da = g where a >= b or b is NaN;   db = g elsewhere (no split at ties, as PyTorch)."""

    _pick = staticmethod(np.fmax)

    @staticmethod
    def _masks(a, b):
        keep_a = (a >= b) | np.isnan(b)
        return ~keep_a, keep_a, None


class Fmin(_Extremum):
    """out = min(a, b) ignoring a NaN on one side;
    da = g where a <= b or b is NaN;   db = g elsewhere."""

    _pick = staticmethod(np.fmin)

    @staticmethod
    def _masks(a, b):
        keep_a = (a <= b) | np.isnan(b)
        return ~keep_a, keep_a, None


class Lerp(ArrayFunction):
    """out = a + w * (b - a);   da = g * (1 - w),  db = g * w,  dw = g * (b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return _same(a + w * (b - a), a)

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        da = _same(grad * (1 - w), grad) if need[0] else None
        db = _same(grad * w, grad) if need[1] else None
        dw = _same(grad * (b - a), grad) if need[2] else None
        return da, db, dw


class Atan2(ArrayFunction):
    """out = atan2(a, b) (the angle of the point (b, a));
    da = g * b / (a**2 + b**2),  db = -g * a / (a**2 + b**2)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with np.errstate(**_QUIET):
            r2 = a * a + b * b
            da = grad * b / r2 if ctx.needs_input_grad[0] else None
            db = -grad * a / r2 if ctx.needs_input_grad[1] else None
        return da, db


class Hypot(ArrayFunction):
    """out = sqrt(a**2 + b**2);   da = g * a / out,  db = g * b / out."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        with np.errstate(**_QUIET):
            da = grad * a / out if ctx.needs_input_grad[0] else None
            db = grad * b / out if ctx.needs_input_grad[1] else None
        return da, db


class LogAddExp(ArrayFunction):
    """out = log(exp(a) + exp(b));   da = g * exp(a - out),  db = g * exp(b - out)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        with np.errstate(**_QUIET):
            da = grad * np.exp(a - out) if ctx.needs_input_grad[0] else None
            db = grad * np.exp(b - out) if ctx.needs_input_grad[1] else None
        return da, db


class _Modulo(ArrayFunction):
    """Shared forward and backward of remainder/fmod: out = a - q(a / b) * b with ``_quotient``
    rounding the quotient (floor or trunc);   da = g,  db = -g * q(a / b)."""

    _op = None  # the NumPy function: np.mod or np.fmod
    _quotient = None  # how it rounds a / b: np.floor or np.trunc

    @classmethod
    def forward(cls, ctx, a, b):
        if a.dtype.kind in "iub":
            if a.dtype == np.bool_:
                raise dtypes.not_implemented(f"{cls.__name__.lower()}_cpu", a.dtype)
            if not np.all(b):  # NumPy gives 0; PyTorch refuses
                raise RuntimeError("ZeroDivisionError")
        ctx.save_for_backward(a, b)
        with np.errstate(**_QUIET):
            return np.asarray(cls._op(a, b))

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        da = grad if ctx.needs_input_grad[0] else None
        db = None
        if ctx.needs_input_grad[1]:
            with np.errstate(**_QUIET):
                db = -grad * cls._quotient(a / b)
        return da, db


class Remainder(_Modulo):
    """out = a - floor(a / b) * b (Python's %, the sign of b);
    da = g,  db = -g * floor(a / b)."""

    _op = staticmethod(np.mod)
    _quotient = staticmethod(np.floor)


class Fmod(_Modulo):
    """out = a - trunc(a / b) * b (C's fmod, the sign of a);
    da = g,  db = -g * trunc(a / b)."""

    _op = staticmethod(np.fmod)
    _quotient = staticmethod(np.trunc)


class Einsum(ArrayFunction):
    """out = einsum(equation, *operands) for explicit subscripts without repeated letters
    in one operand (no diagonals) and without '...'.

    d_operand_i = einsum of (the other operands, g) onto operand i's letters; letters
    that only operand i has (summed away inside it) are broadcast back.
    """

    @staticmethod
    def forward(ctx, *operands, inputs, output):
        ctx.subscripts, ctx.output = inputs, output
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(",".join(inputs) + "->" + output, *operands))

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        grads = []
        for i, (subs, a) in enumerate(zip(ctx.subscripts, operands)):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(s, x) for j, (s, x) in enumerate(zip(ctx.subscripts, operands)) if j != i]
            seen = set(ctx.output).union(*(set(s) for s, _ in others))
            present = "".join(c for c in subs if c in seen)
            spec = ",".join([s for s, _ in others] + [ctx.output]) + "->" + present
            g = np.einsum(spec, *[x for _, x in others], grad)
            for axis, c in enumerate(subs):
                if c not in seen:
                    g = np.expand_dims(g, axis)
            grads.append(np.broadcast_to(g, a.shape).astype(a.dtype, copy=False))
        return tuple(grads)
