"""What every op module shares: unbroadcast, and the array shapes kernels accept."""
import numpy as np

_KERNEL_DTYPES = (np.float32, np.float64)


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)


def _contiguous(a):
    """``a`` as a writeable C-contiguous array (kernels take no read-only broadcast views)."""
    return a if a.flags.c_contiguous and a.flags.writeable else np.array(a, order="C")


def _writeable(a):
    """``a`` itself unless it is a read-only view (np.broadcast_to); then a copy."""
    return a if a.flags.writeable else np.array(a)

