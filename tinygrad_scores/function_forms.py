"""``torch.sin(x)``, ``torch.add(a, b, alpha=2)``, ``torch.max(a, b)``, ...: the function
forms of Tensor methods, with PyTorch's argument names and ``out=``.

Most are generated: ``torch.name(input, *args, **kwargs)`` calls ``input.name(*args,
**kwargs)``. Those whose arguments differ from the method's (a Python number in first
place, ``alpha=``, the binary max/min, where, einsum) are written out below.
"""

import builtins
import numbers
import types

import numpy as np

from . import dtypes, histograms
from . import functions as ops
from ._missing import missing
from .creation import stack, tensor
from .tensor import Tensor
from .tensor_methods import _accept_axis, _into, select_where

_METHOD_FORMS = (
    # counting and binning (histograms.py)
    "bincount",
    "histc",
    "histogram",
    # elementwise math
    "abs",
    "absolute",
    "exp",
    "log",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "exp2",
    "square",
    "rsqrt",
    "reciprocal",
    "sign",
    "sgn",
    "floor",
    "ceil",
    "round",
    "trunc",
    "fix",
    "frac",
    "neg",
    "negative",
    "positive",
    "relu",
    "sigmoid",
    "tanh",
    "erf",
    "hardshrink",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "atan2",
    "arctan2",
    "hypot",
    "logaddexp",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "remainder",
    "fmod",
    "lerp",
    "addcmul",
    "addcdiv",
    "true_divide",
    "floor_divide",
    "multiply",
    "mul",
    "div",
    "divide",
    "subtract",
    # logic and comparison
    "logical_not",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "not_equal",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "isclose",
    "allclose",
    "equal",
    # reductions
    "sum",
    "nansum",
    "mean",
    "nanmean",
    "prod",
    "amax",
    "amin",
    "aminmax",
    "argmax",
    "argmin",
    "std",
    "var",
    "logsumexp",
    "norm",
    "cumsum",
    "cumprod",
    "all",
    "any",
    "count_nonzero",
    "sort",
    "argsort",
    "msort",
    "topk",
    "kthvalue",
    "median",
    "unique",
    # shapes and indexing
    "reshape",
    "flatten",
    "unflatten",
    "squeeze",
    "unsqueeze",
    "transpose",
    "swapaxes",
    "swapdims",
    "permute",
    "movedim",
    "moveaxis",
    "t",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "narrow",
    "select",
    "split",
    "chunk",
    "tensor_split",
    "unbind",
    "gather",
    "scatter",
    "scatter_add",
    "index_select",
    "masked_fill",
    "masked_select",
    "take_along_dim",
    "take",
    "nonzero",
    "argwhere",
    "diag",
    "diagonal",
    "trace",
    "tril",
    "triu",
    "tile",
    "broadcast_to",
    "ravel",
    "signbit",
    "isreal",
    "deg2rad",
    "rad2deg",
    "logaddexp2",
    "nan_to_num",
    "diff",
    "rot90",
    "repeat_interleave",
    "cummax",
    "cummin",
    "index_add",
    "index_fill",
    # products and activations
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "inner",
    "vdot",
    "outer",
    "ger",
    "softmax",
    "log_softmax",
    # misc
    "clone",
    "detach",
    "numel",
    "is_floating_point",
    "is_complex",
)


def _method_form(name):
    def fn(input, *args, out=None, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' (position 1) must be Tensor, not "
                f"{type(input).__name__}"
            )
        return _into(out, getattr(input, name)(*args, **kwargs))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Function form of ``Tensor.{name}``."
    return fn


for _name in _METHOD_FORMS:
    globals()[_name] = _method_form(_name)
del _name


def _tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, numbers.Number):
        return like._operand(x)
    return tensor(x)


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other."""
    if isinstance(input, Tensor):
        return _into(out, input.add(other, alpha=alpha))
    other = _tensor(other)
    return _into(out, other._times_alpha(other, alpha) + input)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    if isinstance(input, Tensor):
        return _into(out, input.sub(other, alpha=alpha))
    other = _tensor(other)
    return _into(out, input - other._times_alpha(other, alpha))


def rsub(input, other, *, alpha=1):
    """other - alpha * input (a bool input refused as by ``-``)."""
    return _tensor(other, like=input).sub(input, alpha=alpha)


def pow(input, exponent, *, out=None):  # noqa: A001
    """input ** exponent; either may be a Python number."""
    return _into(out, input**exponent if isinstance(input, Tensor) else exponent.__rpow__(input))


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
    return _into(out, select_where(condition, input, other))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over ``dim``."""
    return (
        input.std(dim, unbiased, keepdim, correction=correction),
        input.mean(_none_if_bool(dim), keepdim),
    )


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over ``dim``."""
    return (
        input.var(dim, unbiased, keepdim, correction=correction),
        input.mean(_none_if_bool(dim), keepdim),
    )


def _none_if_bool(dim):
    return None if isinstance(dim, bool) else dim


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2)."""
    return _into(out, _scaled(input, beta) + _scaled(mat1.mm(mat2), alpha))


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    return _into(out, _scaled(input, beta) + _scaled(mat.mv(vec), alpha))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    return _into(out, _scaled(input, beta) + _scaled(batch1.bmm(batch2), alpha))


def _scaled(t, factor):
    # beta = 0 ignores the input entirely (NaN in it does not propagate), as PyTorch
    return t * 0 if factor == 0 and not t.isnan().any() else (t if factor == 1 else t * factor)


def tensordot(a, b, dims=2, out=None):
    """Sum of products over the last ``dims`` dims of a and the first of b (or the two
    lists of dims given)."""
    if isinstance(dims, int):
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [d % a.ndim for d in dims_a]
    dims_b = [d % b.ndim for d in dims_b]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sub_a = [next(letters) for _ in range(a.ndim)]
    sub_b = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        sub_b[db] = sub_a[da]
    keep = [c for i, c in enumerate(sub_a) if i not in dims_a] + [
        c for i, c in enumerate(sub_b) if i not in dims_b
    ]
    return _into(out, einsum("".join(sub_a) + "," + "".join(sub_b) + "->" + "".join(keep), a, b))


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, batched over leading dims.
    Always from the differences, not PyTorch's matrix-product shortcut for p = 2 past 25
    rows (no cancellation); a zero distance has gradient 0, as in PyTorch."""
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
        if x.array.dtype.kind != "f":
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: "
                f"{dtypes.type_name(x.array.dtype)}"
            )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, dim=-1)


def kron(input, other, *, out=None):
    """Kronecker product: every element of input times the whole of other."""
    n = builtins.max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    spread_a = tuple(x for s in a.shape for x in (s, 1))
    spread_b = tuple(x for s in b.shape for x in (1, s))
    product = a.reshape(spread_a) * b.reshape(spread_b)
    return _into(out, product.reshape(tuple(p * q for p, q in zip(a.shape, b.shape))))


def cross(input, other, dim=None, *, out=None):
    """The 3-vector cross product along ``dim`` (the first dim of size 3 when None)."""
    if dim is None:
        dim = next((i for i, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[dim]} and {other.shape[dim]}"
        )
    a = [input.select(dim, i) for i in range(3)]
    b = [other.select(dim, i) for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return _into(out, stack(parts, dim % input.ndim))


def searchsorted(
    sorted_sequence, values, *, out_int32=False, right=False, side=None, out=None, sorter=None
):
    """Where each value would be inserted to keep ``sorted_sequence`` sorted."""
    found = histograms.searchsorted(
        sorted_sequence, values, out_int32=out_int32, right=right, side=side, sorter=sorter
    )
    return _into(out, found)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value among ``boundaries`` (1-D, increasing)."""
    return _into(out, histograms.bucketize(input, boundaries, out_int32=out_int32, right=right))


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    rows, cols = np.tril_indices(row, offset, col)
    return Tensor.wrap(np.stack([rows, cols]).astype(dtypes.to_numpy(dtype) or np.int64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    rows, cols = np.triu_indices(row, offset, col)
    return Tensor.wrap(np.stack([rows, cols]).astype(dtypes.to_numpy(dtype) or np.int64))


def set_num_threads(n):
    """The most threads a parallel kernel may use (at most Numba's NUMBA_NUM_THREADS)."""
    from numba import config  # noqa: PLC0415
    from numba import set_num_threads as numba_set

    from .kernels.matmul import team_size  # noqa: PLC0415

    n = int(n)
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    team_size.most = team_size.size = builtins.min(n, config.NUMBA_NUM_THREADS)
    numba_set(team_size.size)


def get_num_threads():
    from .kernels.matmul import team_size  # noqa: PLC0415

    return team_size.most


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
        raise RuntimeError(
            f"Shape mismatch: objects cannot be broadcast to a single shape: {list(shapes)}"
        ) from None


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t.expand(shape) for t in tensors)


def einsum(equation, *operands):
    """Einstein summation (``'ij,jk->ik'``, ``'bi,bi->b'``, ``'...ij,jk->...ik'``): '...'
    stands for the dimensions no letter names, broadcast across operands from the right
    (and put first in an implicit output), as is a letter of size 1 against a larger one.
    Not provided: a letter repeated inside one operand (diagonals such as ``'ii->'``)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    lhs, arrow, output = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
            if len(operands) > len(inputs)
            else "einsum(): fewer operands were provided than specified in the equation"
        )
    inputs, output = _einsum_letters(inputs, output, arrow, operands)
    for subs in inputs:
        if len(set(subs)) != len(subs):
            raise missing(f"torch.einsum with a repeated subscript in one operand ('{subs}')")
    sizes = {}
    for subs, t in zip(inputs, operands):
        for c, n in zip(subs, t.shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise RuntimeError(
                    f"einsum(): operands do not broadcast with remapped shapes "
                    f"(original->remapped): subscript '{c}' has size {sizes[c]} and {n}"
                )
    dtype = dtypes.result_type(*operands)
    operands = [  # a letter of size 1 against a larger one: broadcast, as PyTorch does
        t.expand(*[sizes[c] for c in subs]) if t.shape != tuple(sizes[c] for c in subs) else t
        for subs, t in zip(inputs, operands)
    ]
    return ops.Einsum.apply(*(t.type(dtype) for t in operands), inputs=tuple(inputs), output=output)


def _einsum_letters(inputs, output, arrow, operands):
    """The equation with every '...' spelled as letters the equation does not use (an
    operand's dimensions aligned from the right) and the implicit output made explicit:
    the ellipsis' letters, then the letters that appear once, alphabetically."""
    used = set("".join(inputs) + output) - {"."}
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    widths = []
    for i, (subs, t) in enumerate(zip(inputs, operands)):
        named = len(subs.replace("...", ""))
        if "..." not in subs and named != t.ndim or named > t.ndim:
            relation = "is more than" if named > t.ndim else "does not match"
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) {relation} "
                f"the number of dimensions ({t.ndim}) for operand {i}"
                + ("" if "..." in subs else " and no ellipsis was given")
            )
        widths.append(t.ndim - named if "..." in subs else 0)
    ellipsis = "".join(spare[: builtins.max(widths, default=0)])
    inputs = [subs.replace("...", ellipsis[len(ellipsis) - w :]) for subs, w in zip(inputs, widths)]
    if arrow:
        return inputs, output.replace("...", ellipsis)
    letters = "".join(inputs)
    once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
    return inputs, ellipsis + "".join(once)


for _name, _fn in list(globals().items()):
    if (
        callable(_fn)
        and getattr(_fn, "__module__", None) == __name__
        and not _name.startswith("_")
        and isinstance(_fn, types.FunctionType)
        and "dim" in _fn.__code__.co_varnames
    ):
        globals()[_name] = _accept_axis(_fn)
del _name, _fn

__all__ = list(_METHOD_FORMS) + [
    "add",
    "sub",
    "rsub",
    "pow",
    "float_power",
    "max",
    "min",
    "argmax",
    "where",
    "std_mean",
    "var_mean",
    "is_tensor",
    "is_storage",
    "is_nonzero",
    "broadcast_shapes",
    "broadcast_tensors",
    "einsum",
    "addmm",
    "addmv",
    "baddbmm",
    "tensordot",
    "cdist",
    "kron",
    "cross",
    "searchsorted",
    "bucketize",
    "tril_indices",
    "triu_indices",
    "set_num_threads",
    "get_num_threads",
]
