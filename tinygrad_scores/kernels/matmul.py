"""Matrix multiply C = A @ B, blocked and register-tiled.

The shape of the algorithm is the one every fast BLAS uses (Goto and van de Geijn):

1. *Pack* A into row panels and B into column panels, so the innermost loop reads two
   small contiguous buffers instead of strided matrix rows. Packing is also how a
   transposed view (``W.T`` in Linear, ``A.T`` in a backward product) is read without
   ever being copied whole: the packing loops follow whatever strides the view has.
2. Cut K into blocks of ``KC`` so a packed B panel stays in the L1 cache while every
   row panel of A streams past it.
3. A *micro-kernel* computes one small MR x NR tile of C with its accumulators held in
   registers for the whole K block: that is where the flops are.

float32 and float64 use different micro-kernels because LLVM vectorises them differently:

- float32, 4 x 16, outer products: per k, one row of the B panel (two 8-wide vectors)
  times four broadcast A values, into 4 x 16 accumulators (eight AVX registers).
- float64, 4 x 3, dot products: A rows and B columns are packed contiguous in k, and LLVM
  vectorises along k, so each of the 12 accumulators is a 4-wide vector of partial sums.

Small products (the 128 x 2 output layer of the seed network) skip packing: a plain
i-k-j loop is faster there. Large ones run the column panels in parallel with ``prange``.
"""
import numpy as np
from numba import prange

from ._jit import inline_helper, kernel, local_array

KC = 256                 # K block: a float32 B panel (KC x 16) is 16 KiB, half of L1
MR32, NR32 = 4, 16       # float32 micro-tile
MR64, NR64 = 4, 3        # float64 micro-tile
PARALLEL_FLOPS = 1 << 21  # below ~2 MFLOP (~20 us) a thread team costs more than it gives
SMALL_FLOPS = 1 << 16     # below this (or for very thin outputs) packing does not pay


def _k_blocks(K):
    """Split K into equal blocks of at most KC (784 -> 4 x 196, not 256+256+256+16)."""
    n = max(1, -(-K // KC))
    return n, -(-K // n)


# --------------------------------------------------------------------------- float32

@inline_helper
def _store(C, i, j, value, add):
    if add:
        C[i, j] += value
    else:
        C[i, j] = value


@inline_helper
def _micro_f32(kc, Ap, Bp, C, i0, j0, add):
    """C[i0:i0+4, j0:j0+16] (+)= Ap^T Bp for packed panels Ap (kc x 4) and Bp (kc x 16).

    The four accumulator rows live on the stack with constant indices, so LLVM keeps
    them in eight vector registers; the edge tile's bounds are only checked on the
    way out, never inside the k loop.
    """
    c0 = local_array(16, Ap.dtype)
    c1 = local_array(16, Ap.dtype)
    c2 = local_array(16, Ap.dtype)
    c3 = local_array(16, Ap.dtype)
    for j in range(16):
        c0[j] = 0.0
        c1[j] = 0.0
        c2[j] = 0.0
        c3[j] = 0.0
    for p in range(kc):
        a0 = Ap[4 * p]
        a1 = Ap[4 * p + 1]
        a2 = Ap[4 * p + 2]
        a3 = Ap[4 * p + 3]
        for j in range(16):
            b = Bp[16 * p + j]
            c0[j] += a0 * b
            c1[j] += a1 * b
            c2[j] += a2 * b
            c3[j] += a3 * b
    mr = C.shape[0] - i0
    nr = C.shape[1] - j0
    for j in range(16):
        if j < nr:
            _store(C, i0, j0 + j, c0[j], add)
            if mr > 1:
                _store(C, i0 + 1, j0 + j, c1[j], add)
            if mr > 2:
                _store(C, i0 + 2, j0 + j, c2[j], add)
            if mr > 3:
                _store(C, i0 + 3, j0 + j, c3[j], add)


def _gemm_f32(A, B, C, accumulate):
    """C (+)= A @ B in float32; A and B may be any strided views, C is C-contiguous."""
    M, K = A.shape
    N = B.shape[1]
    if K == 0:                                # an empty sum: C = 0
        if not accumulate:
            C[:, :] = 0.0
        return
    n_ip = -(-M // MR32)
    n_jp = -(-N // NR32)
    kb = _k_block(K)
    # Pack all of A once: Ap[ip, kblock, p, i] = A[ip*4 + i, kblock*kb + p], zero rows past M.
    Ap = np.empty(n_ip * MR32 * K, np.float32)
    for ip in prange(n_ip):
        for pc in range(0, K, kb):
            kc = min(kb, K - pc)
            base = ip * MR32 * K + pc * MR32
            for p in range(kc):
                for i in range(MR32):
                    row = ip * MR32 + i
                    Ap[base + p * MR32 + i] = A[row, pc + p] if row < M else 0.0
    # Each thread owns whole column panels of C: no two threads write the same element.
    for jp in prange(n_jp):
        Bp = np.empty(kb * NR32, np.float32)
        j0 = jp * NR32
        for pc in range(0, K, kb):
            kc = min(kb, K - pc)
            for p in range(kc):               # pack B[pc:pc+kc, j0:j0+16], zero-padded
                for j in range(NR32):
                    Bp[p * NR32 + j] = B[pc + p, j0 + j] if j0 + j < N else 0.0
            add = accumulate or pc > 0
            for ip in range(n_ip):
                base = ip * MR32 * K + pc * MR32
                _micro_f32(kc, Ap[base:base + kc * MR32], Bp, C, ip * MR32, j0, add)


# --------------------------------------------------------------------------- float64

@inline_helper
def _micro_f64(kc, a0, a1, a2, a3, b0, b1, b2, C, i0, j0, add):
    """C[i0:i0+4, j0:j0+3] (+)= the 12 dot products of rows a0..a3 with columns b0..b2."""
    c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = 0.0
    for p in range(kc):
        x0 = a0[p]
        x1 = a1[p]
        x2 = a2[p]
        x3 = a3[p]
        y0 = b0[p]
        y1 = b1[p]
        y2 = b2[p]
        c00 += x0 * y0
        c01 += x0 * y1
        c02 += x0 * y2
        c10 += x1 * y0
        c11 += x1 * y1
        c12 += x1 * y2
        c20 += x2 * y0
        c21 += x2 * y1
        c22 += x2 * y2
        c30 += x3 * y0
        c31 += x3 * y1
        c32 += x3 * y2
    tile = ((c00, c01, c02), (c10, c11, c12), (c20, c21, c22), (c30, c31, c32))
    mr = min(4, C.shape[0] - i0)
    nr = min(3, C.shape[1] - j0)
    for i in range(mr):
        for j in range(nr):
            _store(C, i0 + i, j0 + j, tile[i][j], add)


def _gemm_f64(A, B, C, accumulate):
    """C (+)= A @ B in float64; A and B may be any strided views, C is C-contiguous."""
    M, K = A.shape
    N = B.shape[1]
    if K == 0:                                # an empty sum: C = 0
        if not accumulate:
            C[:, :] = 0.0
        return
    n_ip = -(-M // MR64)
    n_jp = -(-N // NR64)
    kb = _k_block(K)
    # Pack all of A once: Ap[ip, i, :] = A[ip*4 + i, :], each row contiguous in k.
    Ap = np.empty(n_ip * MR64 * K, np.float64)
    for ip in prange(n_ip):
        for i in range(MR64):
            row = ip * MR64 + i
            base = row * K
            for p in range(K):
                Ap[base + p] = A[row, p] if row < M else 0.0
    for jp in prange(n_jp):
        j0 = jp * NR64
        Bp = np.empty(NR64 * K, np.float64)   # columns j0..j0+2 of B, each contiguous in k
        for j in range(NR64):
            for p in range(K):
                Bp[j * K + p] = B[p, j0 + j] if j0 + j < N else 0.0
        for pc in range(0, K, kb):
            kc = min(kb, K - pc)
            add = accumulate or pc > 0
            b0 = Bp[pc:pc + kc]
            b1 = Bp[K + pc:K + pc + kc]
            b2 = Bp[2 * K + pc:2 * K + pc + kc]
            for ip in range(n_ip):
                r = ip * MR64 * K + pc
                _micro_f64(kc, Ap[r:r + kc], Ap[r + K:r + K + kc], Ap[r + 2 * K:r + 2 * K + kc],
                           Ap[r + 3 * K:r + 3 * K + kc], b0, b1, b2, C, ip * MR64, j0, add)


# --------------------------------------------------------------------------- small

def _gemm_small(A, B, C, accumulate):
    """The textbook i-k-j loop, no packing: for products too small for packing to pay."""
    M, K = A.shape
    N = B.shape[1]
    for i in range(M):
        if not accumulate:
            for j in range(N):
                C[i, j] = 0.0
        for k in range(K):
            a = A[i, k]
            for j in range(N):
                C[i, j] += a * B[k, j]


# --------------------------------------------------------------------------- compile

@inline_helper
def _k_block(K):
    """Equal K blocks of at most KC: 784 -> 4 x 196 rather than 256 + 256 + 256 + 16."""
    n = max(1, -(-K // KC))
    return max(1, -(-K // n))


def _sigs(dt):
    return [f"void({dt}[:,:], {dt}[:,:], {dt}[:,::1], boolean)"]


_KERNELS = {}
for _dt, _fn in (("float32", _gemm_f32), ("float64", _gemm_f64)):
    _KERNELS[_dt, "serial"] = kernel(_sigs(_dt), fastmath=True)(_fn)
    _KERNELS[_dt, "parallel"] = kernel(_sigs(_dt), fastmath=True, parallel=True)(_fn)
    _KERNELS[_dt, "small"] = kernel(_sigs(_dt), fastmath=True)(_gemm_small)


def matmul_into(A, B, C, accumulate=False):
    """C = A @ B (or C += A @ B) for 2-D arrays of one float dtype; C must be C-contiguous.

    Chooses the unpacked loop for tiny products, the serial blocked kernel for small ones
    and the parallel blocked kernel for the rest.
    """
    M, K = A.shape
    N = B.shape[1]
    flops = M * N * K
    if flops < SMALL_FLOPS or N < 4:
        variant = "small"
    elif flops < PARALLEL_FLOPS:
        variant = "serial"
    else:
        variant = "parallel"
    _KERNELS[C.dtype.name, variant](A, B, C, accumulate)
    return C
