"""NumPy on Tensors, for backward formulas: how one formula serves first and second order.

Every op's backward in ``functions/`` is written with NumPy: ``grad * np.cos(a)``. In a
first-order pass ``grad`` and ``a`` are arrays and that is plain NumPy. Under
``create_graph=True`` the engine hands the same formula Tensors instead, and NumPy's
dispatch protocols (``__array_ufunc__`` for ufuncs such as ``np.cos``, ``__array_function__``
for functions such as ``np.where``) call ``Tensor.__array_ufunc__`` /
``__array_function__``, which route here: each NumPy name maps to the package's
differentiable op of the same meaning, so the formula records a graph and can be
differentiated again (HIPS autograd's idea, with NumPy itself as the namespace).

Outside a create_graph backward a NumPy call on a Tensor behaves as before: the tensor is
read as its array. Inside one, a NumPy name without a differentiable form here raises,
naming the op, instead of silently cutting the graph.
"""

import numpy as np

from . import autograd, dtypes
from . import functions as ops
from .tensor_methods import value_of


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    return _reduce_as(a, "sum", axis, keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    return _reduce_as(a, "mean", axis, keepdims)


def _reduce_as(a, name, axis, keepdims):
    a = _tensor(a)
    if axis is None:
        axis = tuple(range(a.ndim))
    return getattr(a, name)(axis, keepdim=keepdims) if a.ndim else a


def _amax(a, axis=None, out=None, keepdims=False, **_):
    return _reduce_as(a, "amax", axis, keepdims)


def _amin(a, axis=None, out=None, keepdims=False, **_):
    return _reduce_as(a, "amin", axis, keepdims)


def _tensor(x, like=None):
    """``x`` as a Tensor: a Tensor stays itself; an array or number is a constant."""
    if isinstance(x, autograd.Tensor):
        return x
    array = np.asarray(x)
    if like is not None and array.dtype.kind != "b" and like.array.dtype.kind == "f":
        if array.dtype.kind != "f" or array.ndim == 0:
            array = array.astype(like.array.dtype)
    return autograd.Tensor.wrap(array)


def _where(condition, x, y):
    if not isinstance(x, autograd.Tensor) and not isinstance(y, autograd.Tensor):
        return np.where(value_of(condition), x, y)  # only the condition a tensor: a constant
    like = x if isinstance(x, autograd.Tensor) else y
    cond = condition.array if isinstance(condition, autograd.Tensor) else np.asarray(condition)
    x, y = _tensor(x, like), _tensor(y, like)
    return x.where(autograd.Tensor.wrap(cond.astype(bool)), y)


def _broadcast_to(a, shape, subok=False):
    return _tensor(a).expand(tuple(shape))


def _expand_dims(a, axis):
    a = _tensor(a)
    for ax in sorted(axis) if isinstance(axis, (tuple, list)) else [axis]:
        a = a.unsqueeze(ax)
    return a


def _reshape(a, *shape, **kwargs):
    shape = kwargs.get("shape", kwargs.get("newshape", shape[0] if shape else None))
    return _tensor(a).reshape(shape)


def _transpose(a, axes=None):
    a = _tensor(a)
    return a.permute(tuple(reversed(range(a.ndim))) if axes is None else tuple(axes))


def _swapaxes(a, axis1, axis2):
    return _tensor(a).transpose(axis1, axis2)


def _moveaxis(a, source, destination):
    return _tensor(a).movedim(source, destination)


def _squeeze(a, axis=None):
    a = _tensor(a)
    if axis is None:
        return a.squeeze()
    for ax in sorted(axis if isinstance(axis, (tuple, list)) else [axis], reverse=True):
        a = a.squeeze(ax % a.ndim)
    return a


def _joined(arrays):
    like = next((a for a in arrays if isinstance(a, autograd.Tensor)), None)
    tensors = [_tensor(a, like) for a in arrays]
    dtype = dtypes.result_type(*tensors)
    return [t if t.array.dtype == dtype else t.to(dtypes.as_dtype(dtype)) for t in tensors]


def _concatenate(arrays, axis=0, **_):
    return ops.Cat.apply(*_joined(arrays), dim=axis)


def _stack(arrays, axis=0, **_):
    tensors = _joined(arrays)
    return ops.Cat.apply(*(t.unsqueeze(axis) for t in tensors), dim=axis)


def _matmul(a, b, **_):
    a, b = _joined([a, b])
    return a @ b


def _outer(a, b, **_):
    a, b = _joined([a, b])
    return a.reshape(-1, 1) * b.reshape(1, -1)


def _clip(a, a_min=None, a_max=None, **_):
    return _tensor(a).clamp(a_min, a_max)


def _like(fill):
    def make(a, dtype=None, *args, **kwargs):
        array = a.array if isinstance(a, autograd.Tensor) else np.asarray(a)
        return fill(array, dtype=dtype)

    return make


def _take_along_axis(a, indices, axis):
    idx = indices.array if isinstance(indices, autograd.Tensor) else np.asarray(indices)
    return _tensor(a).gather(axis, autograd.Tensor.wrap(idx.astype(np.int64)))


def _flip(m, axis=None):
    m = _tensor(m)
    axes = range(m.ndim) if axis is None else axis if isinstance(axis, (tuple, list)) else [axis]
    return m.flip(tuple(axes))


def _cumsum(a, axis=None, dtype=None, out=None):
    a = _tensor(a)
    return a.reshape(-1).cumsum(0) if axis is None else a.cumsum(axis)


def _cumprod(a, axis=None, dtype=None, out=None):
    a = _tensor(a)
    return a.reshape(-1).cumprod(0) if axis is None else a.cumprod(axis)


def _roll(a, shift, axis=None):
    shift = tuple(int(s) for s in shift) if np.ndim(shift) else int(shift)
    axis = tuple(axis) if isinstance(axis, (tuple, list)) else axis
    return _tensor(a).roll(shift, axis)


def _einsum(subscripts, *operands, **_):
    inputs, output = subscripts.replace(" ", "").split("->")
    return ops.Einsum.apply(*_joined(operands), inputs=inputs.split(","), output=output)


FUNCTIONS = {
    np.sum: _sum,
    np.mean: _mean,
    np.amax: _amax,
    np.max: _amax,
    np.amin: _amin,
    np.min: _amin,
    np.where: _where,
    np.broadcast_to: _broadcast_to,
    np.expand_dims: _expand_dims,
    np.reshape: _reshape,
    np.transpose: _transpose,
    np.swapaxes: _swapaxes,
    np.moveaxis: _moveaxis,
    np.squeeze: _squeeze,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.matmul: _matmul,
    np.dot: _matmul,
    np.outer: _outer,
    np.clip: _clip,
    np.zeros_like: _like(np.zeros_like),
    np.ones_like: _like(np.ones_like),
    np.empty_like: _like(np.zeros_like),
    np.take_along_axis: _take_along_axis,
    np.flip: _flip,
    np.cumsum: _cumsum,
    np.cumprod: _cumprod,
    np.roll: _roll,
    np.einsum: _einsum,
    np.shape: lambda a: tuple(a.shape),
    np.ndim: lambda a: a.ndim,
    np.size: lambda a, axis=None: a.numel() if axis is None else a.shape[axis],
    np.result_type: lambda *xs: np.result_type(*(value_of(x) for x in xs)),
}

# ufuncs that are Python operators: (method, reflected method), so ``array + tensor``
# is exactly what the tensor's reflected operator gives
_OPERATORS = {
    np.add: ("__add__", "__radd__"),
    np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"),
    np.true_divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"),
    np.matmul: ("__matmul__", "__rmatmul__"),
    np.floor_divide: ("__floordiv__", "__rfloordiv__"),
    np.remainder: ("__mod__", "__rmod__"),
    np.less: ("__lt__", "__gt__"),
    np.less_equal: ("__le__", "__ge__"),
    np.greater: ("__gt__", "__lt__"),
    np.greater_equal: ("__ge__", "__le__"),
    np.equal: ("__eq__", "__eq__"),
    np.not_equal: ("__ne__", "__ne__"),
    np.bitwise_and: ("__and__", "__rand__"),
    np.bitwise_or: ("__or__", "__ror__"),
    np.bitwise_xor: ("__xor__", "__rxor__"),
}

_BINARY = {
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.fmax: "fmax",
    np.fmin: "fmin",
    np.arctan2: "atan2",
    np.hypot: "hypot",
    np.logaddexp: "logaddexp",
}

_UNARY = {
    np.negative: "neg",
    np.positive: "positive",
    np.exp: "exp",
    np.exp2: "exp2",
    np.expm1: "expm1",
    np.log: "log",
    np.log2: "log2",
    np.log10: "log10",
    np.log1p: "log1p",
    np.sqrt: "sqrt",
    np.square: "square",
    np.reciprocal: "reciprocal",
    np.sin: "sin",
    np.cos: "cos",
    np.tan: "tan",
    np.arcsin: "asin",
    np.arccos: "acos",
    np.arctan: "atan",
    np.sinh: "sinh",
    np.cosh: "cosh",
    np.tanh: "tanh",
    np.arcsinh: "asinh",
    np.arccosh: "acosh",
    np.arctanh: "atanh",
    np.absolute: "abs",
    np.fabs: "abs",
}

# ufuncs whose result has no gradient (comparisons, rounding, tests): computed on arrays
_CONSTANT = {
    np.greater,
    np.greater_equal,
    np.less,
    np.less_equal,
    np.equal,
    np.not_equal,
    np.logical_and,
    np.logical_or,
    np.logical_xor,
    np.logical_not,
    np.isnan,
    np.isinf,
    np.isfinite,
    np.signbit,
    np.sign,
    np.floor,
    np.ceil,
    np.trunc,
    np.rint,
    np.floor_divide,
    np.invert,
    np.bitwise_and,
    np.bitwise_or,
}


def _not_differentiable(what):
    node = autograd._state.differentiating
    op = node.name() if node is not None else "an op"
    return RuntimeError(
        f"derivative for {op} is not implemented: its backward calls {what}, which has no "
        f"differentiable form (create_graph=True)"
    )


def ufunc(ufunc_, method, inputs, kwargs):
    """What ``np.<ufunc>(..., tensor, ...)`` returns."""
    differentiating = autograd._state.differentiating is not None
    if method == "__call__" and not kwargs.get("out"):
        if ufunc_ in _OPERATORS and len(inputs) == 2 and not kwargs:
            a, b = inputs
            forward, reflected = _OPERATORS[ufunc_]
            if isinstance(a, autograd.Tensor):
                return getattr(a, forward)(b)
            return getattr(b, reflected)(a)
        if differentiating:
            if ufunc_ in _UNARY and len(inputs) == 1:
                return getattr(_tensor(inputs[0]), _UNARY[ufunc_])()
            if ufunc_ in _BINARY and len(inputs) == 2:
                a, b = _joined(inputs)
                return getattr(a, _BINARY[ufunc_])(b)
            if ufunc_ in _CONSTANT:
                return ufunc_(*(value_of(x) for x in inputs), **kwargs)
    if method == "reduce" and differentiating and ufunc_ in (np.add, np.maximum, np.minimum):
        reduce = {np.add: _sum, np.maximum: _amax, np.minimum: _amin}[ufunc_]
        return reduce(inputs[0], **kwargs)
    if differentiating:
        name = ufunc_.__name__ + ("" if method == "__call__" else f".{method}")
        raise _not_differentiable(f"np.{name}")
    plain = tuple(value_of(x) for x in inputs)
    if "out" in kwargs:
        kwargs["out"] = tuple(value_of(x) for x in kwargs["out"])
    return getattr(ufunc_, method)(*plain, **kwargs)


def function(func, args, kwargs):
    """What ``np.<function>(..., tensor, ...)`` returns."""
    if autograd._state.differentiating is not None:
        handler = FUNCTIONS.get(func)
        if handler is None:
            raise _not_differentiable(f"np.{func.__name__}")
        return handler(*args, **kwargs)
    return func(*_plain_tree(args), **_plain_tree(kwargs))


def _plain_tree(x):
    if isinstance(x, autograd.Tensor):
        return x.array
    if isinstance(x, (list, tuple)):
        return type(x)(_plain_tree(v) for v in x)
    if isinstance(x, dict):
        return {k: _plain_tree(v) for k, v in x.items()}
    return x
