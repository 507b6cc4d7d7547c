"""``torch.linalg``: norms, inverses, solves, determinants and decompositions of (batches
of) real matrices, with PyTorch's names, arguments, results and errors.

The values come from NumPy's LAPACK (float32 stays float32); each differentiable piece is
an op in ``functions/linalg_decompositions.py`` whose backward is PyTorch's formula, so
gradients and second derivatives (create_graph) follow. Input is checked here, before any
op runs: at least 2 dims, square where the maths needs it, a floating dtype, and a
singular or indefinite matrix raises ``LinAlgError`` (a RuntimeError) with PyTorch's text.
"""

import builtins
import math

import numpy as np

from . import dtypes, return_types
from . import functions as ops
from ._missing import module_getattr
from .creation import tensor
from .function_forms import cross as _cross
from .tensor import Tensor


class LinAlgError(RuntimeError):
    """A matrix the decomposition cannot handle (singular, not positive-definite)."""


LinAlgError.__module__ = "torch.linalg"


# ----------------------------------------------------------------------------- checks


def _check_matrices(name, A, square=True, floating=True):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )
    if floating:
        _check_floating(name, A)


def _check_floating(name, A):
    if A.array.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. "
            f"Got {dtypes.type_name(A.array.dtype)}"
        )


def _batch_note(A, index):
    """PyTorch's '(Batch element i): ' prefix for a failure in a batch of matrices."""
    if A.ndim == 2:
        return ""
    flat = int(np.ravel_multi_index(index, A.shape[:-2]))
    return f"(Batch element {flat}): "


def _first_zero_pivot(a):
    """The 1-based row of the first zero pivot of LU with partial pivoting (LAPACK's
    getrf, which PyTorch's inv and solve run), or 0 when there is none."""
    a = np.array(a, dtype=np.float64)
    n = a.shape[0]
    found = 0
    for k in builtins.range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            found = found or k + 1
            continue
        a[[k, p]] = a[[p, k]]
        a[k + 1 :, k:] -= np.outer(a[k + 1 :, k] / a[k, k], a[k, k:])
    return found


def _singular(name, A, solve=False):
    """Raise PyTorch's LinAlgError for the first matrix of ``A`` that LU finds singular."""
    for index in np.ndindex(A.shape[:-2]):
        pivot = _first_zero_pivot(A.array[index])
        if pivot:
            where = _batch_note(A, index)
            if solve:
                raise LinAlgError(
                    f"torch.{name}: {where}The solver failed because the input matrix is singular."
                )
            raise LinAlgError(
                f"{name}: {where}The diagonal element {pivot} is zero, the inversion could "
                "not be completed because the input matrix is singular."
            )


def _nonsingular(name, A, solve=False):
    if A.array.size and np.any(np.linalg.det(A.array) == 0):
        _singular(name, A, solve)


def _positive_definite(A):
    """Raise PyTorch's LinAlgError naming the first leading minor that is not positive."""
    for index in np.ndindex(A.shape[:-2]):
        a = A.array[index]
        try:
            np.linalg.cholesky(a)
            continue
        except np.linalg.LinAlgError:
            pass
        order = next(k for k in builtins.range(1, a.shape[-1] + 1) if not _is_cholesky(a[:k, :k]))
        raise LinAlgError(
            f"linalg.cholesky: {_batch_note(A, index)}The factorization could not be "
            "completed because the input is not positive-definite (the leading minor of "
            f"order {order} is not positive-definite)."
        )


def _is_cholesky(a):
    try:
        np.linalg.cholesky(a)
        return True
    except np.linalg.LinAlgError:
        return False


# ----------------------------------------------------------------------------- norms


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm over ``dim`` (every element when None): any number,
    inf or -inf; 0 counts the nonzero elements."""
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not str")
    _check_floating("linalg.vector_norm", x)
    if dtype is not None:
        wanted = dtypes.as_dtype(dtype).dtype
        if np.dtype(wanted).itemsize < x.array.dtype.itemsize:
            raise RuntimeError(
                "linalg.vector_norm: the dtype of the input "
                f"({dtypes.type_name(x.array.dtype)}) should be convertible without "
                f"narrowing to the specified dtype ({dtypes.type_name(wanted)})"
            )
    return x.norm(ord, dim, keepdim, dtype)


def _matrix_dims(name, A, dim):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {_dims_text(dim)}")
    d0, d1 = (d % A.ndim if -A.ndim <= d < A.ndim else d for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def _dims_text(dim):
    return " ".join(map(str, dim)) if isinstance(dim, (tuple, list)) else str(dim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix norm over the two dims ``dim``: 'fro', 'nuc' (sum of the singular
    values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column sum of
    |A|), inf / -inf (max / min row sum)."""
    name = "linalg.matrix_norm"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_floating(name, A)
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    d0, d1 = _matrix_dims(name, A, dim)
    if dtype is not None:
        A = A.type(dtype)
    if ord == "fro":
        return A.norm(2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        result = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            result = result.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (d0, d1))
        return result
    summed, other = (d0, d1) if abs(ord) == 1 else (d1, d0)  # column sums for 1, rows for inf
    sums = A.abs().sum(summed, keepdim=True)
    result = sums.amax(other, keepdim=True) if ord > 0 else sums.amin(other, keepdim=True)
    return result if keepdim else result.squeeze((d0, d1))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector norm (``dim`` an int, or ``A`` 1-D) or a matrix norm (``dim`` a pair, or
    ``A`` 2-D, or ``ord`` a string); with neither ``ord`` nor ``dim``, the 2-norm of every
    element."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}"
            )
        if len(dim) == 1 and not isinstance(ord, str):
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim not in (1, 2):
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    if A.ndim == 1 and not isinstance(ord, str):
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)


# ----------------------------------------------------------------------------- inverses


def inv(A, *, out=None):
    """The inverse of each square matrix of ``A``."""
    _check_matrices("linalg.inv", A)
    _nonsingular("linalg.inv", A)
    return ops.Inv.apply(A)


def _as_matrix_rhs(A, B):
    """PyTorch's rule: B is a batch of vectors when it is 1-D or has A's batch shape
    with one fewer dim; otherwise a batch of matrices."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def solve(A, B, *, left=True, out=None):
    """X with A X = B (``left=False``: X A = B), batches broadcast."""
    name = "linalg.solve"
    _check_matrices(name, A)
    _check_floating(name, B)
    if A.array.dtype != B.array.dtype:
        raise RuntimeError(
            f"{name}: Expected A and B to have the same dtype, but found A of type "
            f"{dtypes.type_name(A.array.dtype)} and B of type "
            f"{dtypes.type_name(B.array.dtype)} instead"
        )
    if not left:
        return solve(A.mT, B.mT).mT
    vector = _as_matrix_rhs(A, B)
    matrix = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if matrix.shape[-2] != n:
        rows, cols = matrix.shape[-2:]
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation AX = B "
            f"({n}x{n} and {rows}x{cols})"
        )
    _check_broadcast(matrix.shape[:-2], A.shape[:-2])
    _nonsingular(name, A, solve=True)
    X = ops.Solve.apply(A, matrix)
    return X.squeeze(-1) if vector else X


def _check_broadcast(a, b):
    """PyTorch's error for batch shapes that do not broadcast."""
    for i in builtins.range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and 1 not in (a[-i], b[-i]):
            raise RuntimeError(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) "
                f"at non-singleton dimension {max(len(a), len(b)) - i}"
            )


def det(A, *, out=None):
    """The determinant of each square matrix of ``A``."""
    _check_matrices("linalg.det", A)
    return ops.Det.apply(A)


def slogdet(A, *, out=None):
    """(sign, log|det|) of each square matrix: the sign as a constant, log|det|
    differentiable."""
    _check_matrices("linalg.slogdet", A)
    sign = np.linalg.slogdet(A.array)[0].astype(A.array.dtype)
    return return_types.linalg_slogdet(Tensor.wrap(sign), ops.LogAbsDet.apply(A))


def cholesky(A, *, upper=False, out=None):
    """L lower triangular with A = L L^T (``upper``: U = L^T, A = U^T U), A symmetric
    positive-definite (its lower triangle is read)."""
    _check_matrices("linalg.cholesky", A)
    _positive_definite(A)
    low = ops.Cholesky.apply(A)
    return low.mT if upper else low


def matrix_power(A, n, *, out=None):
    """A @ A @ ... (n times) by repeated squaring; n = 0 the identity, n < 0 powers of
    the inverse."""
    _check_matrices("linalg.matrix_power", A, floating=False)
    if n < 0:
        A, n = inv(A), -n
    if n == 0:
        identity = np.broadcast_to(np.eye(A.shape[-1], dtype=A.array.dtype), A.shape)
        return tensor(identity.copy())
    result = None
    square = A
    while n:
        if n & 1:
            result = square if result is None else result @ square
        n >>= 1
        if n:
            square = square @ square
    return result


def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices; the first may be a row vector (1-D) and the
    last a column vector (1-D), as in the result's shape."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    last = len(tensors) - 1
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, last) else (2,)
        if t.ndim not in allowed:
            which = "first" if i == 0 else "last" if i == last else f"{i}th"
            rule = "1D or 2D" if i in (0, last) else "2D"
            raise RuntimeError(f"multi_dot(): the {which} tensor must be {rule} but got {t.ndim}D")
    for i in builtins.range(last):
        a, b = tensors[i], tensors[i + 1]
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a.shape)} and "
                f"{list(b.shape)} cannot be multiplied"
            )
    result = tensors[0]
    for t in tensors[1:]:
        result = result @ t
    return result


def cross(input, other, *, dim=-1, out=None):
    """The 3-vector cross product along ``dim`` (default the last), inputs broadcast."""
    return _cross(input, other, dim, out=out)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse: singular values at most max(atol, rtol * the
    largest) count as zero (rtol defaults to eps * max(m, n) when atol is 0 or None)."""
    _check_matrices("linalg.eigh" if hermitian else "linalg.pinv", A, square=hermitian)
    tolerances = {
        "atol": None if atol is None else _per_matrix(atol),
        "rtol": None if rtol is None else _per_matrix(rtol),
    }
    return ops.Pinv.apply(A, **tolerances)


def _per_matrix(tol):
    """A tolerance (a number, or a tensor over the batch) against (..., k) values."""
    return np.expand_dims(tol.array, -1) if isinstance(tol, Tensor) else float(tol)


# ----------------------------------------------------------------------------- decompositions


def svd(A, full_matrices=True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending; ``full_matrices=False``: the
    reduced U (m x k) and Vh (k x n), k = min(m, n)."""
    _check_matrices("linalg.svd", A, square=False)
    parts = (ops.Svd.apply(A, part=i, full_matrices=full_matrices) for i in (0, 1, 2))
    return return_types.linalg_svd(*parts)


def svdvals(A, *, driver=None, out=None):
    """The singular values of each matrix, descending."""
    _check_matrices("linalg.svdvals", A, square=False)
    return ops.Svd.apply(A, part=1)


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def _check_eigh(name, A, UPLO):
    _check_matrices(name, A, floating=False)
    if A.array.dtype.kind != "f":
        raise dtypes.not_implemented("linalg_eigh_cpu", A.array.dtype)
    _check_uplo(UPLO)


def eigh(A, UPLO="L", *, out=None):
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix, read
    from its lower (``UPLO='L'``) or upper triangle."""
    _check_eigh("linalg.eigh", A, UPLO)
    parts = (ops.Eigh.apply(A, part=i, uplo=UPLO) for i in (0, 1))
    return return_types.linalg_eigh(*parts)


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues of each symmetric matrix, ascending."""
    _check_eigh("linalg.eigvalsh", A, UPLO)
    return ops.Eigh.apply(A, part=0, uplo=UPLO)


def qr(A, mode="reduced", *, out=None):
    """(Q, R) with A = QR, Q orthonormal columns, R upper triangular; ``mode``: 'reduced'
    (Q m x k), 'complete' (Q m x m) or 'r' (Q empty)."""
    _check_matrices("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
            "(default), 'r', or 'complete'"
        )
    r = ops.Qr.apply(A, part=1, mode=mode)
    if mode == "r":
        return return_types.linalg_qr(Tensor.wrap(np.empty((0,), A.array.dtype)), r)
    return return_types.linalg_qr(ops.Qr.apply(A, part=0, mode=mode), r)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X of A X = B, as pinv(A) @ B (differentiable in A and B);
    with it, as PyTorch's CPU drivers give them: residuals (the squared residuals per
    column when m > n and A has full rank; not with 'gelsy', the default), rank (not with
    'gels') and singular_values ('gelsd' and 'gelss' only)."""
    driver = driver or "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    _check_matrices("linalg.lstsq", A, square=False)
    vector = B.ndim == A.ndim - 1
    matrix = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2:]
    rtol = rcond if rcond is not None and rcond > 0 else None
    X = pinv(A, rtol=rtol) @ matrix
    s = np.linalg.svd(A.array, compute_uv=False)
    cutoff = (rtol or np.finfo(A.array.dtype).eps * max(m, n)) * s[..., :1]
    ranks = (s > cutoff).sum(-1)
    dtype = A.array.dtype
    residuals = np.empty((0,), dtype)
    if driver != "gelsy" and m > n and np.all(ranks == n):
        residuals = ((A.array @ X.array - matrix.array) ** 2).sum(-2)
    rank = np.empty((0,), np.int64) if driver == "gels" else ranks.astype(np.int64)
    singular = s if driver in ("gelsd", "gelss") else np.empty((0,), dtype)
    return return_types.linalg_lstsq(
        X.squeeze(-1) if vector else X,
        Tensor.wrap(np.asarray(residuals, dtype)),
        Tensor.wrap(np.asarray(rank)),
        Tensor.wrap(np.asarray(singular, dtype)),
    )


__getattr__ = module_getattr(__name__, "torch.linalg")
