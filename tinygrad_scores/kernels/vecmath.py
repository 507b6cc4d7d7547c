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

Under ``NUMBA_DISABLE_JIT=1`` both are plain Python (``math.exp`` and a loop).
"""
import math

import numpy as np
from numba import config

from ._jit import FAST, helper, local_array, row_helper


def exp(x):
    """exp(x); in compiled kernels the vectorisable polynomial described above."""
    return math.exp(x)


def strict_sub(a, b):
    """a - b, never regrouped with the operations around it.

    The kernels are compiled with reassociation allowed (their sums vectorise that way),
    and LLVM may then rewrite (x - m) - s as x - (m + s), or merge the two halves of ln 2
    in exp; both lose digits. Numba adds its fast-math flags only to instructions that
    have none, so this subtraction is emitted with "contract" alone (it may fuse with a
    product into one FMA, nothing else)."""
    return a - b


# bits -> (lo, hi, ln2 high part, ln2 low part, polynomial degree). x is clamped to
# [lo, hi], where exp already rounds to 0 and overflows to inf.
_EXP_CONSTANTS = {
    32: (-104.0, 88.8, 0.693359375, -2.12194440e-4, 7),
    64: (-746.0, 709.9, 6.93147180369123816490e-01, 1.90821492927058770002e-10, 13),
}


def _install():
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic, overload

    @intrinsic
    def ldexp(typingctx, p, k):
        """p * 2**k for a float k that holds an integer in [-150, 128] (float32) or
        [-1076, 1024] (float64). 2**k is built from its bits in two factors, each a
        normal float, and applied in that order (flagged "contract" alone, so never
        regrouped as p * (2**a * 2**b), which overflows): the one rounding is the last
        product's, into a subnormal, 0 or inf exactly where exp(x) lands there."""
        if not (isinstance(p, types.Float) and p == k):
            return None
        bits, bias, mantissa = (32, 127, 23) if p.bitwidth == 32 else (64, 1023, 52)

        def codegen(context, builder, signature, args):
            int_type = ir.IntType(bits)
            float_type = context.get_value_type(p)
            n = builder.fptosi(args[1], int_type)
            half = builder.ashr(n, ir.Constant(int_type, 1))
            result = args[0]
            for part in (half, builder.sub(n, half)):
                field = builder.shl(builder.add(part, ir.Constant(int_type, bias)),
                                    ir.Constant(int_type, mantissa))
                result = builder.fmul(result, builder.bitcast(field, float_type), flags=("contract",))
            return result

        return p(p, k), codegen

    @intrinsic
    def _strict_sub(typingctx, a, b):
        if not (isinstance(a, types.Float) and a == b):
            return None

        def codegen(context, builder, signature, args):
            return builder.fsub(args[0], args[1], flags=("contract",))

        return a(a, b), codegen

    @overload(strict_sub, inline="always")
    def _strict_sub_overload(a, b):
        return lambda a, b: _strict_sub(a, b)

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
        c = tuple(f(1 / math.factorial(n)) for n in range(1, degree + 1))   # 1/n!, n = 1..degree
        taylor = _taylor7 if degree == 7 else _taylor13

        def impl(x):
            k = np.floor(min(max(lo, x), hi) * log2e + half)   # NaN -> lo: k is never NaN
            x = min(max(x, lo), hi)                             # NaN stays NaN
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
    return c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * (c[4] + r * (c[5] + r * (c[6] + r * (
        c[7] + r * (c[8] + r * (c[9] + r * (c[10] + r * (c[11] + r * c[12])))))))))))


@row_helper
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


if not config.DISABLE_JIT:
    _install()
