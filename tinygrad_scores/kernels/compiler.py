"""Compiler machinery behind the kernels. A learner can skip this file: nothing here is
about the math, only about getting Numba to compile it lazily, cache it safely and run it
from several threads.

- ``LazyKernel``: a kernel compiled on its first call, one dtype at a time, for explicit
  signatures (so a view never triggers a new specialisation), with Numba's on-disk cache.
  While anything compiles, one line on stderr says so (``set_quiet`` or
  ``TINYGRAD_SCORES_QUIET=1`` silences it).
- A damaged cache entry (a truncated or garbage ``.nbi``/``.nbc`` file left by a full disk
  or a killed process) is dropped and the kernel recompiled, with one warning.
- Threaded builds run one at a time when the only threading layer is ``workqueue``, which
  aborts the process if two threads enter it at once.
- ``renamed``: the cache-name workaround for two builds (serial, threaded) of one function.
- ``local_array`` (a stack buffer: LLVM's alloca), and ``ldexp`` / ``strict_sub``, two
  LLVM-IR helpers for vecmath.py's exp.
"""

import glob
import os
import sys
import threading
import types
import warnings

import numpy as np
from numba import config, njit
from numba.core import errors, event, sigutils
from numba.core import types as nbtypes

DISABLE_JIT = bool(config.DISABLE_JIT)
CACHE = os.environ.get("TINYGRAD_SCORES_NO_CACHE", "") == ""

_BUILD_LOCK = threading.RLock()  # two threads' first calls compile a kernel once
_PARALLEL_LOCK = threading.Lock()
_take_turns = None  # threaded builds take turns: None until the first one
# has run and shown the threading layer, then whether
# that layer is workqueue
_quiet = os.environ.get("TINYGRAD_SCORES_QUIET", "") not in ("", "0")
_announced = set()
_registry = []
_kernel_functions = set()  # the Python functions behind LazyKernels (not helpers)


def set_quiet(quiet=True):
    """Silence (or restore) the "compiling kernels" line on stderr."""
    global _quiet
    _quiet = bool(quiet)


def all_kernels():
    """Every LazyKernel defined so far (python -m tinygrad_scores.warmup builds them)."""
    return list(_registry)


class LazyKernel:
    """``njit(signatures, cache=True, **options)(fn)``, built on first use.

    The signatures are grouped by the dtype of their first float array argument; a call
    builds (compiles, or loads from the cache) only its dtype's group. Calls with any other
    argument types raise TypeError, as a Numba dispatcher with explicit signatures does.
    """

    def __init__(self, fn, signatures, options, parallel=False):
        self.py_func = fn
        self.__name__, self.__qualname__ = fn.__name__, fn.__qualname__
        self.__module__, self.__doc__ = fn.__module__, fn.__doc__
        self.options, self.parallel = options, parallel
        self.floor = "loops" if ".loops." in fn.__module__ else "fast"
        self.groups = {}  # dtype -> [signature]
        self._arg = None  # position of the argument whose dtype picks the group
        for sig in signatures:
            args, _ = sigutils.normalize_signature(sig)
            arg = next(
                (
                    i
                    for i, a in enumerate(args)
                    if isinstance(a, nbtypes.Array) and isinstance(a.dtype, nbtypes.Float)
                ),
                None,
            )
            if arg is None or self._arg not in (None, arg):
                raise ValueError(
                    f"{fn.__name__}: every signature needs its first float array "
                    f"argument in one position"
                )
            self._arg = arg
            self.groups.setdefault(np.dtype(str(args[arg].dtype)), []).append(sig)
        self._builds = {}
        _registry.append(self)
        _kernel_functions.add(fn)

    def __repr__(self):
        return (
            f"<kernel {self.__module__}.{self.__name__} built for {sorted(map(str, self._builds))}>"
        )

    def __call__(self, *args):
        try:
            run = self._builds[args[self._arg].dtype]
        except KeyError:
            run = self.build(args[self._arg].dtype)
        if self.parallel and _take_turns is not False:
            return _run_serialised(run, args)
        return run(*args)

    def build(self, dtype):
        """Compile (or load) the group for ``dtype``; returns the callable."""
        dtype = np.dtype(dtype)
        with _BUILD_LOCK:
            if dtype not in self._builds:
                if dtype not in self.groups:
                    raise TypeError(
                        f"{self.__name__}: no build for arrays of dtype {dtype} "
                        f"(built for {', '.join(map(str, self.groups))})"
                    )
                self._builds[dtype] = _compile(self.py_func, self.groups[dtype], self.options)
            return self._builds[dtype]

    def is_built(self, dtype):
        return np.dtype(dtype) in self._builds


def _run_serialised(run, args):
    """Run a threaded build holding a lock, while the threading layer may be workqueue."""
    global _take_turns
    with _PARALLEL_LOCK:
        result = run(*args)
    if _take_turns is None:
        try:
            import numba

            _take_turns = numba.threading_layer() == "workqueue"
        except ValueError:  # no thread pool launched (NUMBA_DISABLE_JIT=1): nothing to guard
            _take_turns = False if DISABLE_JIT else None
    return result


# --------------------------------------------------------------------------- compile + cache


def _compile(fn, signatures, options):
    """A dispatcher for exactly ``signatures`` (nothing else is compiled at call time)."""
    if DISABLE_JIT:
        return fn
    dispatcher = None
    if CACHE:
        try:
            dispatcher = njit(cache=True, **options)(fn)
        except RuntimeError as exc:  # "cannot cache function ...: no locator available"
            warnings.warn(
                f"tinygrad_scores: compiling {fn.__name__} without a cache ({exc})",
                RuntimeWarning,
                stacklevel=3,
            )
    if dispatcher is None:
        dispatcher = njit(cache=False, **options)(fn)
    for sig in signatures:
        try:
            dispatcher.compile(sig)
        except errors.NumbaError:
            raise  # a real compile error: not the cache's fault
        except Exception as exc:  # EOFError, UnpicklingError, ...: a damaged entry
            if not hasattr(dispatcher._cache, "cache_path"):  # no cache: not the cause
                raise
            _drop_cache_entry(dispatcher, fn, exc)
            dispatcher.compile(sig)
    dispatcher.disable_compile()
    return dispatcher


def _drop_cache_entry(dispatcher, fn, exc):
    """Delete ``fn``'s cache files (its index and data files); if they cannot be deleted,
    stop using the cache for it. Warns once per function."""
    cache = dispatcher._cache
    index = cache._cache_file._index_name  # "<qualname>-<line>.py311.nbi"
    pattern = os.path.join(cache.cache_path, glob.escape(index[: -len(".nbi")]) + ".*")
    try:
        for path in glob.glob(pattern):
            os.remove(path)
    except OSError:
        cache.disable()
    warnings.warn(
        f"tinygrad_scores: dropped a damaged Numba cache entry for {fn.__name__} in "
        f"{cache.cache_path} ({type(exc).__name__}: {exc}); recompiling it",
        RuntimeWarning,
        stacklevel=5,
    )  # the line that called the kernel


class _CompileNotice(event.Listener):
    """Says once per dtype on stderr that kernels are compiling (a cache hit says nothing)."""

    def on_start(self, ev):
        dispatcher = ev.data["dispatcher"]
        if _quiet or dispatcher.py_func not in _kernel_functions:
            return
        dtype = next(
            (
                str(a.dtype)
                for a in ev.data["args"]
                if isinstance(a, nbtypes.Array) and isinstance(a.dtype, nbtypes.Float)
            ),
            None,
        )
        if dtype in _announced:
            return
        _announced.add(dtype)
        path = getattr(dispatcher._cache, "cache_path", None)
        where = f"first run only; cached in {path}" if path else "no writable cache: every run"
        print(
            f"tinygrad_scores: compiling kernels for {dtype or 'integers'} ({where})",
            file=sys.stderr,
            flush=True,
        )

    def on_end(self, ev):
        pass


if not DISABLE_JIT:
    event.register("numba:compile", _CompileNotice())


def renamed(fn, name):
    """A copy of ``fn`` under another name.

    Numba's cache is keyed by the function's qualified name and signature, not by the
    ``parallel`` flag, so a serial and a parallel build of one function need two names.
    """
    clone = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    clone.__qualname__ = name
    clone.__module__ = fn.__module__
    clone.__doc__ = fn.__doc__
    return clone


# --------------------------------------------------------------------------- LLVM helpers


def local_array(n, dtype):
    """A small scratch array: on the stack in compiled code, so LLVM keeps it in registers.

    In plain Python (``NUMBA_DISABLE_JIT=1``) it is an ordinary NumPy array.
    """
    return np.zeros(n, dtype)


def strict_sub(a, b):
    """a - b, never regrouped with the operations around it.

    The kernels are compiled with reassociation allowed (their sums vectorise that way),
    and LLVM may then rewrite (x - m) - s as x - (m + s), or merge the two halves of ln 2
    in exp; both lose digits. Numba adds its fast-math flags only to instructions that
    have none, so this subtraction is emitted with "contract" alone (it may fuse with a
    product into one FMA, nothing else)."""
    return a - b


def ldexp(p, k):
    """p * 2**k (k a float holding an integer); compiled code builds 2**k from its bits."""
    return p * 2.0**k


def _install():
    from llvmlite import ir
    from numba import carray
    from numba.core import cgutils
    from numba.extending import intrinsic, overload

    def make_alloca(size):
        @intrinsic
        def alloca(typingctx, dtype):
            def codegen(context, builder, signature, args):
                element = context.get_value_type(dtype.dtype)
                return cgutils.alloca_once(builder, element, size=size)

            return nbtypes.CPointer(dtype.dtype)(dtype), codegen

        return alloca

    @overload(local_array, inline="always")
    def _local_array(n, dtype):
        if not isinstance(n, nbtypes.IntegerLiteral):
            return None  # only constant sizes fit on the stack
        size = n.literal_value
        alloca = make_alloca(size)
        return lambda n, dtype: carray(alloca(dtype), size)

    @intrinsic
    def _ldexp(typingctx, p, k):
        """p * 2**k for a float k that holds an integer in [-150, 128] (float32) or
        [-1076, 1024] (float64). 2**k is built from its bits in two factors, each a
        normal float, and applied in that order (flagged "contract" alone, so never
        regrouped as p * (2**a * 2**b), which overflows): the one rounding is the last
        product's, into a subnormal, 0 or inf exactly where exp(x) lands there."""
        if not (isinstance(p, nbtypes.Float) and p == k):
            return None
        bits, bias, mantissa = (32, 127, 23) if p.bitwidth == 32 else (64, 1023, 52)

        def codegen(context, builder, signature, args):
            int_type = ir.IntType(bits)
            float_type = context.get_value_type(p)
            n = builder.fptosi(args[1], int_type)
            half = builder.ashr(n, ir.Constant(int_type, 1))
            result = args[0]
            for part in (half, builder.sub(n, half)):
                field = builder.shl(
                    builder.add(part, ir.Constant(int_type, bias)), ir.Constant(int_type, mantissa)
                )
                result = builder.fmul(
                    result, builder.bitcast(field, float_type), flags=("contract",)
                )
            return result

        return p(p, k), codegen

    @overload(ldexp, inline="always")
    def _ldexp_overload(p, k):
        return lambda p, k: _ldexp(p, k)

    @intrinsic
    def _strict_sub(typingctx, a, b):
        if not (isinstance(a, nbtypes.Float) and a == b):
            return None

        def codegen(context, builder, signature, args):
            return builder.fsub(args[0], args[1], flags=("contract",))

        return a(a, b), codegen

    @overload(strict_sub, inline="always")
    def _strict_sub_overload(a, b):
        return lambda a, b: _strict_sub(a, b)


if not DISABLE_JIT:
    _install()
