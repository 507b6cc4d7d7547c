"""ReLU, forward and backward, each one pass over contiguous memory.

relu(x) = max(x, 0);  d relu / dx = 1 where x > 0 else 0 (0 at x == 0, as PyTorch).
The backward is fused: grad_in = grad * (x > 0) is computed in the same loop that reads
the mask, instead of building a boolean mask array and multiplying (two passes in NumPy).

Over its loop twin (loops/relu.py): nothing measurable on one thread. Both are one pass
that LLVM vectorises (about 6 us for 65,536 float32 either way); this one is written as a
select, ``v if not v <= 0 else 0``, which needs no branch and keeps NaN. float32 arrays of
PARALLEL_FROM elements or more are split across threads (a hidden layer of 512 x 1024:
about 1.8x, most of a pass over fresh memory being the first touch of its pages).
"""

from numba import prange

from ._jit import kernel_pair

PARALLEL_FROM = 1 << 18


@kernel_pair("void({t}[::1], {t}[::1])", parallel_from=PARALLEL_FROM)
def relu_forward(x, out):
    """out[i] = x[i] if x[i] > 0 else 0.  (NaN stays NaN, as in PyTorch.)"""
    for i in prange(x.shape[0]):
        v = x[i]
        out[i] = v if not v <= 0.0 else 0.0


@kernel_pair("void({t}[::1], {t}[::1], {t}[::1])", parallel_from=PARALLEL_FROM)
def relu_backward(out, grad, grad_in):
    """grad_in[i] = grad[i] where the forward output out[i] > 0, else 0."""
    for i in prange(out.shape[0]):
        grad_in[i] = grad[i] if out[i] > 0.0 else 0.0
