"""torch.linalg's ops on batches of matrices: inv, solve, det, log|det|, cholesky, eigh,
svd, qr and pinv, forward with NumPy's LAPACK (float32 stays float32), backward PyTorch's
formulas (derivatives.yaml, FunctionsManual.cpp), real matrices only.

Every backward is written with matmul, transposes, broadcasting and these ops themselves
(``call_op``), so under create_graph it records a graph and differentiates again. An op
with several outputs (eigh's values and vectors, svd's U, S, Vh, qr's Q and R) is one
class with a ``part`` option: one output per node, as the engine wants. Its derivative is
linear in the outputs' gradients, so each part's node adds its own share. Backward reads
the other parts from ``ctx`` (first order) or recomputes them as ops of the input (under
create_graph, so they are tensors of the graph).

Input checks (square, floating) are in ``linalg.py``, before these run; where LAPACK
refuses a matrix (singular, indefinite), ``linalg.py`` turns NumPy's error into PyTorch's.
"""

import numpy as np

from ..autograd import ArrayFunction
from ._common import call_op

__all__ = ["Inv", "Solve", "Det", "LogAbsDet", "Cholesky", "Eigh", "Svd", "Qr", "Pinv"]


def mT(a):
    """The transpose of the last two dims (a view; np.swapaxes on a Tensor under
    create_graph)."""
    return np.swapaxes(a, -1, -2)


def diag_embed(v):
    """(..., n) -> (..., n, n) with ``v`` on the diagonal, by broadcasting (differentiable)."""
    return np.expand_dims(v, -2) * np.eye(v.shape[-1], dtype=_dtype(v))


def _dtype(a):
    return a.dtype if isinstance(a, np.ndarray) else a.array.dtype


def _scalar_per_matrix(g):
    return np.expand_dims(np.expand_dims(g, -1), -1)


class Inv(ArrayFunction):
    """out = A^-1;   da = -out^T g out^T."""

    @staticmethod
    def forward(ctx, a):
        out = np.linalg.inv(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        out_t = mT(out)
        return -np.matmul(np.matmul(out_t, grad), out_t)


class Solve(ArrayFunction):
    """X = A^-1 B (B a batch of matrices; batch dims broadcast);
    db = solve(A^T, g),   da = -db X^T."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.linalg.solve(a, b)
        ctx.save_for_backward(a, out if ctx.needs(0) else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        grad_b = call_op(Solve, mT(a), grad)
        grad_a = -np.matmul(grad_b, mT(out)) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b if ctx.needs_input_grad[1] else None


class Det(ArrayFunction):
    """d = det(A);   da = g d A^-T (Jacobi's formula); 0 where d == 0 exactly, as
    PyTorch gives (the inverse is taken of the identity there instead)."""

    @staticmethod
    def forward(ctx, a):
        out = np.linalg.det(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        singular = _scalar_per_matrix(out == 0)
        invertible = np.where(singular, np.eye(a.shape[-1], dtype=_dtype(a)), a)
        return _scalar_per_matrix(grad * out) * mT(call_op(Inv, invertible))


class LogAbsDet(ArrayFunction):
    """l = log|det(A)|;   da = g A^-T."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return _scalar_per_matrix(grad) * mT(call_op(Inv, a))


def _lower(n, dtype, k=0):
    return np.tril(np.ones((n, n), dtype), k)


class Cholesky(ArrayFunction):
    """L = cholesky(A), lower (A symmetric positive definite, read from its lower triangle);
    with M = tril(L^T g) and P = (M + tril(M, -1)^T) / 2 (M's diagonal halved, mirrored):
    da = L^-T P L^-1 (Murray 2016, PyTorch's cholesky_backward)."""

    @staticmethod
    def forward(ctx, a):
        out = np.linalg.cholesky(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (low,) = ctx.saved_tensors
        n = low.shape[-1]
        m = np.matmul(mT(low), grad) * _lower(n, _dtype(low))
        p = 0.5 * (m + mT(m * _lower(n, _dtype(low), -1)))
        low_inv = call_op(Inv, low)
        return np.matmul(np.matmul(mT(low_inv), p), low_inv)


def _keep_parts(ctx, a, part, parts, **options):
    """Forward's end for an op with several outputs: save the input, which part this node
    returns, and every part (a first-order backward reads them); return that part."""
    ctx.save_for_backward(a)
    ctx.part, ctx.parts, ctx.options = part, parts, options
    return parts[part]


def _parts(ctx, grad, function):
    """Backward's start for an op with several outputs: the input and every part, as
    forward computed them (first order) or recomputed as ops of the input (create_graph:
    tensors of the graph, so the formula differentiates again)."""
    (a,) = ctx.saved_tensors
    if isinstance(grad, np.ndarray):
        return a, ctx.parts
    count = len(ctx.parts)
    return a, tuple(call_op(function, a, part=i, **ctx.options) for i in range(count))


class Eigh(ArrayFunction):
    """part 0: eigenvalues L, part 1: eigenvectors V of a symmetric A = V diag(L) V^T;
    da = V (diag(gL) + skew(V^T gV) / E) V^T, with skew(X) = (X - X^T) / 2 and
    E_ij = L_j - L_i (1 on the diagonal). Eigenvalues must be distinct for gV."""

    @staticmethod
    def forward(ctx, a, part, uplo="L"):
        return _keep_parts(ctx, a, part, tuple(np.linalg.eigh(a, UPLO=uplo)), uplo=uplo)

    @staticmethod
    def backward(ctx, grad):
        _, (values, vectors) = _parts(ctx, grad, Eigh)
        if ctx.part == 0:
            inner = diag_embed(grad)
        else:
            vtg = np.matmul(mT(vectors), grad)
            gap = np.expand_dims(values, -2) - np.expand_dims(values, -1)
            gap = gap + np.eye(values.shape[-1], dtype=_dtype(values))
            inner = 0.5 * (vtg - mT(vtg)) / gap
        return np.matmul(np.matmul(vectors, inner), mT(vectors))


class Svd(ArrayFunction):
    """part 0, 1, 2: U, S, Vh of A = U diag(S) Vh (k = min(m, n) singular values); with
    V = Vh^T, skew(X) = X - X^T, E_ij = S_j^2 - S_i^2 (1 on the diagonal), the reduced U, V:
    da = U [skew(U^T gU) / E diag(S) + diag(S) skew(V^T gV) / E + diag(gS)] V^T
         + (I - U U^T) gU diag(1/S) V^T + U diag(1/S) gV^T (I - V V^T)
    (PyTorch's svd_backward; full_matrices: the extra columns' gradients are ignored, as
    they are any basis of their subspace). Singular values must be distinct and nonzero
    for gU, gV."""

    @staticmethod
    def forward(ctx, a, part, full_matrices=False):
        parts = tuple(np.linalg.svd(a, full_matrices=full_matrices))
        return _keep_parts(ctx, a, part, parts, full_matrices=full_matrices)

    @staticmethod
    def backward(ctx, grad):
        a, (u, s, vh) = _parts(ctx, grad, Svd)
        m, n = a.shape[-2:]
        k = min(m, n)
        u, vh = u[..., :k], vh[..., :k, :]
        if ctx.part == 1:
            return np.matmul(u * np.expand_dims(grad, -2), vh)
        s_row, s_col = np.expand_dims(s, -2), np.expand_dims(s, -1)
        gap = s_row * s_row - s_col * s_col + np.eye(k, dtype=_dtype(s))
        if ctx.part == 0:
            g = grad[..., :k]
            utg = np.matmul(mT(u), g)
            inner = (utg - mT(utg)) / gap * s_row
            out = np.matmul(np.matmul(u, inner), vh)
            if m > k:
                out = out + np.matmul((g - np.matmul(u, utg)) / s_row, vh)
            return out
        v, g = mT(vh), mT(grad[..., :k, :])
        vtg = np.matmul(mT(v), g)
        inner = s_col * (vtg - mT(vtg)) / gap
        out = np.matmul(np.matmul(u, inner), vh)
        if n > k:
            out = out + np.matmul(u, mT((g - np.matmul(v, vtg)) / s_row))
        return out


def _qr_backward(q, r, grad_q, grad_r):
    """m >= n: M = R gR^T - gQ^T Q,  da = (gQ + Q copyltu(M)) R^-T, where copyltu(M)
    mirrors M's lower triangle onto its upper one."""
    n = r.shape[-1]
    m = np.matmul(r, mT(grad_r)) - np.matmul(mT(grad_q), q)
    low = m * _lower(n, _dtype(r), -1)
    sym = low + mT(low) + m * np.eye(n, dtype=_dtype(r))
    return np.matmul(grad_q + np.matmul(q, sym), mT(call_op(Inv, r)))


class Qr(ArrayFunction):
    """part 0, 1: Q, R of A = QR (reduced, or complete with m <= n). For m >= n:
    M = R gR^T - gQ^T Q, da = (gQ + Q copyltu(M)) R^-T, copyltu(M) the symmetric matrix
    with M's lower triangle; for m < n, A = [X | Y] with X square:
    dy = Q gR_Y, dx = the m >= n formula with gQ + Y gR_Y^T and gR_X.
    (Walter & Lehmann 2018; PyTorch's linalg_qr_backward.) R's diagonal must be nonzero."""

    @staticmethod
    def forward(ctx, a, part, mode="reduced"):
        parts = tuple(np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced"))
        return _keep_parts(ctx, a, part, parts, mode=mode)

    @staticmethod
    def backward(ctx, grad):
        a, (q, r) = _parts(ctx, grad, Qr)
        m, n = a.shape[-2:]
        if ctx.options["mode"] == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when "
                "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                "differentiate through linalg.qr."
            )
        if ctx.options["mode"] == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        zero = np.zeros((), _dtype(r))
        grad_q, grad_r = (grad, zero * r) if ctx.part == 0 else (zero * q, grad)
        if m >= n:
            return _qr_backward(q, r, grad_q, grad_r)
        y, r_x, g_ry = a[..., m:], r[..., :m], grad_r[..., m:]
        grad_x = _qr_backward(q, r_x, grad_q + np.matmul(y, mT(g_ry)), grad_r[..., :m])
        return np.concatenate([grad_x, np.matmul(q, g_ry)], axis=-1)


def svd_cutoff(s, shape, atol=None, rtol=None):
    """PyTorch's tolerance for singular values ``s`` (..., k) of (..., m, n) matrices:
    max(atol, rtol * the largest), rtol eps * max(m, n) when neither is given, 0 when only
    atol is. Values at most this count as zero (pinv, matrix_rank, lstsq's rank)."""
    if rtol is None:
        zero_atol = atol is None or np.all(np.asarray(atol) == 0)
        rtol = np.finfo(s.dtype).eps * max(shape[-2:]) if zero_atol else 0.0
    largest = s[..., :1] if s.shape[-1] else s
    return np.maximum(0.0 if atol is None else atol, rtol * largest)


class Pinv(ArrayFunction):
    """P = pinv(A): singular values above ``cutoff`` inverted, the rest dropped;
    da = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)   (constant rank)."""

    @staticmethod
    def forward(ctx, a, atol=None, rtol=None):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        kept = s > svd_cutoff(s, a.shape, atol, rtol)
        s_inv = np.where(kept, 1 / np.where(kept, s, 1), 0).astype(a.dtype)
        out = np.matmul(mT(vh) * np.expand_dims(s_inv, -2), mT(u))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2:]
        p_t, g_t = mT(p), mT(grad)
        left = np.eye(m, dtype=_dtype(a)) - np.matmul(a, p)
        right = np.eye(n, dtype=_dtype(a)) - np.matmul(p, a)
        return (
            -np.matmul(np.matmul(p_t, grad), p_t)
            + np.matmul(np.matmul(left, g_t), np.matmul(p, p_t))
            + np.matmul(np.matmul(p_t, p), np.matmul(g_t, right))
        )
