"""The Tensor: a NumPy array, its gradient, and the node of the graph that produced it.

Operators and methods are thin: each turns Python arguments into arrays of the right
dtype (``dtypes.py`` holds PyTorch's promotion rules) and calls one ``Function`` from
``functions/``, which records the graph. In-place operations (``x += 1``, ``add_``,
``x[i] = v``) change the array in place and bump the tensor's version counter, so a
backward pass that needs the old values refuses to run instead of using the new ones.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from typing import Any, Union

import numpy as np

from . import autograd, dtypes, numpy_dispatch
from . import functions as ops
from . import random as _random
from .device import cpu
from .formatting import format_tensor
from .functions._common import check_dim
from .tensor_methods import TensorMethods, _shape_args, _to_array

_STATE = autograd._state  # per-thread engine state (grad mode, capture recorder)

# What the operators accept besides a Tensor: Python numbers and NumPy arrays.
Operand = Union["Tensor", float, int, bool, np.ndarray]
_PLAIN_NUMBERS = (float, int, bool)  # checked before the slower numbers.Number


class Size(tuple):
    """A shape, printed as PyTorch prints ``torch.Size``."""

    def __repr__(self):
        return f"{dtypes.NAMESPACE}.Size({list(self)})"

    def numel(self):
        return math.prod(self)

    # a Size stays a Size when joined or repeated, as torch.Size does (a slice is a tuple
    # here: overriding __getitem__ would make every shape[i] ten times slower)
    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__


class Tensor(TensorMethods):
    """An n-dimensional array that can record how it was computed.

    ``array`` is the NumPy array; ``grad`` the gradient accumulated by ``backward()``
    (a Tensor, or None); ``grad_fn`` the graph node that produced it (None for leaves).
    ``data`` is a Tensor sharing the array outside the graph, as in PyTorch.

    ``Tensor(data)`` is PyTorch's legacy constructor: always the default float dtype
    (``Tensor(2, 3)`` is an uninitialised 2x3 tensor); ``tensor(data)`` infers the dtype.
    """

    __slots__ = (
        "array",
        "_grad",
        "requires_grad",
        "grad_fn",
        "_vbox",
        "_base",
        "_hooks",
        "__weakref__",
    )
    __array_priority__ = 1000  # ndarray op Tensor defers to Tensor's reflected operators

    def __init__(self, *args: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)) or len(args) == 0:
            data = args[0] if args else []
            if isinstance(data, np.ndarray) and dtype is None:
                array = np.array(_to_array(data))  # keeps its dtype; a new tensor owns a copy
            else:
                array = np.array(_to_array(data, dtypes.to_numpy(dtype) or dtypes.default_float()))
        else:
            array = np.empty(_shape_args(args), dtypes.to_numpy(dtype) or dtypes.default_float())
        _init(self, array, None)
        if requires_grad:
            self.requires_grad_(True)

    def _init(self, array, grad_fn):
        self.array = array
        self._grad = None
        self.grad_fn = grad_fn
        self.requires_grad = grad_fn is not None
        # the version box: [count of in-place writes, whether a view of this storage is in
        # a graph], shared with views of this tensor's storage
        self._vbox = [0, False]
        self._base = None  # the tensor this one is a view of (set by view ops)
        self._hooks = None

    @property
    def grad(self) -> Tensor | None:
        """The gradient ``backward()`` accumulated here (None until one arrives)."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_assigned_grad(self, value)
        if _STATE.recorder is not None:  # a compiled step must repeat ``p.grad = None``
            _STATE.recorder.grad_assigned(self, value)
        self._grad = value

    @staticmethod  # not a classmethod: binding cls costs a third of the call, unused
    def wrap(array: np.ndarray, grad_fn: autograd.Context | None = None) -> Tensor:
        """The fast constructor the engine uses: no copy, no checks. ``array`` is a NumPy
        ndarray (0-d for a scalar); a NumPy scalar (what indexing one element gives) is
        made a 0-d array, so ``t.array`` is always an ndarray."""
        if array.__class__ is not _ndarray and not isinstance(array, _ndarray):
            array = np.asarray(array)
        return _new_tensor(array, grad_fn)

    # ------------------------------------------------------------------ attributes
    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's storage, outside the graph (``p.data -= ...``)."""
        return Tensor.wrap(self.array)

    @data.setter
    def data(self, value: Tensor | np.ndarray) -> None:
        self.array = value.array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self.array.shape)
        return self.array.shape[check_dim(dim, self.array.ndim)]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.of(self.array)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def dim(self) -> int:
        return self.array.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self.array.size)

    nelement = numel

    @property
    def _version(self) -> int:
        """How many in-place writes this storage has had (PyTorch's ``_version``)."""
        return self._vbox[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def device(self):
        return cpu

    @property
    def is_cuda(self):
        return False

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn.retained is not None

    @property
    def output_nr(self):
        return 0

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __hash__(self):
        return id(self)

    def __array__(self, dtype=None, copy=None):
        if autograd._state.differentiating is not None:
            raise numpy_dispatch._not_differentiable("np.asarray")  # it would cut the graph
        _escape("a tensor converted to a NumPy array")
        return self.array if dtype is None else self.array.astype(dtype)

    # NumPy calls on tensors: differentiable inside a create_graph backward (numpy_dispatch)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return numpy_dispatch.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return numpy_dispatch.function(func, args, kwargs)

    def astype(self, dtype: Any, copy: bool = True) -> Tensor:
        """NumPy's name for ``.to(dtype)``: backward formulas read the same on arrays and
        on tensors."""
        dtype = dtypes.as_dtype(dtype)
        return self if dtype.dtype == self.array.dtype else self.to(dtype)

    # ------------------------------------------------------------------ conversion
    def numpy(self, force: bool = False) -> np.ndarray:
        _escape("numpy()")
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return self.array

    def item(self) -> Any:
        _escape("item()")
        if self.array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar"
            )
        return self.array.item()

    def tolist(self) -> Any:
        _escape("tolist()")
        return self.array.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        _escape("a tensor's truth value (if t: ...)")
        if self.array.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.array)

    def __index__(self):
        _escape("a tensor used as an index")
        if self.array.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array)

    def __format__(self, spec):
        """As PyTorch: a 0-d tensor formats its number (``f"{loss}"``, ``f"{loss:.4f}"``);
        any other prints as ``str(t)``, and takes no format spec."""
        if self.array.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __repr__(self):
        _escape("printing a tensor")
        return format_tensor(self)

    __str__ = __repr__

    # ------------------------------------------------------------------ autograd
    def detach(self) -> Tensor:
        """The same storage and version counter, outside the graph."""
        t = Tensor.wrap(self.array)
        t._vbox = self._vbox
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self.requires_grad = False
        return self

    def clone(self) -> Tensor:
        return ops.Clone.apply(self)

    def _converted(self, dtype):
        """A copy as NumPy dtype ``dtype``, outside the graph."""
        return converted(self, dtype)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d self / d leaf into ``leaf.grad`` for every leaf that requires grad."""
        autograd.backward(
            self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs
        )

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.array.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients "
                f"(this one is {self.dtype})"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If "
                "you want to use a computed variable in a subgraph that doesn't "
                "require differentiation use var_no_grad = var.detach()."
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retain(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> autograd.RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a tensor it returns
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            hooks = self.grad_fn.tensor_hooks
        else:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        return autograd.RemovableHandle(hooks, hook)

    # ------------------------------------------------------------------ in place
    def _apply_inplace(self, compute, *operands):
        """Write ``compute(self)`` into this tensor's storage, as PyTorch's in-place ops.

        With grad mode on and a graph to record, the op is recorded on a snapshot of the
        old values and this tensor takes over the new node as its ``grad_fn``; a leaf that
        requires grad is refused (its ``.grad`` would no longer describe it).
        """
        recording = autograd.is_grad_enabled() and (
            self.requires_grad or any(getattr(o, "requires_grad", False) for o in operands)
        )
        if recording:
            if self.requires_grad and self.grad_fn is None:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place operation."
                )
            if self._base is not None or self._vbox[1]:
                # the other views' graphs would not see the change
                raise RuntimeError(
                    "an in-place operation on a tensor that shares its storage with a view "
                    "in the graph is not supported here; write it out of place (y = y + 1)"
                )
        recorder = _STATE.recorder
        if recording:
            source = Tensor.wrap(self.array.copy(), self.grad_fn)
            source.requires_grad = self.requires_grad
            if recorder is not None:
                recorder.derived(self, source.array, np.copy)
        else:
            source = self
        result = compute(source)
        if result.array.shape != self.array.shape:
            try:
                np.broadcast_to(result.array, self.array.shape)
            except ValueError:
                raise RuntimeError(
                    f"output with shape {list(self.array.shape)} doesn't match "
                    f"the broadcast shape {list(result.array.shape)}"
                ) from None
        if not self.array.flags.writeable:
            raise RuntimeError(
                "this tensor's storage is read-only (a broadcast view, or an "
                "array NumPy marks read-only): clone() it first"
            )
        self._store(result.array)
        if recorder is not None:
            recorder.inplace(self, result.array)
        if recording:
            old = self.grad_fn
            self.grad_fn = result.grad_fn
            self.requires_grad = True
            if old is not None and old.retained is not None:
                old.retained = None  # retain_grad() follows the tensor to its new node
                self.grad_fn.retain(self)
        return self

    def _times_alpha(self, other: Operand, alpha: Any) -> Operand:
        """``alpha * other`` for add / sub's ``alpha``, refused where PyTorch refuses it."""
        if type(alpha) is int and alpha == 1:  # the default: nothing to check
            return other
        result = dtypes.result_type(self, other)
        if isinstance(alpha, bool) and result != np.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        if isinstance(alpha, float) and result.kind in "biu":
            raise RuntimeError(
                "For integral input tensors, argument alpha must not be a floating point number."
            )
        return other if alpha == 1 else other * alpha

    def add(self, other: Operand, *, alpha: Any = 1) -> Tensor:
        """self + alpha * other."""
        return self + self._times_alpha(other, alpha)

    def sub(self, other: Operand, *, alpha: Any = 1) -> Tensor:
        """self - alpha * other."""
        if type(alpha) is not int or alpha != 1:  # bools refused before alpha makes them ints
            _no_bool_subtraction(self, other)
        return self - self._times_alpha(other, alpha)

    subtract = sub

    def add_(self, other: Operand, *, alpha: Any = 1) -> Tensor:
        other = self._times_alpha(other, alpha)
        return self._apply_inplace(lambda s: s + other, other)

    def sub_(self, other: Operand, *, alpha: Any = 1) -> Tensor:
        _no_bool_subtraction(self, other)  # before alpha makes a bool an int
        other = self._times_alpha(other, alpha)
        return self._apply_inplace(lambda s: s - other, other)

    def mul_(self, other: Operand) -> Tensor:
        return self._apply_inplace(lambda s: s * other, other)

    def div_(self, other: Operand, rounding_mode: str | None = None) -> Tensor:
        return self._apply_inplace(lambda s: s.div(other, rounding_mode=rounding_mode), other)

    def pow_(self, exponent):
        return self._apply_inplace(lambda s: s**exponent, exponent)

    def clamp_(self, min=None, max=None):  # noqa: A002
        return self._apply_inplace(lambda s: s.clamp(min, max), min, max)

    clip_ = clamp_

    def __iadd__(self, other: Operand) -> Tensor:
        return self.add_(other)

    def __isub__(self, other: Operand) -> Tensor:
        return self.sub_(other)

    def __imul__(self, other: Operand) -> Tensor:
        return self.mul_(other)

    def __itruediv__(self, other: Operand) -> Tensor:
        return self.div_(other)

    def __ipow__(self, other: Operand) -> Tensor:
        return self.pow_(other)

    def copy_(self, src: Operand, non_blocking: bool = False) -> Tensor:
        src = src if isinstance(src, Tensor) else Tensor.wrap(np.asarray(src))
        return self._apply_inplace(lambda s: ops.CopyFrom.apply(s, src), src)

    def _fill_values(self, values):
        """Overwrite every element with ``values`` (no gradient flows to the old ones)."""
        return self._apply_inplace(lambda s: ops.Overwrite.apply(s, values=values))

    def zero_(self) -> Tensor:
        return self._fill_values(np.zeros((), self.array.dtype))

    def fill_(self, value: Operand) -> Tensor:
        value = value.array if isinstance(value, Tensor) else value
        return self._fill_values(np.array(value).astype(self.array.dtype))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Normal samples, PyTorch's stream (random.normal says how they are drawn)."""
        dtypes.float_only(self.array, "normal_kernel_cpu")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        return self._fill_values(_random.normal(self.array, mean, std, generator))

    def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
        """Uniform samples in [from, to) (``from`` is a keyword too, as in PyTorch)."""
        from_ = kwargs.pop("from", from_)
        if kwargs:
            raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kwargs))}'")
        dtypes.float_only(self.array, "uniform_kernel_cpu")
        if from_ > to:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}"
            )
        return self._fill_values(_random.uniform(self.array, from_, to, generator))

    def __setitem__(self, index, value):
        index = _index(index)
        if not isinstance(value, Tensor):
            value = Tensor.wrap(np.array(value).astype(self.array.dtype))  # ints wrap around
        self._apply_inplace(lambda s: ops.IndexPut.apply(s, value, index=index), value)

    # ------------------------------------------------------------------ operators
    def _operand(self, other):
        """``other`` as a Tensor: Python numbers take self's dtype when that keeps their
        category (PyTorch's rule for scalars), else the promoted dtype."""
        if isinstance(other, Tensor):
            return other
        if other.__class__ in _PLAIN_NUMBERS or (
            isinstance(other, numbers.Number) and not isinstance(other, complex)
        ):
            kind = self.array.dtype.kind
            if (
                kind == "f"
                or (kind in "iu" and not isinstance(other, (float, np.floating)))
                or isinstance(other, (bool, np.bool_))
            ):
                dtype = self.array.dtype
            else:
                dtype = dtypes.result_type(self, other)
            if dtype.kind == "f":
                value = np.asarray(other, dtype=dtype)
            else:  # astype, not asarray(dtype=): an int out of range wraps, as in PyTorch
                value = np.array(other).astype(dtype)
            if _STATE.recorder is not None:
                _STATE.recorder.constant(value)  # a literal: the same on every call
            return Tensor.wrap(value)
        if isinstance(other, np.ndarray):
            return Tensor.wrap(_to_array(other))
        if isinstance(other, (list, tuple)):
            return Tensor.wrap(_to_array(other))
        raise TypeError(f"unsupported operand type: Tensor and {type(other).__name__}")

    def _binary(self, fn, other, reverse=False, result_dtype=None):
        if not isinstance(other, Tensor):
            try:
                other = self._operand(other)
            except TypeError:
                return NotImplemented
        a, b = (other, self) if reverse else (self, other)
        dtype = a.array.dtype
        if result_dtype is not None or dtype != b.array.dtype:  # else both keep theirs
            dtype = result_dtype or dtypes.result_type(a, b)
            a, b = _cast(a, dtype), _cast(b, dtype)
        try:
            return fn.apply(a, b)
        except ValueError as exc:
            if "broadcast" in str(exc):
                raise RuntimeError(
                    f"The size of tensor a ({_size_list(a)}) must match the size "
                    f"of tensor b ({_size_list(b)}): shapes are not "
                    f"broadcastable"
                ) from None
            raise

    def __add__(self, other: Operand) -> Tensor:
        return self._binary(ops.Add, other)

    def __radd__(self, other: Operand) -> Tensor:
        return self._binary(ops.Add, other, reverse=True)

    def __sub__(self, other: Operand) -> Tensor:
        _no_bool_subtraction(self, other)
        return self._binary(ops.Sub, other)

    def __rsub__(self, other: Operand) -> Tensor:
        _no_bool_subtraction(self, other)
        return self._binary(ops.Sub, other, reverse=True)

    def __mul__(self, other: Operand) -> Tensor:
        return self._binary(ops.Mul, other)

    def __rmul__(self, other: Operand) -> Tensor:
        return self._binary(ops.Mul, other, reverse=True)

    def _true_divide(self, other, reverse):
        dtype = self.array.dtype
        if isinstance(other, Tensor) and other.array.dtype == dtype and dtype.kind == "f":
            return self._binary(ops.Div, other, reverse=reverse)  # one float dtype: kept
        dtype = dtypes.result_type(
            self, other if not isinstance(other, (list, tuple)) else _to_array(other)
        )
        if dtype.kind != "f":  # int / int is the default float dtype in PyTorch
            dtype = dtypes.default_float()
        return self._binary(ops.Div, other, reverse=reverse, result_dtype=dtype)

    def __truediv__(self, other: Operand) -> Tensor:
        return self._true_divide(other, reverse=False)

    def __rtruediv__(self, other: Operand) -> Tensor:
        return self._true_divide(other, reverse=True)

    def __pow__(self, other: Operand) -> Tensor:
        if (
            other.__class__ is int
            and other < 0
            and self.array.dtype.kind in "iub"  # (a tensor exponent gives 0, 1 or -1)
        ):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return self._binary(ops.Pow, other)

    def __rpow__(self, other: Operand) -> Tensor:
        return self._binary(ops.Pow, other, reverse=True)

    def __neg__(self) -> Tensor:
        if self.array.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. "
                "If you are trying to invert a mask, use the `~` or "
                "`logical_not()` operator instead."
            )
        return ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __matmul__(self, other: Tensor) -> Tensor:
        if not isinstance(other, Tensor):
            if isinstance(other, np.ndarray):
                other = Tensor.wrap(_to_array(other))
            else:
                return NotImplemented
        if self.array.dtype == np.bool_ or other.array.dtype == np.bool_:
            raise dtypes.not_implemented(_bool_product(self.ndim, other.ndim), np.bool_)
        return ops.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return Tensor.wrap(_to_array(other)) @ self

    def _compare(self, op, other):
        """An elementwise comparison in the dtype PyTorch's promotion gives both sides (so
        an int64 tensor against a 0-d float32 one compares in float32, and a Python int
        wraps into a uint8 tensor's range)."""
        if other is None or not isinstance(
            other, (Tensor, numbers.Number, np.ndarray, list, tuple)
        ):
            return NotImplemented
        other = self._operand(other)
        a, b = self.array, other.array
        if a.dtype != b.dtype:
            dtype = dtypes.result_type(self, other)
            a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        try:
            return Tensor.wrap(np.asarray(op(a, b)))
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({list(a.shape)}) must match the "
                f"size of tensor b ({list(b.shape)})"
            ) from None

    def __lt__(self, other):
        return self._compare(np.less, other)

    def __le__(self, other):
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        return self._compare(np.greater, other)

    def __ge__(self, other):
        return self._compare(np.greater_equal, other)

    def __eq__(self, other):
        result = self._compare(np.equal, other)
        return False if result is NotImplemented and other is None else result

    def __ne__(self, other):
        result = self._compare(np.not_equal, other)
        return True if result is NotImplemented and other is None else result

    def __getitem__(self, index):
        return ops.GetItem.apply(self, index=_index(index))

    # ------------------------------------------------------------------ math methods
    mul = __mul__
    multiply = __mul__
    pow = __pow__
    matmul = __matmul__
    neg = __neg__
    negative = __neg__

    def div(self, other: Operand, rounding_mode: str | None = None) -> Tensor:
        """True division; ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient (no
        gradient flows through rounding, as in PyTorch)."""
        if rounding_mode is None:
            return self._true_divide(other, reverse=False)
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(
                f"div expected rounding_mode to be one of None, 'trunc', or "
                f"'floor' but found '{rounding_mode}'"
            )
        dtype = dtypes.result_type(self, other)
        a = self.array
        b = other.array if isinstance(other, Tensor) else np.asarray(other)
        if dtype.kind in "iub":  # exact integer division, no float round trip
            a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
            if (b == 0).any():
                raise RuntimeError("ZeroDivisionError")
            floor = np.floor_divide(a, b)
            if rounding_mode == "floor":
                return Tensor.wrap(np.asarray(floor))
            inexact = (floor * b != a) & ((a < 0) != (b < 0))
            return Tensor.wrap(np.asarray(floor + inexact))
        quotient = self._true_divide(other, reverse=False)  # zero gradient through rounding
        return quotient.trunc() if rounding_mode == "trunc" else quotient.floor()

    divide = div
    true_divide = __truediv__

    def exp(self) -> Tensor:
        return ops.Exp.apply(self)

    def log(self) -> Tensor:
        return ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        return ops.Sqrt.apply(self)

    def abs(self) -> Tensor:
        if self.array.dtype == np.bool_:
            raise dtypes.not_implemented("abs_cpu", np.bool_)
        return ops.Abs.apply(self)

    def relu(self) -> Tensor:
        return ops.ReLU.apply(self)

    def sigmoid(self) -> Tensor:
        return ops.Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        return ops.Tanh.apply(self)


def _bool_product(a_ndim, b_ndim):
    """The kernel PyTorch names when it refuses a product of bool tensors."""
    if a_ndim == 1 and b_ndim == 1:
        return "dot"
    return "bmm" if a_ndim > 2 or b_ndim > 2 else "addmm_impl_cpu_"


def _cast(t, dtype):
    """``t`` converted to ``dtype``, keeping it in the graph when it requires grad."""
    if t.array.dtype == dtype:
        return t
    if t.requires_grad and dtype.kind == "f":
        return ops.Cast.apply(t, dtype=dtype)
    return converted(t, dtype)


_CONVERTERS: dict[np.dtype, Callable[[np.ndarray], np.ndarray]] = {}


def converted(t, dtype):
    """A new tensor (no graph) holding ``t``'s values as ``dtype`` (a NumPy dtype)."""
    how = _CONVERTERS.get(dtype)
    if how is None:
        how = _CONVERTERS[dtype] = lambda array: array.astype(dtype)
    out = Tensor.wrap(how(t.array))
    if _STATE.recorder is not None:
        _STATE.recorder.derived(t, out.array, how)
    return out


def _check_assigned_grad(t, value):
    """PyTorch's checks of ``t.grad = value``: a tensor of t's shape and dtype."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}"
        )
    if value.array.shape != t.array.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(value.array.shape)}' to a "
            f"tensor of size '{list(t.array.shape)}'. Please ensure that the gradient and "
            f"the tensor are the same size"
        )
    if value.array.dtype.newbyteorder("=") != t.array.dtype.newbyteorder("="):
        raise RuntimeError(
            f"attempting to assign a gradient with dtype "
            f"'{dtypes.type_name(value.array.dtype)}' to a tensor with grad_dtype "
            f"'{dtypes.type_name(t.array.dtype)}'. The gradient must match the tensor's "
            f"grad_dtype (defaults to the tensor's dtype)."
        )


def _escape(reason):
    """A value leaves the tensor world: a step that does this cannot be replayed."""
    recorder = _STATE.recorder
    if recorder is not None and not recorder.paused:
        recorder.fail(f"it reads tensor values into Python ({reason})")


def _no_bool_subtraction(a, b):
    """PyTorch's errors for ``a - b`` (either order) with a bool tensor ``a`` or ``b``; a
    Python bool counts as a bool tensor, as in PyTorch."""
    bools = (a.array.dtype.kind == "b") + (
        b.__class__ is bool or (isinstance(b, Tensor) and b.array.dtype.kind == "b")
    )
    if bools == 2:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    if bools:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _size_list(t):
    return list(t.array.shape)


def _index(index):
    """Tensors inside an index become their arrays (integer-array and mask indexing)."""
    if isinstance(index, Tensor):
        return index.array
    if isinstance(index, tuple):
        for i in index:
            if isinstance(i, Tensor):
                return tuple(i.array if isinstance(i, Tensor) else i for i in index)
        return index  # (no tensor in it: no new tuple)
    if isinstance(index, list) and any(isinstance(i, Tensor) for i in index):
        return [i.array if isinstance(i, Tensor) else i for i in index]
    return index


_ndarray, _new = np.ndarray, object.__new__  # Tensor.wrap's, as globals


def _new_tensor(array, grad_fn=None):
    """A Tensor holding ``array`` (an ndarray), made by ``grad_fn``: every op's output."""
    t = _new(Tensor)
    _init(t, array, grad_fn)
    return t


_init = Tensor._init  # every tensor's fields are set here (a test counts the calls)


autograd.register_tensor_type(Tensor, _new_tensor)
_random.register_tensor_type(Tensor)
