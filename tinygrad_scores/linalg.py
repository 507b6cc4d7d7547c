"""``torch.linalg``: norms, inverses, solves, determinants and decompositions of (batches
of) real matrices, with PyTorch's names, arguments, results and errors.

The values come from NumPy's LAPACK (float32 stays float32); each differentiable piece is
an op in ``functions/linalg_decompositions.py`` whose backward is PyTorch's formula, so
gradients and second derivatives (create_graph) follow. Input is checked here, before any
op runs: at least 2 dims, square where the maths needs it, a floating dtype. A matrix that
LAPACK refuses (singular, not positive-definite) raises ``LinAlgError`` (a RuntimeError)
with PyTorch's text, naming the batch element and the zero pivot or the failing minor.
"""

import builtins
import math

import numpy as np

from . import dtypes, return_types
from . import functions as ops
from ._missing import module_getattr
from .creation import _with_out, cat, tensor
from .function_forms import cross as _cross
from .functions.linalg_decompositions import svd_cutoff
from .tensor import Tensor

__all__ = [
    "LinAlgError",
    "vector_norm",
    "matrix_norm",
    "norm",
    "inv",
    "inv_ex",
    "solve",
    "solve_ex",
    "solve_triangular",
    "det",
    "slogdet",
    "cholesky",
    "cholesky_ex",
    "matrix_power",
    "matrix_exp",
    "multi_dot",
    "cross",
    "pinv",
    "svd",
    "svdvals",
    "eigh",
    "eigvalsh",
    "qr",
    "lstsq",
    "matrix_rank",
    "cond",
    "vecdot",
    "matmul",
    "diagonal",
    "vander",
    "tensorinv",
    "tensorsolve",
]


class LinAlgError(RuntimeError):
    """A matrix the decomposition cannot handle (singular, not positive-definite)."""


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
    a = np.array(a)
    found = 0
    for k in builtins.range(a.shape[0]):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            found = found or k + 1
            continue
        a[[k, p]] = a[[p, k]]
        a[k + 1 :, k:] -= np.outer(a[k + 1 :, k] / a[k, k], a[k, k:])
    return found


def _first_bad_minor(a):
    """The order of the first leading minor of ``a`` that is not positive-definite (the
    ``info`` of LAPACK's potrf), or 0 when ``a`` is positive-definite."""
    for k in builtins.range(1, a.shape[-1] + 1):
        try:
            np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def _infos(A, find, suspect):
    """LAPACK's ``info`` for each matrix of ``A`` (int32): ``find`` on those that
    ``suspect`` (one bool per matrix) says may fail, 0 for the rest."""
    info = np.zeros(A.shape[:-2], np.int32)
    for index in np.ndindex(info.shape):
        if suspect[index]:
            info[index] = find(A.array[index])
    return info


def _pivot_infos(A):
    """The first zero pivot of each matrix (its determinant is 0 when it has one)."""
    suspect = np.linalg.det(A.array) == 0 if A.array.size else np.zeros(A.shape[:-2], bool)
    return _infos(A, _first_zero_pivot, suspect)


def _cholesky_infos(A):
    """The first leading minor of each matrix that is not positive-definite."""
    try:
        np.linalg.cholesky(A.array)
        return np.zeros(A.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        return _infos(A, _first_bad_minor, np.ones(A.shape[:-2], bool))


def _first_failure(info):
    """The batch index and info of the first failed matrix, or None."""
    for index in np.ndindex(info.shape):
        if info[index]:
            return index, int(info[index])
    return None


def _nonsingular(name, A, solve=False):
    """Raise PyTorch's LinAlgError for the first matrix of ``A`` that LU finds singular."""
    failure = _first_failure(_pivot_infos(A))
    if failure is None:
        return
    index, pivot = failure
    where = _batch_note(A, index)
    if solve:
        raise LinAlgError(
            f"torch.{name}: {where}The solver failed because the input matrix is singular."
        )
    raise LinAlgError(
        f"{name}: {where}The diagonal element {pivot} is zero, the inversion could "
        "not be completed because the input matrix is singular."
    )


def _lapack(run, explain):
    """``run()``, an op whose forward calls LAPACK through NumPy; where LAPACK refuses a
    matrix, ``explain()`` raises PyTorch's LinAlgError naming it (checking first would
    factor every matrix twice)."""
    try:
        return run()
    except np.linalg.LinAlgError as error:
        explain()
        raise LinAlgError(str(error)) from None  # (explain found no zero pivot: rounding)


def _positive_definite(A):
    """Raise PyTorch's LinAlgError naming the first leading minor that is not positive."""
    failure = _first_failure(_cholesky_infos(A))
    if failure is None:
        return
    index, order = failure
    raise LinAlgError(
        f"linalg.cholesky: {_batch_note(A, index)}The factorization could not be "
        "completed because the input is not positive-definite (the leading minor of "
        f"order {order} is not positive-definite)."
    )


# ----------------------------------------------------------------------------- norms


@_with_out
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
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


@_with_out
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
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


@_with_out
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
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


@_with_out
def inv(A):
    """The inverse of each square matrix of ``A``."""
    _check_matrices("linalg.inv", A)
    return _lapack(lambda: ops.Inv.apply(A), lambda: _nonsingular("linalg.inv", A))


def _as_matrix_rhs(A, B):
    """PyTorch's rule: B is a batch of vectors when it is 1-D or has A's batch shape
    with one fewer dim; otherwise a batch of matrices."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


@_with_out
def solve(A, B, *, left=True):
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
    X = _solve_matrices(A, B.unsqueeze(-1) if vector else B)
    return X.squeeze(-1) if vector else X


def _solve_matrices(A, matrix):
    name = "linalg.solve"
    n = A.shape[-1]
    if matrix.shape[-2] != n:
        rows, cols = matrix.shape[-2:]
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation AX = B "
            f"({n}x{n} and {rows}x{cols})"
        )
    _check_broadcast(matrix.shape[:-2], A.shape[:-2])
    return _lapack(lambda: ops.Solve.apply(A, matrix), lambda: _nonsingular(name, A, True))


def _check_broadcast(a, b):
    """PyTorch's error for batch shapes that do not broadcast."""
    for i in builtins.range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and 1 not in (a[-i], b[-i]):
            raise RuntimeError(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) "
                f"at non-singleton dimension {max(len(a), len(b)) - i}"
            )


@_with_out
def det(A):
    """The determinant of each square matrix of ``A``."""
    _check_matrices("linalg.det", A)
    return ops.Det.apply(A)


@_with_out
def slogdet(A):
    """(sign, log|det|) of each square matrix: the sign as a constant, log|det|
    differentiable."""
    _check_matrices("linalg.slogdet", A)
    sign = np.linalg.slogdet(A.array)[0].astype(A.array.dtype)
    return return_types.linalg_slogdet(Tensor.wrap(sign), ops.LogAbsDet.apply(A))


@_with_out
def cholesky(A, *, upper=False):
    """L lower triangular with A = L L^T (``upper``: U = L^T, A = U^T U), A symmetric
    positive-definite (its lower triangle is read)."""
    _check_matrices("linalg.cholesky", A)
    low = _lapack(lambda: ops.Cholesky.apply(A), lambda: _positive_definite(A))
    return low.mT if upper else low


@_with_out
def matrix_power(A, n):
    """A @ A @ ... (n times) by repeated squaring; n = 0 the identity, n < 0 powers of
    the inverse."""
    _check_matrices("linalg.matrix_power", A, floating=False)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
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


@_with_out
def multi_dot(tensors):
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
    dims = [tensors[0].shape[0] if tensors[0].ndim == 2 else 1]
    dims += [t.shape[-1] if t.ndim == 2 or i == 0 else 1 for i, t in enumerate(tensors)]
    return _chain(list(tensors), _cheapest_split(dims), 0, last)


def _cheapest_split(dims):
    """The matrix-chain order (the classic dynamic programme): split[i][j] is where the
    product of matrices i..j, matrix k of size dims[k] x dims[k + 1], is best cut."""
    n = len(dims) - 1
    cost = [[0] * n for _ in builtins.range(n)]
    split = [[0] * n for _ in builtins.range(n)]
    for length in builtins.range(1, n):
        for i in builtins.range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in builtins.range(i, j)
            )
    return split


def _chain(tensors, split, i, j):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return _chain(tensors, split, i, k) @ _chain(tensors, split, k + 1, j)


@_with_out
def cross(input, other, *, dim=-1):
    """The 3-vector cross product along ``dim`` (default the last); inputs of the same
    number of dims broadcast."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    return _cross(input, other, dim)


@_with_out
def pinv(A, *, atol=None, rtol=None, hermitian=False):
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


@_with_out
def svd(A, full_matrices=True, *, driver=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending; ``full_matrices=False``: the
    reduced U (m x k) and Vh (k x n), k = min(m, n)."""
    _check_matrices("linalg.svd", A, square=False)
    parts = (ops.Svd.apply(A, part=i, full_matrices=full_matrices) for i in (0, 1, 2))
    return return_types.linalg_svd(*parts)


@_with_out
def svdvals(A, *, driver=None):
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


@_with_out
def eigh(A, UPLO="L"):
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix, read
    from its lower (``UPLO='L'``) or upper triangle."""
    _check_eigh("linalg.eigh", A, UPLO)
    parts = (ops.Eigh.apply(A, part=i, uplo=UPLO) for i in (0, 1))
    return return_types.linalg_eigh(*parts)


@_with_out
def eigvalsh(A, UPLO="L"):
    """The eigenvalues of each symmetric matrix, ascending."""
    _check_eigh("linalg.eigvalsh", A, UPLO)
    return ops.Eigh.apply(A, part=0, uplo=UPLO)


@_with_out
def qr(A, mode="reduced"):
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
    if A.array.dtype != B.array.dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {dtypes.type_name(A.array.dtype)} and other's dtype "
            f"{dtypes.type_name(B.array.dtype)}"
        )
    vector = B.ndim == A.ndim - 1
    matrix = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2:]
    if matrix.shape[-2] != m:
        raise RuntimeError(
            f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector else -2})"
        )
    rtol = rcond if rcond is not None and rcond > 0 else None
    X = pinv(A, rtol=rtol) @ matrix
    s = np.linalg.svd(A.array, compute_uv=False)
    ranks = (s > svd_cutoff(s, A.shape, rtol=rtol)).sum(-1)
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


# ----------------------------------------------------------------------------- the rest


def _with_failures_nan(result, info, dims=2):
    """``result`` with the matrices (``dims=1``: vectors) whose ``info`` is nonzero set to
    NaN: LAPACK leaves them undefined (PyTorch returns whatever the factorization left)."""
    if not info.any():
        return result
    kept = Tensor.wrap(np.expand_dims(info == 0, tuple(builtins.range(-dims, 0))))
    return result.where(kept, Tensor.wrap(np.array(np.nan, result.array.dtype)))


def _identity_where(A, info):
    """``A`` with each matrix whose ``info`` is nonzero replaced by the identity, so that
    the op runs on every matrix (the failed ones are set to NaN after)."""
    if not info.any():
        return A
    failed = Tensor.wrap(np.expand_dims(info != 0, (-1, -2)))
    return Tensor.wrap(np.eye(A.shape[-1], dtype=A.array.dtype)).where(failed, A)


@_with_out
def inv_ex(A, *, check_errors=False):
    """(inverse, info): info is 0, or the first zero pivot of a singular matrix, whose
    inverse is then NaN (``check_errors=True``: inv's error instead)."""
    _check_matrices("linalg.inv_ex", A)
    if check_errors:
        return return_types.linalg_inv_ex(inv(A), Tensor.wrap(np.zeros(A.shape[:-2], np.int32)))
    info = _pivot_infos(A)
    inverse = _with_failures_nan(ops.Inv.apply(_identity_where(A, info)), info)
    return return_types.linalg_inv_ex(inverse, Tensor.wrap(info))


@_with_out
def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): info is 0, or the order of the first leading minor that is not
    positive-definite, whose L is then NaN (``check_errors=True``: cholesky's error)."""
    _check_matrices("linalg.cholesky_ex", A)
    if check_errors:
        _positive_definite(A)
    info = _cholesky_infos(A)
    low = _with_failures_nan(ops.Cholesky.apply(_identity_where(A, info)), info)
    return return_types.linalg_cholesky_ex(low.mT if upper else low, Tensor.wrap(info))


@_with_out
def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) of ``solve``: info is 0, or the first zero pivot of a singular A,
    whose result is then NaN (``check_errors=True``: solve's error)."""
    _check_matrices("linalg.solve_ex", A)
    if check_errors:
        result = solve(A, B, left=left)
        return return_types.linalg_solve_ex(result, Tensor.wrap(np.zeros(A.shape[:-2], np.int32)))
    info = _pivot_infos(A)
    result = solve(_identity_where(A, info), B, left=left)
    dims = 1 if left and _as_matrix_rhs(A, B) else 2
    return return_types.linalg_solve_ex(_with_failures_nan(result, info, dims), Tensor.wrap(info))


@_with_out
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with A X = B (``left=False``: X A = B), reading only A's upper or lower triangle
    (its diagonal taken as ones if ``unitriangular``); B a batch of matrices."""
    _check_matrices("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError(
            "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."
        )
    n = A.shape[-1]
    keep = np.triu(np.ones((n, n), bool)) if upper else np.tril(np.ones((n, n), bool))
    if unitriangular:
        keep &= ~np.eye(n, dtype=bool)
    triangle = A * Tensor.wrap(keep.astype(A.array.dtype))
    if unitriangular:
        triangle = triangle + Tensor.wrap(np.eye(n, dtype=A.array.dtype))
    if not left:
        return _solve_matrices(triangle.mT, B.mT).mT
    return _solve_matrices(triangle, B)


@_with_out
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (|eigenvalues| if ``hermitian``) above max(atol,
    rtol * the largest), as int64; rtol defaults as in ``pinv``."""
    _check_matrices("linalg.matrix_rank", A, square=hermitian)
    if hermitian:
        s = np.sort(np.abs(np.linalg.eigvalsh(A.array)), axis=-1)[..., ::-1]
    else:
        s = np.linalg.svd(A.array, compute_uv=False)
    tolerances = [None if t is None else _per_matrix(t) for t in (atol, rtol)]
    cutoff = svd_cutoff(s, A.shape, *tolerances)
    return Tensor.wrap(np.asarray((s > cutoff).sum(-1), np.int64))


@_with_out
def cond(A, p=None):
    """The condition number in the ``p`` norm: the ratio of the extreme singular values
    for p = None, 2 or -2 (any shape), else norm(A) * norm(A^-1) (square; inf where A is
    singular)."""
    if p in (None, 2, -2):
        _check_matrices("linalg.cond", A, square=False)
    else:
        _check_matrices(f"linalg.cond(ord={p})", A)
    if 0 in A.shape[-2:]:  # PyTorch: 0 for empty matrices
        return Tensor.wrap(np.zeros(A.shape[:-2], A.array.dtype))
    if p in (None, 2, -2):
        s = svdvals(A)
        ratio = s[..., 0] / s[..., -1]
        return 1 / ratio if p == -2 else ratio
    info = _pivot_infos(A)
    value = matrix_norm(A, p) * matrix_norm(ops.Inv.apply(_identity_where(A, info)), p)
    invertible = Tensor.wrap(info == 0)
    return value.where(invertible, Tensor.wrap(np.array(np.inf, A.array.dtype)))


def matrix_exp(A):
    """exp(A) = I + A + A^2/2! + ...: Taylor to degree 18 on A / 2^s (its 1-norm at most
    1/2, the truncation below float64's rounding), squared s times. Every step is a
    product or a sum, so the gradient is that of the computation."""
    _check_matrices("linalg.matrix_exp", A)
    n = A.shape[-1]
    norm1 = np.abs(A.array).sum(-2).max() if A.array.size else 0.0
    squarings = int(np.ceil(np.log2(norm1 / 0.5))) if 0.5 < norm1 < np.inf else 0
    scaled = A / (2.0**squarings)
    identity = Tensor.wrap(np.eye(n, dtype=A.array.dtype))
    result = identity
    for k in builtins.range(18, 0, -1):  # Horner: I + X/1 (I + X/2 (I + ... (I + X/18)))
        result = identity + (scaled @ result) / k
    for _ in builtins.range(squarings):
        result = result @ result
    return result


@_with_out
def vecdot(x, y, *, dim=-1):
    """The dot product of vectors along ``dim``, inputs broadcast."""
    if x.array.dtype != y.array.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{dtypes.type_name(x.array.dtype)} and y of type "
            f"{dtypes.type_name(y.array.dtype)} instead"
        )
    return (x * y).sum(dim)


@_with_out
def matmul(input, other):
    """``torch.matmul``."""
    return input @ other


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in the last two dims (``Tensor.diagonal``)."""
    return A.diagonal(offset, dim1, dim2)


def vander(x, *, N=None):
    """The Vandermonde matrix: columns x^0, x^1, ..., x^(N-1) (N = len(x) by default)."""
    N = (x.shape[-1] if x.ndim else 0) if N is None else N
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    ones = Tensor.wrap(np.ones(x.shape + (1,), x.array.dtype))
    return cat([ones, x.unsqueeze(-1).expand(*x.shape, N - 1).cumprod(-1)], -1)


@_with_out
def tensorinv(A, ind=2):
    """The inverse of A as a linear map from its last dims to its first ``ind`` dims."""
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if ind <= 0 or rows != cols:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}"
        )
    return inv(A.reshape(rows, cols)).reshape(A.shape[ind:] + A.shape[:ind])


@_with_out
def tensorsolve(A, B, dims=None):
    """X with tensordot(A, X, X.ndim) = B; ``dims``: A's dims moved to the end first."""
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in builtins.range(A.ndim) if d not in dims], *dims)
    rest = A.shape[B.ndim :]
    if math.prod(rest) != B.numel():
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {math.prod(rest)} != {B.numel()}"
        )
    X = solve(A.reshape(B.numel(), math.prod(rest)), B.reshape(-1))
    return X.reshape(rest)


__getattr__ = module_getattr(__name__, "torch.linalg")
