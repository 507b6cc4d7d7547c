"""Matrix multiply C = A @ B, blocked and register-tiled.

The shape of the algorithm is the one every fast BLAS uses (Goto and van de Geijn):

1. *Pack* B into column panels (and, for float64, A into row panels), so the innermost
   loop reads small contiguous buffers instead of strided matrix rows. Packing is also
   how a transposed view (``W.T`` in Linear, ``A.T`` in a backward product) is read
   without ever being copied whole: the packing loops follow whatever strides it has.
2. Cut K into blocks of ``KC`` so a packed B panel stays in the L1 cache while every
   row of A streams past it.
3. A *micro-kernel* computes one small MR x NR tile of C with its accumulators held in
   registers for the whole K block: that is where the flops are.

float32 and float64 use different micro-kernels because LLVM vectorises them differently:

- float32, 4 x 16, outer products: per k, one row of the B panel (two 8-wide vectors)
  times four broadcast A values, into 4 x 16 accumulators (eight AVX registers). A is
  read in place: four scalars per k, from four rows (or one column of a transposed view).
- float64, 4 x 3, dot products: A rows and B columns are packed contiguous in k, and LLVM
  vectorises along k, so each of the 12 accumulators is a 4-wide vector of partial sums.

Small products (the 128 x 2 output layer of the seed network) skip packing: a plain
i-k-j loop is faster there. Large float32 ones run the column panels in parallel (prange).
"""
import numpy as np
from numba import prange

from ._jit import helper, kernel, local_array

KC = 256                 # K block: a float32 B panel (KC x 16) is 16 KiB, half of L1
MR32, NR32 = 4, 16       # float32 micro-tile
MR64, NR64 = 4, 3        # float64 micro-tile
PARALLEL_FLOPS = 1 << 21  # below ~2 MFLOP (~20 us) a thread team costs more than it gives
SMALL_FLOPS = 1 << 16     # below this (or for very thin outputs) packing does not pay




# --------------------------------------------------------------------------- float32

@helper
def _store(C, i, j, value, add):
    if add:
        C[i, j] += value
    else:
        C[i, j] = value


@helper
def _micro_f32(kc, A, pc, Bp, C, i0, j0, add):
    """C[i0:i0+4, j0:j0+16] (+)= A[i0:i0+4, pc:pc+kc] @ Bp for a packed B panel (kc x 16).

    The four accumulator rows live on the stack with constant indices, so LLVM keeps
    them in eight vector registers. A is read in place, four rows side by side (a row
    past the edge of C re-reads the last row; its sums are never stored), and the edge
    tile's bounds are only checked on the way out, never inside the k loop.
    """
    last = C.shape[0] - 1
    r0, r1, r2, r3 = i0, min(i0 + 1, last), min(i0 + 2, last), min(i0 + 3, last)
    c0 = local_array(16, Bp.dtype)
    c1 = local_array(16, Bp.dtype)
    c2 = local_array(16, Bp.dtype)
    c3 = local_array(16, Bp.dtype)
    for j in range(16):
        c0[j] = 0.0
        c1[j] = 0.0
        c2[j] = 0.0
        c3[j] = 0.0
    for p in range(kc):
        a0 = A[r0, pc + p]
        a1 = A[r1, pc + p]
        a2 = A[r2, pc + p]
        a3 = A[r3, pc + p]
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


@helper
def _column_panel_f32(A, B, C, jp, kb, accumulate):
    """C[:, jp*16 : jp*16+16] (+)= A @ B[:, that panel]: pack the panel of B one K block
    at a time, then sweep the micro-kernel down all rows of C."""
    K, N = B.shape
    Bp = np.empty(kb * NR32, B.dtype)
    j0 = jp * NR32
    for pc in range(0, K, kb):
        kc = min(kb, K - pc)
        for p in range(kc):               # pack B[pc:pc+kc, j0:j0+16], zero-padded
            for j in range(NR32):
                Bp[p * NR32 + j] = B[pc + p, j0 + j] if j0 + j < N else 0.0
        add = accumulate or pc > 0
        for i0 in range(0, C.shape[0], MR32):
            _micro_f32(kc, A, pc, Bp, C, i0, j0, add)


def _gemm_f32(A, B, C, accumulate):
    """C (+)= A @ B in float32 for K > 0; A and B may be any strided views, C is
    C-contiguous. Each thread owns whole column panels of C: no two write one element."""
    kb = _k_block(A.shape[1])
    for jp in prange(-(-B.shape[1] // NR32)):
        _column_panel_f32(A, B, C, jp, kb, accumulate)


# --------------------------------------------------------------------------- float64

@helper
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


@helper
def _pack_a_f64(A, Ap, ip):
    """Row panel ip of A into Ap: Ap[ip, i, :] = A[ip*4 + i, :], each row contiguous in k."""
    M, K = A.shape
    for i in range(MR64):
        row = ip * MR64 + i
        base = row * K
        for p in range(K):
            Ap[base + p] = A[row, p] if row < M else 0.0


@helper
def _column_panel_f64(Ap, B, C, jp, kb, accumulate):
    """C[:, jp*3 : jp*3+3] (+)= A @ B[:, that panel], from the packed A."""
    K, N = B.shape
    n_ip = -(-C.shape[0] // MR64)
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


def _gemm_f64(A, B, C, accumulate):
    """C (+)= A @ B in float64 for K > 0; A and B may be any strided views, C is C-contiguous."""
    M, K = A.shape
    N = B.shape[1]
    kb = _k_block(K)
    Ap = np.empty(-(-M // MR64) * MR64 * K, np.float64)   # all of A, packed once
    for ip in range(-(-M // MR64)):
        _pack_a_f64(A, Ap, ip)
    for jp in range(-(-N // NR64)):
        _column_panel_f64(Ap, B, C, jp, kb, accumulate)


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

@helper
def _k_block(K):
    """Equal K blocks of at most KC: 784 -> 4 x 196 rather than 256 + 256 + 256 + 16."""
    n = max(1, -(-K // KC))
    return max(1, -(-K // n))


def _sigs(dt):
    return [f"void({dt}[:,:], {dt}[:,:], {dt}[:,::1], boolean)"]


_KERNELS = {}
for _dt, _fn in (("float32", _gemm_f32), ("float64", _gemm_f64)):
    _KERNELS[_dt, "serial"] = kernel(_sigs(_dt), fastmath=True)(_fn)
    _KERNELS[_dt, "small"] = kernel(_sigs(_dt), fastmath=True)(_gemm_small)
# Threaded for float32 only, like every kernel here (see _jit.kernel_pair): float64 is the
# dtype of gradient checks, and each threaded build costs about two seconds of compile.
_KERNELS["float32", "parallel"] = kernel(_sigs("float32"), fastmath=True, parallel=True)(_gemm_f32)


def matmul_into(A, B, C, accumulate=False):
    """C = A @ B (or C += A @ B) for 2-D arrays of one float dtype; C must be C-contiguous.

    Chooses the unpacked loop for tiny products, the serial blocked kernel for small ones
    (and for all float64 ones), and the parallel blocked kernel for the rest.
    """
    M, K = A.shape
    N = B.shape[1]
    if K == 0:                    # an empty sum
        if not accumulate:
            C.fill(0)
        return C
    flops = M * N * K
    if flops < SMALL_FLOPS or N < 4:
        variant = "small"
    elif flops < PARALLEL_FLOPS or C.dtype != np.float32:
        variant = "serial"
    else:
        variant = "parallel"
    _KERNELS[C.dtype.name, variant](A, B, C, accumulate)
    return C
