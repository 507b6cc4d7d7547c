"""PyTorch's CPU random numbers, bit for bit: the Mersenne Twister and the transforms
PyTorch's CPU kernels apply to its 32-bit words (ATen's ``core/MT19937RNGEngine.h``,
``core/TransformationHelper.h``, ``native/cpu/DistributionTemplates.h``).

- ``mt_words``: the next 32-bit words of ``std::mt19937`` (state ``key``, and PyTorch's
  ``left``/``next`` counters in ``pos``).
- ``uniform_float32`` / ``uniform_float64``: 24 (53) random bits scaled to [0, 1), then
  ``x * (to - from) + from`` as one fused multiply-add, as the compiled kernel does.
- ``normal_blocks_float32``: Box-Muller on blocks of 16 uniforms (u1 = 1 - d[j],
  u2 = d[j + 8]) with the Cephes ``log`` and ``sincos`` that PyTorch's AVX2 kernel uses
  (``native/cpu/avx_mathfun.h``), operation for operation, with the multiply-adds its
  compiler fused (found by comparing with PyTorch's output: the Horner steps, the
  reduction by pi / 4, y * z + e * q1 in log and y * z - z / 2 in the cosine).
- ``normal_blocks_float64``: the same blocks with the C library's log, cos and sin.
- ``normal_serial``: ``normal_distribution<double>``, one pair of 53-bit uniforms per two
  samples, the second sample cached in the generator for the next call.
- ``exponential_float64``, ``cauchy_float64``, ``geometric_float64``, ``exp_float64``
  (for log_normal_) and ``randperm_shuffle``: PyTorch's serial kernels for the rest.

The words are spent in PyTorch's order, so the caller draws them with ``mt_words`` and
passes them in (the uniform kernels find them in their output's bytes). Every loop is
written for one element; LLVM vectorises the ones without a carried state.
The kernels are compiled without fast-math: each rounding is the one PyTorch's code makes.
"""

import math

import numpy as np
from numba import njit

from ._jit import kernel, local_array
from .compiler import bits_float, float_bits, fma, sqrt

N, M = 624, 397  # the Mersenne Twister's state size and shift
_UPPER, _LOWER = np.uint32(0x80000000), np.uint32(0x7FFFFFFF)
_MATRIX_A = np.uint32(0x9908B0DF)
_ONE32, _ZERO32 = np.uint32(1), np.uint32(0)
_S1, _S7, _S11, _S15, _S18 = (np.uint32(s) for s in (1, 7, 11, 15, 18))
_B, _C = np.uint32(0x9D2C5680), np.uint32(0xEFC60000)
_I24 = np.int32((1 << 24) - 1)
_M53, _S32 = np.uint64((1 << 53) - 1), np.uint64(32)
_TWO_M24, _TWO_M53 = np.float32(2.0**-24), 2.0**-53
_TWO_PI = 2.0 * math.pi


def _exact(fn):
    """A helper inlined into its callers (so their loops vectorise through it), compiled
    without fast-math: ``_jit.helper`` allows reassociation and contraction, which would
    change the roundings."""
    return njit(fn, inline="always", error_model="numpy")


@_exact
def _twist(upper, lower, far):
    """One word of the next state: far ^ (y >> 1) ^ (MATRIX_A if y is odd), where y takes
    its top bit from ``upper`` and the other 31 from ``lower``."""
    y = (upper & _UPPER) | (lower & _LOWER)
    return far ^ (y >> _S1) ^ (_MATRIX_A if y & _ONE32 else _ZERO32)


@_exact
def _regenerate(key):
    """The next 624 words of state (std::mt19937's twist), in place; three loops so that
    no index wraps around inside one."""
    for i in range(N - M):
        key[i] = _twist(key[i], key[i + 1], key[i + M])
    for i in range(N - M, N - 1):
        key[i] = _twist(key[i], key[i + 1], key[i + M - N])
    key[N - 1] = _twist(key[N - 1], key[0], key[M - 1])


@_exact
def _temper(y):
    y ^= y >> _S11
    y ^= (y << _S7) & _B
    y ^= (y << _S15) & _C
    return y ^ (y >> _S18)


@kernel(["void(uint32[::1], int64[::1], uint32[::1])"])
def mt_words(key, pos, out):
    """out[:] = the next out.size words; pos = [left, next] as PyTorch's engine keeps
    them (a draw first decrements left and twists the state when it reaches 0)."""
    left, nxt, i, n = pos[0], pos[1], 0, out.shape[0]
    while i < n:
        if left == 1:
            _regenerate(key)
            left, nxt = N + 1, 0
        take = min(n - i, left - 1)
        for k in range(take):
            out[i + k] = _temper(key[nxt + k])
        i, nxt, left = i + take, nxt + take, left - take
    pos[0], pos[1] = left, nxt


@_exact
def _uniform24(word):
    """The uniform of a word held as float32 bits: (word & (2**24 - 1)) * 2**-24."""
    return np.float32(float_bits(word) & _I24) * _TWO_M24


@kernel(["void(float32[::1], float32, float32)"])
def uniform_float32(buf, low, span):
    """buf holds one word per element (mt_words wrote into its bytes); each becomes
    fma((word & (2**24 - 1)) * 2**-24, span, low)  (span = to - from)."""
    for i in range(buf.shape[0]):
        buf[i] = fma(_uniform24(buf[i]), span, low)


@_exact
def _u53(words, k):
    """A uniform in [0, 1) from the 53 low bits of random64() = words[k] << 32 | words[k+1]."""
    bits = ((np.uint64(words[k]) << _S32) | np.uint64(words[k + 1])) & _M53
    return np.float64(bits) * _TWO_M53


@kernel(["void(float64[::1], float64, float64)"])
def uniform_float64(buf, low, span):
    """buf holds two words per element, first word at the lower address (little-endian:
    the low half); each becomes fma(53-bit uniform of random64() = first << 32 | second,
    span, low)."""
    for i in range(buf.shape[0]):
        pair = np.uint64(float_bits(buf[i]))
        bits = ((pair << _S32) | (pair >> _S32)) & _M53
        buf[i] = fma(np.float64(bits) * _TWO_M53, span, low)


# Cephes single-precision constants, as avx_mathfun.h spells them
_f = np.float32
_LOG_P = tuple(
    _f(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)
_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8 = _LOG_P
_SQRTHF, _Q1, _Q2 = _f(0.707106781186547524), _f(-2.12194440e-4), _f(0.693359375)
_HALF, _ONE, _ZERO, _MINUS_TWO = _f(0.5), _f(1.0), _f(0.0), _f(-2.0)
_MANTISSA, _HALF_BITS = np.int32(~0x7F800000), np.int32(0x3F000000)
_I23, _I127 = np.int32(23), np.int32(127)
_FOPI = _f(1.27323954473516)
_DP1, _DP2, _DP3 = _f(-0.78515625), _f(-2.4187564849853515625e-4), _f(-3.77489497744594108e-8)
_SIN_P0, _SIN_P1, _SIN_P2 = _f(-1.9515295891e-4), _f(8.3321608736e-3), _f(-1.6666654611e-1)
_COS_P0, _COS_P1, _COS_P2 = (
    _f(2.443315711809948e-005),
    _f(-1.388731625493765e-003),
    _f(4.166664568298827e-002),
)
_TWO_PI32 = _f(2.0 * math.pi)
_I1, _I2, _I4, _INV1 = np.int32(1), np.int32(2), np.int32(4), np.int32(~1)


@_exact
def _log_cephes(x):
    """log256_ps for one lane, x in (0, 1]: x = m * 2**e, m in [sqrt(1/2), sqrt(2)),
    log(x) = e ln 2 + a degree-9 polynomial in m - 1."""
    bits = float_bits(x)
    e = np.float32((bits >> _I23) - _I127) + _ONE
    x = bits_float((bits & _MANTISSA) | _HALF_BITS)  # the mantissa, in [0.5, 1)
    small = x < _SQRTHF  # then x = 2m - 1 and e - 1, else m - 1 (selects, not branches)
    e = e - (_ONE if small else _ZERO)
    x = (x - _ONE) + (x if small else _ZERO)
    z = x * x
    y = fma(_P0, x, _P1)
    y = fma(fma(fma(fma(fma(fma(fma(y, x, _P2), x, _P3), x, _P4), x, _P5), x, _P6), x, _P7), x, _P8)
    y = fma(y * x, z, e * _Q1)
    y = fma(-z, _HALF, y)
    return fma(e, _Q2, x + y)


@_exact
def _sincos_cephes(x):
    """sincos256_ps for one lane, x >= 0: reduce by multiples of pi / 4 (in three parts),
    then the Cephes sine and cosine polynomials, picked and signed by the octant."""
    j = (np.int32(x * _FOPI) + _I1) & _INV1
    y = np.float32(j)
    x = fma(y, _DP3, fma(y, _DP2, fma(y, _DP1, x)))
    z = x * x
    c = fma(fma(_COS_P0, z, _COS_P1), z, _COS_P2) * z
    c = fma(c, z, -(z * _HALF)) + _ONE
    s = fma(fma(fma(_SIN_P0, z, _SIN_P1), z, _SIN_P2) * z, x, x)
    first = (j & _I2) == 0  # the octant picks the polynomial for each, and the signs
    sin_from_cos = _ZERO if first else c
    sin_from_sin = s if first else _ZERO
    sin = sin_from_cos + sin_from_sin
    cos = (c - sin_from_cos) + (s - sin_from_sin)
    sin = -sin if j & _I4 else sin
    cos = -cos if ~(j - _I2) & _I4 else cos
    return sin, cos


@_exact
def _box_muller32(u1, u2, lanes, mean, std):
    """Lanes k < lanes: u1[k], u2[k] (uniforms) -> fma(r cos t, std, mean), fma(r sin t,
    std, mean) with r = sqrt(-2 log(1 - u1[k])), t = 2 pi u2[k]. One loop over contiguous
    lanes, which LLVM vectorises (a loop of 8 it leaves scalar)."""
    for k in range(lanes):
        radius = sqrt(_MINUS_TWO * _log_cephes(_ONE - u1[k]))
        sin, cos = _sincos_cephes(_TWO_PI32 * u2[k])
        u1[k] = fma(radius * cos, std, mean)
        u2[k] = fma(radius * sin, std, mean)


@kernel(["void(float32[::1], float32, float32)"])
def normal_blocks_float32(data, mean, std):
    """data holds one random word per element (as float32 bits, mt_words wrote them);
    each whole block of 16 becomes 16 normals (normal_fill_16_AVX2): with d the block's
    uniforms (24 random bits each), for j < 8 r = sqrt(-2 log(1 - d[j])), t = 2 pi d[j + 8],
    d[j] = fma(r cos t, std, mean), d[j + 8] = fma(r sin t, std, mean). 32 blocks at a
    time, their halves gathered into two scratch rows (turned into uniforms on the way)
    so that the arithmetic runs 8 or 16 lanes wide."""
    u1, u2 = local_array(256, np.float32), local_array(256, np.float32)
    blocks = data.shape[0] // 16
    for first in range(0, blocks, 32):
        count = min(32, blocks - first)
        for b in range(count):
            for j in range(8):
                u1[8 * b + j] = _uniform24(data[16 * (first + b) + j])
                u2[8 * b + j] = _uniform24(data[16 * (first + b) + 8 + j])
        _box_muller32(u1, u2, 8 * count, mean, std)
        for b in range(count):
            for j in range(8):
                data[16 * (first + b) + j] = u1[8 * b + j]
                data[16 * (first + b) + 8 + j] = u2[8 * b + j]


@kernel(["void(float64[::1], float64, float64)"])
def normal_blocks_float64(data, mean, std):
    """normal_fill_16 in float64, with the C library's log, cos and sin."""
    for b in range(0, data.shape[0] - 15, 16):
        for j in range(b, b + 8):
            radius = math.sqrt(-2.0 * math.log(1.0 - data[j]))
            theta = _TWO_PI * data[j + 8]
            data[j] = fma(radius * math.cos(theta), std, mean)
            data[j + 8] = fma(radius * math.sin(theta), std, mean)


@kernel(["void(uint32[::1], float64[::1], float64, float64, float64[::1])"])
def normal_serial(words, cache, mean, std, out):
    """normal_distribution<double>, one sample at a time: the cached second sample if
    cache[0] says there is one (cache[1]), else u1, u2 (53 bits each, 4 words),
    r = sqrt(-2 log1p(-u2)), t = 2 pi u1: r cos t now, r sin t cached."""
    k = 0
    for i in range(out.shape[0]):
        if cache[0] != 0.0:
            value, cache[0] = cache[1], 0.0
        else:
            u1, u2 = _u53(words, k), _u53(words, k + 2)
            k += 4
            radius = math.sqrt(-2.0 * math.log1p(-u2))
            theta = _TWO_PI * u1
            cache[0], cache[1] = 1.0, radius * math.sin(theta)
            value = radius * math.cos(theta)
        out[i] = fma(value, std, mean)


@kernel(["void(uint32[::1], float64, float64[::1])"])
def exponential_float64(words, lambd, out):
    """exponential_distribution<double>: -1 / lambd * log1p(-u), u a 53-bit uniform."""
    scale = -1.0 / lambd
    for i in range(out.shape[0]):
        out[i] = scale * math.log1p(-_u53(words, 2 * i))


@kernel(["void(uint32[::1], float64, float64, float64[::1])"])
def cauchy_float64(words, median, sigma, out):
    """cauchy_distribution<double>: median + sigma * tan(pi (u - 1/2)), u 53 bits."""
    for i in range(out.shape[0]):
        out[i] = fma(sigma, math.tan(math.pi * (_u53(words, 2 * i) - 0.5)), median)


@kernel(["void(uint32[::1], float64, float64[::1])"])
def geometric_float64(words, p, out):
    """geometric_distribution<double>: ceil(log(u) / log1p(-p)), u 53 bits."""
    for i in range(out.shape[0]):
        out[i] = math.ceil(math.log(_u53(words, 2 * i)) / math.log1p(-p))


@kernel(["void(float64[::1])"])
def exp_float64(values):
    """values = exp(values) with the C library's exp (log_normal_ is exp of normals)."""
    for i in range(values.shape[0]):
        values[i] = math.exp(values[i])


@kernel(["void(uint32[::1], int64[::1])"])
def randperm_shuffle(words, out):
    """randperm for n < 2**32 / 20: out starts as 0..n-1; for i < n - 1 swap out[i] with
    out[i + words[i] % (n - i)]."""
    n = out.shape[0]
    for i in range(n - 1):
        z = i + np.int64(words[i]) % (n - i)
        out[i], out[z] = out[z], out[i]
