"""What every op module shares: unbroadcast, the array shapes kernels accept, and
``call_op`` for a backward that is an op of its own."""

import numpy as np

from .. import autograd, dtypes
from ..autograd import Context, _sum_to


def check_dim(dim, ndim):
    """``dim`` wrapped into [0, ndim) (0-d tensors accept 0 and -1), or PyTorch's errors."""
    if dim.__class__ is int and 0 <= dim < ndim:  # the common case (a bool is not an int)
        return dim
    n = max(ndim, 1)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return int(dim) % n


_KERNEL_DTYPES = (np.float32, np.float64)
_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)  # native byte order


def floating(a):
    """An integer or bool array as the default float dtype, PyTorch's promotion for its float
    functions (NumPy would give float64, or float16 for bool and 8-bit integers). Callers
    test ``a.dtype.kind != "f"`` first: a float array pays no call."""
    return a.astype(dtypes.default_float())


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``
    (the engine's own rule for gradients that reach a leaf: autograd._sum_to)."""
    return grad if grad.shape == shape else _sum_to(grad, shape)


def kernel_array(a, op, dtype=None, layout="C"):
    """``a`` as the kernels take it: float32 or float64 in native byte order, writeable, and
    C-contiguous (``layout="A"``: any strides). A big-endian, read-only or strided array is
    copied; with ``dtype``, ``a`` is cast to it (an upstream gradient to its output's dtype).
    Any other dtype raises RuntimeError naming the op, before a kernel sees it (PyTorch:
    '"softmax_lastdim_kernel_impl" not implemented for 'Half'')."""
    given = a.dtype
    if (given is _FLOAT32 or given is _FLOAT64) and (dtype is None or dtype is given):
        flags = a.flags  # the common case: a native float32 / float64 array, kept as it is
        if flags.writeable and (layout == "A" or flags.c_contiguous):
            return a
        return np.array(a, dtype=given, order="C")
    if dtype is None:
        dtype = a.dtype
        if dtype.kind != "f" or dtype.itemsize not in (4, 8):
            raise RuntimeError(
                f"{op}: dtype {a.dtype.name} is not supported (use float32 or float64)"
            )
        if not dtype.isnative:  # (a native dtype is its own newbyteorder("="))
            dtype = dtype.newbyteorder("=")
    flags = a.flags
    if a.dtype == dtype and flags.writeable and (layout == "A" or flags.c_contiguous):
        return a
    return np.array(a, dtype=dtype, order="C")


def _contiguous(a):
    """``a`` as a writeable C-contiguous array (kernels take no read-only broadcast views)."""
    return a if a.flags.c_contiguous and a.flags.writeable else np.array(a, order="C")


def _writeable(a):
    """``a`` itself unless it is a read-only view (np.broadcast_to); then a copy."""
    return a if a.flags.writeable else np.array(a)


def call_op(function, *args, **options):
    """``function`` on ``args``, for a backward that is an op of its own (ReluBackward,
    SoftmaxBackward, ...). On arrays (a first-order backward) its forward runs directly on
    a throwaway Context: no node, no Tensor, the kernel's speed. If any arg is a Tensor (a
    create_graph backward) it is ``function.apply``: a node whose own backward is the next
    derivative."""
    tensor = autograd.Tensor
    for a in args:
        if isinstance(a, tensor):
            return function.apply(*args, **options)
    return function.forward(Context(function, ()), *args, **options)
