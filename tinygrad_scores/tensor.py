"""The Tensor: a NumPy array, its gradient, and the node of the graph that produced it.

Operators and methods are thin: each turns Python arguments into arrays of the right
dtype and calls one ``Function`` from ``functions.py``, which records the graph.
"""
import numbers

import numpy as np

from . import autograd
from . import functions as F
from .tensor_methods import TensorMethods

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
bool_ = np.dtype(np.bool_)

_DEFAULT_FLOAT = float32


def get_default_dtype():
    return _DEFAULT_FLOAT


class Size(tuple):
    """A shape, printed as PyTorch prints ``torch.Size``."""

    def __repr__(self):
        return f"tinygrad_scores.Size({list(self)})"

    def numel(self):
        return int(np.prod(self))


def _as_dtype(dtype):
    return None if dtype is None else np.dtype(dtype)


def _to_array(data, dtype=None):
    """PyTorch's conversion rules: Python ints -> int64, Python floats -> float32,
    NumPy arrays keep their dtype unless one is asked for."""
    if isinstance(data, Tensor):
        arr = data.array
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        arr = np.asarray(data)
        if arr.dtype.kind == "f" and dtype is None:
            arr = arr.astype(_DEFAULT_FLOAT)
        elif arr.dtype.kind in "iu" and dtype is None:
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "fiub":
            raise TypeError(f"can't convert data of type {type(data).__name__} "
                            f"(numpy dtype {arr.dtype}) to a tensor")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


class Tensor(TensorMethods):
    """An n-dimensional array that can record how it was computed.

    ``data`` is the NumPy array; ``grad`` the gradient accumulated by ``backward()``
    (a Tensor, or None); ``grad_fn`` the graph node that produced it (None for leaves).
    """

    __slots__ = ("array", "grad", "requires_grad", "grad_fn", "_retains_grad", "__weakref__")
    __array_priority__ = 1000   # ndarray op Tensor defers to Tensor's reflected operators

    def __init__(self, data, dtype=None, requires_grad=False):
        self.array = _to_array(data, _as_dtype(dtype))
        if isinstance(data, Tensor) or (isinstance(data, np.ndarray) and dtype is None):
            self.array = np.array(self.array)   # a new tensor owns a copy, like torch.tensor
        self.grad = None
        self.grad_fn = None
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, grad_fn=None):
        """The fast constructor the engine uses: no conversion, no copy."""
        t = object.__new__(Tensor)
        t.array = array
        t.grad = None
        t.grad_fn = grad_fn
        t.requires_grad = grad_fn is not None
        t._retains_grad = False
        return t

    # ------------------------------------------------------------------ attributes
    @property
    def data(self):
        """A tensor sharing this one's storage, outside the graph (``p.data -= ...``)."""
        return Tensor._wrap(self.array)

    @data.setter
    def data(self, value):
        self.array = value.array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self):
        return Size(self.array.shape)

    def size(self, dim=None):
        return Size(self.array.shape) if dim is None else self.array.shape[dim]

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    def numel(self):
        return int(self.array.size)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self.ndim))))

    @property
    def device(self):
        return "cpu"

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __hash__(self):
        return id(self)

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)

    # ------------------------------------------------------------------ conversion
    def numpy(self):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self.array

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(f"a Tensor with {self.array.size} elements cannot be converted "
                               f"to Scalar")
        return self.array.item()

    def tolist(self):
        return self.array.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.array)

    def __index__(self):
        if self.array.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array)

    def detach(self):
        return Tensor._wrap(self.array)

    def clone(self):
        return self + 0 if self.requires_grad else Tensor._wrap(self.array.copy())

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
        return Tensor._wrap(self.array.astype(dtype))

    def float(self):
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def long(self):
        return self.type(int64)

    def int(self):
        return self.type(int32)

    def bool(self):
        return self.type(bool_)

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
        autograd.backward(self, gradient, retain_graph=bool(retain_graph))

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.array.dtype.kind != "f":
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients "
                               f"(this one is {self.array.dtype})")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor too (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True

    def _check_inplace(self):
        if self.requires_grad and autograd.is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation (wrap it in no_grad(), or use .array)")

    def zero_(self):
        self._check_inplace()
        self.array[...] = 0
        return self

    def fill_(self, value):
        self._check_inplace()
        self.array[...] = value
        return self

    def copy_(self, src):
        self._check_inplace()
        self.array[...] = src.array if isinstance(src, Tensor) else src
        return self

    def add_(self, other, alpha=1):
        self._check_inplace()
        self.array += _raw(other) * alpha if alpha != 1 else _raw(other)
        return self

    def sub_(self, other, alpha=1):
        return self.add_(other, alpha=-alpha)

    def mul_(self, other):
        self._check_inplace()
        self.array *= _raw(other)
        return self

    def div_(self, other):
        self._check_inplace()
        self.array /= _raw(other)
        return self

    def __setitem__(self, index, value):
        self._check_inplace()
        self.array[_index(index)] = _raw(value)

    # ------------------------------------------------------------------ operators
    def _operand(self, other):
        """``other`` as a Tensor whose dtype follows PyTorch's promotion against self."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, numbers.Number) or (isinstance(other, np.ndarray) and other.ndim == 0):
            kind = self.array.dtype.kind
            if kind == "f":
                dtype = self.array.dtype
            elif isinstance(other, (float, np.floating)):
                dtype = _DEFAULT_FLOAT
            else:
                dtype = self.array.dtype
            return Tensor._wrap(np.asarray(other, dtype=dtype))
        return Tensor._wrap(_to_array(other))

    def _binary(self, fn, other, reverse=False):
        other = self._operand(other)
        a, b = (other, self) if reverse else (self, other)
        try:
            return fn.apply(a, b)
        except ValueError as exc:
            if "broadcast" in str(exc):
                raise RuntimeError(f"The size of tensor a {list(a.shape)} must match the size of "
                                   f"tensor b {list(b.shape)}: shapes are not broadcastable") from None
            raise

    def __add__(self, other):
        return self._binary(F.Add, other)

    def __radd__(self, other):
        return self._binary(F.Add, other, reverse=True)

    def __sub__(self, other):
        return self._binary(F.Sub, other)

    def __rsub__(self, other):
        return self._binary(F.Sub, other, reverse=True)

    def __mul__(self, other):
        return self._binary(F.Mul, other)

    def __rmul__(self, other):
        return self._binary(F.Mul, other, reverse=True)

    def __truediv__(self, other):
        if self.array.dtype.kind != "f" and not (isinstance(other, Tensor) and other.dtype.kind == "f"):
            return self.float() / other
        return self._binary(F.Div, other)

    def __rtruediv__(self, other):
        if self.array.dtype.kind != "f":
            return other / self.float()
        return self._binary(F.Div, other, reverse=True)

    def __pow__(self, other):
        return self._binary(F.Pow, other)

    def __rpow__(self, other):
        return self._binary(F.Pow, other, reverse=True)

    def __neg__(self):
        return F.Neg.apply(self)

    def __matmul__(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul expects a Tensor, got {type(other).__name__}")
        return F.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return Tensor._wrap(_to_array(other)) @ self

    def _compare(self, op, other):
        return Tensor._wrap(op(self.array, _raw(other)))

    def __lt__(self, other):
        return self._compare(np.less, other)

    def __le__(self, other):
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        return self._compare(np.greater, other)

    def __ge__(self, other):
        return self._compare(np.greater_equal, other)

    def __eq__(self, other):
        return self._compare(np.equal, other)

    def __ne__(self, other):
        return self._compare(np.not_equal, other)

    def __getitem__(self, index):
        return F.GetItem.apply(self, index=_index(index))

    # ------------------------------------------------------------------ math methods
    add = __add__
    sub = __sub__
    mul = __mul__
    div = __truediv__
    pow = __pow__
    matmul = __matmul__
    mm = __matmul__
    neg = __neg__

    def exp(self):
        return F.Exp.apply(self)

    def log(self):
        return F.Log.apply(self)

    def sqrt(self):
        return F.Sqrt.apply(self)

    def abs(self):
        return F.Abs.apply(self)

    def relu(self):
        return F.ReLU.apply(self)

    def sigmoid(self):
        return F.Sigmoid.apply(self)

    def tanh(self):
        return F.Tanh.apply(self)

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
            return Tensor._wrap(np.asarray(np.argmax(self.array), dtype=np.int64))
        return Tensor._wrap(np.asarray(np.argmax(self.array, axis=dim, keepdims=keepdim), np.int64))

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

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        return _format(self)

    __str__ = __repr__


def _format(t):
    a = t.array
    opts = dict(precision=4, separator=", ", threshold=1000, edgeitems=3,
                prefix="tensor(", floatmode="fixed" if a.dtype.kind == "f" else "maxprec")
    if a.dtype.kind == "f" and a.size and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        opts["floatmode"] = "unique"
    if a.dtype.kind == "f" and a.size:
        finite = np.abs(a[np.isfinite(a)])
        big = finite.size and (finite.max() >= 1e8 or (finite[finite > 0].size
                                                       and finite[finite > 0].min() < 1e-4))
        if big:
            opts["formatter"] = {"float_kind": lambda v: f"{v:.4e}"}
    body = np.array2string(a, **opts) if a.size else "[]"
    extras = []
    if a.size == 0 and a.ndim != 1:
        extras.append(f"size={tuple(a.shape)}")
    if a.dtype not in (float32, int64, bool_):
        extras.append(f"dtype=tinygrad_scores.{a.dtype.name}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"


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


def _raw(x):
    return x.array if isinstance(x, Tensor) else x


def _index(index):
    """Tensors inside an index become their arrays (integer-array indexing)."""
    if isinstance(index, Tensor):
        return index.array
    if isinstance(index, tuple):
        return tuple(i.array if isinstance(i, Tensor) else i for i in index)
    return index


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(int(n) for n in shape)


# ---------------------------------------------------------------------------- creation

class Generator:
    """A seeded source of random numbers (NumPy's PCG64 underneath)."""

    def __init__(self, seed=None):
        self._rng = np.random.default_rng(seed)
        self._seed = seed

    def manual_seed(self, seed):
        self._rng = np.random.default_rng(seed)
        self._seed = seed
        return self

    def initial_seed(self):
        return self._seed


default_generator = Generator()


def manual_seed(seed):
    """Seed the global generator: randn, rand, randint, layer initialisation and
    DataLoader shuffling then repeat exactly."""
    return default_generator.manual_seed(int(seed))


def _rng(generator):
    return (generator or default_generator)._rng


def _make(array, requires_grad):
    t = Tensor._wrap(array)
    return t.requires_grad_() if requires_grad else t


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (list, number, array or tensor)."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array):
    """A tensor sharing memory with ``array`` (no copy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._wrap(array)


def zeros(*size, dtype=None, requires_grad=False):
    return _make(np.zeros(_shape_args(size), _as_dtype(dtype) or _DEFAULT_FLOAT), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _make(np.ones(_shape_args(size), _as_dtype(dtype) or _DEFAULT_FLOAT), requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    return _make(np.full(_shape_args((size,)), fill_value,
                         _as_dtype(dtype) or _to_array(fill_value).dtype), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return _make(np.empty(_shape_args(size), _as_dtype(dtype) or _DEFAULT_FLOAT), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return _make(np.zeros(t.shape, _as_dtype(dtype) or t.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _make(np.ones(t.shape, _as_dtype(dtype) or t.dtype), requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None):
    """Standard normal samples (float32 unless ``dtype`` says otherwise)."""
    dtype = _as_dtype(dtype) or _DEFAULT_FLOAT
    return _make(_rng(generator).standard_normal(_shape_args(size), dtype=dtype), requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None):
    """Uniform samples in [0, 1)."""
    dtype = _as_dtype(dtype) or _DEFAULT_FLOAT
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
        dtype = _DEFAULT_FLOAT if is_float else np.int64
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
