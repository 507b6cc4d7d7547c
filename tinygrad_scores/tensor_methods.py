"""The long tail of PyTorch's Tensor methods (math, reductions, comparisons, shape and
indexing helpers, conversions), each a thin call to one Function in ``functions/``.
``Tensor`` inherits them; ``tensor.py`` keeps the essentials."""
import numpy as np

from . import dtypes
from . import functions as F


class TensorMethods:
    __slots__ = ()

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self.ndim))))

    def contiguous(self):
        return self

    def cpu(self):
        return self

    def to(self, dtype=None, *args, **kwargs):
        """Convert to another dtype (``device`` arguments such as 'cpu' are accepted)."""
        if isinstance(dtype, str) and dtype.startswith("cpu"):
            dtype = kwargs.get("dtype")
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        return self.type(dtype)

    def type(self, dtype):
        dtype = np.dtype(dtype)
        if self.requires_grad and dtype.kind == "f":
            return F.Cast.apply(self, dtype=dtype)
        return self._wrap(self.array.astype(dtype))

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def long(self):
        return self.type(dtypes.int64)

    def int(self):
        return self.type(dtypes.int32)

    def bool(self):
        return self.type(dtypes.bool_)

    def softmax(self, dim):
        return F.Softmax.apply(self, dim=dim)

    def log_softmax(self, dim):
        return F.LogSoftmax.apply(self, dim=dim)

    def sum(self, dim=None, keepdim=False):
        return F.Sum.apply(self, dim=dim, keepdim=keepdim)

    def mean(self, dim=None, keepdim=False):
        if self.array.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                               f"floating point, but got {self.array.dtype}")
        return F.Mean.apply(self, dim=dim, keepdim=keepdim)

    def max(self, dim=None, keepdim=False):
        """Largest value; with ``dim``, the pair (values, indices) as in PyTorch."""
        values = F.Max.apply(self, dim=dim, keepdim=keepdim)
        if dim is None:
            return values
        return MaxResult(values, self.argmax(dim, keepdim=keepdim))

    def argmax(self, dim=None, keepdim=False):
        if dim is None:
            return self._wrap(np.asarray(np.argmax(self.array), dtype=np.int64))
        return self._wrap(np.asarray(np.argmax(self.array, axis=dim, keepdims=keepdim), np.int64))

    # ------------------------------------------------------------------ shape methods
    def reshape(self, *shape):
        shape = _shape_args(shape)
        if shape == self.array.shape:
            return self
        return F.Reshape.apply(self, shape=shape)

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self.array.shape
        if not shape:
            return self.reshape(1)
        end = end_dim % len(shape)
        start = start_dim % len(shape)
        return self.reshape(shape[:start] + (-1,) + shape[end + 1:])

    def unsqueeze(self, dim):
        dim = dim if dim >= 0 else dim + self.ndim + 1
        return self.reshape(self.array.shape[:dim] + (1,) + self.array.shape[dim:])

    def squeeze(self, dim=None):
        if dim is None:
            return self.reshape(tuple(n for n in self.array.shape if n != 1))
        if self.array.shape[dim] != 1:
            return self
        shape = list(self.array.shape)
        del shape[dim]
        return self.reshape(tuple(shape))

    def permute(self, *dims):
        dims = _shape_args(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute(): number of dims don't match: got {len(dims)} for a "
                               f"tensor of {self.ndim} dims")
        return F.Permute.apply(self, dims=tuple(d % max(self.ndim, 1) for d in dims))

    def transpose(self, dim0, dim1):
        dims = list(range(self.ndim))
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return F.Permute.apply(self, dims=tuple(dims))

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.T

    def expand(self, *shape):
        shape = tuple(o if n == -1 else n for n, o in zip(_shape_args(shape), self.array.shape))
        return F.Expand.apply(self, shape=shape)


class MaxResult(tuple):
    """``(values, indices)`` of ``max(dim)``, with PyTorch's attribute names."""

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(n) for n in shape)
