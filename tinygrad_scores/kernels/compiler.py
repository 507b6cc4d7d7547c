"""Compiler machinery behind the kernels. A learner can skip this file: nothing here is
about the math, only about getting Numba to compile it lazily, cache it safely and run it
from several threads.

- ``LazyKernel``: a kernel compiled on its first call, one dtype at a time, for explicit
  signatures (so a view never triggers a new specialisation), with Numba's on-disk cache.
  While anything compiles, one line on stderr says so (``set_quiet`` or
  ``TINYGRAD_SCORES_QUIET=1`` silences it).
- A damaged cache entry (a truncated or garbage ``.nbi``/``.nbc`` file left by a full disk
  or a killed process) is dropped and the kernel recompiled, with one warning.
- ``_Background``: threaded builds are built on a worker thread once the foreground is
  done compiling, so a first step runs (and waits for) only the serial kernels.
- Threaded builds run one at a time when the only threading layer is ``workqueue``, which
  aborts the process if two threads enter it at once.
- ``renamed``: the cache-name workaround for two builds (serial, threaded) of one function.
- ``local_array`` (a stack buffer: LLVM's alloca), and ``ldexp`` / ``strict_sub`` /
  ``strict_add``, LLVM-IR helpers for vecmath.py's exp and the sums in a fixed order;
  ``fma``, ``sqrt`` and the bit casts ``float_bits`` / ``bits_float`` for rng.py, which
  repeats PyTorch's float arithmetic rounding for rounding.
"""

import atexit
import contextlib
import glob
import os
import sys
import threading
import time
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
            arrays = [i for i, a in enumerate(args) if isinstance(a, nbtypes.Array)]
            floats = [i for i in arrays if isinstance(args[i].dtype, nbtypes.Float)]
            # the first float array picks the group; a kernel without one (the random
            # number generator's) is grouped by its first array
            arg = (floats or arrays or [None])[0]
            if arg is None or self._arg not in (None, arg):
                raise ValueError(
                    f"{fn.__name__}: every signature needs its first float array "
                    f"(or, with none, its first array) argument in one position"
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
                with background.foreground_build():
                    self._builds[dtype] = _compile(self.py_func, self.groups[dtype], self.options)
            return self._builds[dtype]

    def is_built(self, dtype):
        return np.dtype(dtype) in self._builds

    def ready(self, dtype):
        """The build for ``dtype`` if it is built, else None, and it is built on the
        background thread (see ``_Background``) while the caller runs another build."""
        run = self._builds.get(dtype)
        if run is None:
            background.request(self, dtype)
            run = self._builds.get(dtype)  # there already if builds are not in the background
        return run


class _Background:
    """Builds threaded kernels on a worker thread, so that they never hold up a first step.

    A threaded build costs more than its serial twin (Numba's parfor machinery: about two
    seconds to compile the matmul; and loading one from the cache starts the thread pool,
    0.2 s), while a first step runs as well on one thread. So the callers that choose
    between the two (matmul_into, SerialOrParallel) ask ``LazyKernel.ready``, and run the
    serial build until the threaded one is there. The two give the same numbers: each
    element is computed by the same code in the same order, only by another thread (and
    the sums in a kernel add in an order its source fixes: vecmath.row_sum), so the step
    at which one replaces the other changes nothing (tests/test_determinism.py).

    The worker waits until no kernel has been built in the foreground for QUIET seconds:
    Numba compiles one function at a time, and a first step must not queue behind it.
    Most of a build is LLVM's, which runs without the GIL, on the other core. At exit, a
    build under way is finished (so the cache is complete); those not begun are dropped.
    ``TINYGRAD_SCORES_BACKGROUND=0`` builds in the foreground instead, at first use.
    """

    QUIET = 0.5

    def __init__(self):
        self.enabled = os.environ.get("TINYGRAD_SCORES_BACKGROUND", "") != "0" and not DISABLE_JIT
        self._reset()

    def _reset(self):
        self._cond = threading.Condition()
        self._queue, self._pending, self._failed = [], set(), set()
        self._thread, self._building, self._stopping = None, False, False
        self._foreground, self._last_foreground = 0, 0.0

    @contextlib.contextmanager
    def foreground_build(self):
        """Around a build: one by any thread but the worker holds the worker back."""
        if threading.current_thread() is self._thread:
            yield
            return
        self._foreground += 1
        try:
            yield
        finally:
            self._foreground -= 1
            self._last_foreground = time.monotonic()

    def request(self, kernel, dtype):
        if not self.enabled:
            kernel.build(dtype)
            return
        with self._cond:
            if (kernel, dtype) in self._pending | self._failed or self._stopping:
                return
            self._pending.add((kernel, dtype))
            self._queue.append((kernel, dtype))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="tinygrad_scores-kernel-builds", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _work(self):
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                # wait for the foreground to stop building (a first step's kernels)
                quiet_for = time.monotonic() - self._last_foreground
                if self._foreground or quiet_for < self.QUIET:
                    self._cond.wait(max(0.05, self.QUIET - quiet_for))
                    continue
                kernel, dtype = self._queue.pop(0)
                self._building = True
            try:
                kernel.build(dtype)
            except Exception as exc:  # the callers keep to the serial build
                self._failed.add((kernel, dtype))
                warnings.warn(
                    f"tinygrad_scores: building {kernel.__name__} for {dtype} failed in "
                    f"the background ({type(exc).__name__}: {exc})",
                    RuntimeWarning,
                    stacklevel=1,
                )
            finally:
                with self._cond:
                    self._building = False
                    self._pending.discard((kernel, dtype))
                    self._cond.notify_all()

    def wait(self, timeout=None):
        """Block until every requested build is done (benchmarks call this before timing)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._last_foreground = 0.0  # no reason to wait for quiet now
            self._cond.notify_all()
            while self._pending and not self._stopping:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _stop(self):
        """At exit: drop what has not begun, finish what has."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            while self._building:
                self._cond.wait()


def _after_fork_in_child():
    """A forked child has no worker thread, and no thread to release a lock it held."""
    global _BUILD_LOCK
    _BUILD_LOCK = threading.RLock()
    background._reset()


background = _Background()
atexit.register(background._stop)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


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


def strict_add(a, b):
    """a + b, never regrouped with the additions around it (see strict_sub): a sum built
    from these adds its terms in the order the source gives, whichever way LLVM
    vectorises or unrolls the loop, so every build of a kernel (serial, threaded, loaded
    from the cache or compiled now) gives the same bits."""
    return a + b


LANES = 16  # running sums of lanes_sum: two vectors of eight
FMA_LANES = 32  # ... of lanes_dot: four vectors, so four multiply-adds are under way


def lanes_sum(u, n):
    """u[0] + ... + u[n-1] (n a multiple of LANES, u 1-D contiguous) in one fixed order:
    LANES running sums from 0.0, lane l adding u[j] for j = l (mod LANES) in increasing j,
    then combined pairwise: lane l += lane l + w for w = LANES/2, LANES/4, ..., 1.
    Compiled: two vectors of eight lanes per step, each addition exactly as written (never
    regrouped), so the order is this definition's, not LLVM's choice of vector width."""
    return _pairwise([sum_in_order(u[lane:n:LANES]) for lane in range(LANES)])


def lanes_dot(u, v, n):
    """u[0] * v[0] + ... + u[n-1] * v[n-1] in the order of ``lanes_sum`` with FMA_LANES
    lanes, each step a fused multiply-add (one rounding; plain Python rounds the product
    as well); n a multiple of FMA_LANES."""
    return _pairwise(
        [sum_in_order(u[lane:n:FMA_LANES] * v[lane:n:FMA_LANES]) for lane in range(FMA_LANES)]
    )


def lanes_dots(A, Bt, i0, j0, n, S):
    """S[2 r + c] = lanes_dot(A[i0 + r], Bt[j0 + c], n) for r, c in 0, 1: four dot
    products at once, each in lanes_dot's order (so the same bits), A and Bt with
    contiguous rows. Compiled: per step, four vectors of each of the two rows of A and
    of Bt meet in sixteen fused multiply-adds, sixteen chains under way where one
    lanes_dot has four, whose latency (not the arithmetic) bounds a short dot product."""
    for r in range(2):
        for c in range(2):
            S[2 * r + c] = lanes_dot(A[i0 + r], Bt[j0 + c], n)


def sum_in_order(terms):
    total = terms.dtype.type(0)
    for t in terms:
        total = total + t
    return total


def _pairwise(lanes):
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = [lanes[i] + lanes[i + half] for i in range(half)]
    return lanes[0]


def ldexp(p, k):
    """p * 2**k (k a float holding an integer); compiled code builds 2**k from its bits."""
    return p * 2.0**k


def fma(a, b, c):
    """a * b + c with one rounding (a fused multiply-add, as the C compilers of PyTorch's
    CPU kernels emit). Plain Python (``NUMBA_DISABLE_JIT=1``) rounds through float64: exact
    for float32 but for rare double roundings, one more rounding for float64."""
    return type(c)(float(a) * float(b) + float(c))


def sqrt(x):
    """The correctly rounded square root, in x's precision (in compiled code LLVM's sqrt,
    one instruction that vectorises, where Numba calls the C library's sqrtf)."""
    return type(x)(np.sqrt(x))


def float_bits(x):
    """The IEEE-754 bits of a float32 (float64) as an int32 (int64): a bit cast."""
    x = np.asarray(x)
    return x.view(np.int32 if x.dtype == np.float32 else np.int64)[()]


def bits_float(i):
    """The float32 whose bits are the int32 ``i`` (the inverse of float_bits)."""
    return np.array(i, np.int32).view(np.float32)[()]


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

    def lanes_codegen(context, builder, signature, args):
        """lanes_sum(u, n) or lanes_dot(u, v, n): the running sums in two (four for dot)
        vectors of eight, then combined pairwise by halves, as ``lanes_sum`` says."""
        dtype = signature.args[0].dtype
        fused = len(args) == 3
        vectors = FMA_LANES // 8 if fused else LANES // 8
        elem = context.get_value_type(dtype)
        vec = ir.VectorType(elem, 8)
        ptrs = [
            builder.bitcast(context.make_array(t)(context, builder, a).data, vec.as_pointer())
            for t, a in zip(signature.args[:-1], args[:-1])
        ]
        n = args[-1]

        def const(v):
            return ir.Constant(n.type, v)

        def add(a, b):  # "contract" alone: Numba then adds no reassociation flag to it
            return builder.fadd(a, b, flags=("contract",))

        fma = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.v8f{dtype.bitwidth}"
        )
        slots = [cgutils.alloca_once_value(builder, ir.Constant(vec, None)) for _ in range(vectors)]
        with cgutils.for_range(builder, builder.sdiv(n, const(8 * vectors))) as loop:
            for h in range(vectors):
                at = builder.add(builder.mul(loop.index, const(vectors)), const(h))
                terms = [builder.load(builder.gep(q, [at]), align=1) for q in ptrs]
                total = builder.load(slots[h])
                if fused:
                    total = builder.call(fma, [terms[0], terms[1], total])
                else:
                    total = add(total, terms[0])
                builder.store(total, slots[h])
        return combine_lanes(builder, [builder.load(slot) for slot in slots])

    def combine_lanes(builder, sums):
        """The running sums (vectors of eight lanes) combined pairwise, as ``lanes_sum``
        says; each addition flagged "contract" alone, so never regrouped."""

        def add(a, b):
            return builder.fadd(a, b, flags=("contract",))

        while len(sums) > 1:  # lanes l and l + w, whole vectors apart
            half = len(sums) // 2
            sums = [add(sums[h], sums[h + half]) for h in range(half)]
        total, width = sums[0], 8
        i32 = ir.IntType(32)
        while width > 1:  # ... then within the vector: its upper half onto its lower
            width //= 2
            upper = builder.shuffle_vector(
                total,
                total,
                ir.Constant(ir.VectorType(i32, 8), [width + (lane % width) for lane in range(8)]),
            )
            total = add(total, upper)
        return builder.extract_element(total, ir.Constant(i32, 0))

    @intrinsic
    def _lanes_dots(typingctx, A, Bt, i0, j0, n, S):
        """lanes_dots in IR: the 2 x 2 block of lanes_dot, sharing each vector load, in
        vectors of sixteen: lanes l and l + 8 of lanes_dot's four vectors of eight side
        by side, each lane the same fused multiply-adds, so the same bits in half the
        instructions; the first combining step (vector h with h + 2) is then one add."""
        arrays = (A, Bt, S)
        if not (
            all(isinstance(a, nbtypes.Array) and a.dtype == A.dtype for a in arrays)
            and isinstance(A.dtype, nbtypes.Float)
            and A.ndim == Bt.ndim == 2
            and S.ndim == 1
        ):
            return None

        def codegen(context, builder, signature, args):
            a_val, b_val, i0, j0, n, s_val = args
            elem = context.get_value_type(A.dtype)
            wide = ir.VectorType(elem, 16)
            byte_ptr = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)

            def const(v):
                return ir.Constant(n.type, v)

            def rows(array_type, value, first):
                array = context.make_array(array_type)(context, builder, value)
                stride = cgutils.unpack_tuple(builder, array.strides, 2)[0]
                base = builder.bitcast(array.data, byte_ptr)
                return [
                    builder.bitcast(
                        builder.gep(base, [builder.mul(builder.add(first, const(r)), stride)]),
                        wide.as_pointer(),
                    )
                    for r in range(2)
                ]

            a_rows, b_rows = rows(A, a_val, i0), rows(Bt, b_val, j0)
            fma = cgutils.get_or_insert_function(
                builder.module,
                ir.FunctionType(wide, [wide] * 3),
                f"llvm.fma.v16f{A.dtype.bitwidth}",
            )
            halves = FMA_LANES // 16  # vectors of sixteen per step: lanes 0-15, 16-31
            slots = [
                [cgutils.alloca_once_value(builder, ir.Constant(wide, None)) for _ in range(halves)]
                for _ in range(4)
            ]
            with cgutils.for_range(builder, builder.sdiv(n, const(FMA_LANES))) as loop:
                for h in range(halves):
                    at = builder.add(builder.mul(loop.index, const(halves)), const(h))
                    a = [builder.load(builder.gep(p, [at]), align=1) for p in a_rows]
                    b = [builder.load(builder.gep(p, [at]), align=1) for p in b_rows]
                    for r in range(2):
                        for c in range(2):
                            slot = slots[2 * r + c][h]
                            builder.store(builder.call(fma, [a[r], b[c], builder.load(slot)]), slot)
            out = context.make_array(S)(context, builder, s_val)
            low, high = (
                ir.Constant(ir.VectorType(i32, 8), list(range(at, at + 8))) for at in (0, 8)
            )
            for block in range(4):
                first, second = (builder.load(slot) for slot in slots[block])
                both = builder.fadd(first, second, flags=("contract",))  # vectors h + (h + 2)
                eights = [builder.shuffle_vector(both, both, part) for part in (low, high)]
                total = combine_lanes(builder, eights)
                builder.store(total, builder.gep(out.data, [const(block)]))
            return context.get_dummy_value()

        return nbtypes.none(A, Bt, i0, j0, n, S), codegen

    def same_float_vectors(*arrays):
        return all(
            isinstance(a, nbtypes.Array) and a.ndim == 1 and a.dtype == arrays[0].dtype
            for a in arrays
        ) and isinstance(arrays[0].dtype, nbtypes.Float)

    @intrinsic
    def _lanes_sum(typingctx, u, n):
        if same_float_vectors(u):
            return u.dtype(u, n), lanes_codegen
        return None

    @intrinsic
    def _lanes_dot(typingctx, u, v, n):
        if same_float_vectors(u, v):
            return u.dtype(u, v, n), lanes_codegen
        return None

    @intrinsic
    def _fma(typingctx, a, b, c):
        if not (isinstance(a, nbtypes.Float) and a == b == c):
            return None

        def codegen(context, builder, signature, args):
            t = context.get_value_type(a)
            f = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(t, [t] * 3), f"llvm.fma.f{a.bitwidth}"
            )
            return builder.call(f, list(args))

        return a(a, b, c), codegen

    @overload(fma, inline="always")
    def _fma_overload(a, b, c):
        return lambda a, b, c: _fma(a, b, c)

    @overload(lanes_sum, inline="always")
    def _lanes_sum_overload(u, n):
        return lambda u, n: _lanes_sum(u, n)

    @overload(lanes_dot, inline="always")
    def _lanes_dot_overload(u, v, n):
        return lambda u, v, n: _lanes_dot(u, v, n)

    @overload(lanes_dots, inline="always")
    def _lanes_dots_overload(A, Bt, i0, j0, n, S):
        return lambda A, Bt, i0, j0, n, S: _lanes_dots(A, Bt, i0, j0, n, S)

    def make_strict(emit):
        @intrinsic
        def strict(typingctx, a, b):
            if not (isinstance(a, nbtypes.Float) and a == b):
                return None

            def codegen(context, builder, signature, args):
                return emit(builder)(args[0], args[1], flags=("contract",))

            return a(a, b), codegen

        return strict

    _strict_sub = make_strict(lambda builder: builder.fsub)
    _strict_add = make_strict(lambda builder: builder.fadd)

    @overload(strict_sub, inline="always")
    def _strict_sub_overload(a, b):
        return lambda a, b: _strict_sub(a, b)

    @intrinsic
    def _sqrt(typingctx, x):
        if not isinstance(x, nbtypes.Float):
            return None

        def codegen(context, builder, signature, args):
            t = args[0].type
            fn = builder.module.declare_intrinsic("llvm.sqrt", [t], ir.FunctionType(t, [t]))
            return builder.call(fn, args)

        return x(x), codegen

    @overload(sqrt, inline="always")
    def _sqrt_overload(x):
        return lambda x: _sqrt(x)

    def make_bitcast(source, target):
        @intrinsic
        def bitcast(typingctx, x):
            if x != source:
                return None

            def codegen(context, builder, signature, args):
                return builder.bitcast(args[0], context.get_value_type(target))

            return target(x), codegen

        return bitcast

    _to_bits = make_bitcast(nbtypes.float32, nbtypes.int32)
    _to_bits64 = make_bitcast(nbtypes.float64, nbtypes.int64)
    _from_bits = make_bitcast(nbtypes.int32, nbtypes.float32)

    @overload(float_bits, inline="always")
    def _float_bits_overload(x):
        if x == nbtypes.float64:
            return lambda x: _to_bits64(x)
        return lambda x: _to_bits(x)

    @overload(bits_float, inline="always")
    def _bits_float_overload(i):
        return lambda i: _from_bits(np.int32(i))

    @overload(strict_add, inline="always")
    def _strict_add_overload(a, b):
        return lambda a, b: _strict_add(a, b)


if not DISABLE_JIT:
    _install()
