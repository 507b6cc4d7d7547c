"""The long tail of PyTorch's Tensor methods (math, reductions, comparisons, shape and
indexing helpers, conversions), each a thin call to one Function in ``functions/``.
``Tensor`` inherits them; ``tensor.py`` keeps the essentials.

Conventions: arguments are checked here, with PyTorch's exception types and wording, so
no op in ``functions/`` ever sees a bad dim or an out-of-range index. Integer and bool
inputs of floating functions (sin, log2, ...) are promoted to the default float dtype,
as PyTorch does.
"""

import functools
import inspect
import math
import numbers
import operator

import numpy as np

from . import autograd, dtypes, histograms, return_types
from . import functions as ops
from . import random as _random
from ._missing import missing
from .device import check
from .functions._common import check_dim as _dim

_BY_TYPE_NAME = {name + "Tensor": dt for dt, name in dtypes._TYPE_NAMES.items()}


_UNSET = object()  # random_(from, None) differs from random_(to)


class TensorMethods:
    __slots__ = ()

    def __getattr__(self, name):
        # only reached when normal lookup fails: an unset slot or a PyTorch name we lack
        if name.startswith("_") or name in ("array", "grad", "requires_grad", "grad_fn"):
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        raise missing(f"Tensor.{name}")

    # ------------------------------------------------------------------ small things
    @property
    def T(self):
        # every axis reversed: always a valid order, so permute's checks are skipped
        return ops.Permute.apply(self, dims=tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self):
        if self.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. "
                f"Got {self.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    @property
    def is_sparse(self):
        return False

    @property
    def layout(self):
        return "strided"

    def is_floating_point(self):
        return self.array.dtype.kind == "f"

    def is_complex(self):
        return False

    def element_size(self):
        return self.array.dtype.itemsize

    def is_contiguous(self, memory_format=None):
        return bool(self.array.flags.c_contiguous)

    def contiguous(self, memory_format=None):
        """Self when its array is C-contiguous, else a contiguous copy (in the graph)."""
        return self if self.array.flags.c_contiguous else ops.Contiguous.apply(self)

    def stride(self, dim=None):
        strides = tuple(s // self.array.dtype.itemsize for s in self.array.strides)
        return strides if dim is None else strides[_dim(dim, self.ndim)]

    def data_ptr(self):
        return self.array.__array_interface__["data"][0]

    def _store(self, values):
        """Write the array ``values`` into this tensor's storage, as every in-place op and
        ``out=`` do: PyTorch's casting rule, then one more version."""
        if not dtypes.can_cast(values.dtype, self.array.dtype):
            raise RuntimeError(
                f"result type {dtypes.type_name(values.dtype)} can't be cast to "
                f"the desired output type {dtypes.type_name(self.array.dtype)}"
            )
        np.copyto(self.array, values, casting="unsafe")
        self._vbox[0] += 1
        return self

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        check(device)
        t = self.wrap(np.array(_to_array(data, dtypes.to_numpy(dtype or self.dtype))))
        return t.requires_grad_() if requires_grad else t

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.zeros, size, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.ones, size, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.empty, size, dtype, device, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self._new(
            lambda s, d: np.full(s, fill_value, d), (size,), dtype, device, requires_grad
        )

    def _new(self, make, size, dtype, device, requires_grad):
        check(device)
        t = self.wrap(make(_new_shape(size), dtypes.to_numpy(dtype) or self.array.dtype))
        return t.requires_grad_() if requires_grad else t

    # ------------------------------------------------------------------ devices, dtypes
    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        raise RuntimeError(
            "tinygrad_scores runs on the CPU only: .cuda() is not available "
            "(keep tensors on 'cpu'; torch.cuda.is_available() is False)"
        )

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``, with
        ``non_blocking`` and ``copy`` accepted. Devices other than the CPU are refused."""
        dtype = kwargs.pop("dtype", None)
        check(kwargs.pop("device", None))
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for arg in args:
            if isinstance(arg, TensorMethods):
                dtype = arg.dtype
            elif isinstance(arg, (dtypes.dtype, dtypes.UnstorableDtype, np.dtype, type)):
                dtype = arg
            elif isinstance(arg, bool):
                continue  # non_blocking or copy given positionally
            else:
                check(arg)  # a device: str, device or int
        out = self if dtype is None or dtypes.as_dtype(dtype) == self.dtype else self.type(dtype)
        return out.clone() if copy and out is self else out

    def type(self, dtype=None, non_blocking=False):
        """No argument: the type name PyTorch prints (``'torch.FloatTensor'``); with a dtype
        or such a name, the tensor converted to it (kept in the graph between floats)."""
        if dtype is None:
            return "torch." + dtypes.type_name(self.array.dtype) + "Tensor"
        if isinstance(dtype, str) and dtype.split(".")[-1] in _BY_TYPE_NAME:
            dtype = _BY_TYPE_NAME[dtype.split(".")[-1]]
        target = dtypes.to_numpy(dtype)
        if target == self.array.dtype:
            return self
        if self.requires_grad and target.kind == "f":
            return ops.Cast.apply(self, dtype=target)
        return self._converted(target)

    def type_as(self, other):
        return self.type(other.dtype)

    def float(self, memory_format=None):
        return self.type(dtypes.float32)

    def double(self, memory_format=None):
        return self.type(dtypes.float64)

    def half(self, memory_format=None):
        """float16 storage (NumPy computes in float16; no Numba kernel takes it)."""
        return self.type(dtypes.float16)

    def long(self, memory_format=None):
        return self.type(dtypes.int64)

    def int(self, memory_format=None):
        return self.type(dtypes.int32)

    def short(self, memory_format=None):
        return self.type(dtypes.int16)

    def char(self, memory_format=None):
        return self.type(dtypes.int8)

    def byte(self, memory_format=None):
        return self.type(dtypes.uint8)

    def bool(self, memory_format=None):
        return self.type(dtypes.bool_)

    # ------------------------------------------------------------------ unary math
    def _floating(self):
        """Self, or for integer and bool tensors a copy in the default float dtype."""
        if self.array.dtype.kind == "f":
            return self
        return self._converted(dtypes.default_float())

    def sin(self):
        return ops.Sin.apply(self._floating())

    def cos(self):
        return ops.Cos.apply(self._floating())

    def tan(self):
        return ops.Tan.apply(self._floating())

    def asin(self):
        return ops.Asin.apply(self._floating())

    def acos(self):
        return ops.Acos.apply(self._floating())

    def atan(self):
        return ops.Atan.apply(self._floating())

    def sinh(self):
        return ops.Sinh.apply(self._floating())

    def cosh(self):
        return ops.Cosh.apply(self._floating())

    def asinh(self):
        return ops.Asinh.apply(self._floating())

    def acosh(self):
        return ops.Acosh.apply(self._floating())

    def atanh(self):
        return ops.Atanh.apply(self._floating())

    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def log1p(self):
        return ops.Log1p.apply(self._floating())

    def expm1(self):
        return ops.Expm1.apply(self._floating())

    def log2(self):
        return ops.Log2.apply(self._floating())

    def log10(self):
        return ops.Log10.apply(self._floating())

    def exp2(self):
        return ops.Exp2.apply(self._floating())

    def rsqrt(self):
        return ops.Rsqrt.apply(self._floating())

    def reciprocal(self):
        return ops.Reciprocal.apply(self._floating())

    def square(self):
        """a * a; integer tensors stay integer (bool becomes int64), as PyTorch."""
        a = self if self.array.dtype != np.bool_ else self.long()
        return ops.Square.apply(a)

    def erf(self):
        return ops.Erf.apply(self._floating())

    def softplus(self, beta=1.0, threshold=20.0):
        return ops.Softplus.apply(self._floating(), beta=beta, threshold=threshold)

    def hardshrink(self, lambd=0.5):
        """self where |self| > lambd, else 0 (floating dtypes only, as PyTorch)."""
        dtypes.float_only(self.array, "hardshrink_cpu")
        return ops.Hardshrink.apply(self, lambd=dtypes.scalar_to(lambd, self.array.dtype))

    def sign(self):
        if self.array.dtype == np.bool_:
            return self.clone()
        return ops.Sign.apply(self)

    sgn = sign

    def floor(self):
        return self._round_op("floor")

    def ceil(self):
        return self._round_op("ceil")

    def trunc(self):
        return self._round_op("trunc")

    fix = trunc

    def round(self, decimals=0):
        return self._round_op("round", decimals=decimals)

    def _round_op(self, op, decimals=0):
        if self.array.dtype.kind != "f":  # integers are already whole
            if self.array.dtype == np.bool_:
                raise dtypes.not_implemented(f"{op}_vml_cpu", np.bool_)
            return self.clone()
        op_class = {"floor": ops.Floor, "ceil": ops.Ceil, "round": ops.Round, "trunc": ops.Trunc}[
            op
        ]
        return op_class.apply(self, decimals=decimals)

    def frac(self):
        dtypes.float_only(self.array, "frac_cpu")
        return ops.Frac.apply(self)

    def positive(self):
        return self

    # ------------------------------------------------------------------ binary math
    def _float_binary(self, fn, other):
        """A binary op whose result is floating: both sides promoted, ints to float."""
        dtype = dtypes.result_type(self, value_of(other))
        if dtype.kind != "f":
            dtype = dtypes.default_float()
        return self._binary(fn, other, result_dtype=dtype)

    def atan2(self, other):
        return self._float_binary(ops.Atan2, other)

    arctan2 = atan2

    def hypot(self, other):
        return self._float_binary(ops.Hypot, other)

    def logaddexp(self, other):
        return self._float_binary(ops.LogAddExp, other)

    def maximum(self, other):
        return self._binary(ops.Maximum, _tensor_only(other, "maximum"))

    def minimum(self, other):
        return self._binary(ops.Minimum, _tensor_only(other, "minimum"))

    def fmax(self, other):
        return self._binary(ops.Fmax, _tensor_only(other, "fmax"))

    def fmin(self, other):
        return self._binary(ops.Fmin, _tensor_only(other, "fmin"))

    def remainder(self, other):
        return self._binary(ops.Remainder, other)

    def fmod(self, other):
        return self._binary(ops.Fmod, other)

    def __mod__(self, other):
        return self._binary(ops.Remainder, other)

    def __rmod__(self, other):
        return self._binary(ops.Remainder, other, reverse=True)

    def floor_divide(self, other):
        return self.div(other, rounding_mode="floor")

    def __floordiv__(self, other):
        return self.div(other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return self._operand(other).div(self, rounding_mode="floor")

    def lerp(self, end, weight):
        """self + weight * (end - self); weight a number or a tensor."""
        if self.array.dtype.kind != "f" and not isinstance(weight, TensorMethods):
            raise dtypes.not_implemented("lerp_kernel_scalar", self.array.dtype)
        weight = (
            weight
            if isinstance(weight, TensorMethods)
            else self.wrap(np.asarray(weight, self.array.dtype))
        )
        return ops.Lerp.apply(self, end, weight)

    def addcmul(self, tensor1, tensor2, value=1):
        return self + value * tensor1 * tensor2

    def addcdiv(self, tensor1, tensor2, value=1):
        return self + value * (tensor1 / tensor2)

    def clamp(self, min=None, max=None):  # noqa: A002
        """Elementwise min(max(self, min), max); either bound may be None, a number or a
        tensor. Where min > max every element is max, as PyTorch."""
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        lo, hi = (_bound(self, b) for b in (min, max))
        out = self
        if any(isinstance(b, TensorMethods) and b.dtype != self.dtype for b in (lo, hi)):
            dtype = dtypes.result_type(self, *(b for b in (lo, hi) if b is not None))
            out, lo, hi = (None if b is None else b.type(dtype) for b in (self, lo, hi))
        return ops.Clamp.apply(out, lo, hi)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return self.clamp(min=min)

    def clamp_max(self, max):  # noqa: A002
        return self.clamp(max=max)

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other``."""
        return select_where(condition, self, other)

    # ------------------------------------------------------------------ logic and bits
    def _logical(self, op, other=None):
        a = self.array.astype(bool)
        if other is None:
            return self.wrap(op(a))
        return self.wrap(np.asarray(op(a, np.asarray(value_of(other)).astype(bool))))

    def logical_not(self):
        return self._logical(np.logical_not)

    def logical_and(self, other):
        return self._logical(np.logical_and, other)

    def logical_or(self, other):
        return self._logical(np.logical_or, other)

    def logical_xor(self, other):
        return self._logical(np.logical_xor, other)

    def _bitwise(self, op, other, name):
        for side in (self.array, np.asarray(value_of(other))):
            if side.dtype.kind == "f":
                raise dtypes.not_implemented(f"{name}_cpu", side.dtype)
        b = other.array if isinstance(other, TensorMethods) else other
        out = op(self.array, b)
        if not isinstance(other, TensorMethods):
            out = out.astype(self.array.dtype)
        return self.wrap(np.asarray(out))

    def bitwise_and(self, other):
        return self._bitwise(np.bitwise_and, other, "bitwise_and")

    def bitwise_or(self, other):
        return self._bitwise(np.bitwise_or, other, "bitwise_or")

    def bitwise_xor(self, other):
        return self._bitwise(np.bitwise_xor, other, "bitwise_xor")

    def bitwise_not(self):
        if self.array.dtype.kind == "f":
            raise dtypes.not_implemented("bitwise_not_cpu", self.array.dtype)
        return self.wrap(np.invert(self.array))

    def __invert__(self):
        if self.array.dtype.kind == "f":
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return self.bitwise_not()

    __and__ = bitwise_and
    __or__ = bitwise_or
    __xor__ = bitwise_xor

    def __rand__(self, other):
        return self.bitwise_and(other)

    def __ror__(self, other):
        return self.bitwise_or(other)

    def __rxor__(self, other):
        return self.bitwise_xor(other)

    # ------------------------------------------------------------------ comparisons
    def _compare_checked(self, op, other):
        result = self._compare(op, other)
        if result is NotImplemented:
            raise TypeError(f"comparison of a Tensor with {type(other).__name__} is not supported")
        return result

    def eq(self, other):
        return self._compare_checked(np.equal, other)

    def ne(self, other):
        return self._compare_checked(np.not_equal, other)

    def lt(self, other):
        return self._compare_checked(np.less, other)

    def le(self, other):
        return self._compare_checked(np.less_equal, other)

    def gt(self, other):
        return self._compare_checked(np.greater, other)

    def ge(self, other):
        return self._compare_checked(np.greater_equal, other)

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    def isnan(self):
        return self.wrap(np.isnan(self.array))

    def isinf(self):
        return self.wrap(np.isinf(self.array))

    def isfinite(self):
        return self.wrap(np.isfinite(self.array))

    def isposinf(self):
        return self.wrap(np.isposinf(self.array))

    def isneginf(self):
        return self.wrap(np.isneginf(self.array))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """|self - other| <= atol + rtol * |other|, elementwise."""
        return self.wrap(np.asarray(np.isclose(self.array, value_of(other), rtol, atol, equal_nan)))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.allclose(self.array, value_of(other), rtol, atol, equal_nan))

    def equal(self, other):
        """True when both have the same shape and elements."""
        other = value_of(other)
        return self.array.shape == np.shape(other) and bool(np.all(self.array == other))

    # ------------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, dtype=None):
        """Sum over ``dim`` (an int, a list, or every dim); integers and bools sum in int64
        as PyTorch."""
        a = self if dtype is None and self.array.dtype.kind == "f" else self._reduction_input(dtype)
        return ops.Sum.apply(a, dim=_dims(dim), keepdim=keepdim)

    def _reduction_input(self, dtype):
        if dtype is not None:
            return self.type(dtype)
        if self.array.dtype.kind in "biu" and self.array.dtype != np.int64:
            return self.long()
        return self

    def nansum(self, dim=None, keepdim=False, dtype=None):
        return self.where(~self.isnan(), 0).sum(dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        a = self.type(dtype) if dtype is not None else self
        if a.array.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be "
                f"either a floating point or complex dtype. Got: "
                f"{dtypes.type_name(a.array.dtype)}"
            )
        return ops.Mean.apply(a, dim=_dims(dim), keepdim=keepdim)

    def nanmean(self, dim=None, keepdim=False):
        keep = ~self.isnan()
        with np.errstate(divide="ignore", invalid="ignore"):  # no values: nan, silently
            return self.nansum(dim, keepdim) / keep.sum(dim, keepdim)

    def prod(self, dim=None, keepdim=False, dtype=None):
        a = self._reduction_input(dtype)
        if dim is not None:
            dim = _dim(dim, a.ndim)
            if a.ndim == 0:
                return a.clone()
        return ops.Prod.apply(a, dim=dim, keepdim=keepdim)

    def max(self, dim=None, keepdim=False):
        """max(): the largest element; max(dim): (values, indices); max(other): maximum."""
        if isinstance(dim, TensorMethods):
            return self.maximum(dim)
        if dim is None:
            return ops.Max.apply(self, dim=None)
        dim = _dim(dim, self.ndim)
        values = ops.Max.apply(self, dim=dim, keepdim=keepdim)
        return return_types.max(values, self.argmax(dim, keepdim=keepdim))

    def min(self, dim=None, keepdim=False):
        """min(): the smallest element; min(dim): (values, indices); min(other): minimum."""
        if isinstance(dim, TensorMethods):
            return self.minimum(dim)
        if dim is None:
            if self.array.size == 0:
                raise RuntimeError(
                    "min(): Expected reduction dim to be specified for "
                    "input.numel() == 0. Specify the reduction dim with the "
                    "'dim' argument."
                )
            # PyTorch's min() shares among ties as max() and median() do (a NaN: the NaNs)
            return ops.PickValue.apply(self, value=np.min(self.array))
        dim = _dim(dim, self.ndim)
        indices = self.argmin(dim, keepdim=True)
        return return_types.min(*self._pick_along(indices, dim, keepdim))

    def _pick_along(self, indices, dim, keepdim):
        """(values, indices) of a selection along ``dim``; ``indices`` keeps dim."""
        if self.ndim == 0:
            return self.clone(), indices.reshape(())
        values = ops.Gather.apply(self, index=indices.array, dim=dim)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices

    def amax(self, dim=(), keepdim=False):
        return ops.Amax.apply(self, dim=_dims(dim), keepdim=keepdim)

    def amin(self, dim=(), keepdim=False):
        return ops.Amin.apply(self, dim=_dims(dim), keepdim=keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        if self.array.size == 0 and (dim is None or self.array.shape[_dim(dim, self.ndim)] == 0):
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation "
                "has no identity."
            )
        return return_types.aminmax(
            self.amin(dim if dim is not None else (), keepdim),
            self.amax(dim if dim is not None else (), keepdim),
        )

    def _arg_extreme(self, find, name, dim, keepdim):
        if self.array.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if self.array.size == 0:
                raise IndexError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                )
            return self.wrap(np.asarray(find(self.array), dtype=np.int64))
        dim = _dim(dim, self.ndim)
        if self.ndim == 0:
            return self.wrap(np.zeros((), np.int64))
        if self.array.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        return self.wrap(np.asarray(find(self.array, axis=dim, keepdims=keepdim), np.int64))

    def argmax(self, dim=None, keepdim=False):
        return self._arg_extreme(np.argmax, "argmax", dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return self._arg_extreme(np.argmin, "argmin", dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Variance over ``dim`` with ``correction`` (default 1, Bessel's) or the older
        ``unbiased`` flag; ``var(False)`` is the old ``var(unbiased)`` form."""
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        if correction is not None and unbiased is not None:
            raise RuntimeError("var: can't specify both correction and unbiased")
        correction = correction if correction is not None else (0 if unbiased is False else 1)
        if self.array.dtype.kind != "f":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        return ops.Var.apply(self, dim=_dims(dim), correction=correction, keepdim=keepdim)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Square root of ``var`` with the same arguments."""
        return ops.Std.apply(self.var(dim, unbiased, keepdim, correction=correction))

    def logsumexp(self, dim, keepdim=False):
        return ops.LogSumExp.apply(self._floating(), dim=_dims(dim), keepdim=keepdim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """Vector p-norm over ``dim`` (every element when None): p = 2 / 'fro', 1, inf,
        -inf, 0 or any other number. Matrix norms ('nuc', p over a pair of dims except
        'fro') are not provided."""
        a = self.type(dtype) if dtype is not None else self
        if a.array.dtype.kind != "f":
            raise RuntimeError(
                f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                f"Got {dtypes.type_name(a.array.dtype)}"
            )
        if p == "fro" or p is None:
            p = 2
        if isinstance(p, str):
            raise missing(f"Tensor.norm(p='{p}')")
        axes = tuple(range(a.ndim)) if dim is None else tuple(_as_list(dim))
        axes = tuple(_dim(d, a.ndim) for d in axes) if a.ndim else ()
        if p == 0:
            return (a != 0).sum(axes, keepdim).type(a.dtype)
        if p == -math.inf:
            return a.abs().amin(axes, keepdim)
        return ops.VectorNorm.apply(a, p=float(p), dim=axes, keepdim=keepdim)

    def cumsum(self, dim, dtype=None):
        a = self._reduction_input(dtype)
        if a.ndim == 0:
            return a.clone()
        return ops.CumSum.apply(a, dim=_dim(dim, a.ndim))

    def cumprod(self, dim, dtype=None):
        a = self._reduction_input(dtype)
        if a.ndim == 0:
            return a.clone()
        return ops.CumProd.apply(a, dim=_dim(dim, a.ndim))

    def all(self, dim=None, keepdim=False):
        axes = None if dim is None else _axes_tuple(dim, self.ndim)
        return self.wrap(np.asarray(np.all(self.array, axis=axes, keepdims=keepdim)))

    def any(self, dim=None, keepdim=False):
        axes = None if dim is None else _axes_tuple(dim, self.ndim)
        return self.wrap(np.asarray(np.any(self.array, axis=axes, keepdims=keepdim)))

    def count_nonzero(self, dim=None):
        axes = None if dim is None else _axes_tuple(dim, self.ndim)
        return self.wrap(np.asarray(np.count_nonzero(self.array, axis=axes), np.int64))

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along ``dim``; always stable here; NaN sorts as the
        largest value, as PyTorch."""
        if isinstance(dim, bool):  # sort(stable=...) given positionally is not PyTorch's
            raise TypeError("sort(): dim must be an int")
        if self.ndim == 0:
            return return_types.sort(self.clone(), self.wrap(np.zeros((), np.int64)))
        dim = _dim(dim, self.ndim)
        indices = self.wrap(_sort_indices(self.array, dim, descending))
        values = ops.Gather.apply(self, index=indices.array, dim=dim)
        return return_types.sort(values, indices)

    def argsort(self, dim=-1, descending=False, stable=False):
        return self.sort(dim, descending).indices

    def msort(self):
        return self.sort(0).values

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        """The k largest (or smallest) elements along ``dim``, in sorted order."""
        if self.array.dtype == np.bool_:
            raise RuntimeError("topk does not support bool dtypes on CPU")
        size = self.array.shape[_dim(dim, self.ndim)] if self.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError("selected index k out of range")
        if self.ndim == 0:
            return return_types.topk(self.clone(), self.wrap(np.zeros((), np.int64)))
        dim = _dim(dim, self.ndim)
        order = _sort_indices(self.array, dim, descending=largest)
        indices = self.wrap(np.take(order, np.arange(k), axis=dim))
        return return_types.topk(ops.Gather.apply(self, index=indices.array, dim=dim), indices)

    def kthvalue(self, k, dim=-1, keepdim=False):
        """The k-th smallest element (1-based) along ``dim`` and its index."""
        if self.array.dtype == np.bool_:
            raise dtypes.not_implemented("kthvalue_cpu", np.bool_)
        size = self.array.shape[_dim(dim, self.ndim)] if self.ndim else 1
        if not 1 <= k <= size:
            raise IndexError(f"kthvalue(): selected number k out of range for dimension {dim}")
        if self.ndim == 0:
            return return_types.kthvalue(self.clone(), self.wrap(np.zeros((), np.int64)))
        dim = _dim(dim, self.ndim)
        order = _sort_indices(self.array, dim, descending=False)
        indices = self.wrap(np.take(order, [k - 1], axis=dim))
        return return_types.kthvalue(*self._pick_along(indices, dim, keepdim))

    def median(self, dim=None, keepdim=False):
        """median(): the lower median of all elements (NaN if any is NaN);
        median(dim): (values, indices) of the lower median along ``dim``."""
        a = self.array
        if a.dtype == np.bool_:
            raise dtypes.not_implemented("median_cpu", np.bool_)
        if dim is None:
            if a.size == 0:
                return self.wrap(np.asarray(np.nan, a.dtype if a.dtype.kind == "f" else np.float32))
            flat = np.sort(a.reshape(-1))
            value = flat[-1] if np.isnan(flat[-1]) else flat[(flat.size - 1) // 2]
            return ops.PickValue.apply(self, value=value)
        dim = _dim(dim, self.ndim)
        if self.ndim == 0:
            return return_types.median(self.clone(), self.wrap(np.zeros((), np.int64)))
        n = a.shape[dim]
        if n == 0:
            raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size.")
        order = _sort_indices(a, dim, descending=False)
        nans = np.isnan(a).sum(axis=dim, keepdims=True) if a.dtype.kind == "f" else 0
        # with NaNs in a slice, its median is the first NaN (they sort last)
        pos = np.where(nans > 0, n - nans, (n - 1) // 2)
        pos = np.broadcast_to(pos, a.shape[:dim] + (1,) + a.shape[dim + 1 :])
        indices = self.wrap(np.take_along_axis(order, pos, axis=dim))
        return return_types.median(*self._pick_along(indices, dim, keepdim))

    def unique(
        self,
        sorted=True,
        return_inverse=False,
        return_counts=False,  # noqa: A002
        dim=None,
    ):
        """The distinct elements, sorted (no gradient, as PyTorch)."""
        values, inverse, counts = np.unique(
            self.array, return_inverse=True, return_counts=True, axis=dim
        )
        out = [self.wrap(values)]
        if return_inverse:
            out.append(
                self.wrap(inverse.reshape(self.array.shape if dim is None else -1).astype(np.int64))
            )
        if return_counts:
            out.append(self.wrap(counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self, weights=None, minlength=0):
        return histograms.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002  (PyTorch's names)
        return histograms.histc(self, bins, min, max)

    def histogram(self, bins, *, range=None, weight=None, density=False):  # noqa: A002
        return histograms.histogram(self, bins, range=range, weight=weight, density=density)

    # ------------------------------------------------------------------ shape methods
    def reshape(self, *shape):
        shape = _resolve_shape(_shape_args(shape), self.array.size)
        return ops.Reshape.apply(self, shape=shape)  # a new view even to the same shape

    def view(self, *shape):
        """A reshape that refuses to copy, as PyTorch's view: a tensor whose memory layout
        can't be re-described with the new shape (after transpose, permute) raises."""
        if (
            len(shape) == 1
            and shape[0].__class__ is not int
            and isinstance(shape[0], (dtypes.dtype, np.dtype, type))
        ):
            raise missing("Tensor.view(dtype)")
        array = self.array
        shape = _resolve_shape(_shape_args(shape), array.size)
        try:
            if not array.flags.c_contiguous:  # (a C-contiguous array always has a view)
                array.reshape(shape, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride "
                "(at least one dimension spans across two contiguous subspaces). "
                "Use .reshape(...) instead."
            ) from None
        return ops.Reshape.apply(self, shape=shape)

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self.array.shape
        if not shape:
            return self.reshape(1)
        start, end = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if start == end:  # nothing to join: PyTorch returns the tensor itself
            return self
        middle = int(np.prod(shape[start : end + 1]))
        return self.reshape(shape[:start] + (middle,) + shape[end + 1 :])

    def ravel(self):
        return self.reshape(-1)  # always a new tensor (flatten may return self)

    def unflatten(self, dim, sizes):
        dim = _dim(dim, self.ndim)
        sizes = _resolve_shape(tuple(sizes), self.array.shape[dim])
        return self.reshape(self.array.shape[:dim] + sizes + self.array.shape[dim + 1 :])

    def unsqueeze(self, dim):
        dim = _dim(dim, self.ndim + 1)
        return self.reshape(self.array.shape[:dim] + (1,) + self.array.shape[dim:])

    def squeeze(self, dim=None):
        """Drop size-1 dims: all of them, or those of ``dim`` (an int or a tuple) that are 1."""
        shape = self.array.shape
        if dim is None:
            drop = {i for i, n in enumerate(shape) if n == 1}
        else:
            dims = dim if isinstance(dim, (tuple, list)) else (dim,)
            drop = {d for d in (_dim(d, self.ndim) for d in dims) if self.ndim and shape[d] == 1}
        if not drop:
            return self
        return self.reshape(tuple(n for i, n in enumerate(shape) if i not in drop))

    def permute(self, *dims):
        dims = _shape_args(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input "
                f"does not match the length of the desired ordering of dimensions "
                f"i.e. input.dim() = {self.ndim} is not equal to len(dims) = "
                f"{len(dims)}"
            )
        dims = tuple(_dim(d, self.ndim) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return ops.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        dim0, dim1 = _dim(dim0, self.ndim), _dim(dim1, self.ndim)
        if self.ndim < 2 or dim0 == dim1:
            return ops.Permute.apply(self, dims=tuple(range(self.ndim)))
        dims = list(range(self.ndim))
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return ops.Permute.apply(self, dims=tuple(dims))

    swapaxes = swapdims = transpose

    def t(self):
        ndim = self.array.ndim
        if ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
        return ops.Permute.apply(self, dims=_REVERSED[ndim])  # as .T

    def movedim(self, source, destination):
        src = [_dim(d, self.ndim) for d in _as_list(source)]
        dst = [_dim(d, self.ndim) for d in _as_list(destination)]
        if len(src) != len(dst):
            raise RuntimeError(
                f"movedim: Invalid source or destination dims: source ({src} "
                f"dims) should contain the same number of dims as destination "
                f"({dst} dims)"
            )
        order = [n for n in range(self.ndim) if n not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return self.permute(order)

    moveaxis = movedim

    def expand(self, *sizes):
        """Broadcast to ``sizes``; new leading dims may be added, -1 keeps a dim."""
        sizes = _shape_args(sizes)
        shape = self.array.shape
        if len(sizes) < len(shape):
            raise RuntimeError(
                f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): "
                f"the number of sizes provided ({len(sizes)}) must be greater or "
                f"equal to the number of dimensions in the tensor ({len(shape)})"
            )
        lead = len(sizes) - len(shape)
        target = []
        for i, n in enumerate(sizes):
            old = shape[i - lead] if i >= lead else None
            if n == -1:
                if old is None:
                    raise RuntimeError(
                        f"The expanded size of the tensor (-1) isn't allowed in "
                        f"a leading, non-existing dimension {i}"
                    )
                n = old
            elif old is not None and old != 1 and old != n:
                raise RuntimeError(
                    f"The expanded size of the tensor ({n}) must match the "
                    f"existing size ({old}) at non-singleton dimension {i}.  "
                    f"Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
                )
            target.append(n)
        target = tuple(target)
        return self if target == shape else ops.Expand.apply(self, shape=target)

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, size):
        return self.expand(size)

    def repeat(self, *sizes):
        """Tile the tensor ``sizes[i]`` times along dim i (new leading dims allowed)."""
        sizes = _shape_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than "
                "number of dimensions of tensor"
            )
        shape = (1,) * (len(sizes) - self.ndim) + self.array.shape
        # (s0, s1) -> (1, s0, 1, s1) -> broadcast (r0, s0, r1, s1) -> (r0*s0, r1*s1)
        paired = tuple(n for s in shape for n in (1, s))
        spread = tuple(n for r, s in zip(sizes, shape) for n in (r, s))
        return (
            self.reshape(paired).expand(spread).reshape(tuple(r * s for r, s in zip(sizes, shape)))
        )

    def tile(self, *dims):
        dims = _shape_args(dims)
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)

    def flip(self, *dims):
        dims = tuple(_dim(d, self.ndim) for d in _shape_args(dims))
        if self.ndim == 0:  # a 0-d tensor flips to itself (dim 0 or -1 accepted)
            dims = ()
        return ops.Flip.apply(self, dims=dims)

    def fliplr(self):
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self):
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def roll(self, shifts, dims=None):
        if dims is None:
            return ops.Roll.apply(self.flatten(), shifts=shifts, dims=None).view(self.shape)
        shifts, dims = _as_list(shifts), [_dim(d, self.ndim) for d in _as_list(dims)]
        if len(shifts) != len(dims):
            raise RuntimeError(
                f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
            )
        return ops.Roll.apply(self, shifts=tuple(shifts), dims=tuple(dims))

    def narrow(self, dim, start, length):
        dim = _dim(dim, self.ndim)
        size = self.array.shape[dim]
        start = int(start) + (size if start < 0 else 0)
        if not 0 <= start <= size or not 0 <= length <= size - start:
            raise RuntimeError(
                f"start ({start}) + length ({length}) exceeds dimension size ({size})."
            )
        return self[(slice(None),) * dim + (slice(start, start + length),)]

    def select(self, dim, index):
        dim = _dim(dim, self.ndim)
        size = self.array.shape[dim]
        if not -size <= index < size:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size "
                f"{list(self.array.shape)} at dimension {dim}"
            )
        return self[(slice(None),) * dim + (index,)]

    def split(self, split_size_or_sections, dim=0):
        if self.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        dim = _dim(dim, self.ndim)
        size = self.array.shape[dim]
        if isinstance(split_size_or_sections, numbers.Integral):
            step = int(split_size_or_sections)
            if step <= 0 and size:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got "
                    f"dimension size of {size}"
                )
            sections = [min(step, size - s) for s in range(0, size, step)] if size else [0]
        else:
            sections = [int(n) for n in split_size_or_sections]
            if sum(sections) != size:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to "
                    f"{size} (input tensor's size at dimension {dim}), but got "
                    f"split_sizes={sections}"
                )
        starts = np.cumsum([0] + sections[:-1])
        return tuple(self.narrow(dim, int(s), n) for s, n in zip(starts, sections))

    def tensor_split(self, indices_or_sections, dim=0):
        dim = _dim(dim, self.ndim)
        return tuple(
            self[(slice(None),) * dim + (slice(int(s), int(e)),)]
            for s, e in _section_bounds(self.array.shape[dim], indices_or_sections)
        )

    def chunk(self, chunks, dim=0):
        """Split into at most ``chunks`` pieces of ceil(n / chunks) (the last may be shorter,
        and there may be fewer pieces, as PyTorch)."""
        if chunks <= 0:
            raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
        if self.ndim == 0:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        size = self.array.shape[_dim(dim, self.ndim)]
        if size == 0:  # ``chunks`` empty pieces, as PyTorch
            return tuple(self.narrow(dim, 0, 0) for _ in range(chunks))
        return self.split(-(-size // chunks), dim)

    def unbind(self, dim=0):
        dim = _dim(dim, self.ndim)
        return tuple(self.select(dim, i) for i in range(self.array.shape[dim]))

    def gather(self, dim, index):
        """out[i][j] = self[i][index[i][j]] for dim 1 (any dim likewise)."""
        dim = _dim(dim, self.ndim)
        idx = _check_index(self, index, dim, "gather", same_rank=True)
        return ops.Gather.apply(self, index=idx, dim=dim)

    def take_along_dim(self, indices, dim=None):
        if dim is None:
            return self.flatten().gather(0, indices.flatten())
        dim = _dim(dim, self.ndim)
        if indices.ndim != self.ndim:
            raise RuntimeError(
                "torch.take_along_dim(): input and indices should have the same "
                "number of dimensions"
            )
        a_shape, i_shape = list(self.array.shape), list(indices.shape)
        a_shape[dim] = i_shape[dim] = 1
        common = list(np.broadcast_shapes(tuple(a_shape), tuple(i_shape)))
        a_target, i_target = list(common), list(common)
        a_target[dim], i_target[dim] = self.array.shape[dim], indices.shape[dim]
        return self.expand(a_target).gather(dim, indices.expand(i_target))

    def take(self, index):
        idx = _check_index(self.flatten(), index, 0, "take", same_rank=False)
        return self.flatten()[idx]

    def unfold(self, dimension, size, step):
        """Every window of ``size`` elements along ``dimension``, ``step`` apart, as a new
        last dim (a copy: PyTorch returns a view, so writing into the windows does not reach
        self here); the gradient adds each window back where it came from."""
        a = self if self.ndim else self.reshape(1)
        dim = _dim(dimension, a.ndim)
        length = a.array.shape[dim]
        if size < 0:
            raise RuntimeError(f"size is {size} but must be >= 0")
        if size > length:
            raise RuntimeError(
                f"maximum size for tensor at dimension {dim} is {length} but size is {size}"
            )
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        starts = np.arange(0, length - size + 1, step)
        index = (starts[:, None] + np.arange(size)).reshape(-1)
        windows = ops.IndexSelect.apply(a, index=index, dim=dim)
        if not self.ndim:  # a 0-d tensor's one window: shape [size]
            return windows.reshape(size)
        shape = a.array.shape[:dim] + (len(starts), size) + a.array.shape[dim + 1 :]
        return windows.reshape(shape).movedim(dim + 1, -1)

    def index_select(self, dim, index):
        dim = _dim(dim, self.ndim)
        idx = _index_array(index, "index_select")
        if idx.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        size = self.array.shape[dim] if self.ndim else 1
        bad = idx[(idx < -size) | (idx >= size)]
        if bad.size:
            raise IndexError("index out of range in self")
        if self.ndim == 0:
            return self.reshape(1)[idx.reshape(-1)].reshape(idx.shape)
        return ops.IndexSelect.apply(self, index=idx.reshape(-1) % max(size, 1), dim=dim)

    def scatter(self, dim, index, src=None, value=None, reduce=None):
        """self with self[i][index[i][j]] = src[i][j] (dim 1); ``src`` a tensor or a number.
        ``reduce='add'`` adds instead of writing."""
        src = value if src is None else src
        dim = _dim(dim, self.ndim)
        idx = _check_index(self, index, dim, "scatter", same_rank=True)
        if isinstance(src, TensorMethods):
            _check_src(src, idx, dim)
            src = src.type(self.dtype)
        else:
            src = np.asarray(src, self.array.dtype)
        if reduce == "add":
            src = (
                src
                if isinstance(src, TensorMethods)
                else self.wrap(np.broadcast_to(src, idx.shape).copy())
            )
            return ops.ScatterAdd.apply(self, src, index=idx, dim=dim)
        if reduce is not None:
            raise missing(f"Tensor.scatter(reduce='{reduce}')")
        return ops.Scatter.apply(self, src, index=idx, dim=dim)

    def scatter_add(self, dim, index, src):
        dim = _dim(dim, self.ndim)
        idx = _check_index(self, index, dim, "scatter_add", same_rank=True)
        _check_src(src, idx, dim)
        return ops.ScatterAdd.apply(self, src.type(self.dtype), index=idx, dim=dim)

    def scatter_(self, dim, index, src=None, value=None, reduce=None):
        return self._apply_inplace(
            lambda s: s.scatter(dim, index, src, value, reduce),
            src if isinstance(src, TensorMethods) else None,
        )

    def scatter_add_(self, dim, index, src):
        return self._apply_inplace(lambda s: s.scatter_add(dim, index, src), src)

    def masked_fill(self, mask, value):
        """self with ``value`` wherever the bool ``mask`` (broadcast to self) is True."""
        mask = _bool_mask(mask, "masked_fill")
        if isinstance(value, TensorMethods):
            if value.ndim:
                raise RuntimeError(
                    f"masked_fill_ only supports a 0-dimensional value tensor, "
                    f"but got tensor with {value.ndim} dimension(s)."
                )
            value = value.type(self.dtype)
        else:
            value = self.wrap(np.asarray(value).astype(self.array.dtype))
        return ops.Where.apply(value, self, cond=mask)

    def masked_fill_(self, mask, value):
        return self._apply_inplace(
            lambda s: s.masked_fill(mask, value),
            value if isinstance(value, TensorMethods) else None,
        )

    def masked_select(self, mask):
        mask = _bool_mask(mask, "masked_select")
        shape = np.broadcast_shapes(self.array.shape, mask.shape)
        return self.expand(shape)[np.broadcast_to(mask, shape)]

    def index_fill(self, dim, index, value):
        mask = np.zeros(self.array.shape[_dim(dim, self.ndim)], bool)
        mask[_index_array(index, "index_fill")] = True
        shape = [1] * self.ndim
        shape[_dim(dim, self.ndim)] = -1
        return self.masked_fill(self.wrap(mask.reshape(shape)), value)

    def nonzero(self, as_tuple=False):
        where = np.argwhere(self.array) if self.ndim else np.argwhere(self.array.reshape(1))
        if as_tuple:  # a 0-d tensor counts as one element: (tensor([0]),) when nonzero
            return tuple(self.wrap(np.ascontiguousarray(c, dtype=np.int64)) for c in where.T)
        if not self.ndim:  # one row per nonzero element, no columns: [1, 0] or [0, 0]
            where = where[:, :0]
        return self.wrap(where.astype(np.int64))

    def argwhere(self):
        return self.nonzero()

    def diag(self, diagonal=0):
        if self.ndim == 1:
            n = self.array.shape[0] + abs(diagonal)
            rows = np.arange(self.array.shape[0]) + max(-diagonal, 0)
            cols = np.arange(self.array.shape[0]) + max(diagonal, 0)
            zeros = self.wrap(np.zeros((n, n), self.array.dtype))
            return ops.IndexPut.apply(zeros, self, index=(rows, cols))
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{self.ndim}D")

    def diagonal(self, offset=0, dim1=0, dim2=1):
        a = self.movedim((dim1, dim2), (-2, -1))
        rows, cols = a.array.shape[-2:]
        r = np.arange(max(-offset, 0), rows)
        c = r + offset
        keep = (c >= 0) & (c < cols)
        return a[..., r[keep], c[keep]]

    def trace(self):
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        if self.array.dtype == np.bool_:
            raise dtypes.not_implemented("trace", np.bool_)
        return self.diagonal().sum()

    def tril(self, diagonal=0):
        _at_least_2d(self, "tril")
        return self._keep(np.tri(*self.array.shape[-2:], diagonal, bool))

    def triu(self, diagonal=0):
        _at_least_2d(self, "triu")
        return self._keep(~np.tri(*self.array.shape[-2:], diagonal - 1, bool))

    def _keep(self, mask):
        """self where ``mask``, else 0 of self's dtype: a where, not a product, so an inf
        or NaN outside the mask gives 0, as PyTorch's tril/triu."""
        return select_where(mask, self, self.wrap(np.zeros((), self.array.dtype)))

    # ------------------------------------------------------------------ more elementwise
    def signbit(self):
        return self.wrap(np.signbit(self.array))

    def isreal(self):
        return self.wrap(np.ones(self.array.shape, bool))

    def deg2rad(self):
        return self._floating() * (math.pi / 180.0)

    def rad2deg(self):
        return self._floating() * (180.0 / math.pi)

    def logaddexp2(self, other):
        """log2(2**self + 2**other), as logaddexp on the natural scale."""
        ln2 = math.log(2.0)
        return (self * ln2).logaddexp(other * ln2) / ln2

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced (by 0 and the dtype's largest and smallest finite
        values unless given); the gradient flows where the value was finite."""
        if self.array.dtype.kind != "f":
            return self.clone()
        info = np.finfo(self.array.dtype)
        a = self.array
        fill = np.where(
            np.isnan(a),
            nan,
            np.where(
                a > 0,
                info.max if posinf is None else posinf,
                info.min if neginf is None else neginf,
            ),
        )
        return ops.Where.apply(self, self.wrap(fill.astype(a.dtype)), cond=np.isfinite(a))

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """n-th forward difference along ``dim`` (after joining prepend / append); of a bool
        tensor, whether neighbours differ (xor), as PyTorch."""
        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        dim = _dim(dim, self.ndim)
        out = (
            cat_tensors([t for t in (prepend, self, append) if t is not None], dim)
            if prepend is not None or append is not None
            else self
        )
        for _ in range(n):
            size = out.shape[dim]
            if size == 0:
                break
            ahead, behind = out.narrow(dim, 1, size - 1), out.narrow(dim, 0, size - 1)
            out = ahead ^ behind if out.array.dtype == np.bool_ else ahead - behind
        return out

    def rot90(self, k=1, dims=(0, 1)):
        """Rotate by 90 degrees k times, from the first dim towards the second."""
        d0, d1 = (_dim(d, self.ndim) for d in dims)
        if d0 == d1 or len(dims) != 2:
            raise RuntimeError(
                f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
            )
        k %= 4
        if k == 1:
            return self.flip(d1).transpose(d0, d1)
        if k == 2:
            return self.flip(d0, d1)
        if k == 3:
            return self.flip(d0).transpose(d0, d1)
        return self.clone()

    def repeat_interleave(self, repeats, dim=None, output_size=None):
        """Each element (or slice along ``dim``) repeated ``repeats`` times in place."""
        source = self.flatten() if dim is None else self
        dim = 0 if dim is None else _dim(dim, self.ndim)
        reps = repeats.array if isinstance(repeats, TensorMethods) else repeats
        positions = np.repeat(np.arange(source.shape[dim]), reps)
        return source.index_select(dim, self.wrap(positions.astype(np.int64)))

    def _cumulative_extreme(self, better, name, dim):
        dim = _dim(dim, self.ndim)
        if self.ndim == 0:
            return getattr(return_types, name)(self.clone(), self.wrap(np.zeros((), np.int64)))
        x = np.moveaxis(self.array, dim, -1)
        idx = np.zeros(x.shape, np.int64)
        best = x[..., 0].copy()
        for i in range(1, x.shape[-1]):
            # PyTorch takes the later position on ties (>=, <=) and keeps a NaN once seen
            take = (
                better(x[..., i], best) | np.isnan(x[..., i])
                if x.dtype.kind == "f"
                else better(x[..., i], best)
            )
            if x.dtype.kind == "f":
                take &= ~np.isnan(best)
            best = np.where(take, x[..., i], best)
            idx[..., i] = np.where(take, i, idx[..., i - 1])
        indices = self.wrap(np.ascontiguousarray(np.moveaxis(idx, -1, dim)))
        values = ops.Gather.apply(self, index=indices.array, dim=dim)
        return getattr(return_types, name)(values, indices)

    def cummax(self, dim):
        return self._cumulative_extreme(np.greater_equal, "cummax", dim)

    def cummin(self, dim):
        return self._cumulative_extreme(np.less_equal, "cummin", dim)

    def index_add(self, dim, index, source, alpha=1):
        """self with ``alpha * source`` slices added at ``index`` along ``dim``."""
        dim = _dim(dim, self.ndim)
        idx = _index_array(index, "index_add").reshape(-1)
        shape = [1] * self.ndim
        shape[dim] = -1
        full = np.broadcast_to(idx.reshape(shape), source.shape) if self.ndim else idx
        return self.scatter_add(dim, self.wrap(np.ascontiguousarray(full)), source * alpha)

    def index_add_(self, dim, index, source, alpha=1):
        return self._apply_inplace(lambda s: s.index_add(dim, index, source, alpha), source)

    def index_fill_(self, dim, index, value):
        return self._apply_inplace(lambda s: s.index_fill(dim, index, value))

    def random_(self, from_=None, to=_UNSET, *, generator=None, **kwargs):
        """``random_()``: integers in [0, 2**mantissa] (floats) or [0, max] (integers);
        ``random_(to)``: [0, to); ``random_(from, to)``: [from, to); ``to=None``: up to the
        dtype's largest. PyTorch's stream: random() % range + from (random64() for a range
        of 2**32 or more)."""
        if "from" in kwargs:
            from_ = kwargs.pop("from")
        elif to is _UNSET and from_ is not None:
            from_, to = 0, from_  # random_(to)
        to = None if to is _UNSET else to
        if kwargs:
            raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
        array = self.array
        if from_ is None:
            return self._fill_values(_random.random_full(array, generator))
        from_ = int(from_)
        if to is None:
            if array.dtype == np.int64 and from_ == -(2**63):
                return self._fill_values(_random.random_full64(array, generator))
            to = _largest_random(array.dtype) + 1
        to = int(to)
        if from_ >= to:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}"
            )
        return self._fill_values(_random.random_from_to(array, from_, to, generator))

    def bernoulli_(self, p=0.5, *, generator=None):
        """1 with probability p (a number, or a tensor broadcast to self), else 0."""
        if isinstance(p, TensorMethods):
            probs = np.broadcast_to(p.array, self.array.shape)
            _check_probabilities(probs)
            return self._fill_values(_random.bernoulli_tensor(probs, self.array.dtype, generator))
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return self._fill_values(_random.bernoulli_scalar(self.array, p, generator))

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """Samples of the Cauchy distribution: median + sigma tan(pi (u - 1/2))."""
        self._random_float_only("cauchy")
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        return self._fill_values(_random.cauchy(self.array, median, sigma, generator))

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """exp of normal samples with this mean and std (of the logarithm)."""
        self._random_float_only("log_normal")
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
        return self._fill_values(_random.log_normal(self.array, mean, std, generator))

    def geometric_(self, p, *, generator=None):
        """The number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        return self._fill_values(_random.geometric(self.array, p, generator))

    def _random_float_only(self, name):
        if self.array.dtype.kind != "f":
            raise RuntimeError(
                f"{name}_ is implemented for floating-point tensors only, not "
                f"{dtypes.type_name(self.array.dtype)}"
            )

    def exponential_(self, lambd=1.0, *, generator=None):
        """Samples of Exp(lambd): -log1p(-u) / lambd, u a 53-bit uniform."""
        if self.array.dtype.kind != "f":
            raise RuntimeError(
                "Exponential distribution is a continuous probability distribution. dtype must "
                f"be a floating point but you specified {dtypes.type_name(self.array.dtype)}"
            )
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        return self._fill_values(_random.exponential(self.array, lambd, generator))

    # ------------------------------------------------------------------ products
    def mm(self, mat2):
        if self.ndim != 2 or mat2.ndim != 2:
            raise RuntimeError(
                "self must be a matrix" if self.ndim != 2 else "mat2 must be a matrix"
            )
        return self @ mat2

    def bmm(self, mat2):
        if self.ndim != 3 or mat2.ndim != 3:
            raise RuntimeError(
                "batch1 must be a 3D tensor" if self.ndim != 3 else "batch2 must be a 3D tensor"
            )
        if self.array.shape[0] != mat2.array.shape[0]:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: "
                f"[{self.array.shape[0]}, {self.array.shape[2]}] but got: "
                f"[{mat2.array.shape[0]}, {mat2.array.shape[1]}]."
            )
        return self @ mat2

    def mv(self, vec):
        if self.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, {vec.ndim}")
        return self @ vec

    def dot(self, other):
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors"
            )
        if self.array.shape != other.array.shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{self.array.shape[0]}]"
                f" and src [{other.array.shape[0]}] to have the same number of "
                f"elements, but got {self.array.shape[0]} and "
                f"{other.array.shape[0]} elements respectively"
            )
        if self.array.dtype == np.bool_ or other.array.dtype == np.bool_:
            raise dtypes.not_implemented("dot", np.bool_)
        return (self * other).sum()

    inner = dot
    vdot = dot

    def outer(self, vec2):
        for name, v in (("self", self), ("vec2", vec2)):
            if v.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    # ------------------------------------------------------------------ activations
    def softmax(self, dim, dtype=None):
        a = self.type(dtype) if dtype is not None else self
        return ops.Softmax.apply(a._floating(), dim=dim)

    def log_softmax(self, dim, dtype=None):
        a = self.type(dtype) if dtype is not None else self
        return ops.LogSoftmax.apply(a._floating(), dim=dim)


# ---------------------------------------------------------------------- in-place forms
def _inplace(name):
    def method(self, *args, **kwargs):
        return self._apply_inplace(
            lambda s: getattr(s, name)(*args, **kwargs),
            *(a for a in args if isinstance(a, TensorMethods)),
        )

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``."
    return method


for _name in (
    "neg",
    "exp",
    "log",
    "sqrt",
    "abs",
    "relu",
    "sigmoid",
    "tanh",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "exp2",
    "square",
    "rsqrt",
    "reciprocal",
    "sign",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "clamp_min",
    "clamp_max",
    "lerp",
    "addcmul",
    "addcdiv",
    "remainder",
    "fmod",
    "floor_divide",
    "logical_not",
    "index_fill",
    "erf",
    "t",
    "transpose",
    "unsqueeze",
    "squeeze",
    "fix",
    "hypot",
    "atan2",
    "cumsum",
    "maximum",
    "minimum",
    "tril",
    "triu",
):
    setattr(TensorMethods, _name + "_", _inplace(_name))
del _name


# ---------------------------------------------------------------------- axis= for dim=
_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _accept_axis(fn):
    """``fn`` also taking NumPy's ``axis=`` / ``keepdims=`` for ``dim=`` / ``keepdim=``, as
    PyTorch's methods and functions do."""

    @functools.wraps(fn)
    def method(*args, **kwargs):
        for alias, name in _ALIASES if kwargs else ():
            if alias in kwargs:
                if name in kwargs:
                    raise TypeError(f"{fn.__name__}() got both '{name}' and its alias '{alias}'")
                kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return method


for _name, _fn in list(vars(TensorMethods).items()):
    if callable(_fn) and not _name.startswith("_") and "dim" in inspect.signature(_fn).parameters:
        setattr(TensorMethods, _name, _accept_axis(_fn))
del _name, _fn


# ---------------------------------------------------------------------- helpers
def _dims(dim):
    """A reduction's dim: None, an int, or a tuple (lists and Sizes become tuples)."""
    if dim is None or dim.__class__ is int or isinstance(dim, numbers.Integral):
        return dim
    return tuple(int(d) for d in dim)


def _axes_tuple(dim, ndim):
    return tuple(_dim(d, ndim) for d in (_as_list(dim))) if ndim else None


def _as_list(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


_REVERSED = ((), (0,), (1, 0))  # t()'s permutation by ndim


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    for n in shape:  # the common case, Python ints, as they are (map(int) costs twice this)
        if n.__class__ is not int:
            break
    else:
        return shape if shape.__class__ is tuple else tuple(shape)
    try:  # NumPy integers, 0-d integer tensors; not floats, strings or bools (PyTorch's rule)
        if True in [n.__class__ is bool for n in shape]:
            raise TypeError
        return tuple(map(operator.index, shape))
    except TypeError:
        raise TypeError(
            f"expected a sequence of integers as the shape, got "
            f"{tuple(type(n).__name__ for n in shape)}"
        ) from None


def _new_shape(size):
    """The shape of a tensor to create: integers, none negative (PyTorch's error)."""
    shape = _shape_args(size)
    for n in shape:
        if n < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {n}: {list(shape)}"
            )
    return shape


def _resolve_shape(shape, numel):
    """``shape`` with a -1 filled in, checked against ``numel`` (PyTorch's messages)."""
    if shape == (-1,):  # flatten, the common case
        return (numel,)
    if len(shape) == 2 and shape[1] == -1 and shape[0] > 0 and not numel % shape[0]:
        return (shape[0], numel // shape[0])  # x.view(batch, -1), the other one
    unknown = shape.count(-1)
    if unknown > 1 or (shape and min(shape) < -1):
        raise _bad_dimension(shape)
    known = math.prod(shape)
    if unknown:
        known = -known  # the product had the -1 in it
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        i = shape.index(-1)
        shape = shape[:i] + (numel // known,) + shape[i + 1 :]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _bad_dimension(shape):
    """PyTorch's error for the first dimension of ``shape`` it refuses, read left to right."""
    inferred = False
    for i, n in enumerate(shape):
        if n == -1 and not inferred:
            inferred = True
        elif n == -1:
            return RuntimeError("only one dimension can be inferred")
        elif n < 0:
            return RuntimeError(f"invalid shape dimension {n} at index {i} of shape {list(shape)}")
    raise AssertionError(f"no bad dimension in {shape}")


def value_of(x):
    """The array behind a tensor operand; any other operand (a number, an array) as it is.
    The one such helper: tensor.py, numpy_dispatch.py and the methods here use it."""
    return x.array if isinstance(x, TensorMethods) else x


def _largest_random(dtype):
    """The largest value random_(from) draws: 2**mantissa for floats, max for integers."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1)
    return 1 if dtype == np.bool_ else int(np.iinfo(dtype).max)


def _check_probabilities(probs):
    if probs.size and not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")


def _tensor_only(other, name):
    if not isinstance(other, TensorMethods):
        raise TypeError(
            f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}"
        )
    return other


def _bound(t, b):
    """A clamp bound: None stays None, a number becomes a 0-d array of t's dtype."""
    if b is None or isinstance(b, TensorMethods):
        return b
    dtype = dtypes.result_type(t, b)
    return t.wrap(np.asarray(b, dtype))


def _index_array(index, who):
    idx = index.array if isinstance(index, TensorMethods) else np.asarray(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{who}(): Expected dtype int64 for index")
    return idx.astype(np.int64, copy=False)


def _check_index(t, index, dim, who, same_rank):
    """An int64 index array for ``t`` along ``dim``, every value in range and, for
    gather/scatter, of t's rank and no bigger than t on the other dims."""
    idx = _index_array(index, who)
    if same_rank and idx.ndim != t.ndim and not (idx.ndim <= 1 and t.ndim <= 1):
        raise RuntimeError(
            f"Index tensor must have the same number of dimensions as "
            f"{'input' if who == 'gather' else 'self'} tensor"
        )
    size = t.array.shape[dim] if t.ndim else 1
    bad = idx[(idx < 0) | (idx >= size)] if who != "take" else idx[(idx < -size) | (idx >= size)]
    if bad.size:
        raise RuntimeError(
            f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size {size}"
        )
    if same_rank:
        for d in range(idx.ndim):
            if d != dim and idx.shape[d] > t.array.shape[d]:
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index "
                    f"{list(idx.shape)} to be smaller than self "
                    f"{list(t.array.shape)} apart from dimension {dim}"
                )
    return idx if t.ndim else idx.reshape(())


def _check_src(src, idx, dim):
    if src.ndim != idx.ndim and idx.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for d in range(idx.ndim):
        if idx.shape[d] > src.array.shape[d]:
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index "
                f"{list(idx.shape)} to be smaller than src "
                f"{list(src.array.shape)} apart from dimension {dim}"
            )


def _bool_mask(mask, who):
    m = mask.array if isinstance(mask, TensorMethods) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"{who}: expected BoolTensor for mask"
            if who == "masked_select"
            else f"masked_fill_ only supports boolean masks, but got mask with dtype {dtypes.of(m)}"
        )
    return m


def _sort_indices(a, dim, descending):
    """Stable sort order of ``a`` along ``dim`` (int64); NaN counts as the largest value."""
    x = np.moveaxis(a, dim, -1)
    if descending:
        if x.dtype.kind == "f":
            # primary key: NaN first; secondary: -x ascending (lexsort is stable)
            order = np.lexsort((-x, ~np.isnan(x)), axis=-1)
        else:
            key = x.astype(np.int64) if x.dtype.kind in "bu" else x
            order = np.argsort(~key, axis=-1, kind="stable")  # ~k = -k - 1, no overflow
    else:
        order = np.argsort(x, axis=-1, kind="stable")
    return np.ascontiguousarray(np.moveaxis(order, -1, dim).astype(np.int64))


def _section_bounds(size, spec):
    if isinstance(spec, numbers.Integral):
        base, extra = divmod(size, int(spec))
        lengths = [base + (i < extra) for i in range(int(spec))]
        cuts = np.cumsum([0] + lengths)
    else:
        cuts = [0] + [min(int(i), size) for i in spec] + [size]
    return list(zip(cuts[:-1], cuts[1:]))


def select_where(condition, input, other):
    """``input`` where ``condition`` holds, else ``other`` (either may be a number): the
    method ``where`` and ``torch.where``'s three-argument form."""
    cond = condition.array if isinstance(condition, TensorMethods) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor "
            f"with dtype {dtypes.of(cond).name.capitalize()}"
        )
    dtype = dtypes.result_type(*(x for x in (input, other)))
    x, y = (_as_dtype(v, dtype) for v in (input, other))
    try:
        np.broadcast_shapes(cond.shape, x.array.shape, y.array.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({list(x.array.shape)}) must match the size "
            f"of tensor b ({list(y.array.shape)}): shapes are not "
            f"broadcastable with condition {list(cond.shape)}"
        ) from None
    return ops.Where.apply(x, y, cond=cond)


def _as_dtype(v, dtype):
    if isinstance(v, TensorMethods):
        return v.type(dtype)
    return autograd.Tensor.wrap(np.asarray(v, dtype))


def cat_tensors(tensors, dim):
    """Tensors joined along an existing dimension, dtypes promoted, 1-D empty ones skipped
    (PyTorch's legacy rule): ``torch.cat`` once its arguments are tensors."""
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if dim.__class__ is int:
        dtype = tensors[0].array.dtype
        for t in tensors:
            if t.array.dtype is not dtype:
                break
        else:  # one dtype: where NumPy joins them PyTorch does too (1-D empties included)
            try:
                return ops.Cat.apply(*tensors, dim=dim, skip=())
            except ValueError:  # (AxisError too) the checks below give PyTorch's error
                pass
    kept = tensors
    for t in tensors:
        if t.array.shape == (0,):  # 1-D empties: out (rare, so looked for first)
            kept = [t for t in tensors if t.array.shape != (0,)] or tensors[:1]
            break
    first = kept[0].array
    ref = first.shape
    n = len(ref)
    if n == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    dtype = first.dtype  # one dtype throughout: PyTorch's promotion keeps it
    mixed = False
    for i, t in enumerate(kept):
        a = t.array
        shape = a.shape
        if shape != ref:  # (an equal shape passes both checks)
            if len(shape) != n:
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {n} and {len(shape)}"
                )
            for d in range(n):
                if d != dim and shape[d] != ref[d]:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {dim}. "
                        f"Expected size {ref[d]} but got size "
                        f"{shape[d]} for tensor number {i} in the list."
                    )
        if a.dtype is not dtype:
            mixed = mixed or a.dtype != dtype
    if mixed:
        dtype = dtypes.result_type(*kept)
        tensors = [t if t.array.dtype == dtype else t.type(dtype) for t in tensors]
    skip = ()  # the skipped empties stay inputs (PyTorch gives them a (0,) gradient of zeros)
    if n > 1 and len(kept) < len(tensors):
        skip = tuple(i for i, t in enumerate(tensors) if t.array.shape == (0,))
    return ops.Cat.apply(*tensors, dim=dim, skip=skip)


def _into(out, result):
    """Write ``result`` into ``out`` (resized when its shape differs, as PyTorch), or
    return it unchanged when there is no ``out``."""
    if out is None:
        return result
    if isinstance(out, (tuple, list)):
        for o, r in zip(out, result):
            _into(o, r)
        return result
    if out.requires_grad and (result.requires_grad or out.grad_fn is None):
        raise RuntimeError(
            f"{getattr(result.grad_fn, 'name', lambda: 'op')()}(): functions with "
            f"out=... arguments don't support automatic differentiation, but "
            f"one of the arguments requires grad."
        )
    if out.array.shape != result.array.shape:
        out.array = np.empty(result.array.shape, out.array.dtype)
    return out._store(result.array)


def _to_array(data, dtype=None):
    """PyTorch's conversion rules: Python ints -> int64, Python floats -> the default
    float dtype, bools -> bool, NumPy arrays and scalars keep their dtype unless one is
    asked for.
    ``dtype`` is a NumPy dtype or None."""
    if isinstance(data, TensorMethods):
        arr = data.array
    elif isinstance(data, (np.ndarray, np.generic)):  # a NumPy scalar keeps its dtype too
        arr = np.asarray(data)
        if arr.dtype.kind not in "fiub":
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{arr.dtype.type.__name__}. The only "
                f"supported types are: float64, float32, float16, int64, int32, "
                f"int16, int8, uint8, and bool."
            )
        if not arr.dtype.isnative:
            arr = arr.astype(arr.dtype.newbyteorder("="))
    else:
        if isinstance(data, (list, tuple)):
            data = _unwrap_nested(data)
        try:
            arr = np.asarray(data)
        except ValueError:  # a ragged list
            raise _ragged(data, 0) or ValueError(
                "expected a rectangular nest of sequences"
            ) from None
        if arr.dtype.kind == "f" and dtype is None:
            arr = arr.astype(dtypes.default_float())
        elif arr.dtype.kind in "iu" and dtype is None:
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "fiub":
            raise _unconvertible(data)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def _ragged(data, depth):
    """PyTorch's error for the first list whose length differs from its siblings'."""
    if not isinstance(data, (list, tuple)) or not data:
        return None
    lengths = [len(x) if isinstance(x, (list, tuple)) else None for x in data]
    for n in lengths[1:]:
        if n != lengths[0] and None not in (n, lengths[0]):
            return ValueError(
                f"expected sequence of length {lengths[0]} at dim {depth + 1} (got {n})"
            )
    for x in data:
        error = _ragged(x, depth + 1)
        if error is not None:
            return error
    return None


def _unconvertible(data):
    """PyTorch's error for data that holds no numbers: None, a dict, a string, an object."""
    nested = isinstance(data, (list, tuple))
    leaves = list(_leaves(data)) if nested else [data]
    bad = [x for x in leaves if not isinstance(x, (numbers.Number, np.generic))]
    if not bad:  # numbers all, so complex ones
        return TypeError(
            f"can't convert data of type {type(data).__name__} (numpy dtype "
            f"{np.asarray(data).dtype}) to a tensor: complex numbers are not supported"
        )
    if isinstance(bad[0], str):
        if nested and isinstance(leaves[0], str):  # PyTorch reads a string as a sequence
            return ValueError("too many dimensions 'str'")
        return TypeError("new(): invalid data type 'str'")
    return RuntimeError(f"Could not infer dtype of {type(bad[0]).__name__}")


def _leaves(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _leaves(x)
        else:
            yield x


def _unwrap_nested(data):
    """Lists of tensors (``tensor([t.item(), t2])``) become lists of their values."""
    out = []
    for x in data:
        if isinstance(x, TensorMethods):
            out.append(x.array.tolist())
        elif isinstance(x, (list, tuple)):
            out.append(_unwrap_nested(x))
        else:
            out.append(x)
    return out


def _at_least_2d(t, name):
    if t.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
