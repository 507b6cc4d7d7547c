"""``torch.linalg``: the norms (``vector_norm``, ``matrix_norm`` for 'fro', 1, -1, inf, -inf,
``norm``), composed from the package's differentiable reductions. Factorisations and solvers
(inv, det, solve, svd, eigh, qr, cholesky, ...) are not provided and say so."""

from __future__ import annotations

import math

from . import dtypes
from ._missing import missing, module_getattr
from .tensor import Tensor
from .tensor_methods import _dim

_MATRIX_ORDS = ("fro", 1, -1, math.inf, -math.inf)


def _floating_input(name, x):
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.{name}: Expected a floating point or complex tensor as input. "
            f"Got {dtypes.type_name(x.array.dtype)}"
        )
    return x


def vector_norm(x: Tensor, ord=2, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (every element when None); ord = inf is max |x|,
    -inf min |x|, 0 the count of nonzeros."""
    if out is not None:
        raise missing("torch.linalg.vector_norm(out=...)")
    x = _floating_input("vector_norm", x if dtype is None else x.to(dtype))
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Expected a number for ord, but got {ord!r}")
    return x.norm(p=ord, dim=dim, keepdim=keepdim)


def matrix_norm(
    A: Tensor, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None
) -> Tensor:
    """'fro': sqrt(sum |a_ij|^2); 1 / -1: the largest / smallest column sum of |a_ij|;
    inf / -inf: the largest / smallest row sum. 'nuc', 2 and -2 need singular values and
    are not provided."""
    if out is not None:
        raise missing("torch.linalg.matrix_norm(out=...)")
    A = _floating_input("matrix_norm", A if dtype is None else A.to(dtype))
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    if ord not in _MATRIX_ORDS:
        if ord in ("nuc", 2, -2):
            raise missing(f"torch.linalg.matrix_norm(ord={ord!r}) (it needs the SVD)")
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    rows, cols = (_dim(d, A.ndim) for d in dim)
    if rows == cols:
        raise RuntimeError("linalg.matrix_norm: dims must be different.")
    if ord == "fro":
        return A.norm(p=2, dim=(rows, cols), keepdim=keepdim)
    # 1 / -1 sum down the rows (per column), inf / -inf along each row
    summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = A.abs().sum(dim=summed, keepdim=True)
    out_ = sums.amax(dim=other, keepdim=True) if ord > 0 else sums.amin(dim=other, keepdim=True)
    return out_ if keepdim else out_.squeeze(max(rows, cols)).squeeze(min(rows, cols))


def norm(A: Tensor, ord=None, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """PyTorch's dispatch: ord None gives the 2-norm of the flattened tensor (dim None), of
    vectors (an int dim) or the Frobenius norm (two dims); with an ord, a 1-D input or an
    int dim takes the vector norm and a 2-D input or two dims the matrix norm."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {A.ndim}D."
            )
        dim = tuple(range(A.ndim))
    if len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)


__getattr__ = module_getattr(__name__, "torch.linalg")  # inv, det, solve, svd, ...: say so
