"""Indexing along a dimension: gather, scatter, scatter_add, index_select, flip, roll.

An ``index`` is never a graph input (integers have no gradient): it is passed as an
option, already checked by the Tensor method (dtype int64, rank, range).
"""

import math

import numpy as np

from .. import autograd
from ..autograd import ArrayFunction

__all__ = ["Gather", "Scatter", "ScatterAdd", "IndexSelect", "Flip", "Roll", "Contiguous"]


def along(index, dim):
    """The NumPy index tuple that addresses ``a[i][j]...[index[i][j]...]...`` with the
    index's value on axis ``dim`` and the position itself on every other axis."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


def add_at(shape, index, grad, unique=False):
    """zeros(shape) with ``grad`` added at ``index`` (any NumPy index; repeated positions
    accumulate, ``unique`` says there are none): the backward of every read by index.
    On arrays NumPy writes it; on Tensors (create_graph) it is ScatterAdd at the flat
    positions, whose own backward, a gather, is its derivative."""
    if isinstance(grad, np.ndarray):
        out = np.zeros(shape, grad.dtype)
        if unique:
            out[index] = grad
        else:
            np.add.at(out, index, grad)
        return out
    positions = np.arange(math.prod(shape)).reshape(shape)[index]
    zeros = autograd.Tensor.wrap(np.zeros(math.prod(shape), grad.array.dtype))
    flat = ScatterAdd.apply(zeros, grad.reshape(-1), index=positions.reshape(-1), dim=0)
    return flat.reshape(shape)


def zero_at(grad, index):
    """``grad`` with the positions ``index`` set to 0 (the gradient of what a write
    replaced); on Tensors a where with a constant mask, so it stays differentiable."""
    if isinstance(grad, np.ndarray):
        out = np.array(grad)
        out[index] = 0
        return out
    keep = np.ones(grad.shape, bool)
    keep[index] = False
    return np.where(keep, grad, 0)  # not a product: a NaN there must not survive as 0 * NaN


class Gather(ArrayFunction):
    """out[i][j] = a[i][index[i][j]] (for dim = 1; likewise on any dim);
    da = zeros with g added back at those positions (repeats accumulate)."""

    @staticmethod
    def forward(ctx, a, index, dim):
        ctx.shape, ctx.where = a.shape, along(index, dim)
        return a[ctx.where]

    @staticmethod
    def backward(ctx, grad):
        return add_at(ctx.shape, ctx.where, grad)


class Scatter(ArrayFunction):
    """out = a with out[i][index[i][j]] = src[i][j] (dim = 1); ``src`` may be a scalar.
    da = g with the written positions zeroed;  dsrc[i][j] = g[i][index[i][j]] (zero where
    src is bigger than index). With repeated positions the last write wins (PyTorch leaves
    that order undefined)."""

    @staticmethod
    def forward(ctx, a, src, index, dim):
        ctx.where, ctx.index_shape, ctx.src_shape = along(index, dim), index.shape, np.shape(src)
        out = np.array(a)
        out[ctx.where] = _leading(src, index.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        da = dsrc = None
        if ctx.needs_input_grad[0]:
            da = zero_at(grad, ctx.where)
        if ctx.needs_input_grad[1]:
            dsrc = _pad_to(grad[ctx.where], ctx.src_shape)
        return da, dsrc


class ScatterAdd(ArrayFunction):
    """out = a, then out[i][index[i][j]] += src[i][j] (dim = 1);
    da = g,  dsrc[i][j] = g[i][index[i][j]]."""

    @staticmethod
    def forward(ctx, a, src, index, dim):
        ctx.where, ctx.src_shape = along(index, dim), src.shape
        out = np.array(a)
        np.add.at(out, ctx.where, _leading(src, index.shape))
        return out

    @staticmethod
    def backward(ctx, grad):
        dsrc = _pad_to(grad[ctx.where], ctx.src_shape) if ctx.needs_input_grad[1] else None
        return grad, dsrc


def _leading(src, shape):
    """The leading ``shape`` block of ``src`` (PyTorch lets src be bigger than index)."""
    if np.ndim(src) == 0:
        return src
    return src[tuple(slice(0, n) for n in shape)]


def _pad_to(block, shape):
    if block.shape == tuple(shape):
        return block
    return add_at(shape, tuple(slice(0, n) for n in block.shape), block, unique=True)


class IndexSelect(ArrayFunction):
    """out = a's slices ``index`` along ``dim``;   da = g added back to those slices."""

    @staticmethod
    def forward(ctx, a, index, dim):
        ctx.shape, ctx.index, ctx.dim = a.shape, index, dim
        return np.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        at = [slice(None)] * len(ctx.shape)
        at[ctx.dim] = ctx.index
        return add_at(ctx.shape, tuple(at), grad)


class Flip(ArrayFunction):
    """out = a reversed along ``dims``;   da = g reversed along the same dims."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()  # a new tensor, as PyTorch's flip (not a view)

    @staticmethod
    def backward(ctx, grad):
        return np.flip(grad, ctx.dims)


class Roll(ArrayFunction):
    """out = a rolled by ``shifts`` along ``dims`` (flattened when dims is None);
    da = g rolled back by -shifts."""

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        back = -np.asarray(ctx.shifts)
        return np.roll(grad, back if np.ndim(back) else int(back), ctx.dims)


class Contiguous(ArrayFunction):
    """out = a copied into C order (``contiguous()`` of a transposed tensor);   da = g."""

    @staticmethod
    def forward(ctx, a):
        return np.array(a, order="C")

    @staticmethod
    def backward(ctx, grad):
        return grad
