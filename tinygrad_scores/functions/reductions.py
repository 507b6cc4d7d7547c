"""Reductions: sum, mean, max."""
import numpy as np

from ..autograd import Function

def _axes(dim, ndim):
    """``dim`` as a sorted tuple of axes; None and () mean every axis (PyTorch's rule)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})")
        out.append(d % max(ndim, 1))
    return tuple(sorted(set(out))) if ndim else ()


def _expand_reduced(grad, shape, axes, keepdim):
    """Broadcast the gradient of a reduction back over the reduced axes."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """out = sum of a over dims;   da = g broadcast back over those dims."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, _axes(dim, a.ndim), keepdim
        return np.asarray(a.sum(axis=ctx.axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        return _expand_reduced(grad, ctx.shape, ctx.axes, ctx.keepdim)


class Mean(Function):
    """out = mean of a over dims (n elements each);   da = g / n broadcast back."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, _axes(dim, a.ndim), keepdim
        ctx.count = int(np.prod([a.shape[i] for i in ctx.axes]))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(a.mean(axis=ctx.axes, keepdims=keepdim), dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        scaled = grad / ctx.count if ctx.count else grad * np.nan
        return _expand_reduced(scaled.astype(grad.dtype, copy=False), ctx.shape, ctx.axes,
                               ctx.keepdim)


class Max(Function):
    """out = max of a over ``dim``.

    With a dim, the gradient goes to the element ``argmax`` picks (the first maximum),
    as PyTorch's ``max(dim)``. Over all elements it is split evenly between ties, as
    PyTorch's ``max()`` and ``amax``.
    """

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.keepdim = a.shape, keepdim
        if dim is None:
            if a.size == 0:
                raise RuntimeError("max(): Expected reduction dim to be specified for "
                                   "input.numel() == 0. Specify the reduction dim with the "
                                   "'dim' argument.")
            ctx.dim = None
            out = np.asarray(a.max())
            ctx.save_for_backward(a == out)
            return out
        d = _axes(dim, a.ndim)
        if a.ndim == 0:               # a 0-d tensor is its own max along dim 0 or -1
            ctx.dim = ()
            return np.array(a)
        d = d[0]
        if a.shape[d] == 0:
            raise IndexError(f"max(): Expected reduction dim {d} to have non-zero size.")
        ctx.dim = d
        idx = np.expand_dims(np.argmax(a, axis=d), d)
        ctx.indices = idx
        out = np.take_along_axis(a, idx, axis=d)
        return out if keepdim else np.squeeze(out, axis=d)

    @staticmethod
    def backward(ctx, grad):
        if ctx.dim is None:
            (ties,) = ctx.saved_tensors
            return (ties * (grad / ties.sum())).astype(grad.dtype)
        if ctx.dim == ():
            return grad
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        out = np.zeros(ctx.shape, grad.dtype)
        np.put_along_axis(out, ctx.indices, g, axis=ctx.dim)
        return out
