"""``torch.sin(x)``, ``torch.add(a, b, alpha=2)``, ``torch.max(a, b)``, ...: the function
forms of Tensor methods, with PyTorch's argument names and ``out=``.

Most are generated: ``torch.name(input, *args, **kwargs)`` calls ``input.name(*args,
**kwargs)``. Those whose arguments differ from the method's (a Python number in first
place, ``alpha=``, the binary max/min, where, einsum) are written out below.
"""
import numbers

import numpy as np

from . import dtypes
from . import functions as F
from ._missing import missing
from .tensor import Tensor

_METHOD_FORMS = (
    # elementwise math
    "abs", "absolute", "exp", "log", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsinh",
    "arccosh", "arctanh", "log1p", "expm1", "log2", "log10", "exp2", "square", "rsqrt",
    "reciprocal", "sign", "sgn", "floor", "ceil", "round", "trunc", "fix", "frac", "neg",
    "negative", "positive", "relu", "sigmoid", "tanh", "erf", "clamp", "clip", "clamp_min",
    "clamp_max", "atan2", "arctan2", "hypot", "logaddexp", "maximum", "minimum", "fmax", "fmin",
    "remainder", "fmod", "lerp", "addcmul", "addcdiv", "true_divide", "floor_divide",
    "multiply", "mul", "div", "divide", "subtract",
    # logic and comparison
    "logical_not", "logical_and", "logical_or", "logical_xor", "bitwise_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal",
    "less", "less_equal", "not_equal", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
    "isclose", "allclose", "equal",
    # reductions
    "sum", "nansum", "mean", "nanmean", "prod", "amax", "amin", "aminmax", "argmax", "argmin",
    "std", "var", "logsumexp", "norm", "cumsum", "cumprod", "all", "any", "count_nonzero",
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "unique",
    # shapes and indexing
    "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "swapaxes",
    "swapdims", "permute", "movedim", "moveaxis", "t", "flip", "fliplr", "flipud", "roll",
    "narrow", "select", "split", "chunk", "tensor_split", "unbind", "gather", "scatter",
    "scatter_add", "index_select", "masked_fill", "masked_select", "take_along_dim", "take",
    "nonzero", "argwhere", "diag", "diagonal", "trace", "tril", "triu", "tile",
    "broadcast_to", "ravel",
    # products and activations
    "matmul", "mm", "bmm", "mv", "dot", "inner", "vdot", "outer", "ger", "softmax",
    "log_softmax",
    # misc
    "clone", "detach", "numel", "is_floating_point", "is_complex",
)


def _method_form(name):
    def fn(input, *args, out=None, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return _into(out, getattr(input, name)(*args, **kwargs))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Function form of ``Tensor.{name}``."
    return fn


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
        raise RuntimeError(f"{getattr(result.grad_fn, 'name', lambda: 'op')()}(): functions with "
                           f"out=... arguments don't support automatic differentiation, but "
                           f"one of the arguments requires grad.")
    if not dtypes.can_cast(result.array.dtype, out.array.dtype):
        raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output "
                           f"type {out.dtype}")
    if out.array.shape != result.array.shape:
        out.array = np.empty(result.array.shape, out.array.dtype)
    np.copyto(out.array, result.array, casting="unsafe")
    out._version[0] += 1
    return out


for _name in _METHOD_FORMS:
    globals()[_name] = _method_form(_name)
del _name


def _tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, numbers.Number):
        return like._operand(x)
    from .creation import tensor   # noqa: PLC0415  (creation imports this package's tensor)
    return tensor(x)


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other."""
    if alpha != 1:
        other = other * alpha
    return _into(out, input + other if isinstance(input, Tensor) else _tensor(other) + input)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    if alpha != 1:
        other = other * alpha
    return _into(out, input - other if isinstance(input, Tensor) else input - _tensor(other))


def rsub(input, other, *, alpha=1):
    return other - alpha * input


def pow(input, exponent, *, out=None):  # noqa: A001
    """input ** exponent; either may be a Python number."""
    return _into(out, input ** exponent if isinstance(input, Tensor) else
                 exponent.__rpow__(input))


def float_power(input, exponent, *, out=None):
    base = input.double() if isinstance(input, Tensor) else input
    exp = exponent.double() if isinstance(exponent, Tensor) else exponent
    return pow(base, exp, out=out)


def max(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """max(input), max(input, dim, keepdim) -> (values, indices), max(input, other)."""
    return _into(out, input.max(dim, keepdim))


def min(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    return _into(out, input.min(dim, keepdim))


def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other`` (either may be a number);
    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    cond = condition.array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {dtypes.of(cond).name.capitalize()}")
    dtype = dtypes.result_type(*(x for x in (input, other)))
    x, y = (_as_dtype(v, dtype) for v in (input, other))
    try:
        np.broadcast_shapes(cond.shape, x.array.shape, y.array.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({list(x.array.shape)}) must match the size "
                           f"of tensor b ({list(y.array.shape)}): shapes are not "
                           f"broadcastable with condition {list(cond.shape)}") from None
    return _into(out, F.Where.apply(x, y, cond=cond))


def _as_dtype(v, dtype):
    if isinstance(v, Tensor):
        return v.type(dtype)
    return Tensor.wrap(np.asarray(v, dtype))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over ``dim``."""
    return (input.std(dim, unbiased, keepdim, correction=correction),
            input.mean(_none_if_bool(dim), keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over ``dim``."""
    return (input.var(dim, unbiased, keepdim, correction=correction),
            input.mean(_none_if_bool(dim), keepdim))


def _none_if_bool(dim):
    return None if isinstance(dim, bool) else dim


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return False


def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input)


def broadcast_shapes(*shapes):
    try:
        return Tensor.wrap(np.empty(np.broadcast_shapes(*shapes), bool)).shape
    except ValueError:
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape: "
                           f"{list(shapes)}") from None


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t.expand(shape) for t in tensors)


def einsum(equation, *operands):
    """Einstein summation over explicit subscripts (``'ij,jk->ik'``, ``'bi,bi->b'``,
    ``'ij->ji'``, ...). Not provided: '...' and a letter repeated inside one operand
    (diagonals such as ``'ii->'``)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    if "..." in equation:
        raise missing("torch.einsum with '...' (ellipsis)")
    lhs, arrow, output = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the "
                           f"equation" if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    if not arrow:   # implicit output: the letters that appear once, alphabetically
        letters = "".join(inputs)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    for subs, t in zip(inputs, operands):
        if len(set(subs)) != len(subs):
            raise missing(f"torch.einsum with a repeated subscript in one operand ('{subs}')")
        if len(subs) != t.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(subs)}) does not match the number of dimensions "
                               f"({t.ndim}) for operand {inputs.index(subs)} and no ellipsis "
                               f"was given")
    sizes = {}
    for subs, t in zip(inputs, operands):
        for c, n in zip(subs, t.shape):
            if sizes.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes "
                                   f"(original->remapped): subscript '{c}' has size "
                                   f"{sizes[c]} and {n}")
    dtype = dtypes.result_type(*operands)
    return F.Einsum.apply(*(t.type(dtype) for t in operands), inputs=tuple(inputs),
                          output=output)


__all__ = list(_METHOD_FORMS) + [
    "add", "sub", "rsub", "pow", "float_power", "max", "min", "argmax", "where", "std_mean",
    "var_mean", "is_tensor", "is_storage", "is_nonzero", "broadcast_shapes",
    "broadcast_tensors", "einsum"]
