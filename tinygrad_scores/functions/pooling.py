"""Pooling: max and average over windows, fixed or adaptive, and max-unpooling.

The window of output (i, j) is described per axis (see kernels/loops/pooling.py): rows
hs[i] + k*dh for k < hn[i], columns ws[j] + k*dw for k < wn[j], positions outside the
input skipped. Inputs are (N, C, H, W); the kernels see (N*C, H, W) planes.
"""

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import call_op, kernel_array

__all__ = ["MaxPool", "MaxPoolBackward", "AvgPool", "AvgPoolBackward", "MaxUnpool"]


def _planes(a, op):
    a = kernel_array(a, op)
    return a.reshape(-1, a.shape[-2], a.shape[-1])


def max_pool_with_indices(a, hs, hn, dh, ws, wn, dw):
    """(out, idx) of a max pooling: idx[n, c, i, j] = h * W + w of the max in a[n, c]."""
    x = _planes(a, "max_pool2d")
    out = np.empty((x.shape[0], len(hs), len(ws)), x.dtype)
    idx = np.empty(out.shape, np.int64)
    kernels.active().max_pool_forward(x, hs, hn, dh, ws, wn, dw, out, idx)
    shape = a.shape[:-2] + out.shape[1:]
    return out.reshape(shape), idx.reshape(shape)


class MaxPool(ArrayFunction):
    """out[n, c, i, j] = max of a[n, c] over window (i, j);
    da = g sent to where each max was: da[n, c, h, w] = sum of g[n, c, i, j] over the
    windows whose max sat at (h, w) (MaxPoolBackward, an op of its own)."""

    @staticmethod
    def forward(ctx, a, hs, hn, dh, ws, wn, dw):
        out, idx = max_pool_with_indices(a, hs, hn, dh, ws, wn, dw)
        ctx.idx, ctx.shape = idx, a.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        return call_op(MaxPoolBackward, grad, idx=ctx.idx, shape=ctx.shape)


class MaxPoolBackward(ArrayFunction):
    """MaxPool's gradient: out[n, c].flat[idx[n, c, i, j]] += g[n, c, i, j] (``shape``: the
    pooled input's). Linear in g, with piecewise-constant positions:
    dg[n, c, i, j] = G[n, c].flat[idx[n, c, i, j]], G the gradient of out (a gather, as
    PyTorch's max_pool_double_backward)."""

    @staticmethod
    def forward(ctx, grad, idx, shape):
        g = _planes(grad, "max_pool2d")
        gx = np.empty((g.shape[0],) + shape[-2:], g.dtype)
        kernels.active().max_pool_backward(g, idx.reshape(g.shape), gx)
        ctx.idx = idx
        return gx.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        planes = np.reshape(gg, (-1, gg.shape[-2] * gg.shape[-1]))
        flat = ctx.idx.reshape(planes.shape[0], -1)
        return planes[np.arange(planes.shape[0])[:, None], flat].reshape(ctx.idx.shape)


class AvgPool(ArrayFunction):
    """out[n, c, i, j] = (sum of a[n, c] over window (i, j)) / div[i, j];
    da = g / div spread over each window: da[n, c, h, w] = sum over the windows (i, j)
    holding (h, w) of g[n, c, i, j] / div[i, j] (AvgPoolBackward, an op of its own)."""

    @staticmethod
    def forward(ctx, a, hs, hn, ws, wn, div):
        x = _planes(a, "avg_pool2d")
        div = div.astype(x.dtype)
        out = np.empty((x.shape[0], len(hs), len(ws)), x.dtype)
        kernels.active().avg_pool_forward(x, hs, hn, ws, wn, div, out)
        ctx.windows, ctx.shape = dict(hs=hs, hn=hn, ws=ws, wn=wn, div=div), a.shape
        return out.reshape(a.shape[:-2] + out.shape[1:])

    @staticmethod
    def backward(ctx, grad):
        return call_op(AvgPoolBackward, grad, shape=ctx.shape, **ctx.windows)


class AvgPoolBackward(ArrayFunction):
    """AvgPool's gradient, the spread: out[n, c, h, w] = sum over the windows (i, j)
    holding (h, w) of g[n, c, i, j] / div[i, j] (``shape``: the pooled input's). Linear in
    g, the adjoint of AvgPool: dg = AvgPool(G) over the same windows, G the gradient of
    out."""

    @staticmethod
    def forward(ctx, grad, shape, hs, hn, ws, wn, div):
        g = _planes(grad, "avg_pool2d")
        gx = np.empty((g.shape[0],) + shape[-2:], g.dtype)
        kernels.active().avg_pool_backward(g, hs, hn, ws, wn, div.astype(g.dtype), gx)
        ctx.windows = dict(hs=hs, hn=hn, ws=ws, wn=wn, div=div)
        return gx.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        return call_op(AvgPool, gg, **ctx.windows)


class MaxUnpool(ArrayFunction):
    """out[n, c].flat[idx[n, c, i, j]] = a[n, c, i, j], zeros elsewhere;
    da = g read back where a went: da[n, c, i, j] = g[n, c].flat[idx[n, c, i, j]]."""

    @staticmethod
    def forward(ctx, a, idx, size):
        planes = a.shape[0] * a.shape[1]
        out = np.zeros((planes, size[0] * size[1]), a.dtype)
        rows = np.arange(planes)[:, None]
        flat = idx.reshape(planes, -1)
        out[rows, flat] = a.reshape(planes, -1)
        ctx.rows, ctx.flat, ctx.shape = rows, flat, a.shape
        return out.reshape(a.shape[:2] + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        g = grad.reshape(ctx.rows.shape[0], -1)
        return g[ctx.rows, ctx.flat].reshape(ctx.shape)
