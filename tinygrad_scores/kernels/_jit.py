"""The one decorator every kernel uses: Numba's ``njit`` with an on-disk cache.

Signatures are given explicitly, so each kernel compiles once per dtype (at first import,
then loaded from the cache) and the dispatcher never compiles a new specialisation for a
transposed or sliced view: array arguments are declared with layout ``A`` (any strides)
where views are expected, and ``C`` where the Python layer guarantees contiguity.
"""
import os
import types
import warnings

import numpy as np

from numba import njit

# The fast-math flags that reductions need (reassociation, so sums vectorise; FMA
# contraction), without "no NaNs / no infs", which softmax's -inf logits rely on.
FAST = {"reassoc", "contract", "nsz", "arcp"}

_FLOAT32 = np.dtype("float32")
_CACHE = os.environ.get("TINYGRAD_SCORES_NO_CACHE", "") == ""


def kernel(signatures, *, parallel=False, fastmath=False, inline="never"):
    """Compile ``fn`` for ``signatures`` with ``cache=True``.

    If no cache location is writable (a read-only install with no writable home),
    Numba refuses ``cache=True``; the kernel is then compiled without a cache and the
    package still works, only slower to start.
    """

    def decorate(fn):
        if parallel:
            fn = _renamed(fn, fn.__name__ + "_parallel")
        # error_model="numpy": x / 0 gives inf as in NumPy instead of raising. Python's
        # model tests every divisor, and that branch alone keeps LLVM from vectorising a loop.
        options = dict(parallel=parallel, fastmath=fastmath, nogil=True, inline=inline,
                       error_model="numpy")
        if _CACHE:
            try:
                return njit(signatures, cache=True, **options)(fn)
            except RuntimeError as exc:  # "cannot cache function ...: no locator available"
                warnings.warn(f"tinygrad_scores: compiling {fn.__name__} without a cache ({exc})",
                              RuntimeWarning, stacklevel=2)
        return njit(signatures, cache=False, **options)(fn)

    return decorate


def kernel_pair(signature, *, parallel_from, fastmath=False):
    """Compile ``fn`` serial for float32 and float64, and once more with ``prange`` run by
    threads for float32. ``signature`` is a template with ``{t}`` for the dtype. Calls take
    the threaded build for float32 arrays of ``parallel_from`` elements or more (below
    that, waking the threads costs more than they save). float64, the dtype of gradient
    checks, stays serial: a threaded build costs about a second of compile time each."""

    def decorate(fn):
        both = [signature.format(t=t) for t in ("float32", "float64")]
        return SerialOrParallel(kernel(both, fastmath=fastmath)(fn),
                                kernel(both[:1], fastmath=fastmath, parallel=True)(fn),
                                parallel_from)

    return decorate


class SerialOrParallel:
    """Two builds of one kernel; ``.serial`` and ``.parallel`` call one of them directly."""

    def __init__(self, serial, parallel, parallel_from):
        self.serial, self.parallel, self.parallel_from = serial, parallel, parallel_from
        self.__doc__ = getattr(serial, "py_func", serial).__doc__

    def __call__(self, *args):
        first = args[0]
        if first.size >= self.parallel_from and first.dtype == _FLOAT32:
            return self.parallel(*args)
        return self.serial(*args)


def _renamed(fn, name):
    """A copy of ``fn`` under another name.

    Numba's cache is keyed by the function's qualified name and signature, not by the
    ``parallel`` flag, so a serial and a parallel build of one function need two names.
    """
    clone = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    clone.__qualname__ = name
    clone.__module__ = fn.__module__
    clone.__doc__ = fn.__doc__
    return clone


def row_helper(fn):
    """The work on one row of a row-wise kernel, inlined into the loop over rows at Numba's
    level: LLVM does not inline a call that takes several arrays, and a call per row
    costs more than a short row's work."""
    return njit(fn, inline="always", fastmath=FAST, error_model="numpy")


def helper(fn):
    """A small function the kernels call. Numba compiles it once per signature into each
    caller's code (no cache of its own needed); LLVM then inlines the call, so the
    caller's loops still vectorise through it. (Inlining at Numba's level instead, with
    inline="always", gives the same machine code but retypes the body at every call
    site: slower to compile.)"""
    return njit(fn, fastmath=FAST, error_model="numpy")


def local_array(n, dtype):
    """A small scratch array: on the stack in compiled code, so LLVM keeps it in registers.

    In plain Python (``NUMBA_DISABLE_JIT=1``) it is an ordinary NumPy array.
    """
    return np.zeros(n, dtype)


def _install_local_array():
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic, overload
    from numba import carray

    def make_alloca(size):
        @intrinsic
        def alloca(typingctx, dtype):
            def codegen(context, builder, signature, args):
                element = context.get_value_type(dtype.dtype)
                return cgutils.alloca_once(builder, element, size=size)
            return types.CPointer(dtype.dtype)(dtype), codegen
        return alloca

    @overload(local_array, inline="always")
    def _local_array(n, dtype):
        if not isinstance(n, types.IntegerLiteral):
            return None  # only constant sizes fit on the stack
        size = n.literal_value
        alloca = make_alloca(size)
        return lambda n, dtype: carray(alloca(dtype), size)


from numba import config as _numba_config  # noqa: E402

if not _numba_config.DISABLE_JIT:
    _install_local_array()
