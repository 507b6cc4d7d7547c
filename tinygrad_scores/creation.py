"""Creation functions: tensor, zeros, ones, full, arange, randn, ... (PyTorch's names)."""

import numpy as np

from . import dtypes
from . import functions as F
from .device import check as check_device
from .random import _rng
from .tensor import Tensor, _shape_args, _to_array

def _make(array, requires_grad):
    t = Tensor._wrap(array)
    return t.requires_grad_() if requires_grad else t


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (number, nested lists/tuples, NumPy array
    or tensor). The dtype is inferred as PyTorch does: ints -> int64, floats -> the
    default float dtype, bools -> bool."""
    check_device(device)
    t = Tensor.wrap(np.array(_to_array(data, dtypes.to_numpy(dtype))))
    return t.requires_grad_() if requires_grad else t


def from_numpy(array):
    """A tensor sharing memory with ``array`` (no copy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._wrap(array)


def zeros(*size, dtype=None, requires_grad=False):
    return _make(np.zeros(_shape_args(size), dtypes.to_numpy(dtype) or dtypes.default_float()), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _make(np.ones(_shape_args(size), dtypes.to_numpy(dtype) or dtypes.default_float()), requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    return _make(np.full(_shape_args((size,)), fill_value,
                         dtypes.to_numpy(dtype) or _to_array(fill_value).dtype), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return _make(np.empty(_shape_args(size), dtypes.to_numpy(dtype) or dtypes.default_float()), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return _make(np.zeros(t.shape, dtypes.to_numpy(dtype) or t.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _make(np.ones(t.shape, dtypes.to_numpy(dtype) or t.dtype), requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None):
    """Standard normal samples (float32 unless ``dtype`` says otherwise)."""
    dtype = dtypes.to_numpy(dtype) or dtypes.default_float()
    return _make(_rng(generator).standard_normal(_shape_args(size), dtype=dtype), requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None):
    """Uniform samples in [0, 1)."""
    dtype = dtypes.to_numpy(dtype) or dtypes.default_float()
    return _make(_rng(generator).random(_shape_args(size), dtype=dtype), requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None):
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        if high is None:
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    array = _rng(generator).integers(low, high, size=_shape_args((size,)), dtype=np.int64)
    return Tensor._wrap(array if dtype is None else array.astype(dtype))


def randperm(n, generator=None):
    return Tensor._wrap(_rng(generator).permutation(n).astype(np.int64))


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.default_float() if is_float else np.int64
    return _make(np.arange(start, end, step, dtype=np.dtype(dtype)), requires_grad)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    return F.Cat.apply(*tensors, dim=dim)


def stack(tensors, dim=0):
    """Join tensors along a new dimension."""
    return cat([t.unsqueeze(dim) for t in tensors], dim=dim)


__all__ = ["tensor", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like", "ones_like",
           "randn", "rand", "randint", "randperm", "arange", "cat", "stack"]
