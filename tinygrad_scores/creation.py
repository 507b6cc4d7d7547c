"""Creation functions with PyTorch's names and arguments: tensor, zeros, ones, full,
arange, linspace, eye, the ``*_like`` family, the random ones (randn, rand, randint,
normal, ...), and joining tensors (cat, stack, hstack, ...).

Every function takes ``device=`` (the CPU only: anything else raises a RuntimeError that
says so), ``dtype=`` and, where PyTorch has them, ``requires_grad=`` and ``generator=``.
``layout``, ``pin_memory`` and ``memory_format`` are accepted and have no effect.
"""

import builtins
import functools
import math
import numbers

import numpy as np

from . import dtypes
from . import functions as ops
from .device import check as check_device
from .random import _rng
from .tensor import Tensor, _shape_args, _to_array

__all__ = [
    "tensor",
    "as_tensor",
    "asarray",
    "from_numpy",
    "scalar_tensor",
    "zeros",
    "ones",
    "full",
    "empty",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "eye",
    "arange",
    "range",
    "linspace",
    "logspace",
    "randn",
    "rand",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
    "multinomial",
    "cat",
    "concat",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "column_stack",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "meshgrid",
]


def _with_out(fn):
    """Let ``fn`` take PyTorch's ``out=``: the result is written into that tensor."""

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        from .function_forms import _into  # noqa: PLC0415  (function_forms imports tensor)

        return _into(out, result)

    return wrapper


def _finish(array, requires_grad, device=None):
    check_device(device)
    t = Tensor.wrap(array)
    return t.requires_grad_() if requires_grad else t


def _size(size, kwargs_size=None):
    if kwargs_size is not None:
        return _shape_args((kwargs_size,))
    return _shape_args(size)


def _float_dtype(dtype):
    return dtypes.to_numpy(dtype) or dtypes.default_float()


# ---------------------------------------------------------------------------- from data
def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (number, nested lists/tuples, NumPy array
    or scalar, tensor). The dtype is inferred as PyTorch does: ints -> int64, floats ->
    the default float dtype, bools -> bool."""
    check_device(device)
    t = Tensor.wrap(np.array(_to_array(data, dtypes.to_numpy(dtype))))
    return t.requires_grad_() if requires_grad else t


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory when it already is one (or a NumPy array) of
    the requested dtype."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_numpy(dtype) == data.dtype):
        return Tensor.wrap(_to_array(data))
    return tensor(data, dtype=dtype)


def asarray(obj, dtype=None, device=None, copy=None, requires_grad=False):
    t = tensor(obj, dtype=dtype, device=device) if copy else as_tensor(obj, dtype, device)
    return t.requires_grad_() if requires_grad else t


def from_numpy(array):
    """A tensor sharing memory with ``array`` (no copy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor.wrap(_to_array(array))


def scalar_tensor(s, dtype=None, device=None, requires_grad=False):
    return _finish(np.asarray(s, _float_dtype(dtype)), requires_grad, device)


# ---------------------------------------------------------------------------- constant
def _sized(name, make, doc=None):
    """A creator with PyTorch's ``zeros``-style signature: ``make(shape, dtype)`` fills it."""

    def create(
        *size,
        out=None,
        dtype=None,
        layout=None,
        device=None,
        requires_grad=False,
        pin_memory=False,
        memory_format=None,
        **kwargs,
    ):
        shape = _size(size, kwargs.get("size"))
        return _finish(make(shape, _float_dtype(dtype)), requires_grad, device)

    create.__name__ = create.__qualname__ = name
    create.__doc__ = doc
    return _with_out(create)


zeros = _sized("zeros", np.zeros)
ones = _sized("ones", np.ones)
empty = _sized(
    "empty", np.zeros, "Uninitialised memory, as PyTorch: here it happens to hold zeros."
)


@_with_out
def full(
    size,
    fill_value,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """``size`` filled with ``fill_value``; the dtype follows the value (bool, int64 or
    the default float) unless ``dtype`` is given."""
    if dtype is None:
        fill = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
        dtype = _to_array(fill).dtype
    return _finish(
        np.full(_shape_args((size,)), _value(fill_value), dtypes.to_numpy(dtype)),
        requires_grad,
        device,
    )


def _like(make, t, dtype, device, requires_grad):
    dtype = dtypes.to_numpy(dtype) or t.array.dtype
    return _finish(make(t.array.shape, dtype), requires_grad, device)


def zeros_like(
    input, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    return _like(np.zeros, input, dtype, device, requires_grad)


def ones_like(input, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(np.ones, input, dtype, device, requires_grad)


def empty_like(
    input, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    return _like(np.zeros, input, dtype, device, requires_grad)


def full_like(
    input, fill_value, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    return _like(
        lambda s, d: np.full(s, _value(fill_value), d), input, dtype, device, requires_grad
    )


@_with_out
def eye(n, m=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The n x m identity (m defaults to n)."""
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {min(n, m or 0)}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


# ---------------------------------------------------------------------------- ranges
@_with_out
def arange(
    start, end=None, step=1, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """Values start, start + step, ... below end: ceil((end - start) / step) of them, as
    PyTorch counts. int64 when every argument is an integer, else the default float."""
    if end is None:
        start, end = 0, start
    start, end, step = (_value(v) for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    all_int = all(isinstance(v, (numbers.Integral, np.integer)) for v in (start, end, step))
    if dtype is None:
        dtype = np.int64 if all_int else dtypes.default_float()
    dtype = dtypes.to_numpy(dtype)
    if all_int:
        values = np.arange(start, end, step, dtype=np.int64)
    else:
        count = max(math.ceil((end - start) / step), 0)
        values = start + np.arange(count, dtype=np.float64) * step
    return _finish(values.astype(dtype), requires_grad, device)


def range(start=0, end=None, step=1, dtype=None, device=None, requires_grad=False):  # noqa: A001
    """Deprecated in PyTorch: like arange but including ``end``."""
    if end is None:
        start, end = 0, start
    count = int(math.floor((end - start) / step)) + 1
    values = start + np.arange(max(count, 0), dtype=np.float64) * step
    return _finish(values.astype(_float_dtype(dtype)), requires_grad, device)


@_with_out
def linspace(
    start, end, steps, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """``steps`` values evenly spaced from start to end inclusive. As PyTorch, the first
    half counts up from start and the second half down from end, so both ends are exact."""
    start, end = float(_value(start)), float(_value(end))
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    i = np.arange(steps, dtype=np.float64)
    if steps > 1:
        step = (end - start) / (steps - 1)
        values = np.where(i < steps // 2, start + i * step, end - (steps - 1 - i) * step)
    else:
        values = np.full(steps, start)
    dtype = _float_dtype(dtype)
    if dtype.kind in "iu":
        values = np.trunc(values)
    return _finish(values.astype(dtype), requires_grad, device)


@_with_out
def logspace(
    start,
    end,
    steps,
    base=10.0,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """base ** linspace(start, end, steps)."""
    exponents = linspace(start, end, steps, dtype=dtypes.float64).array
    return _finish((base**exponents).astype(_float_dtype(dtype)), requires_grad, device)


# ---------------------------------------------------------------------------- random
def _sampled(name, draw, doc):
    """A sampler with PyTorch's ``randn``-style signature: ``draw(rng, shape)`` gives float64
    samples, cast to ``dtype`` (the default float dtype unless given)."""

    def sample(
        *size,
        generator=None,
        out=None,
        dtype=None,
        layout=None,
        device=None,
        requires_grad=False,
        pin_memory=False,
        **kwargs,
    ):
        dtype, shape = _float_dtype(dtype), _size(size, kwargs.get("size"))
        return _finish(draw(_rng(generator), shape).astype(dtype), requires_grad, device)

    sample.__name__ = sample.__qualname__ = name
    sample.__doc__ = doc
    return _with_out(sample)


def _draw_normal(rng, shape):
    return rng.standard_normal(shape)


def _draw_uniform(rng, shape):
    return rng.random(shape)


randn = _sampled(
    "randn",
    _draw_normal,
    "Standard normal samples (the default float dtype unless ``dtype`` says otherwise).",
)
rand = _sampled("rand", _draw_uniform, "Uniform samples in [0, 1).")


@_with_out
def randint(
    low,
    high=None,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        if high is None:
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    array = _rng(generator).integers(low, high, size=_shape_args((size,)), dtype=np.int64)
    return _finish(array.astype(dtypes.to_numpy(dtype) or np.int64), requires_grad, device)


@_with_out
def randperm(
    n, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    array = _rng(generator).permutation(int(n)).astype(dtypes.to_numpy(dtype) or np.int64)
    return _finish(array, requires_grad, device)


def _sampled_like(name, draw):
    """A ``rand_like``-style sampler: ``draw(rng, shape)`` in ``input``'s shape and dtype."""

    def sample_like(
        input,
        generator=None,
        dtype=None,
        layout=None,
        device=None,
        requires_grad=False,
        memory_format=None,
    ):
        rng = _rng(generator)
        return _like(lambda s, d: draw(rng, s).astype(d), input, dtype, device, requires_grad)

    sample_like.__name__ = sample_like.__qualname__ = name
    return sample_like


rand_like = _sampled_like("rand_like", _draw_uniform)
randn_like = _sampled_like("randn_like", _draw_normal)


def randint_like(
    input,
    low=0,
    high=None,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    if high is None:
        low, high = 0, low
    return randint(
        low,
        high,
        input.array.shape,
        generator=generator,
        dtype=dtype or input.dtype,
        device=device,
        requires_grad=requires_grad,
    )


@_with_out
def normal(
    mean,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """Normal samples: ``normal(mean_tensor, std_tensor)`` (broadcast together),
    ``normal(mean_tensor, std=1.0)``, ``normal(mean, std_tensor)``, or
    ``normal(mean, std, size)`` with two numbers."""
    check_device(device)
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_t and not std_t:
        if size is None:
            raise TypeError(
                "normal() received an invalid combination of arguments: with a "
                "float mean and std, give the size: normal(mean, std, size)"
            )
        shape, out_dtype = _shape_args((size,)), _float_dtype(dtype)
    else:
        if size is not None:
            raise TypeError("normal(): size is only accepted with a float mean and std")
        shape = np.broadcast_shapes(np.shape(_value(mean)), np.shape(_value(std)))
        out_dtype = dtypes.result_type(*(x for x in (mean, std) if isinstance(x, Tensor)))
    std_array = np.asarray(_value(std), np.float64)
    if np.any(std_array < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std_array.min()}")
    samples = _rng(generator).normal(np.asarray(_value(mean), np.float64), std_array, shape)
    return _finish(np.asarray(samples).astype(out_dtype), requires_grad)


@_with_out
def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``), else 0, in input's dtype."""
    probs = np.asarray(_value(input) if p is None else p, np.float64)
    if np.any((probs < 0) | (probs > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draws = _rng(generator).random(input.array.shape) < probs
    return Tensor.wrap(draws.astype(input.array.dtype))


@_with_out
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` category indices per row, drawn with the row's weights."""
    weights = np.atleast_2d(np.asarray(_value(input), np.float64))
    if np.any(weights < 0) or np.any(~np.isfinite(weights)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(weights.sum(axis=1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > np.count_nonzero(weights, axis=1).min():
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rng = _rng(generator)
    rows = [rng.choice(w.size, num_samples, replace=replacement, p=w / w.sum()) for w in weights]
    out = np.asarray(rows, np.int64).reshape(len(rows), num_samples)
    return Tensor.wrap(out if input.ndim == 2 else out[0])


# ---------------------------------------------------------------------------- joining
@_with_out
def cat(tensors, dim=0, *, out=None, axis=None):
    """Join tensors along an existing dimension (dtypes promoted; 1-D empty tensors are
    skipped, as PyTorch's legacy rule). ``axis`` is an alias of ``dim``."""
    dim = dim if axis is None else axis
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    kept = [t for t in tensors if not (t.ndim == 1 and t.array.shape[0] == 0)] or tensors[:1]
    ref = kept[0]
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    n = ref.ndim
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    for i, t in enumerate(kept):
        if t.ndim != n:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and {t.ndim}")
        for d in builtins.range(n):
            if d != dim and t.array.shape[d] != ref.array.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. "
                    f"Expected size {ref.array.shape[d]} but got size "
                    f"{t.array.shape[d]} for tensor number {i} in the list."
                )
    dtype = ref.array.dtype  # one dtype throughout: PyTorch's promotion keeps it
    if any(t.array.dtype != dtype for t in kept):
        dtype = dtypes.result_type(*kept)
    return ops.Cat.apply(*(t if t.array.dtype == dtype else t.type(dtype) for t in kept), dim=dim)


concat = concatenate = cat


@_with_out
def stack(tensors, dim=0, *, out=None, axis=None):
    """Join equally-shaped tensors along a new dimension (``axis`` is an alias of ``dim``)."""
    dim = dim if axis is None else axis
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got "
                f"{list(tensors[0].shape)} at entry 0 and {list(t.shape)} at "
                f"entry {i}"
            )
    n = tensors[0].ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return cat([t.unsqueeze(dim % n) for t in tensors], dim=dim % n)


def atleast_1d(*tensors):
    out = [t.reshape(1) if t.ndim == 0 else t for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors):
    out = [
        t.reshape((1,) * (2 - t.ndim) + tuple(t.shape)) if t.ndim < 2 else t for t in _flat(tensors)
    ]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*tensors):
    """PyTorch's (and NumPy's) rule: 1-D (n,) -> (1, n, 1), 2-D (m, n) -> (m, n, 1)."""
    out = []
    for t in _flat(tensors):
        if t.ndim == 0:
            t = t.reshape(1, 1, 1)
        elif t.ndim == 1:
            t = t.reshape(1, -1, 1)
        elif t.ndim == 2:
            t = t.unsqueeze(-1)
        out.append(t)
    return out[0] if len(out) == 1 else tuple(out)


@_with_out
def hstack(tensors, *, out=None):
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@_with_out
def vstack(tensors, *, out=None):
    return cat([atleast_2d(t) for t in tensors], 0)


@_with_out
def dstack(tensors, *, out=None):
    return cat([atleast_3d(t) for t in tensors], 2)


@_with_out
def column_stack(tensors, *, out=None):
    return cat([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors], 1)


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids; PyTorch's default indexing is 'ij' (NumPy's is 'xy')."""
    tensors = _flat(tensors)
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and len(shape) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, t in enumerate(tensors):
        axis = i if indexing == "ij" or len(shape) < 2 else {0: 1, 1: 0}.get(i, i)
        view = [1] * len(shape)
        view[axis] = -1
        grids.append(t.reshape(view).expand(shape))
    return tuple(grids)


def _flat(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def _value(x):
    """A number or array behind a tensor argument."""
    if isinstance(x, Tensor):
        return x.array.item() if x.array.size == 1 and x.ndim == 0 else x.array
    return x
