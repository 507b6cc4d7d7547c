"""Shape ops: reshape, permute, expand, indexing, cat."""
import numpy as np

from ..autograd import Function
from ._common import unbroadcast

class Reshape(Function):
    """out = a viewed with another shape;   da = g reshaped back."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {a.size}") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class Permute(Function):
    """out = a with axes reordered by ``dims`` (transpose is a swap of two);
    da = g with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.inverse = np.argsort(dims)
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.inverse)


class Expand(Function):
    """out = a broadcast to ``shape``;   da = g summed back to a's shape."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape)


class GetItem(Function):
    """out = a[index];   da = zeros with g scattered back to ``index`` (added where an
    integer-array index repeats a position)."""

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        return np.asarray(a[index])

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, grad.dtype)
        np.add.at(out, ctx.index, grad)
        return out


class Cat(Function):
    """out = the inputs joined along ``dim``;   d_input_k = the slice of g input k filled."""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        ctx.bounds = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.split(grad, ctx.bounds, axis=ctx.dim))
