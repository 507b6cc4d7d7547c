"""Linear's bias: preloaded into every row of the output, and summed over the batch for
its gradient.

    out[i, j] = bias[j]                     (then out += x @ W^T)
    dbias[j] = sum over i of grad[i, j]
"""

from .._jit import kernel

_DTYPES = ("float32", "float64")


@kernel([f"void({t}[:, ::1], {t}[::1])" for t in _DTYPES])
def bias_rows(out, bias):
    """out[i, j] = bias[j] for every row i."""
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = bias[j]


@kernel([f"void({t}[:, ::1], {t}[::1])" for t in _DTYPES])
def column_sums(grad, out):
    """out[j] = grad[0, j] + grad[1, j] + ... (rows added in order)."""
    for j in range(grad.shape[1]):
        out[j] = 0.0
    for i in range(grad.shape[0]):
        for j in range(grad.shape[1]):
            out[j] += grad[i, j]
