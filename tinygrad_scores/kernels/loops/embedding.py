"""Embedding's gradient:  out[indices[k], :] += grad[k, :]  for k = 0, 1, ...

Rows are added in the order of ``indices``, as NumPy's ``np.add.at`` adds them, so the
sums are the same bits; ``out`` starts at zero. The callers check that every index is a
row of ``out`` (nn.functional.embedding raises PyTorch's IndexError first).
"""

from .._jit import kernel

_DTYPES = ("float32", "float64")


@kernel([f"void(int64[::1], {t}[:, ::1], {t}[:, ::1])" for t in _DTYPES])
def embedding_backward(indices, grad, out):
    """out[indices[k], j] += grad[k, j] for every k, j."""
    for k in range(indices.shape[0]):
        row = indices[k]
        for j in range(grad.shape[1]):
            out[row, j] += grad[k, j]
