"""Building blocks that LLVM can vectorise: exp and a row maximum (and strict_sub,
which keeps fast-math from regrouping a subtraction whose rounding matters).

``math.exp`` is a call into libm, one element at a time, and a loop that calls it stays
scalar (Numba only vectorises it with Intel's SVML, which we do not depend on). Softmax
and cross-entropy spend most of their time in exp, so ``exp`` below is written out as
arithmetic that LLVM turns into 8-wide (float32) or 4-wide (float64) AVX code:

    exp(x) = 2**k * exp(r),   k = round(x / ln 2),   r = x - k ln 2,   |r| <= ln(2) / 2

exp(r) is its Taylor polynomial (degree 7 for float32, 13 for float64: the first omitted
term is below half an ulp on |r| <= 0.347), and 2**k is built straight from the IEEE-754
bits (exponent field k + bias). ln 2 is split in a high and a low part (Cody & Waite) so
that r keeps full precision. Within 1 ulp of the correctly rounded exp over the whole
range, subnormal results included; 0 and inf where exp underflows and overflows; NaN
stays NaN.

``row_max`` keeps eight running maxima so the compare-and-select chains run side by
side; a single running maximum is one long dependency chain, and LLVM will not vectorise
a max reduction that has to respect NaN.

``row_sum`` and ``row_dot`` add in one fixed order, defined in the source, not by the
compiler: LANES running sums (lane l takes the elements j = l mod LANES of the whole
groups, in order: compiler.lanes_sum, two explicit vectors), combined pairwise, then the
tail one by one, each addition one that LLVM may not regroup (``strict_add``). Under
fast-math reassociation LLVM chose the order itself (how many vectors, how many
interleaved), and chose differently in a threaded build, or in one loaded from the cache,
than in the serial build compiled now: the same seed gave other numbers once a threaded
kernel took over. Written this way, every build adds the same numbers in the same order,
and the lanes still run as vectors.

Under ``NUMBA_DISABLE_JIT=1`` all are plain Python (``math.exp`` and a loop). The two
LLVM-IR helpers exp needs (``ldexp``: 2**k from its bits; ``strict_sub``: a subtraction
fast-math may not regroup) live in compiler.py.
"""

import math

import numpy as np
from numba import config

from ._jit import FAST, helper, inlined, local_array
from .compiler import FMA_LANES, LANES, fma, lanes_dot, lanes_sum, ldexp, strict_add, strict_sub  # noqa: F401


def exp(x):
    """exp(x); in compiled kernels the vectorisable polynomial described above."""
    return math.exp(x)


# bits -> (lo, hi, ln2 high part, ln2 low part, polynomial degree). x is clamped to
# [lo, hi], where exp already rounds to 0 and overflows to inf.
_EXP_CONSTANTS = {
    32: (-104.0, 88.8, 0.693359375, -2.12194440e-4, 7),
    64: (-746.0, 709.9, 6.93147180369123816490e-01, 1.90821492927058770002e-10, 13),
}


def _install():
    from numba import types
    from numba.extending import overload

    # Compiled once per dtype and called; LLVM inlines the call into the kernel's loop and
    # vectorises it there (Numba-level inlining would retype it at every call site: slower
    # to compile, same machine code).
    @overload(exp, jit_options=dict(fastmath=FAST, error_model="numpy"))
    def _exp(x):
        if not isinstance(x, types.Float):
            return None
        f = np.float32 if x.bitwidth == 32 else np.float64
        lo, hi, ln2_hi, ln2_lo, degree = _EXP_CONSTANTS[x.bitwidth]
        lo, hi, ln2_hi, ln2_lo = f(lo), f(hi), f(ln2_hi), f(ln2_lo)
        log2e, half, one = f(1 / math.log(2)), f(0.5), f(1)
        c = tuple(f(1 / math.factorial(n)) for n in range(1, degree + 1))  # 1/n!, n = 1..degree
        taylor = _taylor7 if degree == 7 else _taylor13

        def impl(x):
            k = np.floor(min(max(lo, x), hi) * log2e + half)  # NaN -> lo: k is never NaN
            x = min(max(x, lo), hi)  # NaN stays NaN
            r = strict_sub(strict_sub(x, k * ln2_hi), k * ln2_lo)
            return ldexp(taylor(r, c) * r + one, k)

        return impl


# (exp(r) - 1) / r by Horner's rule, written out term by term (a loop over the
# coefficients made Numba's inliner warn about a phi node).
@helper
def _taylor7(r, c):
    return c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * (c[4] + r * (c[5] + r * c[6])))))


@helper
def _taylor13(r, c):
    return c[0] + r * (
        c[1]
        + r
        * (
            c[2]
            + r
            * (
                c[3]
                + r
                * (
                    c[4]
                    + r
                    * (
                        c[5]
                        + r
                        * (
                            c[6]
                            + r
                            * (
                                c[7]
                                + r * (c[8] + r * (c[9] + r * (c[10] + r * (c[11] + r * c[12]))))
                            )
                        )
                    )
                )
            )
        )
    )


@inlined
def row_max(x, i):
    """max(x[i, :]) of a 2-D array with at least one column. A NaN may or may not win;
    callers compute exp(x - max), which is NaN for that entry either way."""
    best = local_array(8, x.dtype)
    for lane in range(8):
        best[lane] = x[i, 0]
    n = x.shape[1]
    full = n - n % 8
    for j in range(0, full, 8):
        for lane in range(8):
            v = x[i, j + lane]
            best[lane] = v if v > best[lane] else best[lane]
    m = best[0]
    for lane in range(1, 8):
        m = best[lane] if best[lane] > m else m
    for j in range(full, n):
        v = x[i, j]
        m = v if v > m else m
    return m


@inlined
def row_sum(a, i):
    """sum(a[i, :]) in the fixed order described at the top (a C-contiguous)."""
    n = a.shape[1]
    full = n - n % LANES
    total = lanes_sum(a[i], full) if full else a.dtype.type(0)
    for j in range(full, n):
        total = strict_add(total, a[i, j])
    return total


@inlined
def row_dot(a, b, i, k):
    """sum over j of a[i, j] * b[k, j] (a, b C-contiguous), in the order of ``row_sum``
    but with FMA_LANES lanes (four vectors: the multiply-adds' latency hidden), each
    step a fused multiply-add."""
    n = a.shape[1]
    full = n - n % FMA_LANES
    total = lanes_dot(a[i], b[k], full) if full else a.dtype.type(0)
    for j in range(full, n):
        total = fma(a[i, j], b[k, j], total)
    return total


if not config.DISABLE_JIT:
    _install()
