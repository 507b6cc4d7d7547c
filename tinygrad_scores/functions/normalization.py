"""Normalisation ops: standardise over some axes (batch norm, layer norm), the vector
p-norm (F.normalize), constant padding, dropout's mask product and the embedding lookup."""

import numpy as np

from ..autograd import Function

__all__ = ["Standardize", "VectorNorm", "ClampMin", "ConstantPad", "EmbeddingLookup"]


class Standardize(Function):
    """out = (a - mean) / sqrt(var + eps), mean and biased var taken over ``axes``.

    With xhat = out, s = 1 / sqrt(var + eps) and m the number of elements reduced:
        da = s * (g - mean(g) - xhat * mean(g * xhat)),  means over ``axes``.
    ``mean`` and ``var`` may be passed in (batch norm computes them for its running
    statistics too); otherwise they are computed here.
    """

    @staticmethod
    def forward(ctx, a, axes, eps=1e-5, mean=None, var=None):
        if mean is None:
            mean = a.mean(axis=axes, keepdims=True)
            var = a.var(axis=axes, keepdims=True)
        inv_std = (1.0 / np.sqrt(var + eps)).astype(a.dtype, copy=False)
        xhat = ((a - mean) * inv_std).astype(a.dtype, copy=False)
        ctx.save_for_backward(xhat, inv_std)
        ctx.axes = axes
        return xhat

    @staticmethod
    def backward(ctx, grad):
        xhat, inv_std = ctx.saved_tensors
        g_mean = grad.mean(axis=ctx.axes, keepdims=True)
        gx_mean = (grad * xhat).mean(axis=ctx.axes, keepdims=True)
        return (inv_std * (grad - g_mean - xhat * gx_mean)).astype(grad.dtype, copy=False)


class VectorNorm(Function):
    """out = (sum |a|**p)**(1/p) over ``dim`` (p = inf: max |a|);
    da = g * sign(a) * |a|**(p-1) / out**(p-1)   (p = 2: g * a / out; p = 1: g * sign(a);
    p = inf: g * sign(a) shared among the maxima). Where out == 0 the gradient is 0, as
    PyTorch's vector_norm."""

    @staticmethod
    def forward(ctx, a, p=2.0, dim=-1, keepdim=True):
        absa = np.abs(a)
        if p == np.inf:
            out = absa.max(axis=dim, keepdims=True)
        elif p == 2:
            out = np.sqrt((a * a).sum(axis=dim, keepdims=True))
        elif p == 1:
            out = absa.sum(axis=dim, keepdims=True)
        else:
            out = (absa**p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        out = out.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        ctx.p, ctx.dim, ctx.keepdim = p, dim, keepdim
        return out if keepdim else np.squeeze(out, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        p = ctx.p
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == np.inf:
                at_max = np.abs(a) == out
                d = np.sign(a) * at_max / at_max.sum(axis=ctx.dim, keepdims=True)
            elif p == 1:
                d = np.sign(a)
            elif p == 2:
                d = a / out
            else:
                d = np.sign(a) * np.abs(a) ** (p - 1) / out ** (p - 1)
        d = np.where(out == 0, 0, d)
        return (g * d).astype(a.dtype, copy=False)


class ClampMin(Function):
    """out = max(a, min_val);   da = g where a >= min_val, else 0 (PyTorch's clamp_min)."""

    @staticmethod
    def forward(ctx, a, min_val):
        ctx.save_for_backward(a >= min_val)
        return np.maximum(a, a.dtype.type(min_val))

    @staticmethod
    def backward(ctx, grad):
        (kept,) = ctx.saved_tensors
        return np.where(kept, grad, grad.dtype.type(0))


def _pad_regions(shape, pad):
    """For F.pad's ``pad`` (last dim first, (left, right) pairs; negative values crop):
    the output shape and the slices of input and output that hold the same values."""
    pairs = [(0, 0)] * (len(shape) - len(pad) // 2) + [
        (pad[2 * k], pad[2 * k + 1]) for k in reversed(range(len(pad) // 2))
    ]
    out_shape, src, dst = [], [], []
    for n, (lo, hi) in zip(shape, pairs):
        size = n + lo + hi
        if size < 0:
            raise RuntimeError(
                f"The input size {n}, plus negative padding {lo} and {hi} "
                f"resulted in a negative output size, which is invalid. "
                f"Check dimension of your input."
            )
        start, stop = max(-lo, 0), n - max(-hi, 0)
        count = max(stop - start, 0)
        out_shape.append(size)
        src.append(slice(start, start + count))
        dst.append(slice(max(lo, 0), max(lo, 0) + count))
    return tuple(out_shape), tuple(src), tuple(dst)


class ConstantPad(Function):
    """out = a surrounded by ``value`` (``pad`` as F.pad: last dim first; negative pads
    crop);   da = the part of g where a's values landed."""

    @staticmethod
    def forward(ctx, a, pad, value=0.0):
        out_shape, src, dst = _pad_regions(a.shape, pad)
        out = np.full(out_shape, value, a.dtype)
        out[dst] = a[src]
        ctx.shape, ctx.src, ctx.dst = a.shape, src, dst
        return out

    @staticmethod
    def backward(ctx, grad):
        da = np.zeros(ctx.shape, grad.dtype)
        da[ctx.src] = grad[ctx.dst]
        return da


class EmbeddingLookup(Function):
    """out = weight[indices] (rows picked by an integer array of any shape);
    dweight = g's rows added into the rows they came from (np.add.at, so repeated
    indices add up), except row ``padding_idx``, which gets no gradient."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None):
        ctx.indices, ctx.padding_idx, ctx.shape = indices, padding_idx, weight.shape
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        dweight = np.zeros(ctx.shape, grad.dtype)
        np.add.at(dweight, ctx.indices.reshape(-1), grad.reshape(-1, ctx.shape[1]))
        if ctx.padding_idx is not None:
            dweight[ctx.padding_idx] = 0
        return dweight
