"""Activation functions beyond relu/sigmoid/tanh: leaky_relu, elu, gelu, silu, softplus,
hardtanh (relu6 is hardtanh(0, 6)), hardshrink, softshrink and erf. Each backward uses only
saved arrays."""

import math

import numpy as np

from ..autograd import ArrayFunction
from ..kernels import special
from ._common import _KERNEL_DTYPES, _contiguous, call_op
from .elementwise import sigmoid, tied_to

__all__ = [
    "Erf",
    "Softplus",
    "LeakyReLU",
    "PReLU",
    "PReLUBackward",
    "ELU",
    "GELU",
    "SiLU",
    "Hardtanh",
    "Hardshrink",
    "Softshrink",
]

_SQRT_2 = math.sqrt(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def erf(x):
    """erf of a float array, on the Numba kernel (kernels/special.py)."""
    if x.dtype.type not in _KERNEL_DTYPES:
        x = x.astype(np.float64)
    out = np.empty(x.shape, x.dtype)
    special.erf_forward(_contiguous(x).reshape(-1), out.reshape(-1))
    return out


class Erf(ArrayFunction):
    """out = erf(a);   da = g * 2 / sqrt(pi) * exp(-a**2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erf(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * (_TWO_OVER_SQRT_PI * np.exp(-a * a)).astype(a.dtype, copy=False)


class Softplus(ArrayFunction):
    """out = log(1 + exp(beta * a)) / beta, or a itself where beta * a > threshold
    (PyTorch's linear region);   da = g * sigmoid(beta * a) there, g in the linear region.
    At beta * a == threshold the slope sigmoid(threshold) is a constant: PyTorch's second
    derivative there is 0 (softplus_double_backward masks beta * a < threshold)."""

    @staticmethod
    def forward(ctx, a, beta=1.0, threshold=20.0):
        z = a * a.dtype.type(beta)
        linear, edge = z > threshold, z == threshold
        ctx.save_for_backward(a, linear, edge)
        ctx.beta, ctx.threshold = beta, threshold
        soft = (np.logaddexp(0, z) / a.dtype.type(beta)).astype(a.dtype, copy=False)
        return np.where(linear, a, soft)

    @staticmethod
    def backward(ctx, grad):
        a, linear, edge = ctx.saved_tensors
        at_edge = 1 / (1 + math.exp(-ctx.threshold))
        return np.where(linear, grad, grad * np.where(edge, at_edge, sigmoid(a * ctx.beta)))


class LeakyReLU(ArrayFunction):
    """out = a if a > 0 else negative_slope * a;   da = g, or g * negative_slope where
    a <= 0 (PyTorch takes the slope side at 0)."""

    @staticmethod
    def forward(ctx, a, negative_slope=0.01):
        positive = a > 0
        ctx.save_for_backward(positive, a)  # a: the gradient is tied to it (TiedTo)
        ctx.slope = negative_slope
        return np.where(positive, a, a * a.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, grad):
        positive, a = ctx.saved_tensors
        return tied_to(np.where(positive, grad, grad * ctx.slope), a)


class PReLU(ArrayFunction):
    """out = a if a > 0 else w * a (w broadcast against a);
    da = g, or g * w where a <= 0 (PReLUBackward, an op of its own);
    dw = g * a where a < 0 (0 at a == 0 anyway, and so is its derivative in a there, as
    PyTorch's _prelu_kernel_backward's derivative: where(a >= 0, 0, ...))."""

    @staticmethod
    def forward(ctx, a, w):
        ctx.save_for_backward(a, w if ctx.needs(0) else None)
        return np.where(a > 0, a, w * a)

    @staticmethod
    def backward(ctx, grad):
        a, w = ctx.saved_tensors
        da = call_op(PReLUBackward, grad, a, w) if ctx.needs_input_grad[0] else None
        dw = np.where(a < 0, grad * a, 0) if ctx.needs_input_grad[1] else None
        return da, dw


class PReLUBackward(ArrayFunction):
    """PReLU's gradient in a: out = g where a > 0, g * w where a <= 0. Its derivatives are
    PyTorch's (derivatives.yaml, _prelu_kernel_backward), which take a == 0 on the other
    side: dg = gg where a >= 0, gg * w where a < 0;  dw = gg * g where a < 0;  da = 0."""

    @staticmethod
    def forward(ctx, grad, a, w):
        ctx.save_for_backward(a, w if ctx.needs(0) else None, grad if ctx.needs(2) else None)
        ctx.a_like = (a.shape, a.dtype)
        return np.where(a > 0, grad, grad * w)

    @staticmethod
    def backward(ctx, gg):
        a, w, grad = ctx.saved_tensors
        dg = np.where(a >= 0, gg, gg * w) if ctx.needs_input_grad[0] else None
        da = np.zeros(*ctx.a_like) if ctx.needs_input_grad[1] else None
        dw = np.where(a >= 0, 0, gg * grad) if ctx.needs_input_grad[2] else None
        return dg, da, dw


class ELU(ArrayFunction):
    """out = a if a > 0 else alpha * (exp(a) - 1);   da = g, or g * alpha * exp(a) where
    a < 0 (from a, as PyTorch's elu_backward: out + alpha would cancel to 0 in float32
    from a = -17 on), and g * alpha at a == 0, a constant: PyTorch's second derivative
    there is 0 (elu_double_backward masks a < 0)."""

    @staticmethod
    def forward(ctx, a, alpha=1.0):
        positive = a > 0
        out = np.where(positive, a, a.dtype.type(alpha) * np.expm1(np.minimum(a, 0)))
        ctx.save_for_backward(positive, a)
        ctx.alpha = alpha
        return out

    @staticmethod
    def backward(ctx, grad):
        positive, a = ctx.saved_tensors
        slope = ctx.alpha * np.exp(np.minimum(a, 0))  # exactly alpha at a == 0
        if not isinstance(slope, np.ndarray):  # create_graph: its derivative is 0 there
            slope = np.where(a < 0, slope, ctx.alpha)
        return np.where(positive, grad, grad * slope)


def _opmath(a):
    """A float16 array as float32, PyTorch's opmath type for it (a**3 overflows float16
    from |a| = 40 on); anything else unchanged."""
    return a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float16 else a


class GELU(ArrayFunction):
    """approximate='none':  out = a * Phi(a), Phi(a) = (1 + erf(a / sqrt 2)) / 2;
        da = g * (Phi(a) + a * phi(a)),  phi(a) = exp(-a**2 / 2) / sqrt(2 pi).
    approximate='tanh':  out = a / 2 * (1 + t),  t = tanh(k (a + 0.044715 a**3)), k = sqrt(2/pi);
        da = g * ((1 + t) / 2 + a / 2 * (1 - t**2) * k * (1 + 3 * 0.044715 a**2)).
    Second order: erf is the Erf op (call_op), so the same formula is differentiable again.
    float16 is computed in float32, as PyTorch."""

    @staticmethod
    def forward(ctx, a, approximate="none"):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        x = _opmath(a)
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
            return (0.5 * x * (1 + t)).astype(a.dtype, copy=False)
        cdf = 0.5 * (1 + erf(x / x.dtype.type(_SQRT_2)))
        return (x * cdf).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a = _opmath(ctx.saved_tensors[0])
        if ctx.approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (a + 0.044715 * a**3))
            d = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * a * a)
        else:
            cdf = 0.5 * (1 + call_op(Erf, a / _SQRT_2))
            d = cdf + a * _INV_SQRT_2PI * np.exp(-0.5 * a * a)
        return (grad * d).astype(grad.dtype, copy=False)


class SiLU(ArrayFunction):
    """out = a * sigmoid(a);   da = g * s * (1 + a * (1 - s)),  s = sigmoid(a) (recomputed
    in backward from a, as PyTorch's silu_backward, so the formula differentiates again)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * sigmoid(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        s = sigmoid(a)
        return grad * s * (1 + a * (1 - s))


class Hardtanh(ArrayFunction):
    """out = min(max(a, min_val), max_val);   da = g where min_val < a < max_val, else 0
    (0 on the boundaries too, as PyTorch's hardtanh_backward)."""

    @staticmethod
    def forward(ctx, a, min_val=-1.0, max_val=1.0):
        ctx.save_for_backward((a > min_val) & (a < max_val), a)  # a: for TiedTo
        # np.clip keeps NaN, as PyTorch
        return np.clip(a, a.dtype.type(min_val), a.dtype.type(max_val))

    @staticmethod
    def backward(ctx, grad):
        inside, a = ctx.saved_tensors
        return tied_to(np.where(inside, grad, 0), a)


class _Shrink(ArrayFunction):
    """The shrinkages' shared backward: the gradient passes where |a| > lambd, 0 inside
    [-lambd, lambd] (boundaries included; NaN passes), as PyTorch's shrink backward."""

    @staticmethod
    def backward(ctx, grad):
        inside, a = ctx.saved_tensors
        return tied_to(np.where(inside, 0, grad), a)


class Hardshrink(_Shrink):
    """out = a where |a| > lambd, else 0;   da = g where |a| > lambd, else 0."""

    @staticmethod
    def forward(ctx, a, lambd=0.5):
        lambd = a.dtype.type(lambd)
        inside = (a >= -lambd) & (a <= lambd)
        ctx.save_for_backward(inside, a)  # a: for TiedTo
        return np.where(inside, a.dtype.type(0), a)


class Softshrink(_Shrink):
    """out = a - lambd where a > lambd, a + lambd where a < -lambd, else a * 0 (-0.0 for a
    negative a, as PyTorch);   da = g where |a| > lambd, else 0."""

    @staticmethod
    def forward(ctx, a, lambd=0.5):
        lambd = a.dtype.type(lambd)
        ctx.save_for_backward((a >= -lambd) & (a <= lambd), a)  # a: for TiedTo
        return np.where(a > lambd, a - lambd, np.where(a < -lambd, a + lambd, a * 0))
