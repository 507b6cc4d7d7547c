"""Shape ops: reshape, permute, expand, indexing, cat."""

import itertools

import numpy as np

from ..autograd import ArrayFunction
from ._common import unbroadcast
from .indexing import add_at, zero_at


class Reshape(ArrayFunction):
    """out = a viewed with another shape;   da = g reshaped back."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {a.size}"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class Permute(ArrayFunction):
    """out = a with axes reordered by ``dims`` (transpose is a swap of two);
    da = g with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        dims = ctx.dims
        return np.transpose(grad, tuple(sorted(range(len(dims)), key=dims.__getitem__)))


class Expand(ArrayFunction):
    """out = a broadcast to ``shape``;   da = g summed back to a's shape."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape)


def _split_index(index):
    """PyTorch applies integer indices before advanced (array) ones, so
    ``x[0, 1:, [0, 1, 1]]`` keeps the array's dims where the slice left them; NumPy would
    move them to the front. Returns (integer part, rest), or (None, index) when NumPy
    already agrees."""
    if not isinstance(index, tuple):
        return None, index
    for i in index:
        if i.__class__ is not slice and i.__class__ is not int:
            break
    else:  # slices and integers only (a[2:5, 1]): basic indexing, as NumPy does it
        return None, index
    ints, advanced = [], False  # one pass: most indices (a[2:5, 1]) stop here
    for i in index:
        if i is None or i is Ellipsis:
            return None, index
        ints.append(isinstance(i, (int, np.integer)) and not isinstance(i, bool))
        advanced = advanced or isinstance(i, (list, np.ndarray)) and np.ndim(i) > 0
    if not advanced or not any(ints):
        return None, index
    first = tuple(i if is_int else slice(None) for i, is_int in zip(index, ints))
    rest = tuple(i for i, is_int in zip(index, ints) if not is_int)
    return first, rest


def _basic(index):
    """Whether ``index`` is NumPy basic indexing (slices, integers, None, Ellipsis)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(
        i is None
        or i is Ellipsis
        or isinstance(i, slice)
        or (isinstance(i, (int, np.integer)) and not isinstance(i, bool))
        for i in items
    )


class GetItem(ArrayFunction):
    """out = a[index];   da = zeros with g scattered back to ``index`` (added where an
    integer-array index repeats a position)."""

    @staticmethod
    def forward(ctx, a, index):
        first, index = _split_index(index)
        if True in ctx.needs_input_grad:  # what backward scatters g back with
            ctx.shape, ctx.first, ctx.index = a.shape, first, index
        if first is not None:
            a = a[first]
            ctx.first_shape = a.shape
        try:  # (an element is a NumPy scalar: Function.apply makes it a 0-d array)
            return a[index]
        except IndexError as exc:
            raise IndexError(str(exc).replace("axis", "dimension")) from None

    @staticmethod
    def backward(ctx, grad):
        basic = _basic(ctx.index)  # slices and integers: no position twice, a plain store
        if ctx.first is None:
            return add_at(ctx.shape, ctx.index, grad, unique=basic)
        inner = add_at(ctx.first_shape, ctx.index, grad, unique=basic)
        return add_at(ctx.shape, ctx.first, inner, unique=True)


class IndexPut(ArrayFunction):
    """out = a with out[index] = v (``a[index] = v``);   da = g with g[index] = 0,
    dv = g[index] summed back to v's shape."""

    @staticmethod
    def forward(ctx, a, v, index):
        ctx.index, ctx.v_shape = index, v.shape
        out = np.array(a)
        out[index] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        da = dv = None
        if ctx.needs_input_grad[0]:
            da = zero_at(grad, ctx.index)
        if ctx.needs_input_grad[1]:
            picked = grad[ctx.index]  # NumPy gives a scalar for an all-integer index
            dv = unbroadcast(np.asarray(picked) if np.isscalar(picked) else picked, ctx.v_shape)
        return da, dv


class CopyFrom(ArrayFunction):
    """out = src broadcast to a's shape in a's dtype (``a.copy_(src)``);
    da = 0,  dsrc = g summed back to src's shape."""

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_shape, ctx.src_dtype = src.shape, src.dtype
        try:
            return np.broadcast_to(src, a.shape).astype(a.dtype)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({list(a.shape)}) must match the size of "
                f"tensor b ({list(src.shape)})"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        da = np.zeros_like(grad) if ctx.needs_input_grad[0] else None
        ds = (
            unbroadcast(grad, ctx.src_shape).astype(ctx.src_dtype, copy=False)
            if ctx.needs_input_grad[1]
            else None
        )
        return da, ds


class Overwrite(ArrayFunction):
    """out = ``values`` everywhere (fill_, zero_, normal_, ...);   da = 0."""

    @staticmethod
    def forward(ctx, a, values):
        return np.broadcast_to(np.asarray(values, a.dtype), a.shape)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Cat(ArrayFunction):
    """out = the inputs joined along ``dim``;   d_input_k = the slice of g input k filled
    (zeros of shape (0,) for the 1-D empty inputs at ``skip``, which PyTorch's legacy rule
    leaves out of the join)."""

    @staticmethod
    def forward(ctx, *arrays, dim=0, skip=()):
        joined = [a for i, a in enumerate(arrays) if i not in skip] if skip else arrays
        out = np.concatenate(joined, axis=dim)  # (first: its errors before any a.shape[dim])
        if True in ctx.needs_input_grad:  # where backward slices g (not needed without it)
            ctx.dim, ctx.skip = dim, skip
            sizes = [0 if i in skip else a.shape[dim] for i, a in enumerate(arrays)]
            ctx.bounds = list(itertools.accumulate(sizes, initial=0))
        return out

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * (ctx.dim % grad.ndim)
        bounds, skip = ctx.bounds, ctx.skip
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
            elif i in skip:
                grads.append(np.zeros(0, grad.dtype))
            else:
                grads.append(grad[lead + (slice(bounds[i], bounds[i + 1]),)])
        return tuple(grads)
