"""The one decorator every kernel uses: Numba's ``njit`` with an on-disk cache.

Signatures are given explicitly, so each kernel compiles once per dtype (at first import,
then loaded from the cache) and the dispatcher never compiles a new specialisation for a
transposed or sliced view: array arguments are declared with layout ``A`` (any strides)
where views are expected, and ``C`` where the Python layer guarantees contiguity.
"""
import os
import types
import warnings

from numba import njit

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
        options = dict(parallel=parallel, fastmath=fastmath, nogil=True, inline=inline)
        if _CACHE:
            try:
                return njit(signatures, cache=True, **options)(fn)
            except RuntimeError as exc:  # "cannot cache function ...: no locator available"
                warnings.warn(f"tinygrad_scores: compiling {fn.__name__} without a cache ({exc})",
                              RuntimeWarning, stacklevel=2)
        return njit(signatures, cache=False, **options)(fn)

    return decorate


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


def inline_helper(fn):
    """A small function inlined into the kernels that call it (no cache of its own needed)."""
    return njit(fn, inline="always", fastmath=True)


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


import numpy as np  # noqa: E402
from numba import config as _numba_config  # noqa: E402

if not _numba_config.DISABLE_JIT:
    _install_local_array()
