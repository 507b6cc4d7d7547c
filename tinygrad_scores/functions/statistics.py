"""Reductions beyond sum/mean/max: amax/amin, var, prod, logsumexp, cumsum, cumprod,
and the value pick that median() and min() use.

``dim`` follows PyTorch: None or () reduces every axis, an int or a list reduces those.
"""

import numpy as np

from ..autograd import ArrayFunction
from ..kernels import special
from ._common import _FLOAT32, _FLOAT64
from .reductions import _axes, _expand_reduced, _kept_shape, share_among_ties, ties_of

__all__ = ["Amax", "Amin", "PickValue", "Var", "Std", "Prod", "LogSumExp", "CumSum", "CumProd"]

_QUIET = dict(divide="ignore", invalid="ignore", over="ignore")


def _refuse_empty(name, a, dim, axes):
    """PyTorch's errors for a max or min over no elements (they have no identity)."""
    if dim is None or dim == ():  # every dimension
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            f"Specify the reduction dim with the 'dim' argument."
        )
    for i in axes:
        if a.shape[i] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {i} to have non-zero size.")


def _last_axis_rows(a, axes):
    """Whether reducing ``a`` over ``axes`` is a row kernel's job: the last axis only, of
    a float32 / float64 array with elements, C-contiguous and writeable as kernels take it."""
    dtype, flags = a.dtype, a.flags
    return (
        len(axes) == 1
        and axes[0] == a.ndim - 1
        and (dtype is _FLOAT32 or dtype is _FLOAT64)
        and a.size
        and flags.c_contiguous
        and flags.writeable
    )


class _AmaxAmin(ArrayFunction):
    """Shared code of amax/amin: the gradient is split evenly among the elements equal to
    the result in each reduced slice (PyTorch's rule for amax, amin, max(), min())."""

    _reduce = None
    _rows_kernel = None  # the kernel over the rows of a reduction along the last axis

    @classmethod
    def forward(cls, ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        if cls._rows_kernel is not None and _last_axis_rows(a, axes):
            rows = a if a.ndim == 2 else a.reshape(-1, a.shape[-1])
            out = np.empty(rows.shape[0], a.dtype)  # one value per row
            cls._rows_kernel(rows, out)
            if keepdim or a.ndim != 2:
                out = out.reshape(a.shape[:-1] + (1,) * keepdim)
        else:
            if a.size == 0:
                _refuse_empty(cls.__name__.lower(), a, dim, axes)
            out = np.asarray(cls._reduce(a, axis=axes, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if not ctx.keepdim:  # np.expand_dims(x, axes), without its Python wrapper
            kept = _kept_shape(a.shape, ctx.axes)
            out, grad = out.reshape(kept), grad.reshape(kept)
        return share_among_ties(a == out, grad, ctx.axes)


class Amax(_AmaxAmin):
    """out = max of a over dims;   da = g / k at each of the k maxima of its slice."""

    _reduce = staticmethod(np.maximum.reduce)  # np.max without its Python wrapper
    _rows_kernel = staticmethod(special.row_amax)  # NumPy's is one element at a time


class Amin(_AmaxAmin):
    """out = min of a over dims;   da = g / k at each of the k minima of its slice."""

    _reduce = staticmethod(np.minimum.reduce)  # np.min without its Python wrapper


class PickValue(ArrayFunction):
    """out = ``value``, one element of a chosen by the caller (median()'s lower median);
    da = g / k at each of the k elements equal to it (PyTorch's evenly_distribute)."""

    @staticmethod
    def forward(ctx, a, value):
        out = np.asarray(value, a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return share_among_ties(ties_of(*ctx.saved_tensors), grad, masked=True)


class Std(ArrayFunction):
    """out = sqrt(v) for a variance v;   dv = g / (2 * out), and 0 where out == 0
    (PyTorch's std_backward: a constant input has std 0 and gradient 0, not NaN)."""

    @staticmethod
    def forward(ctx, v):
        out = np.asarray(np.sqrt(v))  # an array even when 0-d: it must stay the output
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(out == 0, 0, grad / (2 * out)).astype(grad.dtype, copy=False)


class Var(ArrayFunction):
    """out = sum((a - mean)**2) / (n - correction) over dims (n elements each);
    da = g * 2 * (a - mean) / (n - correction)."""

    @staticmethod
    def forward(ctx, a, dim=None, correction=1, keepdim=False):
        axes = _axes(dim, a.ndim)
        n = int(np.prod([a.shape[i] for i in axes]))
        centred = a - a.mean(axis=axes, keepdims=True) if n else a
        dof = max(n - correction, 0)
        with np.errstate(**_QUIET):
            out = (centred * centred).sum(axis=axes, keepdims=keepdim) / np.float64(dof)
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim, ctx.dof, ctx.shape = axes, keepdim, dof, a.shape
        return np.asarray(out, a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        centred = a - np.mean(a, axis=ctx.axes, keepdims=True) if a.size else a
        g = _expand_reduced(grad, ctx.shape, ctx.axes, ctx.keepdim)
        with np.errstate(**_QUIET):
            return (g * centred * (2.0 / np.float64(ctx.dof))).astype(grad.dtype, copy=False)


def _exclusive_products(a):
    """For each element of the last axis, the product of all the others on its row:
    products of the elements before times products of those after (exact with zeros)."""
    ones = np.ones_like(a[..., :1])
    before = np.cumprod(np.concatenate([ones, a[..., :-1]], axis=-1), axis=-1)
    after = np.flip(
        np.cumprod(np.concatenate([ones, np.flip(a, -1)[..., :-1]], axis=-1), axis=-1), -1
    )
    return before * after


class Prod(ArrayFunction):
    """out = product of a over ``dim`` (one axis, or every axis for None);
    da = g * product of the other elements of the slice (computed without dividing, so
    zeros are exact)."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        ctx.save_for_backward(a)
        if dim is None:
            return np.asarray(np.prod(a), a.dtype)
        return np.asarray(np.prod(a, axis=dim, keepdims=keepdim), a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if ctx.dim is None:
            others = _exclusive_products(a.reshape(1, -1)).reshape(a.shape)
            return (grad * others).astype(grad.dtype, copy=False)
        moved = np.moveaxis(a, ctx.dim, -1)
        others = np.moveaxis(_exclusive_products(moved), -1, ctx.dim)
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        return (g * others).astype(grad.dtype, copy=False)


class LogSumExp(ArrayFunction):
    """out = log(sum(exp(a))) over dims, computed as m + log(sum(exp(a - m)));
    da = g * exp(a - out)   (softmax of a)."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = _axes(dim, a.ndim)
        m = a.max(axis=axes, keepdims=True) if a.size else np.zeros([1] * a.ndim, a.dtype)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            out = np.log(np.exp(a - m).sum(axis=axes, keepdims=True)) + m
        out = out.astype(a.dtype, copy=False)
        out = out if keepdim else np.squeeze(out, axes)
        ctx.save_for_backward(a, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if not ctx.keepdim:
            out, grad = np.expand_dims(out, ctx.axes), np.expand_dims(grad, ctx.axes)
        with np.errstate(invalid="ignore"):
            return (grad * np.exp(a - out)).astype(grad.dtype, copy=False)


class CumSum(ArrayFunction):
    """out[i] = a[0] + ... + a[i] along ``dim``;
    da = reversed cumulative sum of g (da[i] = g[i] + ... + g[n-1])."""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.cumsum(a, axis=dim, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return np.flip(np.cumsum(np.flip(grad, ctx.dim), axis=ctx.dim), ctx.dim)


class CumProd(ArrayFunction):
    """out[i] = a[0] * ... * a[i] along ``dim``;
    da = for each i, the sum over j >= i of g[j] * (product of a[0..j] without a[i])
    (exact with zeros; O(n^2) per row)."""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        ctx.save_for_backward(a)
        return np.cumprod(a, axis=dim, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        x, g = np.moveaxis(a, ctx.dim, -1), np.moveaxis(grad, ctx.dim, -1)
        one = np.ones_like(x[..., :1])
        columns = []
        for i in range(x.shape[-1]):
            without = np.concatenate([x[..., :i], one, x[..., i + 1 :]], axis=-1)
            partial = np.cumprod(without, axis=-1)
            columns.append(np.sum(g[..., i:] * partial[..., i:], axis=-1))
        out = np.stack(columns, axis=-1) if columns else np.zeros_like(g)
        return np.moveaxis(out, -1, ctx.dim)
