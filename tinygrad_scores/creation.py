"""Creation functions with PyTorch's names and arguments: tensor, zeros, ones, full,
arange, linspace, eye, the ``*_like`` family, the random ones (randn, rand, randint,
normal, ...), and joining tensors (cat, stack, hstack, ...).

Every function takes ``device=`` (the CPU only: anything else raises a RuntimeError that
says so), ``dtype=`` and, where PyTorch has them, ``requires_grad=`` and ``generator=``.
``layout``, ``pin_memory`` and ``memory_format`` are accepted and have no effect.
"""

import functools
import math
import numbers

import numpy as np

from . import autograd, dtypes, random
from .device import check as check_device
from .tensor import Tensor, _to_array
from .tensor_methods import _into, _new_shape, cat_tensors

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
        return _into(out, result)

    return wrapper


def _finish(array, requires_grad, device=None):
    check_device(device)
    t = Tensor.wrap(array)
    return t.requires_grad_() if requires_grad else t


def _size(size, kwargs_size=None):
    return _new_shape((kwargs_size,) if kwargs_size is not None else size)


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
        np.full(_size((size,)), _value(fill_value), dtypes.to_numpy(dtype)),
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
# Each sampler fills a fresh array as PyTorch's does (randn = empty(size).normal_(), ...),
# so it spends the generator's words in the same order: random.py says how.


def _sampled(name, draw, doc):
    """A sampler with PyTorch's ``randn``-style signature: ``draw(like, generator)`` gives
    the values for an empty array ``like`` of the size and dtype asked for."""

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
        return _finish(draw(random.blank(shape, dtype), generator), requires_grad, device)

    sample.__name__ = sample.__qualname__ = name
    sample.__doc__ = doc
    return _with_out(sample)


def _draw_normal(like, generator):
    return random.normal(like, 0.0, 1.0, generator)


def _draw_uniform(like, generator):
    return random.uniform(like, 0.0, 1.0, generator)


randn = _sampled(
    "randn",
    _draw_normal,
    "Standard normal samples (the default float dtype unless ``dtype`` says otherwise).",
)
rand = _sampled("rand", _draw_uniform, "Uniform samples in [0, 1).")


def _randint_bounds(bounds):
    """(low, high) from randint's one or two bounds: ``(high,)`` or ``(low, high)``."""
    if len(bounds) not in (1, 2):
        raise TypeError(
            "randint() received an invalid combination of arguments: expected "
            "randint(high, size) or randint(low, high, size)"
        )
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"randint(): argument '{name}' must be int, not {type(value).__name__}")
    return int(low), int(high)


@_with_out
def randint(
    *args,
    size=None,
    low=None,
    high=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high,
    size)``, ``size`` positional (a tuple) or a keyword, as PyTorch's overloads;
    int64 unless ``dtype`` says otherwise."""
    args = list(args)
    if size is None:
        if not args or not isinstance(args[-1], (tuple, list)):
            raise TypeError("randint() missing required argument 'size' (a tuple of ints)")
        size = args.pop()
    bounds = ([] if low is None else [low]) + args + ([] if high is None else [high])
    low, high = _randint_bounds(bounds)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    like = random.blank(_size((size,)), dtypes.to_numpy(dtype) or np.int64)
    return _finish(random.random_from_to(like, low, high, generator), requires_grad, device)


@_with_out
def randperm(
    n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """A random permutation of 0..n-1 (PyTorch's shuffle, so the same for the same seed)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    array = random.randperm(n, generator).astype(dtypes.to_numpy(dtype) or np.int64)
    return _finish(array, requires_grad, device)


def _sampled_like(name, draw):
    """A ``rand_like``-style sampler: ``draw(like, generator)`` in ``input``'s shape and
    dtype (and memory order: empty_like keeps a dense input's strides)."""

    def sample_like(
        input,
        *,
        generator=None,
        dtype=None,
        layout=None,
        device=None,
        requires_grad=False,
        memory_format=None,
    ):
        dtype = dtypes.to_numpy(dtype) or input.array.dtype
        like = np.empty_like(input.array, dtype=dtype)
        return _finish(draw(like, generator), requires_grad, device)

    sample_like.__name__ = sample_like.__qualname__ = name
    return sample_like


rand_like = _sampled_like("rand_like", _draw_uniform)
randn_like = _sampled_like("randn_like", _draw_normal)


def randint_like(
    input,
    low=0,
    high=None,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """``randint_like(input, high)`` or ``randint_like(input, low, high)``."""
    low, high = _randint_bounds((low,) if high is None else (low, high))
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    like = np.empty_like(input.array, dtype=dtypes.to_numpy(dtype) or input.array.dtype)
    return _finish(random.random_from_to(like, low, high, generator), requires_grad, device)


def _check_std(std):
    if np.any(std < 0):
        raise RuntimeError(f"normal expects all elements of std >= 0.0, got {np.min(std)}")


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
    ``normal(mean, std, size)`` with two numbers. As PyTorch: standard normals scaled by
    std, then mean added (two roundings), in the tensor's dtype."""
    check_device(device)
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_t and not std_t:
        if size is None:
            raise TypeError(
                "normal() received an invalid combination of arguments: with a "
                "float mean and std, give the size: normal(mean, std, size)"
            )
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        like = random.blank(_size((size,)), _float_dtype(dtype))
        return _finish(random.normal(like, mean, std, generator), requires_grad)
    if size is not None:
        raise TypeError("normal(): size is only accepted with a float mean and std")
    out_dtype = (mean if mean_t else std).array.dtype
    std_array = np.asarray(_value(std), out_dtype)
    _check_std(std_array)
    shape = np.broadcast_shapes(np.shape(_value(mean)), std_array.shape)
    like = random.blank(shape, out_dtype)
    if std_t:
        samples = random.normal(like, 0.0, 1.0, generator) * std_array
    else:
        samples = random.normal(like, 0.0, float(std), generator)
    samples = samples + np.asarray(_value(mean), out_dtype)
    return _finish(samples.astype(out_dtype, copy=False), requires_grad)


@_with_out
def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``), else 0, in input's dtype."""
    if p is not None:
        return input.new_empty(input.shape).bernoulli_(p, generator=generator)
    probs = input.array
    if probs.size and not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    return Tensor.wrap(random.bernoulli_tensor(probs, probs.dtype, generator))


@_with_out
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` category indices per row, drawn with the row's weights (PyTorch's
    algorithms: random.multinomial)."""
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.array.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: "
            f"{dtypes.type_name(input.array.dtype)}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    weights = np.atleast_2d(input.array)
    if not replacement and num_samples > weights.shape[1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if np.any(weights < 0) or np.any(~np.isfinite(weights)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(weights.sum(axis=1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > np.count_nonzero(weights, axis=1).min():
        raise RuntimeError(
            "invalid multinomial distribution (with replacement=False, not enough "
            "non-negative category to sample)"
        )
    out = random.multinomial(weights, int(num_samples), replacement, generator)
    return Tensor.wrap(out if input.ndim == 2 else out[0])


# ---------------------------------------------------------------------------- joining
@_with_out
def cat(tensors, dim=0, *, out=None, axis=None):
    """Join tensors along an existing dimension (dtypes promoted; 1-D empty tensors are
    skipped, as PyTorch's legacy rule). ``axis`` is an alias of ``dim``."""
    dim = dim if axis is None else axis
    return cat_tensors([t if isinstance(t, Tensor) else tensor(t) for t in tensors], dim)


concat = concatenate = cat


@_with_out
def stack(tensors, dim=0, *, out=None, axis=None):
    """Join equally-shaped tensors along a new dimension (``axis`` is an alias of ``dim``)."""
    dim = dim if axis is None else axis
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    arrays = [t.array for t in tensors]
    shape, dtype = arrays[0].shape, arrays[0].dtype
    mixed = False
    for i, a in enumerate(arrays):
        if a.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got "
                f"{list(shape)} at entry 0 and {list(a.shape)} at entry {i}"
            )
        mixed = mixed or a.dtype != dtype
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    if autograd._state.recorder is None and not (
        autograd.is_grad_enabled() and any(t.requires_grad for t in tensors)
    ):  # no graph and no tape to record: one copy, not an unsqueeze and a node per tensor
        joined = np.array(arrays, dtype=dtypes.result_type(*tensors) if mixed else dtype)
        return Tensor.wrap(
            joined if dim == 0 else np.ascontiguousarray(np.moveaxis(joined, 0, dim))
        )
    return cat([t.unsqueeze(dim) for t in tensors], dim=dim)


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


def _stack_list(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@_with_out
def hstack(tensors, *, out=None):
    tensors = [atleast_1d(t) for t in _stack_list(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@_with_out
def vstack(tensors, *, out=None):
    return cat([atleast_2d(t) for t in _stack_list(tensors, "vstack")], 0)


@_with_out
def dstack(tensors, *, out=None):
    return cat([atleast_3d(t) for t in _stack_list(tensors, "dstack")], 2)


@_with_out
def column_stack(tensors, *, out=None):
    tensors = _stack_list(tensors, "column_stack")
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
