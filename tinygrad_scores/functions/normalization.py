"""Normalisation ops: standardise over some axes (batch norm, layer norm), the vector
p-norm (F.normalize), constant padding, dropout's mask product and the embedding lookup."""

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import _KERNEL_DTYPES, _contiguous, call_op, kernel_array

__all__ = [
    "Standardize",
    "VectorNorm",
    "ClampMin",
    "ConstantPad",
    "EmbeddingLookup",
    "EmbeddingBackward",
]


def _inv_std(var, eps, dtype):
    return (1.0 / np.sqrt(var + eps)).astype(dtype, copy=False)


class Standardize(ArrayFunction):
    """out = (a - mean) / sqrt(var + eps), mean and biased var taken over ``axes``.

    With xhat = out, s = 1 / sqrt(var + eps) and m the number of elements reduced:
        da = s * (g - mean(g) - xhat * mean(g * xhat)),  means over ``axes``.
    ``mean`` and ``var`` may be passed in (batch norm computes them for its running
    statistics too); otherwise they are computed here. Either way they are a's own.
    Second order: under create_graph s is recomputed from a (a tensor), and xhat is the
    output tensor, so the same formula differentiates again.
    """

    @staticmethod
    def forward(ctx, a, axes, eps=1e-5, mean=None, var=None):
        if mean is None:
            mean = a.mean(axis=axes, keepdims=True)
            var = a.var(axis=axes, keepdims=True)
        inv_std = _inv_std(var, eps, a.dtype)
        xhat = ((a - mean) * inv_std).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, xhat)
        ctx.inv_std, ctx.axes, ctx.eps = inv_std, axes, eps  # inv_std: first order only
        return xhat

    @staticmethod
    def backward(ctx, grad):
        a, xhat = ctx.saved_tensors
        axes = ctx.axes
        inv_std = ctx.inv_std
        if not isinstance(grad, np.ndarray):  # create_graph: s as a function of a
            centred = a - a.mean(axis=axes, keepdims=True)
            var = (centred * centred).mean(axis=axes, keepdims=True)
            inv_std = _inv_std(var, ctx.eps, a.dtype)
        g_mean = grad.mean(axis=axes, keepdims=True)
        gx_mean = (grad * xhat).mean(axis=axes, keepdims=True)
        return (inv_std * (grad - g_mean - xhat * gx_mean)).astype(grad.dtype, copy=False)


class VectorNorm(ArrayFunction):
    """out = (sum |a|**p)**(1/p) over ``dim`` (p = inf: max |a|);
    da = g * sign(a) * |a|**(p-1) / out**(p-1)   (p = 2: g * a / out; p = 1: g * sign(a);
    p = inf: g * sign(a) shared among the maxima). Where out == 0 the gradient is 0, as
    PyTorch's vector_norm; the division there is by 1, so no NaN reaches a second
    derivative (F.normalize of a zero row differentiates twice to 0)."""

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
        if not keepdim:
            out = np.squeeze(out, axis=dim)
        ctx.save_for_backward(a, out)  # the output itself: create_graph gets its tensor
        ctx.p, ctx.dim, ctx.keepdim = p, dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        p = ctx.p
        g = grad
        if not ctx.keepdim:
            g, out = np.expand_dims(grad, ctx.dim), np.expand_dims(out, ctx.dim)
        zero = out == 0
        safe = np.where(zero, 1, out)  # no 0 / 0: its NaN would reach a second derivative
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == np.inf:
                at_max = np.abs(a) == out
                d = np.sign(a) * at_max / at_max.sum(axis=ctx.dim, keepdims=True)
            elif p == 1:
                d = np.sign(a)
            elif p == 2:
                d = a / safe
            else:
                d = np.sign(a) * np.abs(a) ** (p - 1) / safe ** (p - 1)
        d = np.where(zero, 0, d)
        return (g * d).astype(a.dtype, copy=False)


class ClampMin(ArrayFunction):
    """out = max(a, min_val);   da = g where a >= min_val, else 0 (PyTorch's clamp_min)."""

    @staticmethod
    def forward(ctx, a, min_val):
        ctx.save_for_backward(a >= min_val)
        return np.maximum(a, a.dtype.type(min_val))

    @staticmethod
    def backward(ctx, grad):
        (kept,) = ctx.saved_tensors
        return np.where(kept, grad, 0)


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


class ConstantPad(ArrayFunction):
    """out = a surrounded by ``value`` (``pad`` as F.pad: last dim first; negative pads
    crop);   da = the part of g where a's values landed = g padded by -pad with zeros
    (ConstantPad again, as PyTorch's constant_pad_nd_backward), so it differentiates
    again: linear in g."""

    @staticmethod
    def forward(ctx, a, pad, value=0.0):
        out_shape, src, dst = _pad_regions(a.shape, pad)
        out = np.full(out_shape, value, a.dtype)
        out[dst] = a[src]
        ctx.pad = pad
        return out

    @staticmethod
    def backward(ctx, grad):
        return call_op(ConstantPad, grad, pad=tuple(-n for n in ctx.pad), value=0)


class EmbeddingLookup(ArrayFunction):
    """out = weight[indices] (rows picked by an integer array of any shape);
    dweight = g's rows added into the rows they came from, except row ``padding_idx``
    (EmbeddingBackward, an op of its own, so it differentiates again)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None):
        ctx.indices, ctx.padding_idx, ctx.rows = indices, padding_idx, weight.shape[0]
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        return call_op(
            EmbeddingBackward,
            grad,
            indices=ctx.indices,
            num_weights=ctx.rows,
            padding_idx=ctx.padding_idx,
        )


class EmbeddingBackward(ArrayFunction):
    """EmbeddingLookup's gradient: out = zeros(num_weights, D) with each row of g added
    into row indices[k] (repeated indices add up, in order; kernel: loops/embedding.py),
    row ``padding_idx`` left 0 (PyTorch's embedding_dense_backward). Linear in g; its
    derivative is the lookup:
        dg = gg[indices], 0 where indices == padding_idx."""

    @staticmethod
    def forward(ctx, grad, indices, num_weights, padding_idx=None):
        ctx.indices, ctx.padding_idx = indices, padding_idx
        dweight = np.zeros((num_weights, grad.shape[-1]), grad.dtype)
        rows = grad.reshape(indices.size, grad.shape[-1])  # (not -1: D may be 0)
        if grad.dtype.type in _KERNEL_DTYPES:  # the same sums in the same order, 50x faster
            rows = kernel_array(rows, "embedding")
            flat = _contiguous(indices.reshape(-1))
            kernels.active().embedding_backward(flat, rows, dweight)
        else:
            np.add.at(dweight, indices.reshape(-1), rows)
        if padding_idx is not None:
            dweight[padding_idx] = 0
        return dweight

    @staticmethod
    def backward(ctx, gg):
        dg = call_op(EmbeddingLookup, gg, indices=ctx.indices)
        if ctx.padding_idx is None:
            return dg
        return np.where(np.expand_dims(ctx.indices == ctx.padding_idx, -1), 0, dg)
