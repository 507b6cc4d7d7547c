"""Reductions: sum, mean, max."""

import math

import numpy as np

from ..autograd import ArrayFunction
from ._common import check_dim
from .indexing import add_at, along

_EVERY_AXIS = tuple(tuple(range(n)) for n in range(65))  # (0, ..., n - 1) by ndim n


def _axes(dim, ndim):
    """``dim`` as a sorted tuple of axes; None and () mean every axis (PyTorch's rule)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return _EVERY_AXIS[ndim]
    if dim.__class__ is int:  # one dim, the common case
        axis = check_dim(dim, ndim)
        return (axis,) if ndim else ()
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    out = [check_dim(d, ndim) for d in dims]
    return tuple(sorted(set(out))) if ndim else ()


def _expand_reduced(grad, shape, axes, keepdim):
    """Broadcast the gradient of a reduction back over the reduced axes (a view)."""
    if not keepdim:
        grad = grad.reshape(_kept_shape(shape, axes))
    return np.broadcast_to(grad, shape)


def _kept_shape(shape, axes):
    """``shape`` with the reduced axes kept as size 1 (the shape of keepdim=True)."""
    if len(axes) == len(shape):
        return (1,) * len(shape)
    return tuple([1 if i in axes else n for i, n in enumerate(shape)])


def _spread(grad, ctx):
    """The gradient of a reduction, spread back over the reduced axes. Small results are
    written out (a broadcast view costs more to make than to fill); large ones stay views."""
    grad = grad.reshape(_kept_shape(ctx.shape, ctx.axes))
    if isinstance(grad, np.ndarray) and len(ctx.shape) and math.prod(ctx.shape) <= 65536:
        out = np.empty(ctx.shape, grad.dtype)
        out[...] = grad
        return out
    return np.broadcast_to(grad, ctx.shape)


def ties_of(a, out):
    """The elements of ``a`` that are its extreme ``out`` (0-d), or its NaNs where ``out``
    is NaN: whom max(), min() and median() over all elements share their gradient among."""
    return np.isnan(a) if np.isnan(out) else a == out


def share_among_ties(hits, grad, axes=None, masked=False):
    """The gradient of an extreme (max(), amax/amin, median's pick): ``grad`` split evenly
    among the ``hits`` (the elements equal to the result) of each slice reduced over
    ``axes`` (all of them by default), PyTorch's evenly_distribute rule. The one place
    this rule is written. ``masked``: an exact 0 off the hits, so a NaN or inf gradient
    stays on them (PyTorch's evenly_distribute_backward for max(), min(), median() over
    all elements); else a product, as its scale_grad_by_count for amax/amin."""
    # counted in grad's float dtype where that is exact (under 2**24 elements), so the
    # division stays in it: an int64 count would take it through float64 and back
    dtype = None
    if isinstance(grad, np.ndarray) and grad.dtype.type in _COUNT_DTYPES and hits.size < 1 << 24:
        dtype = grad.dtype
    if axes is not None:
        count = np.add.reduce(hits, axis=axes, keepdims=True, dtype=dtype)
    else:
        count = hits.sum(dtype=dtype)
    share = grad / np.maximum(count, 1)
    out = np.where(hits, share, 0) if masked else hits * share
    return out.astype(grad.dtype, copy=False)


_COUNT_DTYPES = (np.float32, np.float64)


class Sum(ArrayFunction):
    """out = sum of a over dims;   da = g broadcast back over those dims."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.shape, ctx.axes = a.shape, axes  # (the kept shape is worked out by backward)
        # ndarray.sum's call (a NumPy scalar over every dim: Function.apply makes it 0-d)
        return np.add.reduce(a, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx)


class Mean(ArrayFunction):
    """out = mean of a over dims (n elements each);   da = g / n broadcast back."""

    @staticmethod
    @np.errstate(invalid="ignore", divide="ignore")  # (as a decorator: a third of the cost)
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        ctx.shape, ctx.axes = a.shape, axes  # (the kept shape is worked out by backward)
        count = a.size if len(axes) == a.ndim else math.prod([a.shape[i] for i in axes])
        ctx.count = count
        if not count:  # nan as PyTorch: 0 / 0 (no NumPy "Mean of empty slice" warning)
            return np.asarray(np.add.reduce(a, axis=axes, keepdims=keepdim) / 0, dtype=a.dtype)
        if a.dtype.type not in (np.float32, np.float64):
            return np.asarray(a.mean(axis=axes, keepdims=keepdim), dtype=a.dtype)
        # ndarray.mean's own steps for these dtypes, without its Python wrapper
        total = np.add.reduce(a, axis=axes, keepdims=keepdim)
        if total.__class__ is np.ndarray:
            return np.true_divide(total, np.intp(count), out=total, casting="unsafe")
        # a NumPy scalar: divided in float64 and rounded to a's dtype, as ndarray.mean
        # (in Python floats: NumPy's scalar division costs 1 us)
        return np.asarray(float(total) / count, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        scaled = grad / ctx.count if ctx.count else grad * np.nan
        return _spread(scaled.astype(grad.dtype, copy=False), ctx)


class Max(ArrayFunction):
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
                raise RuntimeError(
                    "max(): Expected reduction dim to be specified for "
                    "input.numel() == 0. Specify the reduction dim with the "
                    "'dim' argument."
                )
            ctx.dim = None
            out = np.asarray(a.max())
            if ctx.needs(0):
                ctx.save_for_backward(ties_of(a, out))
            return out
        d = _axes(dim, a.ndim)
        if a.ndim == 0:  # a 0-d tensor is its own max along dim 0 or -1
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
            return share_among_ties(ties, grad, masked=True)
        if ctx.dim == ():
            return grad
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        return add_at(ctx.shape, along(ctx.indices, ctx.dim), g, unique=True)
