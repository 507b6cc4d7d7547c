"""dtypes with PyTorch's names and PyTorch's promotion rules (not NumPy's).

A ``dtype`` wraps a NumPy dtype: ``np.zeros(3, tinygrad_scores.float32)`` works (NumPy reads
its ``.dtype``), it compares equal to the NumPy dtype, and it prints as PyTorch prints
``torch.float32``, with this package's name.

Promotion (``result_type``), as PyTorch documents it: operands fall in three tiers,
tensors with dimensions > zero-dimensional tensors > Python numbers, and dtypes in four
categories, bool < integer < floating. The result takes the highest category present;
its size comes from the highest tier that holds an operand of that category. So an int64
tensor * a float32 tensor is float32, float32 + a 0-d float64 tensor is float32, and an
int tensor + 2.5 is the default float dtype.
"""

import functools
import math

import numpy as np

from ._missing import missing

# The name printed before dtypes, Size and return types: ``python -m tinygrad_scores.run``
# sets "torch", so a PyTorch script prints what it prints under PyTorch.
NAMESPACE = "tinygrad_scores"


class dtype:  # noqa: N801  (PyTorch's name)
    """A tensor element type: ``tinygrad_scores.float32`` and friends."""

    __slots__ = ("dtype", "name", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, np_dtype, name):
        self.dtype = np.dtype(np_dtype)  # NumPy reads this attribute in np.dtype(obj)
        self.name = name
        self.is_floating_point = self.dtype.kind == "f"
        self.is_complex = self.dtype.kind == "c"
        self.is_signed = self.dtype.kind in "fic"
        self.itemsize = self.dtype.itemsize

    @property
    def kind(self):
        return self.dtype.kind

    def __repr__(self):
        return f"{NAMESPACE}.{self.name}"

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dtype)

    def __reduce__(self):
        return (as_dtype, (self.name,))

    def to_real(self):
        return self


bool_ = dtype(np.bool_, "bool")
uint8 = dtype(np.uint8, "uint8")
int8 = dtype(np.int8, "int8")
int16 = dtype(np.int16, "int16")
int32 = dtype(np.int32, "int32")
int64 = dtype(np.int64, "int64")
float16 = dtype(np.float16, "float16")
float32 = dtype(np.float32, "float32")
float64 = dtype(np.float64, "float64")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)


class UnstorableDtype:
    """A PyTorch dtype named here but not stored (NumPy has no bfloat16): a program may
    compare it, print it or keep it in a dict (nanoGPT's ``{'bfloat16': torch.bfloat16, ...}``);
    making a tensor of it raises NotImplementedError."""

    __slots__ = ("name", "itemsize", "is_floating_point", "is_complex", "is_signed")

    def __init__(self, name, itemsize):
        self.name, self.itemsize = name, itemsize
        self.is_floating_point, self.is_complex, self.is_signed = True, False, True

    def __repr__(self):
        return f"{NAMESPACE}.{self.name}"

    __str__ = __repr__


bfloat16 = UnstorableDtype("bfloat16", 2)
_BY_NUMPY = {d.dtype: d for d in ALL}
_ALIASES = {
    "float": float32,
    "double": float64,
    "half": float16,
    "long": int64,
    "int": int32,
    "short": int16,
    "bool": bool_,
}


# PyTorch's scalar type names: "result type Double", "torch.LongTensor"
_TYPE_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def type_name(np_dtype):
    """PyTorch's name for a NumPy dtype's scalar type: Float, Double, Long, ..."""
    return _TYPE_NAMES.get(np.dtype(np_dtype).name, str(np_dtype))


def not_implemented(kernel, np_dtype):
    """PyTorch's error for a kernel with no version for a dtype (raise what it returns):
    NotImplementedError: "frac_cpu" not implemented for 'Long'."""
    return NotImplementedError(f'"{kernel}" not implemented for {type_name(np_dtype)!r}')


def float_only(array, kernel, half=True):
    """Raise PyTorch's error for a float-only kernel (``kernel``, its name in PyTorch's
    message) called on a bool or integer array (or float16, for a kernel without
    ``half``), before anything is computed."""
    if array.dtype.kind != "f" or not half and array.dtype == np.float16:
        raise not_implemented(kernel, array.dtype)


# the C++ names in PyTorch's "value cannot be converted to type ... without overflow"
_C_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int64": "int64_t",
    "int32": "int",
    "int16": "int16_t",
    "int8": "int8_t",
    "uint8": "uint8_t",
    "bool": "bool",
}


def scalar_to(number, np_dtype):
    """A Python number as a NumPy scalar of ``np_dtype``, checked as PyTorch converts an op's
    number argument to the tensor's type (c10::checked_convert): a float out of the type's
    range, or NaN / infinity into an integer type, is an error; a negative int wraps into
    an unsigned type down to -max (uint8: -1 is 255); a float into an integer truncates."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "f":
        low, high = float(np.finfo(np_dtype).min), float(np.finfo(np_dtype).max)
        bad = math.isfinite(number) and not low <= number <= high
    elif np_dtype.kind in "iu" and not isinstance(number, bool):
        info = np.iinfo(np_dtype)
        low = -int(info.max) if np_dtype.kind == "u" and isinstance(number, int) else info.min
        bad = not (math.isfinite(number) and low <= number <= info.max)
    else:
        bad = False
    if bad:
        raise RuntimeError(
            f"value cannot be converted to type {_C_NAMES[np_dtype.name]} without overflow"
        )
    return np.asarray(number).astype(np_dtype)[()]


def as_dtype(spec):
    """Our dtype for a dtype, a NumPy dtype, a name or a Python type (float -> float64 as
    NumPy reads it; ``float`` is refused by PyTorch too, so callers pass our constants)."""
    if isinstance(spec, dtype):
        return spec
    if isinstance(spec, UnstorableDtype):
        raise missing(f"{spec.name} tensors (NumPy has no {spec.name}: use float32)")
    if isinstance(spec, type) and isinstance(getattr(spec, "dtype", None), dtype):
        return spec.dtype  # a legacy type: torch.FloatTensor
    if isinstance(spec, str):
        name = spec.split(".")[-1]
        if name in _ALIASES:
            return _ALIASES[name]
        spec = name
    if spec is float:
        return float64
    if spec is int:
        return int64
    if spec is bool:
        return bool_
    try:
        np_dtype = np.dtype(spec)
    except TypeError:
        raise TypeError(f"not a dtype: {spec!r}") from None
    found = _BY_NUMPY.get(np_dtype.newbyteorder("="))
    if found is None:
        raise TypeError(
            f"tinygrad_scores has no dtype matching numpy {np_dtype} "
            f"(supported: {', '.join(d.name for d in ALL)})"
        )
    return found


def to_numpy(spec):
    """The NumPy dtype for anything ``as_dtype`` accepts; None stays None."""
    return None if spec is None else as_dtype(spec).dtype


def of(array):
    """The dtype of a NumPy array."""
    return _BY_NUMPY.get(array.dtype) or as_dtype(array.dtype)


# ----------------------------------------------------------------------------- default

_default_float = np.dtype(np.float32)


def get_default_dtype():
    return _BY_NUMPY[_default_float]


def set_default_dtype(d):
    """The dtype of Python floats and of float creation functions (float32 or float64)."""
    global _default_float
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d.dtype


def default_float():
    """The NumPy default float dtype (the hot path reads this, not a dtype object)."""
    return _default_float


# ----------------------------------------------------------------------------- promotion


def category(np_dtype):
    """0 bool, 1 integer, 2 floating."""
    return {"b": 0, "u": 1, "i": 1, "f": 2}.get(np_dtype.kind, 3)


@functools.lru_cache(maxsize=1024)
def _promote(dims, zero_dims, scalars):
    tiers = (dims, zero_dims, scalars)
    best = max(category(d) for tier in tiers for d in tier)
    for tier in tiers:
        same = [d for d in tier if category(d) == best]
        if same:
            return functools.reduce(np.promote_types, same)
    raise AssertionError("unreachable")


def result_type(*operands):
    """PyTorch's result dtype (a NumPy dtype) for Tensors and Python numbers."""
    dims, zero_dims, scalars = [], [], []
    for x in operands:
        array = getattr(x, "array", None)
        if array is not None:
            (dims if array.ndim else zero_dims).append(array.dtype)
        elif isinstance(x, (bool, np.bool_)):
            scalars.append(np.dtype(np.bool_))
        elif isinstance(x, (int, np.integer)):
            scalars.append(np.dtype(np.int64))
        elif isinstance(x, (float, np.floating)):
            scalars.append(_default_float)
        elif isinstance(x, np.ndarray):  # an array operand counts as a tensor
            (dims if x.ndim else zero_dims).append(x.dtype)
        else:
            raise TypeError(f"unsupported operand type {type(x).__name__}")
    return _promote(tuple(dims), tuple(zero_dims), tuple(scalars))


def can_cast(src, dst):
    """PyTorch's rule for writing a result into an existing tensor (in-place ops, out=):
    never down a category (float into an integer tensor, integer into bool)."""
    return category(src) <= category(dst)


class finfo:  # noqa: N801
    """Machine limits of a floating dtype: bits, eps, max, min, tiny, resolution."""

    def __init__(self, type=None):  # noqa: A002
        d = as_dtype(type) if type is not None else get_default_dtype()
        if not d.is_floating_point:
            raise TypeError(f"finfo expects a floating point dtype, got {d}")
        info = np.finfo(d.dtype)
        self.dtype, self.bits = d.name, info.bits
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = float(info.resolution)

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution}, min={self.min:e}, max={self.max:e}, "
            f"eps={self.eps:e}, smallest_normal={self.tiny:e}, tiny={self.tiny:e}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801
    """Machine limits of an integer dtype: bits, max, min."""

    def __init__(self, type):  # noqa: A002
        d = as_dtype(type)
        if d.is_floating_point:
            raise TypeError(f"iinfo expects an integer dtype, got {d}")
        info = np.iinfo(np.int8 if d is bool_ else d.dtype) if d is not bool_ else None
        self.dtype = d.name
        self.bits = d.itemsize * 8 if info is None else info.bits
        self.max, self.min = (1, 0) if info is None else (int(info.max), int(info.min))

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
