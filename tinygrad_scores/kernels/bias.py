"""Linear's bias: preloaded into every row of the output, and summed over the batch for
its gradient (the formulas are in loops/bias.py).

Over its loop twin: on arrays of PARALLEL_FROM elements or more (a hidden layer of
512 x 1024), the rows are split across threads, about 2-3x: each core streams half the
rows through its own L2. Below that, or before the threaded build is there (it is built
in the background: compiler._Background), NumPy's own loops, which add the rows in the
same order (for 16 columns or more, where the threads take over), so the numbers are the
same either way.
"""

import numpy as np
from numba import prange

from ._jit import kernel, local_array

PARALLEL_FROM = 1 << 18
STRIP = 64  # columns one thread sums at a time: four zmm registers of float32
_FLOAT32 = np.dtype(np.float32)
_SIG = ["void(float32[:, ::1], float32[::1])"]


@kernel(_SIG, parallel=True)
def _bias_rows(out, bias):
    for i in prange(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = bias[j]


@kernel(_SIG, parallel=True, fastmath=False)
def _column_sums(grad, out):
    """Each thread sums a strip of columns over every row, rows in order, the strip's
    sums held in a local array (registers) rather than in ``out``, which LLVM must assume
    may overlap ``grad``: a store and a reload per element otherwise (3x slower)."""
    n = grad.shape[1]
    strips = -(-n // STRIP)
    for s in prange(strips):
        j0 = s * STRIP
        if j0 + STRIP <= n:
            acc = local_array(STRIP, grad.dtype)  # (uninitialised)
            for j in range(STRIP):
                acc[j] = 0.0
            for i in range(grad.shape[0]):
                for j in range(STRIP):
                    acc[j] += grad[i, j0 + j]
            for j in range(STRIP):
                out[j0 + j] = acc[j]
        else:
            for j in range(j0, n):
                out[j] = 0.0
            for i in range(grad.shape[0]):
                for j in range(j0, n):
                    out[j] += grad[i, j]


def bias_rows(out, bias):
    """out[i, :] = bias for every row i (out C-contiguous, 2-D)."""
    if (
        out.size >= PARALLEL_FROM
        and out.dtype == _FLOAT32
        and _bias_rows.ready(_FLOAT32) is not None
    ):
        _bias_rows(out, bias)
    else:
        out[...] = bias


def column_sums(grad, out):
    """out[j] = sum over the rows of grad[:, j] (grad C-contiguous, 2-D)."""
    if (
        grad.size >= PARALLEL_FROM
        and grad.dtype == _FLOAT32
        and grad.shape[1] >= 16  # (NumPy sums one column pairwise, not row by row)
        and _column_sums.ready(_FLOAT32) is not None
    ):
        _column_sums(grad, out)
    else:
        np.add.reduce(grad, 0, out=out)
