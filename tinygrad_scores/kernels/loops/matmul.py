"""Matrix multiply, the textbook way:

    C[i, j] = sum_k A[i, k] * B[k, j]         (or C[i, j] += that sum, with accumulate)

One loop over rows of C, one over its columns, one over k for the dot product. A and B may
be any strided views (a transposed weight); C is C-contiguous.
"""

from .._jit import kernel

_SIGS = [f"void({t}[:, :], {t}[:, :], {t}[:, ::1], boolean)" for t in ("float32", "float64")]


@kernel(_SIGS)
def _matmul(A, B, C, accumulate):
    M, K = A.shape
    N = B.shape[1]
    for i in range(M):
        for j in range(N):
            total = 0.0
            for k in range(K):
                total += A[i, k] * B[k, j]
            if accumulate:
                C[i, j] += total
            else:
                C[i, j] = total


def matmul_into(A, B, C, accumulate=False):
    """C = A @ B (or C += A @ B) for 2-D arrays of one float dtype; returns C."""
    _matmul(A, B, C, accumulate)
    return C
