"""The decorators every kernel uses: Numba's ``njit`` with an on-disk cache, compiled lazily.

Signatures are given explicitly, so the dispatcher never compiles a new specialisation for
a transposed or sliced view: array arguments are declared with layout ``A`` (any strides)
where views are expected, and ``C`` where the Python layer guarantees contiguity. Nothing
compiles at import: each kernel compiles (or loads from Numba's cache) for a dtype on its
first call with that dtype. ``python -m tinygrad_scores.warmup`` compiles everything ahead.
How that works (and the cache and thread safety) is in compiler.py, which a learner can skip.
"""

import numpy as np
from numba import njit

from .compiler import LazyKernel, local_array, renamed  # noqa: F401  (local_array re-exported)

# The fast-math flags that reductions need (reassociation, so sums vectorise; FMA
# contraction), without "no NaNs / no infs", which softmax's -inf logits rely on.
FAST = {"reassoc", "contract", "nsz", "arcp"}

_FLOAT32 = np.dtype("float32")


def kernel(signatures, *, parallel=False, fastmath=False, inline="never"):
    """``fn`` compiled for ``signatures`` with ``cache=True``, on first use.

    If no cache location is writable (a read-only install with no writable home), the
    kernel is compiled without a cache and the package still works, only slower to start.
    """

    def decorate(fn):
        if parallel:
            fn = renamed(fn, fn.__name__ + "_parallel")
        # error_model="numpy": x / 0 gives inf as in NumPy instead of raising. Python's
        # model tests every divisor, and that branch alone keeps LLVM from vectorising a loop.
        options = dict(
            parallel=parallel, fastmath=fastmath, nogil=True, inline=inline, error_model="numpy"
        )
        return LazyKernel(fn, signatures, options, parallel=parallel)

    return decorate


def kernel_pair(signature, *, parallel_from, fastmath=False):
    """Compile ``fn`` serial for float32 and float64, and once more with ``prange`` run by
    threads for float32. ``signature`` is a template with ``{t}`` for the dtype. Calls take
    the threaded build for float32 arrays of ``parallel_from`` elements or more (below
    that, waking the threads costs more than they save). float64, the dtype of gradient
    checks, stays serial: a threaded build costs about a second of compile time each."""

    def decorate(fn):
        both = [signature.format(t=t) for t in ("float32", "float64")]
        return SerialOrParallel(
            kernel(both, fastmath=fastmath)(fn),
            kernel(both[:1], fastmath=fastmath, parallel=True)(fn),
            parallel_from,
        )

    return decorate


class SerialOrParallel:
    """Two builds of one kernel; ``.serial`` and ``.parallel`` call one of them directly."""

    def __init__(self, serial, parallel, parallel_from):
        self.serial, self.parallel, self.parallel_from = serial, parallel, parallel_from
        self.py_func = serial.py_func
        self.__doc__ = serial.__doc__

    def __call__(self, *args):
        first = args[0]
        if (
            first.size >= self.parallel_from
            and first.dtype == _FLOAT32
            and self.parallel.ready(_FLOAT32) is not None  # else being built: see compiler.py
        ):
            return self.parallel(*args)
        return self.serial(*args)


def inlined(fn):
    """A helper inlined into its caller at Numba's level, for two reasons. The work on one
    row of a row-wise kernel: LLVM does not inline a call that takes several arrays, and a
    call per row costs more than a short row's work. A large helper with one caller: each
    Numba function is compiled to machine code in its own module and again inside every
    caller that links it, which for one caller is twice for nothing."""
    return njit(fn, inline="always", fastmath=FAST, error_model="numpy")


def helper(fn):
    """A small function the kernels call. Numba compiles it once per signature into each
    caller's code (no cache of its own needed); LLVM then inlines the call, so the
    caller's loops still vectorise through it. (Inlining at Numba's level instead, with
    inline="always", gives the same machine code but retypes the body at every call
    site: slower to compile.)"""
    return njit(fn, fastmath=FAST, error_model="numpy")
